// A fused node may read a weight another node owns (one bias shared by two
// layers): each op carries the level of the weight it reads, and after
// bufferization each global gets its owner's level. Each case is a module of
// its own (-split-input-file), as the functions of one module share the chip
// (shared-across-functions.mlir). On small-fast only one of
// the two 16 KiB matrices fits in "fast"; greedy puts wa and the bias there.
// RUN: egrl-opt %s -split-input-file --egrl-memory-placement="target=%S/../Inputs/small-fast.json" | FileCheck %s
// CHECK: linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "fast", output = "fast">}
// CHECK: linalg.generic {{.*}}egrl.placement = #egrl.placement<node = 0, weights = "fast", output = "fast">
// CHECK: linalg.matmul {egrl.placement = #egrl.placement<node = 1, weights = "slow", output = "fast">}
// CHECK: linalg.generic {{.*}}egrl.placement = #egrl.placement<node = 1, weights = "fast", output = "fast">

// RUN: egrl-opt %s -split-input-file --egrl-memory-placement="target=%S/../Inputs/small-fast.json" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces | FileCheck %s --check-prefix=BUF
// BUF-DAG: memref.global "private" constant @{{.*}} : memref<128xf32, #egrl.mem<"fast">> = dense_resource<bias>
// BUF-DAG: memref.global "private" constant @{{.*}} : memref<128x128xf32, #egrl.mem<"slow">> = dense_resource<wb>
// BUF-DAG: memref.global "private" constant @{{.*}} : memref<128x128xf32, #egrl.mem<"fast">> = dense_resource<wa>
// An embedding table read inside a lookup's body gets its level too (its
// 16,000 B fit in "fast" in @lookup's own placement).
// BUF-DAG: memref.global "private" constant @{{.*}} : memref<1000x16xf32, #egrl.mem<"fast">> = dense_resource<table>
// The result parses and verifies again (memory spaces name target levels).
// RUN: egrl-opt %s -split-input-file --egrl-memory-placement="target=%S/../Inputs/small-fast.json" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces | egrl-opt -split-input-file -o /dev/null
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#ids = affine_map<(d0, d1) -> (d0)>
func.func @forward(%x: tensor<1x128xf32>) -> tensor<1x128xf32> {
  %wa = arith.constant dense_resource<wa> : tensor<128x128xf32>
  %wb = arith.constant dense_resource<wb> : tensor<128x128xf32>
  %bias = arith.constant dense_resource<bias> : tensor<128xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x128xf32>) -> tensor<1x128xf32>
  %a = linalg.matmul ins(%x, %wa : tensor<1x128xf32>, tensor<128x128xf32>) outs(%f : tensor<1x128xf32>) -> tensor<1x128xf32>
  %ab = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %bias : tensor<1x128xf32>, tensor<128xf32>) outs(%e : tensor<1x128xf32>) {
  ^bb0(%i: f32, %b: f32, %o: f32):
    %s = arith.addf %i, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x128xf32>
  %c = linalg.matmul ins(%ab, %wb : tensor<1x128xf32>, tensor<128x128xf32>) outs(%f : tensor<1x128xf32>) -> tensor<1x128xf32>
  %cb = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%c, %bias : tensor<1x128xf32>, tensor<128xf32>) outs(%e : tensor<1x128xf32>) {
  ^bb0(%i: f32, %b: f32, %o: f32):
    %s = arith.addf %i, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x128xf32>
  return %cb : tensor<1x128xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#ids = affine_map<(d0, d1) -> (d0)>
func.func @lookup(%tokens: tensor<4xi64>) -> tensor<4x16xf32> {
  %table = arith.constant dense_resource<table> : tensor<1000x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [#ids, #id], iterator_types = ["parallel", "parallel"]} ins(%tokens : tensor<4xi64>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%t: i64, %o: f32):
    %row = arith.index_cast %t : i64 to index
    %col = linalg.index 1 : index
    %v = tensor.extract %table[%row, %col] : tensor<1000x16xf32>
    linalg.yield %v : f32
  } -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#ids = affine_map<(d0, d1) -> (d0)>
// torch-mlir's conv with bias: the bias is broadcast into the conv's output
// buffer; after bufferization its global gets the conv's weight level.
// BUF-DAG: memref.global "private" constant @{{.*}} : memref<16xf32, #egrl.mem<"fast">> = dense_resource<conv_bias>
#bias4 = affine_map<(d0, d1, d2, d3) -> (d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_bias(%x: tensor<1x3x10x10xf32>) -> tensor<1x16x8x8xf32> {
  %w = arith.constant dense_resource<conv_w> : tensor<16x3x3x3xf32>
  %b = arith.constant dense_resource<conv_bias> : tensor<16xf32>
  %e = tensor.empty() : tensor<1x16x8x8xf32>
  %init = linalg.generic {indexing_maps = [#bias4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<16xf32>) outs(%e : tensor<1x16x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x16x8x8xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x3x10x10xf32>, tensor<16x3x3x3xf32>) outs(%init : tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#ids = affine_map<(d0, d1) -> (d0)>
// A lookup with constant indices (BERT's position embeddings) folds into a
// weight of its consumer; its table's global gets that level too.
// BUF-DAG: memref.global "private" constant @{{.*}} : memref<512x16xf32, #egrl.mem<"fast">> = dense_resource<positions>
func.func @constant_lookup(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %pos = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %table = arith.constant dense_resource<positions> : tensor<512x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %p = linalg.generic {indexing_maps = [#ids, #id], iterator_types = ["parallel", "parallel"]} ins(%pos : tensor<4xi64>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%t: i64, %o: f32):
    %row = arith.index_cast %t : i64 to index
    %col = linalg.index 1 : index
    %v = tensor.extract %table[%row, %col] : tensor<512x16xf32>
    linalg.yield %v : f32
  } -> tensor<4x16xf32>
  %r = linalg.add ins(%x, %p : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#ids = affine_map<(d0, d1) -> (d0)>
// An op that reads a weight another node owns and one of its own: its
// #egrl.placement carries its own node's level (no other op would), and the
// shared weight's level is its owner's ops'. The 64 KiB matrix does not fit
// in "fast", the bias does. strategy=keep reads the placement back as placed.
// RUN: egrl-opt %s -split-input-file --egrl-memory-placement="target=%S/../Inputs/small-fast.json" | FileCheck %s --check-prefix=OWN
// OWN-LABEL: func.func @own_and_shared
// OWN: linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "slow", output = "fast">}
// OWN: linalg.generic {{.*}}egrl.placement = #egrl.placement<node = 1, weights = "fast", output = "slow">
// RUN: egrl-opt %s -split-input-file --egrl-memory-placement="target=%S/../Inputs/small-fast.json" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces | FileCheck %s --check-prefix=BUF
// BUF-DAG: memref.global "private" constant @{{.*}} : memref<256x256xf32, #egrl.mem<"slow">> = dense_resource<shared_w>
// BUF-DAG: memref.global "private" constant @{{.*}} : memref<256xf32, #egrl.mem<"fast">> = dense_resource<own_b>
// RUN: egrl-opt %s -split-input-file --egrl-memory-placement="target=%S/../Inputs/small-fast.json" | egrl-opt -split-input-file --egrl-memory-placement="strategy=keep target=%S/../Inputs/small-fast.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OWNKEPT
// OWNKEPT: remark: egrl: placed 2 nodes of @own_and_shared on small-fast with keep (analytical)
func.func @own_and_shared(%x: tensor<1x256xf32>, %y: tensor<256x256xf32>) -> (tensor<1x256xf32>, tensor<256x256xf32>) {
  %w = arith.constant dense_resource<shared_w> : tensor<256x256xf32>
  %b = arith.constant dense_resource<own_b> : tensor<256xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x256xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x256xf32>) -> tensor<1x256xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f : tensor<1x256xf32>) -> tensor<1x256xf32>
  %e2 = tensor.empty() : tensor<256x256xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%y, %w, %b : tensor<256x256xf32>, tensor<256x256xf32>, tensor<256xf32>) outs(%e2 : tensor<256x256xf32>) {
  ^bb0(%a: f32, %ww: f32, %bb: f32, %o: f32):
    %m = arith.mulf %a, %ww : f32
    %s = arith.addf %m, %bb : f32
    linalg.yield %s : f32
  } -> tensor<256x256xf32>
  return %mm, %r : tensor<1x256xf32>, tensor<256x256xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#ids = affine_map<(d0, d1) -> (d0)>
// The bias is node 0's (its matmul and bias add are fused), but node 1's op,
// which comes between them in program order, reads it first: after
// bufferization its global still gets node 0's level, the one measured.
// BUF-DAG: memref.global "private" constant @{{.*}} : memref<128xf32, #egrl.mem<"fast">> = dense_resource<il_bias>
// BUF-DAG: memref.global "private" constant @{{.*}} : memref<128x128xf32, #egrl.mem<"slow">> = dense_resource<il_wc>
func.func @interleaved(%x: tensor<1x128xf32>, %y: tensor<128x128xf32>) -> (tensor<1x128xf32>, tensor<128x128xf32>) {
  %wa = arith.constant dense_resource<il_wa> : tensor<128x128xf32>
  %wc = arith.constant dense_resource<il_wc> : tensor<128x128xf32>
  %b = arith.constant dense_resource<il_bias> : tensor<128xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x128xf32>) -> tensor<1x128xf32>
  %m0 = linalg.matmul ins(%x, %wa : tensor<1x128xf32>, tensor<128x128xf32>) outs(%f : tensor<1x128xf32>) -> tensor<1x128xf32>
  %e2 = tensor.empty() : tensor<128x128xf32>
  %r1 = linalg.generic {indexing_maps = [#id, #id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%y, %wc, %b : tensor<128x128xf32>, tensor<128x128xf32>, tensor<128xf32>) outs(%e2 : tensor<128x128xf32>) {
  ^bb0(%a: f32, %c: f32, %bb: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %m, %bb : f32
    linalg.yield %s : f32
  } -> tensor<128x128xf32>
  %a0 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%m0, %b : tensor<1x128xf32>, tensor<128xf32>) outs(%e : tensor<1x128xf32>) {
  ^bb0(%i: f32, %bb: f32, %o: f32):
    %s = arith.addf %i, %bb : f32
    linalg.yield %s : f32
  } -> tensor<1x128xf32>
  return %a0, %r1 : tensor<1x128xf32>, tensor<128x128xf32>
}
