// Placed by hand (the placement rejects scf.if): a concat overwritten in
// place inside a branch whose yield leaves the function, and a concat
// bufferization copies for an op that cannot write into it in place.
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "op", seed = 0, address_spaces = [2, 1, 0]>} {
func.func @branch_yield(%x: tensor<64x64xf32>, %y: tensor<64x128xf32>, %n: index, %p: i1) -> (tensor<64x128xf32>, tensor<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %e = tensor.empty() : tensor<64x64xf32>
  %a = linalg.exp {egrl.placement = #egrl.placement<node = 0, output = "sram">} ins(%x : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %q = scf.if %p -> tensor<64x128xf32> {
    %c = tensor.concat dim(1) %a, %x {egrl.placement = #egrl.placement<node = 3, output = "llc">} : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x128xf32>
    %s = linalg.abs {egrl.placement = #egrl.placement<node = 4, output = "llc">} ins(%y : tensor<64x128xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
    scf.yield %s : tensor<64x128xf32>
  } else {
    scf.yield %y : tensor<64x128xf32>
  }
  return %y, %q : tensor<64x128xf32>, tensor<64x128xf32>
}
}

// -----
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "op", seed = 0, address_spaces = [2, 1, 0]>} {
  func.func @copied_for_an_op(%x: tensor<64x64xf32>, %y: tensor<64x128xf32>) -> tensor<64x128xf32> {
    %c = tensor.concat dim(1) %x, %x {egrl.placement = #egrl.placement<node = 0, output = "dram">} : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x128xf32>
    %s = linalg.abs {egrl.placement = #egrl.placement<node = 1, output = "sram">} ins(%y : tensor<64x128xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
    %e = tensor.empty() : tensor<64x128xf32>
    %u = linalg.add {egrl.placement = #egrl.placement<node = 2, output = "sram">} ins(%s, %c : tensor<64x128xf32>, tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
    return %u : tensor<64x128xf32>
  }
}
