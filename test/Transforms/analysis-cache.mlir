// The graph is an analysis: printing it and placing in one pipeline builds
// it once, so the remark about the unmodelled op comes once.
// RUN: egrl-opt %s --egrl-print-graph="output=%t.txt" --egrl-memory-placement -allow-unregistered-dialect -verify-diagnostics -o /dev/null
// RUN: FileCheck %s --input-file=%t.txt

// CHECK: egrl graph @forward: 2 nodes (fused)
// CHECK: #1 n1_custom kind=unknown

// expected-remark@+1 {{egrl: placed 2 nodes of @forward on nnpi-1000 with greedy (analytical)}}
func.func @forward(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %w = arith.constant dense_resource<w> : tensor<16x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  %a = linalg.matmul ins(%x, %w : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  // expected-remark@+1 {{egrl: 'foo.custom' is not modelled}}
  %b = "foo.custom"(%a) : (tensor<1x16xf32>) -> tensor<1x16xf32>
  return %b : tensor<1x16xf32>
}
