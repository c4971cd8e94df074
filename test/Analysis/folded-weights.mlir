// A weight computed from constants only (a transpose, the matmul weights of
// every imported transformer) is folded: no node, and its reader reads a
// folded copy of the constant. Read only through its folds, a constant counts
// once (two transposes of one table, @folded_twice); read directly as well, it
// counts twice, as the lowered module (and a compiler that folds the
// transpose) holds it and its transpose: the tied embeddings of a GPT-2
// (@tied, a lookup into the table and a head that reads it transposed).
// RUN: egrl-opt %s --egrl-print-graph -o /dev/null | FileCheck %s

// CHECK-LABEL: egrl graph @tied: 2 nodes (fused), 8192 MACs, weights 32768 B
// CHECK-NEXT: #0 n0_generic kind=elementwise ops=1 macs=0 vops=256 weights=16384 (reads 512) out=512 host_in=16 in=[] last_use=1
// CHECK-NEXT: #1 n1_matmul kind=matmul ops=1 macs=8192 vops=0 weights=16384 out=512 host_in=0 in=[0] last_use=1 graph_output
func.func @tied(%ids: tensor<2xindex>) -> tensor<2x64xf32> {
  %table = arith.constant dense_resource<wte> : tensor<64x64xf32>
  %e0 = tensor.empty() : tensor<2x64xf32>
  %emb = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%ids : tensor<2xindex>) outs(%e0 : tensor<2x64xf32>) {
  ^bb0(%id: index, %out: f32):
    %j = linalg.index 1 : index
    %v = tensor.extract %table[%id, %j] : tensor<64x64xf32>
    linalg.yield %v : f32
  } -> tensor<2x64xf32>
  %et = tensor.empty() : tensor<64x64xf32>
  %head = linalg.transpose ins(%table : tensor<64x64xf32>) outs(%et : tensor<64x64xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<2x64xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2x64xf32>) -> tensor<2x64xf32>
  %logits = linalg.matmul ins(%emb, %head : tensor<2x64xf32>, tensor<64x64xf32>) outs(%f1 : tensor<2x64xf32>) -> tensor<2x64xf32>
  return %logits : tensor<2x64xf32>
}

// CHECK-LABEL: egrl graph @folded_twice: 2 nodes (fused), 8192 MACs, weights 16384 B
// CHECK-NEXT: #0 n0_matmul kind=matmul ops=1 macs=4096 vops=0 weights=16384 out=256 host_in=256 in=[] last_use=1
// CHECK-NEXT: #1 n1_matmul kind=matmul ops=1 macs=4096 vops=0 weights=0 out=256 host_in=0 in=[0] shared_weights=[0] last_use=1 graph_output
func.func @folded_twice(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %w = arith.constant dense_resource<w> : tensor<64x64xf32>
  %zero = arith.constant 0.0 : f32
  %et1 = tensor.empty() : tensor<64x64xf32>
  %wt1 = linalg.transpose ins(%w : tensor<64x64xf32>) outs(%et1 : tensor<64x64xf32>) permutation = [1, 0]
  %e1 = tensor.empty() : tensor<1x64xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m1 = linalg.matmul ins(%x, %wt1 : tensor<1x64xf32>, tensor<64x64xf32>) outs(%f1 : tensor<1x64xf32>) -> tensor<1x64xf32>
  %et2 = tensor.empty() : tensor<64x64xf32>
  %wt2 = linalg.transpose ins(%w : tensor<64x64xf32>) outs(%et2 : tensor<64x64xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<1x64xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m2 = linalg.matmul ins(%m1, %wt2 : tensor<1x64xf32>, tensor<64x64xf32>) outs(%f2 : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %m2 : tensor<1x64xf32>
}

// A fold that computes fewer bytes than it reads (a zero initial state times
// the transposed weight, the first step of every imported RNN) is a constant
// of its own, of its computed size (1 KiB), as a compiler materialises it;
// the transpose the next step reads is the copy of W (outside tester s40: an
// LSTM counted 60-69% more weight than it has, a copy of the copy).
// CHECK-LABEL: egrl graph @fold_of_fold: 2 nodes (fused), 65536 MACs, weights 263168 B
// CHECK-NEXT: #0 n0_add {{.*}}weights=1024 out
// CHECK-NEXT: #1 n1_matmul {{.*}}weights=262144 out
func.func @fold_of_fold(%x: tensor<1x256xf32>) -> tensor<1x256xf32> {
  %w = arith.constant dense_resource<W> : tensor<256x256xf32>
  %et = tensor.empty() : tensor<256x256xf32>
  %t = linalg.transpose ins(%w : tensor<256x256xf32>) outs(%et : tensor<256x256xf32>) permutation = [1, 0]
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x256xf32>
  %h0 = linalg.fill ins(%z : f32) outs(%e : tensor<1x256xf32>) -> tensor<1x256xf32>
  %hw = linalg.matmul ins(%h0, %t : tensor<1x256xf32>, tensor<256x256xf32>) outs(%h0 : tensor<1x256xf32>) -> tensor<1x256xf32>
  %s = linalg.add ins(%x, %hw : tensor<1x256xf32>, tensor<1x256xf32>) outs(%e : tensor<1x256xf32>) -> tensor<1x256xf32>
  %h1 = linalg.matmul ins(%s, %t : tensor<1x256xf32>, tensor<256x256xf32>) outs(%h0 : tensor<1x256xf32>) -> tensor<1x256xf32>
  return %h1 : tensor<1x256xf32>
}

// Different folds of one weight are different constants, both held, as a
// compiler folds them: a transposed weight and that scaled by two, both read
// (outside tester s41: every fold of a weight shared one copy, so the lowered
// module held twice what the placement counted); a chain of folds of which
// only the last is read counts once (@scaled_transpose_only).
// CHECK-LABEL: egrl graph @scaled_transpose: 2 nodes (fused), 8192 MACs, weights 32768 B
// CHECK-NEXT: #0 n0_matmul {{.*}}weights=16384 out
// CHECK-NEXT: #1 n1_matmul {{.*}}weights=16384 out
func.func @scaled_transpose(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %w = arith.constant dense_resource<w> : tensor<64x64xf32>
  %et = tensor.empty() : tensor<64x64xf32>
  %wt = linalg.transpose ins(%w : tensor<64x64xf32>) outs(%et : tensor<64x64xf32>) permutation = [1, 0]
  %two = arith.constant 2.0 : f32
  %es = tensor.empty() : tensor<64x64xf32>
  %ws = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%wt : tensor<64x64xf32>) outs(%es : tensor<64x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.mulf %v, %two : f32
    linalg.yield %m : f32
  } -> tensor<64x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m = linalg.matmul ins(%x, %ws : tensor<1x64xf32>, tensor<64x64xf32>) outs(%f : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m2 = linalg.matmul ins(%m, %wt : tensor<1x64xf32>, tensor<64x64xf32>) outs(%f : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %m2 : tensor<1x64xf32>
}

// CHECK-LABEL: egrl graph @scaled_transpose_only: 1 nodes (fused), 4096 MACs, weights 16384 B
func.func @scaled_transpose_only(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %w = arith.constant dense_resource<w> : tensor<64x64xf32>
  %et = tensor.empty() : tensor<64x64xf32>
  %wt = linalg.transpose ins(%w : tensor<64x64xf32>) outs(%et : tensor<64x64xf32>) permutation = [1, 0]
  %two = arith.constant 2.0 : f32
  %es = tensor.empty() : tensor<64x64xf32>
  %ws = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%wt : tensor<64x64xf32>) outs(%es : tensor<64x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.mulf %v, %two : f32
    linalg.yield %m : f32
  } -> tensor<64x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m = linalg.matmul ins(%x, %ws : tensor<1x64xf32>, tensor<64x64xf32>) outs(%f : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %m : tensor<1x64xf32>
}

// Two equal folds smaller than their source (a weight narrowed to f16 twice)
// are one constant, as after CSE, as two equal transposes share one copy;
// a different fold of the same weight (narrowed to bf16) is another
// (reviewer s41: each narrowing counted a constant of its own).
// CHECK-LABEL: egrl graph @narrowed_twice: 3 nodes (fused), 12288 MACs, weights 16384 B
// CHECK-NEXT: #0 n0_matmul {{.*}}weights=8192 out
// CHECK-NEXT: #1 n1_matmul {{.*}}weights=0 out{{.*}}shared_weights=[0]
// CHECK-NEXT: #2 n2_matmul {{.*}}weights=8192 out
func.func @narrowed_twice(%x: tensor<1x64xf16>, %y: tensor<1x64xbf16>) -> (tensor<1x64xf32>, tensor<1x64xf32>) {
  %w = arith.constant dense_resource<w> : tensor<64x64xf32>
  %e1 = tensor.empty() : tensor<64x64xf16>
  %h1 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<64x64xf32>) outs(%e1 : tensor<64x64xf16>) {
  ^bb0(%v: f32, %o: f16):
    %t = arith.truncf %v : f32 to f16
    linalg.yield %t : f16
  } -> tensor<64x64xf16>
  %e2 = tensor.empty() : tensor<64x64xf16>
  %h2 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<64x64xf32>) outs(%e2 : tensor<64x64xf16>) {
  ^bb0(%v: f32, %o: f16):
    %t = arith.truncf %v : f32 to f16
    linalg.yield %t : f16
  } -> tensor<64x64xf16>
  %e3 = tensor.empty() : tensor<64x64xbf16>
  %b = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<64x64xf32>) outs(%e3 : tensor<64x64xbf16>) {
  ^bb0(%v: f32, %o: bf16):
    %t = arith.truncf %v : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<64x64xbf16>
  %zero = arith.constant 0.0 : f32
  %eo = tensor.empty() : tensor<1x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%eo : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m1 = linalg.matmul ins(%x, %h1 : tensor<1x64xf16>, tensor<64x64xf16>) outs(%f : tensor<1x64xf32>) -> tensor<1x64xf32>
  %x2 = arith.truncf %m1 : tensor<1x64xf32> to tensor<1x64xf16>
  %m2 = linalg.matmul ins(%x2, %h2 : tensor<1x64xf16>, tensor<64x64xf16>) outs(%f : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m3 = linalg.matmul ins(%y, %b : tensor<1x64xbf16>, tensor<64x64xbf16>) outs(%f : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %m2, %m3 : tensor<1x64xf32>, tensor<1x64xf32>
}

// A fold with fewer bytes but more elements than its source (a weight
// broadcast twice and cast to i8) is the copy at its source's size, as a
// broadcast is: at one byte per element (every bundled target) a constant of
// its computed size would count twice its source (outside tester s41).
// RUN: egrl-opt %s --egrl-print-graph=element-bytes=1 -o /dev/null | FileCheck %s --check-prefix=ONEBYTE
// CHECK-LABEL: egrl graph @widened_narrowed: 1 nodes (fused), 8192 MACs, weights 16384 B
// ONEBYTE-LABEL: egrl graph @widened_narrowed: 1 nodes (fused), 8192 MACs, weights 4096 B
func.func @widened_narrowed(%xi: tensor<1x128xi8>) -> tensor<1x64xi32> {
  %w = arith.constant dense_resource<w> : tensor<64x64xf32>
  %zi = arith.constant 0 : i32
  %eq = tensor.empty() : tensor<2x64x64xi8>
  %wq = linalg.generic {indexing_maps = [affine_map<(k, i, j) -> (i, j)>, affine_map<(k, i, j) -> (k, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<64x64xf32>) outs(%eq : tensor<2x64x64xi8>) {
  ^bb0(%a: f32, %o: i8):
    %q = arith.fptosi %a : f32 to i8
    linalg.yield %q : i8
  } -> tensor<2x64x64xi8>
  %wc = tensor.collapse_shape %wq [[0, 1], [2]] : tensor<2x64x64xi8> into tensor<128x64xi8>
  %e = tensor.empty() : tensor<1x64xi32>
  %f = linalg.fill ins(%zi : i32) outs(%e : tensor<1x64xi32>) -> tensor<1x64xi32>
  %m = linalg.matmul ins(%xi, %wc : tensor<1x128xi8>, tensor<128x64xi8>) outs(%f : tensor<1x64xi32>) -> tensor<1x64xi32>
  return %m : tensor<1x64xi32>
}

// Folds of a weight no other function can make (a table computed from loop
// indices) follow the same rule within the function: equal folds (two
// transposes) share one copy, a different fold (it scaled by two) is another.
// CHECK-LABEL: egrl graph @private_folds: 3 nodes (fused), 12288 MACs, weights 32768 B
// CHECK-NEXT: #0 n0_matmul {{.*}}weights=16384 out
// CHECK-NEXT: #1 n1_matmul {{.*}}weights=0 out{{.*}}shared_weights=[0]
// CHECK-NEXT: #2 n2_matmul {{.*}}weights=16384 out
func.func @private_folds(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %e = tensor.empty() : tensor<64x64xf32>
  %table = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<64x64xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i64
    %f = arith.sitofp %ii : i64 to f32
    linalg.yield %f : f32
  } -> tensor<64x64xf32>
  %e1 = tensor.empty() : tensor<64x64xf32>
  %t1 = linalg.transpose ins(%table : tensor<64x64xf32>) outs(%e1 : tensor<64x64xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<64x64xf32>
  %t2 = linalg.transpose ins(%table : tensor<64x64xf32>) outs(%e2 : tensor<64x64xf32>) permutation = [1, 0]
  %two = arith.constant 2.0 : f32
  %e3 = tensor.empty() : tensor<64x64xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%table : tensor<64x64xf32>) outs(%e3 : tensor<64x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.mulf %v, %two : f32
    linalg.yield %m : f32
  } -> tensor<64x64xf32>
  %zero = arith.constant 0.0 : f32
  %eo = tensor.empty() : tensor<1x64xf32>
  %fo = linalg.fill ins(%zero : f32) outs(%eo : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m1 = linalg.matmul ins(%x, %t1 : tensor<1x64xf32>, tensor<64x64xf32>) outs(%fo : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m2 = linalg.matmul ins(%m1, %t2 : tensor<1x64xf32>, tensor<64x64xf32>) outs(%fo : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m3 = linalg.matmul ins(%m2, %s : tensor<1x64xf32>, tensor<64x64xf32>) outs(%fo : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %m3 : tensor<1x64xf32>
}
