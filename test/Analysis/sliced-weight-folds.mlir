// Slices of one packed weight (a packed QKV, nn.MultiheadAttention's
// in_proj_weight when key and value differ), each folded (transposed for its
// matmul), are as many constants as slices: the fold of a view is told apart
// by the view. They were one, of one slice's size, whatever the offsets
// (outside tester s43: ten layers of a hand-sliced QKV counted 10.03 MiB of
// its 30 MiB, and greedy called an overfull SRAM valid). The same slice
// folded twice is still one constant, and slices read directly, unfolded,
// are the whole weight once, shared.
// RUN: egrl-opt %s --egrl-print-graph -o /dev/null 2>&1 | FileCheck %s

// CHECK-LABEL: egrl graph @halves: 2 nodes (fused), 1920 MACs, weights 2560 B
// CHECK-NEXT: #0 n0_matmul {{.*}} weights=1280 {{.*}}
// CHECK-NEXT: #1 n1_matmul {{.*}} weights=1280 {{.*}}
func.func @halves(%x: tensor<3x10xf32>, %y: tensor<3x10xf32>) -> (tensor<3x32xf32>, tensor<3x32xf32>) {
  %w = arith.constant dense_resource<w> : tensor<2x32x10xf32>
  %z = arith.constant 0.0 : f32
  %a = tensor.extract_slice %w[0, 0, 0] [1, 32, 10] [1, 1, 1] : tensor<2x32x10xf32> to tensor<32x10xf32>
  %ea = tensor.empty() : tensor<10x32xf32>
  %at = linalg.transpose ins(%a : tensor<32x10xf32>) outs(%ea : tensor<10x32xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<3x32xf32>
  %f = linalg.fill ins(%z : f32) outs(%o : tensor<3x32xf32>) -> tensor<3x32xf32>
  %r0 = linalg.matmul ins(%x, %at : tensor<3x10xf32>, tensor<10x32xf32>) outs(%f : tensor<3x32xf32>) -> tensor<3x32xf32>
  %b = tensor.extract_slice %w[1, 0, 0] [1, 32, 10] [1, 1, 1] : tensor<2x32x10xf32> to tensor<32x10xf32>
  %eb = tensor.empty() : tensor<10x32xf32>
  %bt = linalg.transpose ins(%b : tensor<32x10xf32>) outs(%eb : tensor<10x32xf32>) permutation = [1, 0]
  %r1 = linalg.matmul ins(%y, %bt : tensor<3x10xf32>, tensor<10x32xf32>) outs(%f : tensor<3x32xf32>) -> tensor<3x32xf32>
  return %r0, %r1 : tensor<3x32xf32>, tensor<3x32xf32>
}

// CHECK-LABEL: egrl graph @same_half_twice: 2 nodes (fused), 1920 MACs, weights 1280 B
// CHECK-NEXT: #0 n0_matmul {{.*}} weights=1280 {{.*}}
// CHECK-NEXT: #1 n1_matmul {{.*}} weights=0 {{.*}} shared_weights=[0]
func.func @same_half_twice(%x: tensor<3x10xf32>, %y: tensor<3x10xf32>) -> (tensor<3x32xf32>, tensor<3x32xf32>) {
  %w = arith.constant dense_resource<w> : tensor<2x32x10xf32>
  %z = arith.constant 0.0 : f32
  %a = tensor.extract_slice %w[1, 0, 0] [1, 32, 10] [1, 1, 1] : tensor<2x32x10xf32> to tensor<32x10xf32>
  %ea = tensor.empty() : tensor<10x32xf32>
  %at = linalg.transpose ins(%a : tensor<32x10xf32>) outs(%ea : tensor<10x32xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<3x32xf32>
  %f = linalg.fill ins(%z : f32) outs(%o : tensor<3x32xf32>) -> tensor<3x32xf32>
  %r0 = linalg.matmul ins(%x, %at : tensor<3x10xf32>, tensor<10x32xf32>) outs(%f : tensor<3x32xf32>) -> tensor<3x32xf32>
  %b = tensor.extract_slice %w[1, 0, 0] [1, 32, 10] [1, 1, 1] : tensor<2x32x10xf32> to tensor<32x10xf32>
  %eb = tensor.empty() : tensor<10x32xf32>
  %bt = linalg.transpose ins(%b : tensor<32x10xf32>) outs(%eb : tensor<10x32xf32>) permutation = [1, 0]
  %r1 = linalg.matmul ins(%y, %bt : tensor<3x10xf32>, tensor<10x32xf32>) outs(%f : tensor<3x32xf32>) -> tensor<3x32xf32>
  return %r0, %r1 : tensor<3x32xf32>, tensor<3x32xf32>
}

// CHECK-LABEL: egrl graph @halves_unfolded: 2 nodes (fused), 1920 MACs, weights 2560 B
// CHECK-NEXT: #0 n0_matmul {{.*}} weights=2560 {{.*}}
// CHECK-NEXT: #1 n1_matmul {{.*}} weights=0 {{.*}} shared_weights=[0]
func.func @halves_unfolded(%x: tensor<3x32xf32>, %y: tensor<3x32xf32>) -> (tensor<3x10xf32>, tensor<3x10xf32>) {
  %w = arith.constant dense_resource<w> : tensor<2x32x10xf32>
  %z = arith.constant 0.0 : f32
  %a = tensor.extract_slice %w[0, 0, 0] [1, 32, 10] [1, 1, 1] : tensor<2x32x10xf32> to tensor<32x10xf32>
  %o = tensor.empty() : tensor<3x10xf32>
  %f = linalg.fill ins(%z : f32) outs(%o : tensor<3x10xf32>) -> tensor<3x10xf32>
  %r0 = linalg.matmul ins(%x, %a : tensor<3x32xf32>, tensor<32x10xf32>) outs(%f : tensor<3x10xf32>) -> tensor<3x10xf32>
  %b = tensor.extract_slice %w[1, 0, 0] [1, 32, 10] [1, 1, 1] : tensor<2x32x10xf32> to tensor<32x10xf32>
  %r1 = linalg.matmul ins(%y, %b : tensor<3x32xf32>, tensor<32x10xf32>) outs(%f : tensor<3x10xf32>) -> tensor<3x10xf32>
  return %r0, %r1 : tensor<3x10xf32>, tensor<3x10xf32>
}
