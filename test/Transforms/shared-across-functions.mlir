// Each function is placed on its own, and bufferization gives the equal
// constants of two functions one global. When their placements put it in
// different levels, the global goes to the slowest level (no function's
// placement can overfill it) and a warning at one of the constants names both.
// Greedy on nnpi-1000: @small keeps w (16 MiB) in SRAM; @big keeps v there and
// w in the LLC.
// RUN: egrl-opt %s --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o %t.mlir 2>&1 | FileCheck %s --check-prefix=WARN
// RUN: FileCheck %s --input-file=%t.mlir
// WARN: shared-across-functions.mlir:{{[0-9]+}}:{{[0-9]+}}: warning: egrl-apply-memory-spaces: '__constant_4096x4096xf32' is used by functions placed apart that put it in different levels (@small: sram, @big: llc); it goes to the slowest level, 'dram', which no function planned to fill with it
// WARN-NOT: warning
// CHECK-DAG: memref.global "private" constant @__constant_4096x4096xf32 : memref<4096x4096xf32, #egrl.mem<"dram">> = dense_resource<w>
// CHECK-DAG: memref.global "private" constant @__constant_4096x4096xf32_0 : memref<4096x4096xf32, #egrl.mem<"sram">> = dense_resource<v>
// The same in a nested module placed on its own: its own record decides.
// RUN: egrl-opt %S/../Inputs/shared-nested.mlir --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement,one-shot-bufferize{bufferize-function-boundaries}),egrl-apply-memory-spaces)" 2>&1 | FileCheck %s --check-prefix=NESTED
// NESTED: warning: {{.*}} (@small: sram, @big: llc); it goes to the slowest level, 'dram'
// NESTED: memref.global "private" constant @__constant_4096x4096xf32 : memref<4096x4096xf32, #egrl.mem<"dram">>
// v, read by @big alone, keeps its level. With native the functions disagree
// too (w in the LLC for @small, in DRAM for @big).
// RUN: egrl-opt %s --egrl-memory-placement="strategy=native" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=NATIVE
// NATIVE: warning: {{.*}} (@small: llc, @big: dram); it goes to the slowest level, 'dram'
// NATIVE-NOT: warning

func.func @small(%x: tensor<1x4096xf32>) -> tensor<1x4096xf32> {
  %w = arith.constant dense_resource<w> : tensor<4096x4096xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4096xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  return %m : tensor<1x4096xf32>
}
func.func @big(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  %w = arith.constant dense_resource<w> : tensor<4096x4096xf32>
  %v = arith.constant dense_resource<v> : tensor<4096x4096xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x4096xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m = linalg.matmul ins(%x, %v : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m2 = linalg.matmul ins(%m, %w : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  return %m2 : tensor<64x4096xf32>
}
