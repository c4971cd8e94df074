// In-place writes through a view of an argument (warned), and into a loop's
// iteration argument (node 0's buffer: no warning).
#map = affine_map<(d0, d1) -> (d0, d1)>
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
  // init is a slice of the argument: written in place into the caller's buffer
  func.func @slice(%x: tensor<32x32xf32>, %y: tensor<64x32xf32>) -> tensor<64x32xf32> {
    %s = tensor.extract_slice %y[0, 0] [32, 32] [1, 1] : tensor<64x32xf32> to tensor<32x32xf32>
    %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x32xf32>) outs(%s : tensor<32x32xf32>) attrs = {egrl.placement = #egrl.placement<node = 0, output = "sram">} {
    ^bb0(%in: f32, %out: f32):
      %a = arith.addf %in, %out : f32
      linalg.yield %a : f32
    } -> tensor<32x32xf32>
    %i = tensor.insert_slice %r into %y[0, 0] [32, 32] [1, 1] : tensor<32x32xf32> into tensor<64x32xf32>
    return %i : tensor<64x32xf32>
  }
  // init is a loop-carried value
  func.func @loop(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %e = tensor.empty() : tensor<32x32xf32>
    %f = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x32xf32>) outs(%e : tensor<32x32xf32>) attrs = {egrl.placement = #egrl.placement<node = 0, output = "dram">} {
    ^bb0(%in: f32, %out: f32):
      %s = math.exp %in : f32
      linalg.yield %s : f32
    } -> tensor<32x32xf32>
    %l = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %f) -> tensor<32x32xf32> {
      %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x32xf32>) outs(%acc : tensor<32x32xf32>) attrs = {egrl.placement = #egrl.placement<node = 1, output = "sram">} {
      ^bb0(%in: f32, %out: f32):
        %a = arith.addf %in, %out : f32
        linalg.yield %a : f32
      } -> tensor<32x32xf32>
      scf.yield %r : tensor<32x32xf32>
    }
    return %l : tensor<32x32xf32>
  }
}
