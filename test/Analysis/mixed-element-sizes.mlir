// A node whose weights mix element types counts their bytes exactly: its
// element size is their average, a fraction (rounded to whole bytes, five
// 4x4 weights of f32 and i8 counted 160 B instead of 176, and an f32 and an
// i8 weight 96 B instead of 80, so a level that holds them looked full).
// RUN: egrl-opt %s --egrl-print-graph -o /dev/null 2>&1 | FileCheck %s --check-prefix=TEXT
// RUN: egrl-opt %s --egrl-print-graph="json=true function=five" -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: egrl-opt %s -split-input-file --egrl-memory-placement="strategy=ilp target=%S/../Inputs/toy-ir-bytes.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLACED

// TEXT-LABEL: egrl graph @five: 1 nodes (fused), 0 MACs, weights 176 B
// TEXT-LABEL: egrl graph @two: 1 nodes (fused), 0 MACs, weights 80 B
// JSON: "weight_element_bytes": 2.2,
// JSON-NEXT: "weight_elements": 80,
// The 80 bytes fit the 90-byte fast level (the output goes slow).
// PLACED: placed 1 node of @two on toy-ir-bytes with ilp {{.*}} weights: fast 80 B slow 0 B

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @five(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %a0 = arith.constant dense_resource<a0> : tensor<4x4xf32>
  %a1 = arith.constant dense_resource<a1> : tensor<4x4xf32>
  %b0 = arith.constant dense_resource<b0> : tensor<4x4xi8>
  %b1 = arith.constant dense_resource<b1> : tensor<4x4xi8>
  %b2 = arith.constant dense_resource<b2> : tensor<4x4xi8>
  %e = tensor.empty() : tensor<4x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id, #id, #id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %a0, %a1, %b0, %b1, %b2 : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xi8>, tensor<4x4xi8>, tensor<4x4xi8>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%xi: f32, %p: f32, %q: f32, %r: i8, %s: i8, %t: i8, %o: f32):
    %rf = arith.sitofp %r : i8 to f32
    %sf = arith.sitofp %s : i8 to f32
    %tf = arith.sitofp %t : i8 to f32
    %m = arith.mulf %xi, %p : f32
    %n = arith.addf %m, %q : f32
    %u = arith.addf %n, %rf : f32
    %v = arith.addf %u, %sf : f32
    %w = arith.addf %v, %tf : f32
    linalg.yield %w : f32
  } -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @two(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %a = arith.constant dense_resource<a> : tensor<4x4xf32>
  %b = arith.constant dense_resource<b> : tensor<4x4xi8>
  %e = tensor.empty() : tensor<4x4xf32>
  %y = linalg.generic {indexing_maps = [#id2, #id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%x, %a, %b : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xi8>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%xi: f32, %p: f32, %r: i8, %o: f32):
    %rf = arith.sitofp %r : i8 to f32
    %m = arith.mulf %xi, %p : f32
    %n = arith.addf %m, %rf : f32
    linalg.yield %n : f32
  } -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}
