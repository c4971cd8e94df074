// RUN: egrl-opt %s --egrl-print-graph="element-bytes=1" -o /dev/null -split-input-file 2>&1 | FileCheck %s --check-prefix=FUSED --implicit-check-not=remark
// RUN: egrl-opt %s --egrl-print-graph="element-bytes=1 granularity=op" -o /dev/null -split-input-file 2>&1 | FileCheck %s --check-prefix=OP --implicit-check-not=remark

// linalg.pack and linalg.unpack are relayouts, data movement as a transpose
// is: no compute, their output written (a pack padded to whole tiles writes
// the padding: 10x32 is packed into 2x4x8x8 = 512 elements). All-parallel,
// they join their producer at `fused` granularity; no "not modelled" remark.
// FUSED-LABEL: egrl graph @relayout: 2 nodes (fused)
// FUSED-NEXT: #0 n0_pack kind=data_movement ops=2 macs=0 vops=0 weights=0 out=320 host_in=320 in=[] last_use=1
// FUSED-NEXT: #1 n1_matmul kind=matmul ops=1 macs=5120 vops=0 weights=512 out=160 host_in=0 in=[0] last_use=1 graph_output
// OP-LABEL: egrl graph @relayout: 3 nodes (op)
// OP-NEXT: #0 n0_pack kind=data_movement ops=1 macs=0 vops=0 weights=0 out=512 host_in=320 in=[] last_use=1
// OP-NEXT: #1 n1_unpack kind=data_movement ops=1 macs=0 vops=0 weights=0 out=320 host_in=0 in=[0] last_use=2
// OP-NEXT: #2 n2_matmul kind=matmul ops=1 macs=5120 vops=0 weights=512 out=160 host_in=0 in=[1] last_use=2 graph_output
func.func @relayout(%x: tensor<10x32xf32>) -> tensor<10x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x8x8xf32>
  %p = linalg.pack %x padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 8] into %e : tensor<10x32xf32> -> tensor<2x4x8x8xf32>
  %e2 = tensor.empty() : tensor<10x32xf32>
  %u = linalg.unpack %p inner_dims_pos = [0, 1] inner_tiles = [8, 8] into %e2 : tensor<2x4x8x8xf32> -> tensor<10x32xf32>
  %w = arith.constant dense<0.5> : tensor<32x16xf32>
  %e3 = tensor.empty() : tensor<10x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e3 : tensor<10x16xf32>) -> tensor<10x16xf32>
  %m = linalg.matmul ins(%u, %w : tensor<10x32xf32>, tensor<32x16xf32>) outs(%f : tensor<10x16xf32>) -> tensor<10x16xf32>
  return %m : tensor<10x16xf32>
}

// -----

// A pack of a weight (a compiler packs weights ahead of time) folds into the
// weight, as a transpose of one does; a pack of an activation joins its
// producer, and an unpack of a matmul's result joins the matmul. The tiled
// matmul on packed operands is a matmul: its extra loops are tiles, not a
// batch (no loop all three operands share).
// FUSED-LABEL: egrl graph @packed_weight: 2 nodes (fused)
// FUSED-NEXT: #0 n0_generic kind=elementwise ops=2 macs=0 vops=64 weights=0 out=64 host_in=64 in=[] last_use=1
// FUSED-NEXT: #1 n1_generic kind=matmul ops=2 macs=1024 vops=0 weights=256 out=64 host_in=0 in=[0] last_use=1 graph_output
// OP-LABEL: egrl graph @packed_weight: 4 nodes (op)
// OP-NEXT: #0 n0_generic kind=elementwise
// OP-NEXT: #1 n1_pack kind=data_movement ops=1 macs=0 vops=0 weights=0 out=64 host_in=0 in=[0] last_use=2
// OP-NEXT: #2 n2_generic kind=matmul ops=1 macs=1024 vops=0 weights=256 out=64 host_in=0 in=[1] last_use=3
// OP-NEXT: #3 n3_unpack kind=data_movement ops=1 macs=0 vops=0 weights=0 out=64 host_in=0 in=[2] last_use=3 graph_output
#id = affine_map<(d0, d1) -> (d0, d1)>
#a = affine_map<(m, n, k, mt, nt, kt) -> (m, k, mt, kt)>
#b = affine_map<(m, n, k, mt, nt, kt) -> (n, k, nt, kt)>
#c = affine_map<(m, n, k, mt, nt, kt) -> (m, n, mt, nt)>
func.func @packed_weight(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x16xf32>) outs(%e0 : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<4x16xf32>
  %ea = tensor.empty() : tensor<1x4x4x4xf32>
  %pa = linalg.pack %r inner_dims_pos = [0, 1] inner_tiles = [4, 4] into %ea : tensor<4x16xf32> -> tensor<1x4x4x4xf32>
  %w = arith.constant dense<0.5> : tensor<16x16xf32>
  %eb = tensor.empty() : tensor<4x4x4x4xf32>
  %pb = linalg.pack %w outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [4, 4] into %eb : tensor<16x16xf32> -> tensor<4x4x4x4xf32>
  %ec = tensor.empty() : tensor<1x4x4x4xf32>
  %fc = linalg.fill ins(%zero : f32) outs(%ec : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %mm = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%pa, %pb : tensor<1x4x4x4xf32>, tensor<4x4x4x4xf32>) outs(%fc : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %m = arith.mulf %in, %in_1 : f32
    %s = arith.addf %out, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x4xf32>
  %eo = tensor.empty() : tensor<4x16xf32>
  %u = linalg.unpack %mm inner_dims_pos = [0, 1] inner_tiles = [4, 4] into %eo : tensor<1x4x4x4xf32> -> tensor<4x16xf32>
  return %u : tensor<4x16xf32>
}
