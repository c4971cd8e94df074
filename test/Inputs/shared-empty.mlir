// Two placed ops whose inits CSE merged into one tensor.empty.
#map = affine_map<(d0, d1) -> (d0, d1)>
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
  func.func @chain(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
    %e = tensor.empty() : tensor<32x32xf32>
    %a = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x32xf32>) outs(%e : tensor<32x32xf32>) attrs = {egrl.placement = #egrl.placement<node = 0, output = "dram">} {
    ^bb0(%in: f32, %out: f32):
      %s = math.exp %in : f32
      linalg.yield %s : f32
    } -> tensor<32x32xf32>
    %b = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<32x32xf32>) outs(%e : tensor<32x32xf32>) attrs = {egrl.placement = #egrl.placement<node = 1, output = "sram">} {
    ^bb0(%in: f32, %out: f32):
      %s = math.log %in : f32
      linalg.yield %s : f32
    } -> tensor<32x32xf32>
    %c = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<32x32xf32>) outs(%e : tensor<32x32xf32>) attrs = {egrl.placement = #egrl.placement<node = 2, output = "llc">} {
    ^bb0(%in: f32, %out: f32):
      %s = math.sqrt %in : f32
      linalg.yield %s : f32
    } -> tensor<32x32xf32>
    return %c : tensor<32x32xf32>
  }
}
