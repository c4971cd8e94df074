// RUN: egrl-opt %s --egrl-print-graph="element-bytes=1" -o /dev/null -split-input-file | FileCheck %s --check-prefix=FUSED
// RUN: egrl-opt %s --egrl-print-graph="element-bytes=1 granularity=op" -o /dev/null -split-input-file | FileCheck %s --check-prefix=OP

// A pad folds into its consumer; a pad the function returns has none, so the
// padded tensor (10x10x4 = 400 elements, not the source's 256) is written: a
// data-movement op that joins its producer at `fused` granularity.
// FUSED-LABEL: egrl graph @returned: 1 nodes (fused)
// FUSED-NEXT: #0 n0_generic kind=elementwise ops=2 macs=0 vops=256 weights=0 out=400 host_in=256 in=[] last_use=0 graph_output
// OP-LABEL: egrl graph @returned: 2 nodes (op)
// OP-NEXT: #0 n0_generic kind=elementwise ops=1 macs=0 vops=256 weights=0 out=256 host_in=256 in=[] last_use=1
// OP-NEXT: #1 n1_pad kind=data_movement ops=1 macs=0 vops=0 weights=0 out=400 host_in=0 in=[0] last_use=1 graph_output
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @returned(%x: tensor<1x8x8x4xf32>) -> tensor<1x10x10x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x8x8x4xf32>) outs(%e : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x4xf32>
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x8x8x4xf32> to tensor<1x10x10x4xf32>
  return %p : tensor<1x10x10x4xf32>
}

// -----

// A returned pad of an argument is the one node, not an empty graph.
// FUSED-LABEL: egrl graph @argument: 1 nodes (fused)
// FUSED-NEXT: #0 n0_pad kind=data_movement ops=1 macs=0 vops=0 weights=0 out=400 host_in=256 in=[] last_use=0 graph_output
// OP-LABEL: egrl graph @argument: 1 nodes (op)
// OP-NEXT: #0 n0_pad kind=data_movement ops=1 macs=0 vops=0 weights=0 out=400 host_in=256 in=[] last_use=0 graph_output
func.func @argument(%x: tensor<1x8x8x4xf32>) -> tensor<1x10x10x4xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x8x8x4xf32> to tensor<1x10x10x4xf32>
  return %p : tensor<1x10x10x4xf32>
}

// -----

// Returned through a view, after a pad of a pad (one write, of the outer
// pad's 12x12x4 = 576 elements, the inner pad folding into it), and also read
// by an op: that op reads the written tensor.
// FUSED-LABEL: egrl graph @through_view: 1 nodes (fused)
// FUSED-NEXT: #0 n0_generic kind=elementwise ops=3 macs=0 vops=832 weights=0 out=1152 host_in=256 in=[] last_use=0 graph_output
// OP-LABEL: egrl graph @through_view: 3 nodes (op)
// OP-NEXT: #0 n0_generic kind=elementwise ops=1 macs=0 vops=256 weights=0 out=256 host_in=256 in=[] last_use=1
// OP-NEXT: #1 n1_pad kind=data_movement ops=1 macs=0 vops=0 weights=0 out=576 host_in=0 in=[0] last_use=2 graph_output
// OP-NEXT: #2 n2_generic kind=elementwise ops=1 macs=0 vops=576 weights=0 out=576 host_in=0 in=[1] last_use=2 graph_output
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @through_view(%x: tensor<1x8x8x4xf32>) -> (tensor<1x12x48xf32>, tensor<1x12x12x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x8x8x4xf32>) outs(%e : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x4xf32>
  %p1 = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x8x8x4xf32> to tensor<1x10x10x4xf32>
  %p2 = tensor.pad %p1 low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x10x10x4xf32> to tensor<1x12x12x4xf32>
  %v = tensor.collapse_shape %p2 [[0], [1], [2, 3]] : tensor<1x12x12x4xf32> into tensor<1x12x48xf32>
  %e2 = tensor.empty() : tensor<1x12x12x4xf32>
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%p2 : tensor<1x12x12x4xf32>) outs(%e2 : tensor<1x12x12x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<1x12x12x4xf32>
  return %v, %s : tensor<1x12x48xf32>, tensor<1x12x12x4xf32>
}

// -----

// tosa.pad is treated the same way.
// FUSED-LABEL: egrl graph @tosa: 1 nodes (fused)
// FUSED-NEXT: #0 n0_clamp kind=elementwise ops=2 macs=0 vops=256 weights=0 out=400 host_in=256 in=[] last_use=0 graph_output
// OP-LABEL: egrl graph @tosa: 2 nodes (op)
// OP-NEXT: #0 n0_clamp kind=elementwise ops=1 macs=0 vops=256 weights=0 out=256 host_in=256 in=[] last_use=1
// OP-NEXT: #1 n1_pad kind=data_movement ops=1 macs=0 vops=0 weights=0 out=400 host_in=0 in=[0] last_use=1 graph_output
func.func @tosa(%x: tensor<1x8x8x4xf32>) -> tensor<1x10x10x4xf32> {
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %padding = tosa.const_shape {values = dense<[0, 0, 1, 1, 1, 1, 0, 0]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %pad_const = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %1 = tosa.pad %0, %padding, %pad_const : (tensor<1x8x8x4xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x10x10x4xf32>
  return %1 : tensor<1x10x10x4xf32>
}
