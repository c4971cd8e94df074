// Placed concats and inserts into an empty tensor are allocated in their
// level: bufferization would otherwise replace them by a default-space
// allocation and copies.
// RUN: egrl-opt %S/../Inputs/concat-placed.mlir --egrl-prepare-bufferization 2>&1 | FileCheck %s --check-prefix=PREPARED
// PREPARED: concat-placed.mlir:16:11: warning: egrl-prepare-bufferization: the op (node 6) writes its output in place into node 5's buffer, which keeps that node's level 'dram', not 'sram'
// PREPARED: concat-placed.mlir:20:12: warning: egrl-prepare-bufferization: left in the default memory space, 1 placed op whose bufferization allocates anew (tensor.concat, inserts into an empty tensor, linalg.softmax) whose result reaches a return
// PREPARED: %[[CAT:.*]] = bufferization.alloc_tensor() {memory_space = #egrl.mem<"llc">} : tensor<64x64xf32>
// PREPARED-NEXT: %[[IN:.*]] = tensor.insert_slice %{{.*}} into %[[CAT]][0, 0] [64, 32] [1, 1] :
// PREPARED-NEXT: tensor.insert_slice %{{.*}} into %[[IN]][0, 32] [64, 32] [1, 1] :
// PREPARED: %[[CHAIN:.*]] = bufferization.alloc_tensor() {memory_space = #egrl.mem<"dram">}
// PREPARED-NEXT: tensor.insert_slice %{{.*}} into %[[CHAIN]][0, 0] [64, 32] [1, 1] {egrl.placement = #egrl.placement<node = 5, output = "dram">}
// PREPARED: %[[ONE:.*]] = bufferization.alloc_tensor() {memory_space = #egrl.mem<"llc">}
// PREPARED-NEXT: tensor.insert_slice %{{.*}} into %[[ONE]][0, 0] [64, 64] [1, 1] :
// The returned concat is left alone.
// PREPARED: tensor.concat dim(1) {{.*}}node = 9

// After bufferization each of those buffers is allocated in its level, and
// egrl-apply-memory-spaces counts only the returned concat's as unplaced; an
// op that overwrites a concat's buffer in place is told which level it keeps.
// RUN: egrl-opt %S/../Inputs/concat-placed.mlir --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o %t.mlir 2>&1 | FileCheck %s --check-prefix=APPLY-WARN
// APPLY-WARN: concat-placed.mlir:13:10: warning: egrl-apply-memory-spaces: the op (node 4) writes its output in place into a concatenation's buffer, which keeps its level 'llc', not 'sram'
// APPLY-WARN: warning: egrl-apply-memory-spaces: 1 of 8 buffers that ops write have no #egrl.placement behind them
// RUN: FileCheck %s --check-prefix=APPLIED < %t.mlir
// APPLIED: %[[CAT:.*]] = memref.alloc() {{.*}} : memref<64x64xf32, #egrl.mem<"llc">>
// APPLIED: memref.copy %{{.*}}, %{{.*}} : memref<64x32xf32, #egrl.mem<"sram">> to memref<64x32xf32, strided<[64, 1]>, #egrl.mem<"llc">>
// APPLIED: linalg.abs {{.*}} outs(%[[CAT]] : memref<64x64xf32, #egrl.mem<"llc">>)
// APPLIED: memref.alloc() {{.*}} : memref<64x64xf32, #egrl.mem<"dram">>
// APPLIED: memref.alloc() {{.*}} : memref<64x64xf32, #egrl.mem<"llc">>
// APPLIED: memref.alloc() {{.*}} : memref<64x128xf32>{{$}}
// The address spaces of the record, down to LLVM.
// RUN: egrl-opt %t.mlir --egrl-lower-memory-spaces --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-scf-to-cf --finalize-memref-to-llvm --convert-to-llvm --reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @cat
// LLVM-NOT: memref.
// LLVM: !llvm.ptr<1>

// Placed by the pass, with no concat returned: every written buffer gets a
// level, so require-all passes; without the new pass it does not.
// RUN: egrl-opt %S/../Inputs/concat-inside.mlir --egrl-memory-placement --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALL --allow-empty
// ALL-NOT: warning
// ALL-NOT: error
// RUN: not egrl-opt %S/../Inputs/concat-inside.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=WITHOUT
// WITHOUT: error: egrl-apply-memory-spaces: 2 of 5 buffers that ops write have no #egrl.placement behind them {{.*}} or bufferization replaced them by copies (tensor.concat, insert_slice into an empty tensor, linalg.softmax): --egrl-prepare-bufferization before --one-shot-bufferize allocates those in their level, except a concatenation the function returns
// WITHOUT: concat-inside.mlir:9:10: note: the first of them is written by this 'memref.copy'

// torch-mlir's cat (inserts into an empty tensor) returned through reshapes:
// left alone, and said so; bufferization still succeeds.
// RUN: egrl-opt %S/../Inputs/torch-mlir-cat.mlir --egrl-memory-placement --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=TORCH
// TORCH: torch-mlir-cat.mlir:16:17: warning: egrl-prepare-bufferization: left in the default memory space, 1 placed op whose bufferization allocates anew

// Running it twice changes nothing more; without placements it does nothing.
// RUN: egrl-opt %S/../Inputs/concat-placed.mlir --egrl-prepare-bufferization -o %t.once.mlir 2>/dev/null
// RUN: egrl-opt %t.once.mlir --egrl-prepare-bufferization 2>/dev/null | diff - %t.once.mlir
// RUN: egrl-opt %S/../Inputs/concat.mlir --egrl-prepare-bufferization 2>&1 | FileCheck %s --check-prefix=NONE
// NONE-NOT: warning
// NONE: tensor.concat

// Upstream mlir-opt with the plugin runs the same pipeline.
// RUN: upstream-mlir-opt %S/../Inputs/concat-inside.mlir --load-dialect-plugin=%egrl_plugin --load-pass-plugin=%egrl_plugin --pass-pipeline="builtin.module(egrl-memory-placement{strategy=greedy},egrl-prepare-bufferization,one-shot-bufferize{bufferize-function-boundaries},egrl-apply-memory-spaces{require-all},egrl-lower-memory-spaces)" | FileCheck %s --check-prefix=PLUGIN
// PLUGIN-COUNT-4: memref.alloc() {alignment = 64 : i64} : memref<64x128xf32, 2>

// Buffers that leave by ways other than the concat's own result: through a
// pad, an op writing into it in place, a middle link of an insert chain.
// Each is left alone with a warning at it, and bufferization succeeds.
// RUN: egrl-opt %S/../Inputs/concat-boundaries.mlir -split-input-file --egrl-memory-placement=strategy=greedy --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=BOUNDARY
// BOUNDARY: concat-boundaries.mlir:9:8: warning: egrl-prepare-bufferization: left in the default memory space, 1 placed op whose bufferization allocates anew (tensor.concat, inserts into an empty tensor, linalg.softmax) whose result reaches a return
// BOUNDARY: concat-boundaries.mlir:22:8: warning: egrl-prepare-bufferization: left in the default memory space, 1 placed op whose bufferization allocates anew
// BOUNDARY: concat-boundaries.mlir:32:9: warning: egrl-prepare-bufferization: left in the default memory space, 1 placed op whose bufferization allocates anew
// BOUNDARY-NOT: error

// Placed by hand: a concat overwritten in place inside a branch whose yield
// leaves the function is left alone; bufferization's own buffer for an op
// that cannot write into a concat in place inherits the concat's level, and
// apply gives it the op's.
// RUN: egrl-opt %S/../Inputs/concat-hand-placed.mlir -split-input-file --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces 2>&1 | FileCheck %s --check-prefix=HAND
// HAND: concat-hand-placed.mlir:11:10: warning: egrl-prepare-bufferization: left in the default memory space, 1 placed op whose bufferization allocates anew
// HAND-LABEL: func.func @copied_for_an_op
// HAND: %[[CAT:.*]] = memref.alloc() {{.*}} : memref<64x128xf32, #egrl.mem<"dram">>
// HAND: %[[OWN:.*]] = memref.alloc() {{.*}} : memref<64x128xf32, #egrl.mem<"sram">>
// HAND-NEXT: linalg.abs {{.*}} outs(%[[OWN]] :
// HAND-NOT: in place into a concatenation's buffer

// A softmax whose empty init other ops use too (CSE merges equal empties)
// gets its own allocation, and one read by another softmax stays inside
// ops: both were left in the default space without a word.
// RUN: egrl-opt %S/../Inputs/softmax-shared-init.mlir --egrl-memory-placement="granularity=op progress=false" --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all 2>&1 | FileCheck %s --check-prefix=SHARED
// SHARED-NOT: warning
// SHARED: linalg.softmax dimension(1) ins({{.*}}) outs(%{{.*}} : memref<4x8xf32, #egrl.mem<"sram">>)
// SHARED: linalg.softmax dimension(0) ins({{.*}}) outs(%{{.*}} : memref<4x8xf32, #egrl.mem<"sram">>)

// Placed ops whose inits CSE merged into one tensor.empty each get an empty
// of their own again: bufferization wrote all three in place into the first
// one's buffer, in its level ('dram'), where each node's output has its own.
// RUN: egrl-opt %S/../Inputs/shared-empty.mlir --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all 2>&1 | FileCheck %s --check-prefix=CSE
// CSE-NOT: warning
// CSE: %[[A:.*]] = memref.alloc() {{.*}} : memref<32x32xf32, #egrl.mem<"dram">>
// CSE: outs(%[[A]] : {{.*}}node = 0
// CSE: %[[B:.*]] = memref.alloc() {{.*}} : memref<32x32xf32, #egrl.mem<"sram">>
// CSE: outs(%[[B]] : {{.*}}node = 1
// CSE: %[[C:.*]] = memref.alloc() {{.*}} : memref<32x32xf32, #egrl.mem<"llc">>
// CSE: outs(%[[C]] : {{.*}}node = 2

// A constant the concatenation copies in is its node's weight: a placed
// linalg.copy reads it, so its global takes the weights level (here edited
// to another level than the output's), where bufferization's own copy would
// have left it in the default space without a word, require-all or not.
// RUN: egrl-opt %S/../Inputs/concat-weight.mlir --egrl-memory-placement=progress=false -o %t.weight.mlir 2>/dev/null
// RUN: sed -e 's/weights = "sram"/weights = "llc"/' %t.weight.mlir | egrl-opt --egrl-prepare-bufferization | FileCheck %s --check-prefix=WEIGHT-PREPARED
// WEIGHT-PREPARED-LABEL: func.func @concat
// WEIGHT-PREPARED: %[[SLOT:.*]] = tensor.extract_slice %{{.*}}[0, 4, 0, 0] [1, 4, 8, 8] [1, 1, 1, 1]
// WEIGHT-PREPARED-NEXT: %[[COPY:.*]] = linalg.copy {egrl.placement = #egrl.placement<node = 1, weights = "llc", output = "sram">} ins(%{{.*}} : tensor<1x4x8x8xf32>) outs(%[[SLOT]] :
// WEIGHT-PREPARED-NEXT: tensor.insert_slice %[[COPY]] into
// WEIGHT-PREPARED-LABEL: func.func @inserts
// WEIGHT-PREPARED: linalg.copy {egrl.placement = #egrl.placement<node = 1, weights = "llc", output = "sram">} ins(%{{.*}} : tensor<4x8x8xf32>)
// WEIGHT-PREPARED-NEXT: tensor.insert_slice %{{.*}} {egrl.placement = #egrl.placement<node = 1, output = "sram">}
// RUN: sed -e 's/weights = "sram"/weights = "llc"/' %t.weight.mlir | egrl-opt --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all 2>&1 | FileCheck %s --check-prefix=WEIGHT
// WEIGHT-NOT: warning
// WEIGHT-DAG: memref.global "private" constant @__constant_4x8x8xf32 : memref<4x8x8xf32, #egrl.mem<"llc">>
// WEIGHT-DAG: memref.global "private" constant @__constant_1x4x8x8xf32 : memref<1x4x8x8xf32, #egrl.mem<"llc">>
