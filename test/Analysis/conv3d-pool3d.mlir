// 3-D convolution and pooling as python/egrl-import emits them (a video model's ops,
// models/README.md): the named NCDHW conv and depthwise conv, a grouped conv and
// pooling as linalg.generic window ops (linalg has no NCDHW grouped conv or pooling op).
// The convs cost their MACs (4x4x4x4 outputs x 2x3x3x3, x 3x3x3, x 2), the grouped
// generic is a conv by its window, and the pooling generics are pools (vector ops).
// RUN: egrl-opt %s --egrl-print-graph -o /dev/null | FileCheck %s

// CHECK: egrl graph @forward: 5 nodes (fused), 21248 MACs, weights 1328 B
// CHECK-NEXT: #0 n0_conv_3d_ncdhw_fcdhw kind=conv ops=1 macs=13824 vops=0 weights=864 out=1024 host_in=512 in=[]
// CHECK-NEXT: #1 n1_depthwise_conv_3d_ncdhw_cdhw kind=depthwise_conv ops=1 macs=6912 vops=0 weights=432 out=1024 host_in=0 in=[0]
// CHECK-NEXT: #2 n2_generic kind=conv ops=1 macs=512 vops=0 weights=32 out=1024 host_in=0 in=[1]
// CHECK-NEXT: #3 n3_generic kind=pool ops=1 macs=0 vops=256 weights=0 out=128 host_in=0 in=[2]
// CHECK-NEXT: #4 n4_generic kind=pool ops=2 macs=0 vops=36 weights=0 out=16 host_in=0 in=[3]

#map = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d0, d1, d6, d3 + d7, d4 + d8, d5 + d9)>
#map1 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d1, d2, d6, d7, d8, d9)>
#map2 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d0, d1, d2, d3, d4, d5)>
#map3 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2 * 2 + d5, d3 * 2 + d6, d4 * 2 + d7)>
#map4 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d5, d6, d7)>
#map5 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
#map6 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
module {
  func.func @forward(%arg0: tensor<1x2x4x4x4xf32>) -> tensor<1x4x1x1x1xf32> {
    %0 = arith.constant dense_resource<conv_weight> : tensor<4x2x3x3x3xf32> loc("conv")
    %1 = arith.constant 0.0 : f32
    %2 = tensor.pad %arg0 low[0, 0, 1, 1, 1] high[0, 0, 1, 1, 1] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index, %i4: index):
      tensor.yield %1 : f32
    } : tensor<1x2x4x4x4xf32> to tensor<1x2x6x6x6xf32> loc("conv")
    %3 = tensor.empty() : tensor<1x4x4x4x4xf32> loc("conv")
    %4 = linalg.fill ins(%1 : f32) outs(%3 : tensor<1x4x4x4x4xf32>) -> tensor<1x4x4x4x4xf32> loc("conv")
    %5 = linalg.conv_3d_ncdhw_fcdhw {dilations = dense<1> : vector<3xi64>, strides = dense<1> : vector<3xi64>} ins(%2, %0 : tensor<1x2x6x6x6xf32>, tensor<4x2x3x3x3xf32>) outs(%4 : tensor<1x4x4x4x4xf32>) -> tensor<1x4x4x4x4xf32> loc("conv")
    %6 = arith.constant dense_resource<dw_weight> : tensor<4x1x3x3x3xf32> loc("dw")
    %7 = tensor.pad %5 low[0, 0, 1, 1, 1] high[0, 0, 1, 1, 1] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index, %i4: index):
      tensor.yield %1 : f32
    } : tensor<1x4x4x4x4xf32> to tensor<1x4x6x6x6xf32> loc("dw")
    %8 = tensor.empty() : tensor<1x4x4x4x4xf32> loc("dw")
    %9 = linalg.fill ins(%1 : f32) outs(%8 : tensor<1x4x4x4x4xf32>) -> tensor<1x4x4x4x4xf32> loc("dw")
    %10 = tensor.collapse_shape %6 [[0, 1], [2], [3], [4]] : tensor<4x1x3x3x3xf32> into tensor<4x3x3x3xf32> loc("dw")
    %11 = linalg.depthwise_conv_3d_ncdhw_cdhw {dilations = dense<1> : vector<3xi64>, strides = dense<1> : vector<3xi64>} ins(%7, %10 : tensor<1x4x6x6x6xf32>, tensor<4x3x3x3xf32>) outs(%9 : tensor<1x4x4x4x4xf32>) -> tensor<1x4x4x4x4xf32> loc("dw")
    %12 = arith.constant dense_resource<grouped_weight> : tensor<4x2x1x1x1xf32> loc("grouped")
    %13 = tensor.empty() : tensor<1x4x4x4x4xf32> loc("grouped")
    %14 = linalg.fill ins(%1 : f32) outs(%13 : tensor<1x4x4x4x4xf32>) -> tensor<1x4x4x4x4xf32> loc("grouped")
    %15 = tensor.expand_shape %11 [[0], [1, 2], [3], [4], [5]] output_shape [1, 2, 2, 4, 4, 4] : tensor<1x4x4x4x4xf32> into tensor<1x2x2x4x4x4xf32> loc("grouped")
    %16 = tensor.expand_shape %12 [[0, 1], [2], [3], [4], [5]] output_shape [2, 2, 2, 1, 1, 1] : tensor<4x2x1x1x1xf32> into tensor<2x2x2x1x1x1xf32> loc("grouped")
    %17 = tensor.expand_shape %14 [[0], [1, 2], [3], [4], [5]] output_shape [1, 2, 2, 4, 4, 4] : tensor<1x4x4x4x4xf32> into tensor<1x2x2x4x4x4xf32> loc("grouped")
    %18 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]} ins(%15, %16 : tensor<1x2x2x4x4x4xf32>, tensor<2x2x2x1x1x1xf32>) outs(%17 : tensor<1x2x2x4x4x4xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      %b1 = arith.addf %out, %b0 : f32
      linalg.yield %b1 : f32
    } -> tensor<1x2x2x4x4x4xf32> loc("grouped")
    %19 = tensor.collapse_shape %18 [[0], [1, 2], [3], [4], [5]] : tensor<1x2x2x4x4x4xf32> into tensor<1x4x4x4x4xf32> loc("grouped")
    %20 = arith.constant 0xFF800000 : f32
    %21 = tensor.empty() : tensor<1x4x2x2x2xf32> loc("pool")
    %22 = linalg.fill ins(%20 : f32) outs(%21 : tensor<1x4x2x2x2xf32>) -> tensor<1x4x2x2x2xf32> loc("pool")
    %23 = tensor.empty() : tensor<2x2x2xf32> loc("pool")
    %24 = linalg.generic {indexing_maps = [#map3, #map4, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%19, %23 : tensor<1x4x4x4x4xf32>, tensor<2x2x2xf32>) outs(%22 : tensor<1x4x2x2x2xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.maximumf %in, %out : f32
      linalg.yield %b0 : f32
    } -> tensor<1x4x2x2x2xf32> loc("pool")
    %25 = tensor.empty() : tensor<1x4x1x1x1xf32> loc("avg")
    %26 = linalg.fill ins(%1 : f32) outs(%25 : tensor<1x4x1x1x1xf32>) -> tensor<1x4x1x1x1xf32> loc("avg")
    %27 = tensor.empty() : tensor<2x2x2xf32> loc("avg")
    %28 = linalg.generic {indexing_maps = [#map3, #map4, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%24, %27 : tensor<1x4x2x2x2xf32>, tensor<2x2x2xf32>) outs(%26 : tensor<1x4x1x1x1xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %out : f32
      linalg.yield %b0 : f32
    } -> tensor<1x4x1x1x1xf32> loc("avg")
    %29 = arith.constant 8.0 : f32
    %30 = tensor.empty() : tensor<1x4x1x1x1xf32> loc("avg")
    %31 = linalg.generic {indexing_maps = [#map6, #map6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%28 : tensor<1x4x1x1x1xf32>) outs(%30 : tensor<1x4x1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.divf %in, %29 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x4x1x1x1xf32> loc("avg")
    return %31 : tensor<1x4x1x1x1xf32>
  }
}

