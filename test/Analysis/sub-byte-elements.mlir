// RUN: egrl-opt %s --egrl-print-graph -o /dev/null 2>&1 | FileCheck %s

// The graph counts whole bytes per element: i4 weights count one byte each,
// said once per type with what overrides it. i1 (stored a byte each) and i8
// are not remarked.
// CHECK: remark: egrl: i4 elements are counted as one byte each
// CHECK-NOT: remark: egrl: i4
// CHECK-NOT: remark: egrl: i1
// CHECK: egrl graph @packed: 1 nodes (fused), 8192 MACs, weights 8192 B
func.func @packed(%x: tensor<1x128xi8>) -> tensor<1x64xi1> {
  %w = arith.constant dense<1> : tensor<128x64xi4>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x64xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<1x64xi32>) -> tensor<1x64xi32>
  %a = linalg.matmul ins(%x, %w : tensor<1x128xi8>, tensor<128x64xi4>) outs(%f : tensor<1x64xi32>) -> tensor<1x64xi32>
  %e1 = tensor.empty() : tensor<1x64xi1>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<1x64xi32>) outs(%e1 : tensor<1x64xi1>) {
  ^bb0(%in: i32, %out: i1):
    %c = arith.cmpi sgt, %in, %zero : i32
    linalg.yield %c : i1
  } -> tensor<1x64xi1>
  return %b : tensor<1x64xi1>
}
