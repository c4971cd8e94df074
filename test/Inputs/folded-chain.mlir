// A weight computed by a chain of six folded ops from constants (Swin V2's
// continuous position bias in miniature, imported by egrl-import).
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map3 = affine_map<(d0, d1, d2) -> (d1, d2)>
#map4 = affine_map<(d0, d1, d2) -> (d2)>
module {
  func.func @forward(%arg0: tensor<1x49x16xf32>) -> tensor<1x49x16xf32> {
    %0 = arith.constant dense_resource<table> : tensor<49x2xf32> loc("table")
    %1 = arith.constant dense_resource<mlp_0_weight> : tensor<64x2xf32> loc("mlp.0")
    %2 = arith.constant dense_resource<mlp_0_bias> : tensor<64xf32> loc("mlp.0")
    %3 = tensor.empty() : tensor<2x64xf32> loc("mlp.0")
    %4 = linalg.transpose ins(%1 : tensor<64x2xf32>) outs(%3 : tensor<2x64xf32>) permutation = [1, 0] loc("mlp.0")
    %5 = arith.constant 0.0 : f32
    %6 = tensor.empty() : tensor<49x64xf32> loc("mlp.0")
    %7 = linalg.fill ins(%5 : f32) outs(%6 : tensor<49x64xf32>) -> tensor<49x64xf32> loc("mlp.0")
    %8 = linalg.matmul ins(%0, %4 : tensor<49x2xf32>, tensor<2x64xf32>) outs(%7 : tensor<49x64xf32>) -> tensor<49x64xf32> loc("mlp.0")
    %9 = tensor.empty() : tensor<49x64xf32> loc("mlp.0")
    %10 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%8, %2 : tensor<49x64xf32>, tensor<64xf32>) outs(%9 : tensor<49x64xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<49x64xf32> loc("mlp.0")
    %11 = tensor.empty() : tensor<49x64xf32> loc("mlp.1")
    %12 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%10 : tensor<49x64xf32>) outs(%11 : tensor<49x64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.maximumf %in, %5 : f32
      linalg.yield %b0 : f32
    } -> tensor<49x64xf32> loc("mlp.1")
    %13 = arith.constant dense_resource<mlp_2_weight> : tensor<16x64xf32> loc("mlp.2")
    %14 = arith.constant dense_resource<mlp_2_bias> : tensor<16xf32> loc("mlp.2")
    %15 = tensor.empty() : tensor<64x16xf32> loc("mlp.2")
    %16 = linalg.transpose ins(%13 : tensor<16x64xf32>) outs(%15 : tensor<64x16xf32>) permutation = [1, 0] loc("mlp.2")
    %17 = tensor.empty() : tensor<49x16xf32> loc("mlp.2")
    %18 = linalg.fill ins(%5 : f32) outs(%17 : tensor<49x16xf32>) -> tensor<49x16xf32> loc("mlp.2")
    %19 = linalg.matmul ins(%12, %16 : tensor<49x64xf32>, tensor<64x16xf32>) outs(%18 : tensor<49x16xf32>) -> tensor<49x16xf32> loc("mlp.2")
    %20 = tensor.empty() : tensor<49x16xf32> loc("mlp.2")
    %21 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%19, %14 : tensor<49x16xf32>, tensor<16xf32>) outs(%20 : tensor<49x16xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<49x16xf32> loc("mlp.2")
    %22 = tensor.empty() : tensor<1x49x16xf32> loc("add")
    %23 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %21 : tensor<1x49x16xf32>, tensor<49x16xf32>) outs(%22 : tensor<1x49x16xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x49x16xf32> loc("add")
    %24 = arith.constant dense_resource<fc_weight> : tensor<16x16xf32> loc("fc")
    %25 = arith.constant dense_resource<fc_bias> : tensor<16xf32> loc("fc")
    %26 = tensor.empty() : tensor<16x16xf32> loc("fc")
    %27 = linalg.transpose ins(%24 : tensor<16x16xf32>) outs(%26 : tensor<16x16xf32>) permutation = [1, 0] loc("fc")
    %28 = tensor.collapse_shape %23 [[0, 1], [2]] : tensor<1x49x16xf32> into tensor<49x16xf32> loc("fc")
    %29 = tensor.empty() : tensor<49x16xf32> loc("fc")
    %30 = linalg.fill ins(%5 : f32) outs(%29 : tensor<49x16xf32>) -> tensor<49x16xf32> loc("fc")
    %31 = linalg.matmul ins(%28, %27 : tensor<49x16xf32>, tensor<16x16xf32>) outs(%30 : tensor<49x16xf32>) -> tensor<49x16xf32> loc("fc")
    %32 = tensor.expand_shape %31 [[0, 1], [2]] output_shape [1, 49, 16] : tensor<49x16xf32> into tensor<1x49x16xf32> loc("fc")
    %33 = tensor.empty() : tensor<1x49x16xf32> loc("fc")
    %34 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%32, %25 : tensor<1x49x16xf32>, tensor<16xf32>) outs(%33 : tensor<1x49x16xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x49x16xf32> loc("fc")
    return %34 : tensor<1x49x16xf32>
  }
}
