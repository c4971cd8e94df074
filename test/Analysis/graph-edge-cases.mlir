// RUN: egrl-opt %s --egrl-print-graph="element-bytes=1" -o /dev/null -split-input-file -allow-unregistered-dialect | FileCheck %s

// Unknown ops still become (memory-only) nodes; an op whose output nobody
// reads still writes it.
// CHECK-LABEL: egrl graph @unknown: 2 nodes (fused), 0 MACs, weights 0 B
// CHECK-NEXT: #0 n0_custom kind=unknown ops=1 macs=0 vops=0 weights=0 out=64 host_in=64 in=[] last_use=1
// CHECK-NEXT: #1 n1_custom kind=unknown ops=1 macs=0 vops=0 weights=0 out=64 host_in=0 in=[0] last_use=1 graph_output
func.func @unknown(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = "foo.custom"(%x) : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %1 = "foo.custom"(%0) : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}

// -----

// One constant used by two layers (as after CSE of identical splats): it is
// counted once, owned by its first user; the second reads it as shared.
// CHECK-LABEL: egrl graph @shared: 2 nodes (fused), 512 MACs, weights 256 B (256 B)
// CHECK-NEXT: #0 n0_matmul kind=matmul ops=1 macs=256 vops=0 weights=256 out=16 host_in=16 in=[] last_use=1
// CHECK-NEXT: #1 n1_matmul kind=matmul ops=1 macs=256 vops=0 weights=0 out=16 host_in=0 in=[0] shared_weights=[0] last_use=1 graph_output
func.func @shared(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  %a = linalg.matmul ins(%x, %w : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  %b = linalg.matmul ins(%a, %w : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %b : tensor<1x16xf32>
}

// -----

// A graph with nothing to compute has no nodes.
// CHECK-LABEL: egrl graph @identity: 0 nodes (fused), 0 MACs, weights 0 B (0 B)
func.func @identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// An embedding lookup reads one row per token, not the whole table, though
// the whole table is resident: 1000x16 weights, 4x16 read.
// CHECK-LABEL: egrl graph @embedding: 1 nodes (fused), 0 MACs, weights 16000 B (15.62 KiB)
// CHECK-NEXT: #0 n0_generic kind=elementwise ops=1 macs=0 vops=192 weights=16000 (reads 64) out=64 host_in=4 in=[] last_use=0 graph_output
#ids = affine_map<(d0, d1) -> (d0)>
#out = affine_map<(d0, d1) -> (d0, d1)>
func.func @embedding(%tokens: tensor<4xi64>) -> tensor<4x16xf32> {
  %table = arith.constant dense_resource<word_embeddings> : tensor<1000x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel"]} ins(%tokens : tensor<4xi64>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%t: i64, %o: f32):
    %row = arith.index_cast %t : i64 to index
    %col = linalg.index 1 : index
    %v = tensor.extract %table[%row, %col] : tensor<1000x16xf32>
    linalg.yield %v : f32
  } -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// Weights held in globals, as IREE's and ml_program's importers write them,
// are weights too.
// CHECK-LABEL: egrl graph @globals: 1 nodes (fused), 256 MACs, weights 256 B
// CHECK-NEXT: #0 n0_matmul kind=matmul ops=1 macs=256 vops=0 weights=256 out=16
ml_program.global private @w(dense<1.0> : tensor<16x16xf32>) : tensor<16x16xf32>
func.func @globals(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %w = ml_program.global_load_const @w : tensor<16x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  %a = linalg.matmul ins(%x, %w : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %a : tensor<1x16xf32>
}

// -----

// State the program changes (a KV cache in a mutable global) flows in at run
// time, as an argument does: the transpose and the product are computed per
// inference, not folded into a weight.
// CHECK-LABEL: egrl graph @kvcache: 2 nodes (fused), 8192 MACs, weights 0 B
// CHECK-NEXT: #0 n0_transpose kind=data_movement ops=1 macs=0 vops=0 weights=0 out=8192 host_in=8192 in=[]
// CHECK-NEXT: #1 n1_batch_matmul kind=batch_matmul ops=1 macs=8192 vops=0 weights=0 out=128 host_in=64 in=[0]
ml_program.global private mutable @kv(dense<0.0> : tensor<1x128x64xf32>) : tensor<1x128x64xf32>
func.func @kvcache(%q: tensor<1x1x64xf32>) -> tensor<1x1x128xf32> {
  %k = ml_program.global_load @kv : tensor<1x128x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x64x128xf32>
  %kt = linalg.transpose ins(%k : tensor<1x128x64xf32>) outs(%e : tensor<1x64x128xf32>) permutation = [0, 2, 1]
  %e2 = tensor.empty() : tensor<1x1x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x1x128xf32>) -> tensor<1x1x128xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<1x1x64xf32>, tensor<1x64x128xf32>) outs(%f : tensor<1x1x128xf32>) -> tensor<1x1x128xf32>
  return %s : tensor<1x1x128xf32>
}

// -----

// IREE's util globals in generic form (`--mlir-print-op-generic`), where an
// unregistered op keeps its attributes as properties: two globals are two
// weights, and the mutable one is state read at run time, not a weight.
// CHECK-LABEL: egrl graph @generic_globals: 3 nodes (fused), 768 MACs, weights 512 B
// CHECK-NEXT: #0 n0_matmul {{.*}} weights=256 out=16 host_in=16
// CHECK-NEXT: #1 n1_matmul {{.*}} weights=256 out=16 host_in=0 in=[0]
// CHECK-NEXT: #2 n2_matmul {{.*}} weights=0 out=16 host_in=256 in=[1]
"util.global"() <{sym_name = "gw1", sym_visibility = "private", type = tensor<16x16xf32>, initial_value = dense<1.0> : tensor<16x16xf32>}> : () -> ()
"util.global"() <{sym_name = "gw2", sym_visibility = "private", type = tensor<16x16xf32>, initial_value = dense<2.0> : tensor<16x16xf32>}> : () -> ()
"util.global"() <{sym_name = "gkv", sym_visibility = "private", is_mutable, type = tensor<16x16xf32>, initial_value = dense<0.0> : tensor<16x16xf32>}> : () -> ()
func.func @generic_globals(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %w1 = "util.global.load"() <{global = @gw1}> : () -> tensor<16x16xf32>
  %w2 = "util.global.load"() <{global = @gw2}> : () -> tensor<16x16xf32>
  %kv = "util.global.load"() <{global = @gkv}> : () -> tensor<16x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  %a = linalg.matmul ins(%x, %w1 : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  %b = linalg.matmul ins(%a, %w2 : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  %c = linalg.matmul ins(%b, %kv : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %c : tensor<1x16xf32>
}

// -----

// Tied weights: an add reads one row of a table, a later matmul the whole of
// it. The table is owned by the add (first reader), but each node is charged
// for what it reads: the add 16 elements, the matmul all 256.
// CHECK-LABEL: egrl graph @tied: 2 nodes (fused), 256 MACs, weights 256 B
// CHECK-NEXT: #0 n0_generic kind=elementwise ops=1 macs=0 vops=16 weights=256 (reads 16)
// CHECK-NEXT: #1 n1_matmul kind=matmul ops=1 {{.*}} weights=0 {{.*}} shared_weights=[0] last_use=1
#row = affine_map<(d0, d1) -> (d0, d1)>
func.func @tied(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %table = arith.constant dense_resource<embedding> : tensor<16x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16xf32>
  %slice = tensor.extract_slice %table[0, 0] [1, 16] [1, 1] : tensor<16x16xf32> to tensor<1x16xf32>
  %a = linalg.generic {indexing_maps = [#row, #row, #row], iterator_types = ["parallel", "parallel"]} ins(%x, %slice : tensor<1x16xf32>, tensor<1x16xf32>) outs(%e : tensor<1x16xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<1x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  %m = linalg.matmul ins(%a, %table : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %m : tensor<1x16xf32>
}

// -----

// What linalg's elementwise fusion makes of a quantized layer: the weight's
// dequantisation moved into a matmul's body still multiply-accumulates, so
// the node keeps its MACs; a variance's sum of squares stays a reduction.
// CHECK-LABEL: egrl graph @fused_bodies: 2 nodes (fused), 2048 MACs
// CHECK-NEXT: #0 n0_generic kind=matmul ops=1 macs=2048 vops=0
// CHECK-NEXT: #1 n1_generic kind=reduction ops=1 macs=0 vops=192
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#all = affine_map<(i, j) -> (i, j)>
#rows = affine_map<(i, j) -> (i)>
func.func @fused_bodies(%x: tensor<4x16xf32>) -> (tensor<4x32xf32>, tensor<4xf32>) {
  %wq = arith.constant dense_resource<wq> : tensor<16x32xi8>
  %scale = arith.constant 0.05 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x32xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x32xf32>) -> tensor<4x32xf32>
  %mm = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %wq : tensor<4x16xf32>, tensor<16x32xi8>) outs(%z : tensor<4x32xf32>) {
  ^bb0(%a: f32, %b: i8, %acc: f32):
    %bf = arith.sitofp %b : i8 to f32
    %bs = arith.mulf %bf, %scale : f32
    %p = arith.mulf %a, %bs : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<4x32xf32>
  %er = tensor.empty() : tensor<4xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%er : tensor<4xf32>) -> tensor<4xf32>
  %var = linalg.generic {indexing_maps = [#all, #rows], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x16xf32>) outs(%zr : tensor<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %d = arith.subf %a, %scale : f32
    %sq = arith.mulf %d, %d : f32
    %r = arith.addf %sq, %acc : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %mm, %var : tensor<4x32xf32>, tensor<4xf32>
}

// -----

// One tensor passed twice: with the same indexing map its product is a
// square (a row's sum of squares, a reduction); with a transposed map it is
// a Gram matrix, x * x^T (MACs).
// CHECK-LABEL: egrl graph @same_tensor_twice: 2 nodes (fused), 1024 MACs
// CHECK-NEXT: #0 n0_generic kind=reduction ops=1 macs=0 vops=256
// CHECK-NEXT: #1 n1_generic kind=matmul ops=1 macs=1024
#gA = affine_map<(m, n, k) -> (m, k)>
#gB = affine_map<(m, n, k) -> (n, k)>
#gC = affine_map<(m, n, k) -> (m, n)>
#row = affine_map<(i, j) -> (i, j)>
#rowsum = affine_map<(i, j) -> (i)>
func.func @same_tensor_twice(%x: tensor<8x16xf32>) -> (tensor<8xf32>, tensor<8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %er = tensor.empty() : tensor<8xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%er : tensor<8xf32>) -> tensor<8xf32>
  %sq = linalg.generic {indexing_maps = [#row, #row, #rowsum], iterator_types = ["parallel", "reduction"]} ins(%x, %x : tensor<8x16xf32>, tensor<8x16xf32>) outs(%zr : tensor<8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %eg = tensor.empty() : tensor<8x8xf32>
  %zg = linalg.fill ins(%zero : f32) outs(%eg : tensor<8x8xf32>) -> tensor<8x8xf32>
  %gram = linalg.generic {indexing_maps = [#gA, #gB, #gC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %x : tensor<8x16xf32>, tensor<8x16xf32>) outs(%zg : tensor<8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  return %sq, %gram : tensor<8xf32>, tensor<8x8xf32>
}

// -----

// arith.bitcast of a tensor reinterprets it in place, as tensor.bitcast
// does: a view, not a node that copies.
// CHECK-LABEL: egrl graph @bitcast_view: 1 nodes (fused), 0 MACs
// CHECK-NEXT: #0 n0_addf kind=elementwise ops=1
func.func @bitcast_view(%x: tensor<4x16xf32>) -> tensor<4x16xi32> {
  %y = arith.addf %x, %x : tensor<4x16xf32>
  %b = arith.bitcast %y : tensor<4x16xf32> to tensor<4x16xi32>
  return %b : tensor<4x16xi32>
}

// -----

// A depthwise convolution generalised, with an activation fused into its
// input: no name says depthwise, the indexing maps do (no sum over channels).
// CHECK-LABEL: egrl graph @generic_depthwise: 1 nodes (fused), 1152 MACs
// CHECK-NEXT: #0 n0_generic kind=depthwise_conv ops=1 macs=1152
#in = affine_map<(n, h, w, c, kh, kw) -> (n, h + kh, w + kw, c)>
#flt = affine_map<(n, h, w, c, kh, kw) -> (kh, kw, c)>
#out = affine_map<(n, h, w, c, kh, kw) -> (n, h, w, c)>
func.func @generic_depthwise(%x: tensor<1x6x6x8xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense_resource<dw> : tensor<3x3x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %c = linalg.generic {indexing_maps = [#in, #flt, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %w : tensor<1x6x6x8xf32>, tensor<3x3x8xf32>) outs(%z : tensor<1x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %relu = arith.maximumf %a, %zero : f32
    %p = arith.mulf %relu, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x8xf32>
  return %c : tensor<1x4x4x8xf32>
}

// -----

// A contraction is batched when a loop indexes all three operands: the
// attention's scores are; a linear layer on a 3-D activation, whose weight
// has no batch loop, is a matmul with more rows.
// CHECK-LABEL: egrl graph @contraction_kinds: 2 nodes (fused)
// CHECK-NEXT: #0 n0_generic kind=batch_matmul
// CHECK-NEXT: #1 n1_generic kind=matmul
#qk_a = affine_map<(b, m, n, k) -> (b, m, k)>
#qk_b = affine_map<(b, m, n, k) -> (b, k, n)>
#qk_c = affine_map<(b, m, n, k) -> (b, m, n)>
#lin_w = affine_map<(b, m, n, k) -> (k, n)>
func.func @contraction_kinds(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>) -> tensor<2x4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<4x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.generic {indexing_maps = [#qk_a, #qk_b, #qk_c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%f : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %e2 = tensor.empty() : tensor<2x4x16xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %y = linalg.generic {indexing_maps = [#qk_a, #lin_w, #qk_c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%s, %w : tensor<2x4x4xf32>, tensor<4x16xf32>) outs(%f2 : tensor<2x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}

// -----

// A result nothing reads is written all the same (bufferization allocates it
// in the node's level): it is part of the node's output, beside the one read.
// CHECK-LABEL: egrl graph @unread_result: 2 nodes (fused)
// CHECK-NEXT: #0 n0_generic kind=elementwise ops=1 macs=0 vops=2048 weights=0 out=2048 host_in=1024 in=[] last_use=1
#id = affine_map<(d0, d1) -> (d0, d1)>
#rows = affine_map<(d0, d1) -> (d0)>
func.func @unread_result(%x: tensor<32x32xf32>) -> tensor<32xf32> {
  %e = tensor.empty() : tensor<32x32xf32>
  %e2 = tensor.empty() : tensor<32x32xf32>
  %r:2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x32xf32>) outs(%e, %e2 : tensor<32x32xf32>, tensor<32x32xf32>) {
  ^bb0(%a: f32, %o: f32, %o2: f32):
    %t = math.exp %a : f32
    %u = math.log %a : f32
    linalg.yield %t, %u : f32, f32
  } -> (tensor<32x32xf32>, tensor<32x32xf32>)
  %z = arith.constant 0.0 : f32
  %e3 = tensor.empty() : tensor<32xf32>
  %f3 = linalg.fill ins(%z : f32) outs(%e3 : tensor<32xf32>) -> tensor<32xf32>
  %s = linalg.generic {indexing_maps = [#id, #rows], iterator_types = ["parallel", "reduction"]} ins(%r#1 : tensor<32x32xf32>) outs(%f3 : tensor<32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.addf %a, %o : f32
    linalg.yield %t : f32
  } -> tensor<32xf32>
  return %s : tensor<32xf32>
}

// -----

// A tensor.generate computes its body once per element (it was a memory-only
// node, its compute dropped); reading elements and computing their indices,
// and checking them, as a bounds-checked reverse does, is data movement.
// CHECK-LABEL: egrl graph @generated
// CHECK: n1_generate kind=elementwise ops=1 macs=0 vops=64 weights=0 out=64 host_in=0 in=[0]
// CHECK: n2_generate kind=data_movement ops=1 macs=0 vops=0 weights=0 out=64 host_in=0 in=[1]
func.func @generated(%x: tensor<64xf32>) -> tensor<64xf32> {
  %a = math.exp %x : tensor<64xf32>
  %c63 = arith.constant 63 : index
  %g = tensor.generate {
  ^bb0(%i: index):
    %j = arith.subi %c63, %i : index
    %v = tensor.extract %a[%j] : tensor<64xf32>
    %w = arith.mulf %v, %v : f32
    tensor.yield %w : f32
  } : tensor<64xf32>
  %r = tensor.generate {
  ^bb0(%i: index):
    %j = arith.subi %c63, %i : index
    %in = arith.cmpi ult, %j, %c63 : index
    %k = arith.select %in, %j, %c63 : index
    %v = tensor.extract %g[%k] : tensor<64xf32>
    tensor.yield %v : f32
  } : tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

// A batch of zero rows: the matmul iterates over nothing, so it reads none of
// its weight (it still holds it). It read all of it, and greedy quoted a
// 1.046x speed-up on a no-op by moving the weight to SRAM (outside tester s39).
// CHECK-LABEL: egrl graph @zero_rows: 1 nodes (fused), 0 MACs, weights 65536 B
// CHECK-NEXT: #0 n0_matmul kind=matmul ops=1 macs=0 vops=0 weights=65536 (reads 0) out=0
func.func @zero_rows(%x: tensor<0x256xf32>) -> tensor<0x256xf32> {
  %w = arith.constant dense<0.5> : tensor<256x256xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<0x256xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<0x256xf32>) -> tensor<0x256xf32>
  %m = linalg.matmul ins(%x, %w : tensor<0x256xf32>, tensor<256x256xf32>) outs(%f : tensor<0x256xf32>) -> tensor<0x256xf32>
  return %m : tensor<0x256xf32>
}
