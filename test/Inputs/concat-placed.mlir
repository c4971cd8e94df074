// Placed by hand (the levels differ on purpose): a concat in the LLC that an
// op later overwrites in place, a torch-mlir style chain of inserts into an
// empty tensor in DRAM, a concat of one input, and a concat the function
// returns.
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "op", seed = 0, address_spaces = [2, 1, 0]>} {
  func.func @cat(%a: tensor<64x32xf32>, %b: tensor<64x32xf32>) -> tensor<64x64xf32> {
    %e1 = tensor.empty() : tensor<64x32xf32>
    %ea = linalg.exp {egrl.placement = #egrl.placement<node = 0, output = "sram">} ins(%a : tensor<64x32xf32>) outs(%e1 : tensor<64x32xf32>) -> tensor<64x32xf32>
    %eb = linalg.exp {egrl.placement = #egrl.placement<node = 1, output = "sram">} ins(%b : tensor<64x32xf32>) outs(%e1 : tensor<64x32xf32>) -> tensor<64x32xf32>
    %c = tensor.concat dim(1) %ea, %eb {egrl.placement = #egrl.placement<node = 2, output = "llc">} : (tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x64xf32>
    %e = tensor.empty() : tensor<64x64xf32>
    %r = linalg.exp {egrl.placement = #egrl.placement<node = 3, output = "sram">} ins(%c : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
    %s = linalg.abs {egrl.placement = #egrl.placement<node = 4, output = "sram">} ins(%r : tensor<64x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
    %e2 = tensor.empty() : tensor<64x64xf32>
    %i0 = tensor.insert_slice %ea into %e2[0, 0] [64, 32] [1, 1] {egrl.placement = #egrl.placement<node = 5, output = "dram">} : tensor<64x32xf32> into tensor<64x64xf32>
    %i1 = tensor.insert_slice %eb into %i0[0, 32] [64, 32] [1, 1] {egrl.placement = #egrl.placement<node = 6, output = "sram">} : tensor<64x32xf32> into tensor<64x64xf32>
    %one = tensor.concat dim(1) %s {egrl.placement = #egrl.placement<node = 7, output = "llc">} : (tensor<64x64xf32>) -> tensor<64x64xf32>
    %e3 = tensor.empty() : tensor<64x64xf32>
    %t = linalg.add {egrl.placement = #egrl.placement<node = 8, output = "sram">} ins(%one, %i1 : tensor<64x64xf32>, tensor<64x64xf32>) outs(%e3 : tensor<64x64xf32>) -> tensor<64x64xf32>
    %out = tensor.concat dim(1) %t, %t {egrl.placement = #egrl.placement<node = 9, output = "sram">} : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x128xf32>
    %half = tensor.extract_slice %out[0, 0] [64, 64] [1, 1] : tensor<64x128xf32> to tensor<64x64xf32>
    return %half : tensor<64x64xf32>
  }
}
