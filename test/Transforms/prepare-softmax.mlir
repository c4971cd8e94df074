// linalg.softmax bufferizes into a new op without its attributes: before
// 2026-12-04 the buffer it writes stayed in the default space (a warning,
// an error with require-all). egrl-prepare-bufferization now allocates its
// empty init in the softmax's level, as it does a concatenation's.
// RUN: egrl-opt %s --egrl-memory-placement="granularity=op" --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces 2>&1 | FileCheck %s
// CHECK: %[[S:.*]] = memref.alloc() {{.*}} : memref<4x8xf32, #egrl.mem<"sram">>
// CHECK: linalg.softmax dimension(1) ins(%arg0 : {{.*}}) outs(%[[S]] : memref<4x8xf32, #egrl.mem<"sram">>)
// CHECK: linalg.exp {{.*}} ins(%[[S]] : memref<4x8xf32, #egrl.mem<"sram">>)

// A softmax the function returns stays in the default space (upstream cannot
// return a buffer of another memory space), with the warning at the op.
// RUN: egrl-opt %s --egrl-memory-placement="granularity=op" --egrl-prepare-bufferization -o /dev/null 2>&1 | FileCheck %s --check-prefix=RETURNED
// RETURNED: prepare-softmax.mlir:[[# @LINE + 12]]:8: warning: egrl-prepare-bufferization: left in the default memory space, 1 placed op whose bufferization allocates anew {{.*}} whose result reaches a return

func.func @inside(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %e2 = tensor.empty() : tensor<4x8xf32>
  %n = linalg.exp ins(%s : tensor<4x8xf32>) outs(%e2 : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %n : tensor<4x8xf32>
}

func.func @returned(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}
