// Function results that are constants, or computed from weights only (a
// learned table scaled, as a model may return beside its output), are
// folded, as a compiler would, and not graph nodes: the graph says so, naming
// each such result, instead of dropping them quietly.
// RUN: egrl-opt %s --egrl-print-graph="element-bytes=1" -o /dev/null 2>&1 | FileCheck %s
// CHECK: returned-constants.mlir:[[@LINE+18]]:3: warning: egrl: results #1, #2 are a constant or computed from constants only (a compiler folds it): no graph node writes it, so it is not placed, and the constants only it reads are not counted
// CHECK: egrl graph @forward: 1 nodes (fused), 32 MACs, weights 32 B

#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @forward(%x: tensor<1x8xf32>) -> (tensor<1x4xf32>, tensor<1x8xf32>, tensor<1x8xf32>) {
  %w = arith.constant dense<0.5> : tensor<8x4xf32>
  %pos = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]> : tensor<1x8xf32>
  %zero = arith.constant 0.0 : f32
  %two = arith.constant 2.0 : f32
  %e = tensor.empty() : tensor<1x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x8xf32>, tensor<8x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
  %e2 = tensor.empty() : tensor<1x8xf32>
  %scaled = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%pos : tensor<1x8xf32>) outs(%e2 : tensor<1x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %two : f32
    linalg.yield %m : f32
  } -> tensor<1x8xf32>
  return %y, %scaled, %pos : tensor<1x4xf32>, tensor<1x8xf32>, tensor<1x8xf32>
}
