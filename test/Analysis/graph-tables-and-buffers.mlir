// RUN: egrl-opt %s --egrl-print-graph -o /dev/null -split-input-file 2>/dev/null | FileCheck %s
// RUN: egrl-opt %s --egrl-print-graph -o /dev/null -split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN

// A table computed from loop indices alone (torch.arange, a positional
// encoding) folds into a constant: a weight its reader reads, not nothing.
// CHECK-LABEL: egrl graph @iota: 2 nodes (fused), 0 MACs, weights 1024 B
// CHECK-NEXT: #0 n0_addf kind=elementwise ops=1 macs=0 vops=256 weights=1024 out=1024 host_in=1024 in=[] last_use=1
func.func @iota(%x: tensor<16x16xf32>, %s: f32) -> tensor<16x16xf32> {
  %e = tensor.empty() : tensor<16x16xf32>
  %i = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<16x16xf32>) {
  ^bb0(%o: f32):
    %a = linalg.index 0 : index
    %b = arith.index_cast %a : index to i64
    %c = arith.sitofp %b : i64 to f32
    linalg.yield %c : f32
  } -> tensor<16x16xf32>
  %r = arith.addf %x, %i : tensor<16x16xf32>
  %f = linalg.fill ins(%s : f32) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
  %r2 = arith.addf %r, %f : tensor<16x16xf32>
  return %r2 : tensor<16x16xf32>
}

// -----

// An element that is a vector is the whole vector: 16 bytes here.
// CHECK-LABEL: egrl graph @vectors: 1 nodes (fused), 0 MACs, weights 0 B
// CHECK-NEXT: #0 n0_generic kind=elementwise ops=1 macs=0 vops=2 weights=0 out=32 host_in=64
#map = affine_map<(d0) -> (d0)>
func.func @vectors(%x: tensor<2xvector<4xf32>>, %y: tensor<2xvector<4xf32>>) -> tensor<2xvector<4xf32>> {
  %e = tensor.empty() : tensor<2xvector<4xf32>>
  %0 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]} ins(%x, %y : tensor<2xvector<4xf32>>, tensor<2xvector<4xf32>>) outs(%e : tensor<2xvector<4xf32>>) {
  ^bb0(%a: vector<4xf32>, %b: vector<4xf32>, %o: vector<4xf32>):
    %s = arith.addf %a, %b : vector<4xf32>
    linalg.yield %s : vector<4xf32>
  } -> tensor<2xvector<4xf32>>
  return %0 : tensor<2xvector<4xf32>>
}

// -----

// The same constant twice is one weight, shared, as after CSE
// (--canonicalize gives this graph too).
// CHECK-LABEL: egrl graph @twice: 2 nodes (fused), 1024 MACs, weights 512 B
// CHECK-NEXT: #0 n0_matmul kind=matmul ops=1 macs=512 vops=0 weights=512
// CHECK-NEXT: #1 n1_matmul kind=matmul ops=1 macs=512 vops=0 weights=0 out=256 host_in=128 in=[0] shared_weights=[0]
func.func @twice(%x: tensor<4x8xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense_resource<w> : tensor<8x16xf32>
  %w2 = arith.constant dense_resource<w> : tensor<8x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %r2 = linalg.matmul ins(%x, %w2 : tensor<4x8xf32>, tensor<8x16xf32>) outs(%r : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r2 : tensor<4x16xf32>
}

// -----

// Compute on buffers is not in the graph: said once, where it starts.
// WARN: [[@LINE+6]]:3: warning: egrl: 'linalg.matmul' computes on buffers (memref), not tensors; the placement sees only tensor IR, so compute on buffers is not placed: run it before bufferization (one-shot-bufferize)
// WARN-NOT: computes on buffers
// CHECK-LABEL: egrl graph @buffers: 0 nodes
memref.global "private" constant @w : memref<8x16xf32> = dense<1.0>
func.func @buffers(%x: memref<4x8xf32>, %out: memref<4x16xf32>) {
  %w = memref.get_global @w : memref<8x16xf32>
  linalg.matmul ins(%x, %w : memref<4x8xf32>, memref<8x16xf32>) outs(%out : memref<4x16xf32>)
  linalg.add ins(%out, %out : memref<4x16xf32>, memref<4x16xf32>) outs(%out : memref<4x16xf32>)
  return
}
