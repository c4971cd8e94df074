// What the graph counts of elements other frontends write.
// RUN: egrl-opt %s --egrl-print-graph -o /dev/null 2>&1 | FileCheck %s
// Remarks come before the graphs.
// CHECK: element-storage.mlir:23:9: remark: egrl: tensors with encoding #sparse_tensor.encoding<{ map = (d0, d1) -> (d0 : dense, d1 : compressed) }> are counted as dense
// CHECK-NOT: remark: egrl: tensors with encoding

// An element past a byte takes a power of two of bytes, as stored: i24 four
// (64 x 32 weights: 8192 B, not 6144).
// CHECK-LABEL: egrl graph @odd_width: 1 nodes (fused), 16384 MACs, weights 8192 B
func.func @odd_width(%x: tensor<8x64xi24>) -> tensor<8x32xi24> {
  %w = arith.constant dense_resource<w> : tensor<64x32xi24>
  %z = arith.constant 0 : i24
  %e = tensor.empty() : tensor<8x32xi24>
  %f = linalg.fill ins(%z : i24) outs(%e : tensor<8x32xi24>) -> tensor<8x32xi24>
  %c = linalg.matmul ins(%x, %w : tensor<8x64xi24>, tensor<64x32xi24>) outs(%f : tensor<8x32xi24>) -> tensor<8x32xi24>
  return %c : tensor<8x32xi24>
}

// A sparse encoding is counted as dense, and said so once.
// CHECK-LABEL: egrl graph @sparse: 1 nodes (fused), 32768 MACs, weights 16384 B
func.func @sparse(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %w = arith.constant sparse<[[0, 0], [5, 7]], [1.0, 2.0]> : tensor<64x64xf32>
  %ws = sparse_tensor.convert %w : tensor<64x64xf32> to tensor<64x64xf32, #sparse_tensor.encoding<{ map = (d0, d1) -> (d0 : dense, d1 : compressed) }>>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %m = linalg.matmul ins(%x, %ws : tensor<8x64xf32>, tensor<64x64xf32, #sparse_tensor.encoding<{ map = (d0, d1) -> (d0 : dense, d1 : compressed) }>>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %m : tensor<8x64xf32>
}

// A TOSA variable is state the program changes (a KV cache): read from the
// host, as a mutable ml_program global is, not a weight.
// CHECK-LABEL: egrl graph @state: 1 nodes (fused), 0 MACs, weights 0 B
// CHECK-NEXT: #0 n0_add kind=elementwise ops=1 macs=0 vops=64 weights=0 out=256 host_in=512
tosa.variable @cache = dense<0.0> : tensor<1x64xf32>
func.func @state(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %s = tosa.variable_read @cache : tensor<1x64xf32>
  %y = tosa.add %x, %s : (tensor<1x64xf32>, tensor<1x64xf32>) -> tensor<1x64xf32>
  tosa.variable_write @cache, %y : tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
