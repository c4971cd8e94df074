// Ops whose init is not a buffer of their own: bufferization writes them in
// place, so the level their placement names cannot be applied, and a
// warning says so. The matmul (node 2) accumulates into node 0's output,
// the last generic (node 3, placed by hand) into the function's argument %y.
// RUN: egrl-opt %s --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s
// CHECK: apply-in-place.mlir:[[# @LINE + 22]]:10: warning: egrl-apply-memory-spaces: the op (node 2) writes its output in place into node 0's buffer, which keeps that node's level 'dram', not 'sram'
// CHECK: apply-in-place.mlir:[[# @LINE + 22]]:10: warning: egrl-apply-memory-spaces: the op writes its output into a buffer the function receives, so its placement's output level 'sram' is not applied
// CHECK-NOT: warning
// RUN: egrl-opt %S/../Inputs/in-place-views.mlir --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=VIEWS
// VIEWS: in-place-views.mlir:8:10: warning: egrl-apply-memory-spaces: the op writes its output into a buffer the function receives
// VIEWS-NOT: warning

#map = affine_map<(d0, d1) -> (d0, d1)>
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
  func.func @acc(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
    %w = arith.constant dense_resource<w> : tensor<32x32xf32>
    %e = tensor.empty() : tensor<32x32xf32>
    %a = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x32xf32>) outs(%e : tensor<32x32xf32>) attrs = {egrl.placement = #egrl.placement<node = 0, output = "dram">} {
    ^bb0(%in: f32, %out: f32):
      %s = math.exp %in : f32
      linalg.yield %s : f32
    } -> tensor<32x32xf32>
    %b = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<32x32xf32>) outs(%e : tensor<32x32xf32>) attrs = {egrl.placement = #egrl.placement<node = 1, output = "sram">} {
    ^bb0(%in: f32, %out: f32):
      %s = math.log %in : f32
      linalg.yield %s : f32
    } -> tensor<32x32xf32>
    %m = linalg.matmul {egrl.placement = #egrl.placement<node = 2, weights = "sram", output = "sram">} ins(%b, %w : tensor<32x32xf32>, tensor<32x32xf32>) outs(%a : tensor<32x32xf32>) -> tensor<32x32xf32>
    %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<32x32xf32>) outs(%y : tensor<32x32xf32>) attrs = {egrl.placement = #egrl.placement<node = 3, output = "sram">} {
    ^bb0(%in: f32, %out: f32):
      %s = arith.addf %in, %out : f32
      linalg.yield %s : f32
    } -> tensor<32x32xf32>
    return %r : tensor<32x32xf32>
  }
}
