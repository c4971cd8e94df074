// Two functions placed on nnpi-1000 and a nested module placed on its own on
// edge-small (builtin.module(builtin.module(egrl-memory-placement))).
#map = affine_map<(d0, d1) -> (d0, d1)>
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0, address_spaces = [2, 1, 0], target_digest = "9d260671804a096a">} {
  func.func @a(%arg0: tensor<4x16xf32>) -> tensor<4x16xf32> {
    %cst = arith.constant dense<5.000000e-01> : tensor<16x16xf32>
    %cst_0 = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<4x16xf32>
    %1 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<4x16xf32>) -> tensor<4x16xf32>
    %2 = linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "sram", output = "sram">} ins(%arg0, %cst : tensor<4x16xf32>, tensor<16x16xf32>) outs(%1 : tensor<4x16xf32>) -> tensor<4x16xf32>
    return %2 : tensor<4x16xf32>
  }
  func.func @b(%arg0: tensor<4x16xf32>) -> tensor<4x16xf32> {
    %cst = arith.constant dense<5.000000e-01> : tensor<16x16xf32>
    %cst_0 = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<4x16xf32>
    %1 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<4x16xf32>) -> tensor<4x16xf32>
    %2 = linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "sram", output = "sram">} ins(%arg0, %cst : tensor<4x16xf32>, tensor<16x16xf32>) outs(%1 : tensor<4x16xf32>) -> tensor<4x16xf32>
    %3 = tensor.empty() : tensor<4x16xf32>
    %4 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%2 : tensor<4x16xf32>) outs(%3 : tensor<4x16xf32>) attrs =  {egrl.placement = #egrl.placement<node = 0, output = "sram">} {
    ^bb0(%in: f32, %out: f32):
      %5 = arith.maximumf %in, %cst_0 : f32
      linalg.yield %5 : f32
    } -> tensor<4x16xf32>
    return %4 : tensor<4x16xf32>
  }
  module @inner attributes {egrl.record = #egrl.record<target = "edge-small", levels = ["scratch", "l2", "lpddr"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0, address_spaces = [2, 1, 0], target_digest = "81016adc5e85a0d4">} {
    func.func @c(%arg0: tensor<4x16xf32>) -> tensor<4x16xf32> {
      %cst = arith.constant dense<7.500000e-01> : tensor<16x16xf32>
      %cst_0 = arith.constant 0.000000e+00 : f32
      %0 = tensor.empty() : tensor<4x16xf32>
      %1 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<4x16xf32>) -> tensor<4x16xf32>
      %2 = linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "scratch", output = "scratch">} ins(%arg0, %cst : tensor<4x16xf32>, tensor<16x16xf32>) outs(%1 : tensor<4x16xf32>) -> tensor<4x16xf32>
      return %2 : tensor<4x16xf32>
    }
  }
}

