// After bufferization the placement becomes memref memory spaces.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces 2>/dev/null | FileCheck %s

// Weights of node 0 (fast) and node 1 (slow). A matmul reads its weight
// transposed: the transposed buffer takes the weight's level, and the global
// the transpose reads (which a compiler folds away; the graph counts the
// weight once) goes to the slowest level, so no faster level holds it twice
// (the slowest holds it twice when the weight's level is the slowest too: the
// pass's room check counts both there).
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<64x128xf32, #egrl.mem<"slow">> = dense_resource<w2>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<128xf32, #egrl.mem<"fast">> = dense_resource<b1>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<128x256xf32, #egrl.mem<"slow">> = dense_resource<w1>
// CHECK: func.func @forward
// CHECK: %[[W1T:.*]] = memref.alloc() {{.*}} : memref<256x128xf32, #egrl.mem<"fast">>
// CHECK: %[[OUT0:.*]] = memref.alloc() {{.*}} : memref<1x128xf32, #egrl.mem<"fast">>
// CHECK: linalg.matmul {egrl.placement = {{.*}}} ins(%{{.*}}, %[[W1T]] : {{.*}}) outs(%[[OUT0]] : memref<1x128xf32, #egrl.mem<"fast">>)
// CHECK: %[[W2T:.*]] = memref.alloc() {{.*}} : memref<128x64xf32, #egrl.mem<"slow">>
// CHECK: %[[OUT1:.*]] = memref.alloc() {{.*}} : memref<1x64xf32, #egrl.mem<"fast">>
// The function result keeps its type through a cast.
// CHECK: %[[CAST:.*]] = memref.memory_space_cast %[[OUT1]] : memref<1x64xf32, #egrl.mem<"fast">> to memref<1x64xf32>
// CHECK: linalg.matmul {egrl.placement = {{.*}}} ins(%[[OUT0]], %[[W2T]] : {{.*}}) outs(%[[OUT1]] : memref<1x64xf32, #egrl.mem<"fast">>)
// CHECK: return %[[CAST]] : memref<1x64xf32>

// Running it before bufferization is a mistake worth an error.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json" -o %t.mlir 2>/dev/null
// RUN: not egrl-opt %t.mlir --egrl-apply-memory-spaces 2>&1 | FileCheck %s --check-prefix=TENSORS
// TENSORS: error: egrl-apply-memory-spaces: the placed ops still work on tensors; run --one-shot-bufferize first

// Placing an already bufferized module again (nothing left on tensors) keeps
// its record, so the memory spaces in it still verify.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o %t.buffers.mlir
// RUN: egrl-opt %t.buffers.mlir --egrl-memory-placement="target=edge-small" 2>&1 | FileCheck %s --check-prefix=AGAIN
// AGAIN: warning: egrl: 'linalg.transpose' computes on buffers (memref), not tensors; the placement sees only tensor IR, so compute on buffers is not placed: run it before bufferization (one-shot-bufferize)
// AGAIN-NOT: computes on buffers
// AGAIN: remark: egrl: @forward computes nothing to place
// AGAIN: egrl.record = #egrl.record<target = "nnpi-1000"
// Its report lists no function, and replaces an older run's file.
// RUN: echo stale > %t.report.json
// RUN: egrl-opt %t.buffers.mlir --egrl-memory-placement="report=%t.report.json" -o /dev/null 2>/dev/null
// RUN: FileCheck %s --check-prefix=EMPTY --input-file=%t.report.json
// EMPTY: "functions": []
// EMPTY-NOT: stale

// Every weight global of the bundled BERT-base (three embedding tables, the
// position ids, every matmul's weights and biases) gets a memory space.
// RUN: egrl-opt %models/bert_base.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces | grep 'memref.global' > %t.bert-globals
// RUN: grep -c 'egrl.mem' %t.bert-globals
// RUN: not grep -v 'egrl.mem' %t.bert-globals

// Without a placement there is nothing to apply: a warning, the IR unchanged.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOPLACEMENT
// NOPLACEMENT: warning: egrl-apply-memory-spaces: no op carries an #egrl.placement; run --egrl-memory-placement (before --one-shot-bufferize) first (it places nothing where no node computes); 4 written buffers keep the default memory space
// A module with nothing to place writes no buffer: the whole pipeline to
// LLVM IR passes it through with no warning and no error.
// RUN: egrl-opt %S/../Inputs/nothing-to-place.mlir --egrl-memory-placement --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --egrl-lower-memory-spaces --convert-to-llvm --reconcile-unrealized-casts -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTHING
// NOTHING: remark: egrl: @identity computes nothing to place
// NOTHING: remark: egrl: @scalars computes nothing to place
// NOTHING-NOT: {{warning|error}}
// Buffers that had a memory space of their own get the placement's, with a
// warning.
// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" 2>/dev/null | sed -e 's/memref<1x128xf32>/memref<1x128xf32, 5>/g' | egrl-opt --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=OWNSPACE
// OWNSPACE: warning: egrl-apply-memory-spaces: 1 placed buffers already had a memory space of their own; the placement's #egrl.mem replaced it
// With require-all, every buffer keeping the default space is an error.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOPLACEMENT-REQUIRED
// NOPLACEMENT-REQUIRED: error: egrl-apply-memory-spaces: no op carries an #egrl.placement
// Neither placed nor bufferized: said, and an error with require-all.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNPLACED-TENSORS
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-apply-memory-spaces=require-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNPLACED-TENSORS-REQUIRED
// UNPLACED-TENSORS: warning: egrl-apply-memory-spaces: no op carries an #egrl.placement and the module still computes on tensors: run --egrl-memory-placement, then --one-shot-bufferize, before this pass
// UNPLACED-TENSORS-REQUIRED: error: egrl-apply-memory-spaces: no op carries an #egrl.placement and the module still computes on tensors
// Placed, then every placed op rewritten by a pass (here: the attributes
// dropped), before bufferization: said so.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json" 2>/dev/null | sed -e 's/egrl.placement = #egrl.placement<[^>]*>/dropped/' | egrl-opt --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOST-TENSORS
// LOST-TENSORS: warning: egrl-apply-memory-spaces: no op carries an #egrl.placement and the module still computes on tensors: it was placed (it has an #egrl.record), but a pass since rewrote every placed op

// Padded copies (tensor.pad bufferizes to an alloc and a copy) take their
// source's level: the input image's is DRAM, where host inputs are read from.
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces | FileCheck %s --check-prefix=PAD
// PAD: memref.alloc() {alignment = 64 : i64} : memref<1x3x230x230xf32, #egrl.mem<"dram">>
// PAD: memref.alloc() {alignment = 64 : i64} : memref<1x64x58x58xf32, #egrl.mem<"sram">>

// Buffers promoted to the stack before this pass are levelled as heap ones:
// a padded copy of the host input takes the slowest level (it kept the
// default space, with no warning, require-all or not).
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement=progress=false --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --promote-buffers-to-stack=max-alloc-size-in-bytes=100000 --egrl-apply-memory-spaces=require-all 2>/dev/null | FileCheck %s --check-prefix=STACK
// STACK: memref.alloca() {{.*}} : memref<1x8x18x18xf32, #egrl.mem<"dram">>
// STACK-NOT: memref.alloca() {{.*}} : memref<{{[0-9x]*}}xf32>{{$}}

// The supported position: placement right before bufferization, after
// fusion. Placed first and fused after, the fused ops lose their placement
// and their buffers keep the default memory space: a warning says how many,
// require-all makes it an error.
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=SUPPORTED --allow-empty
// SUPPORTED-NOT: egrl-apply-memory-spaces
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement --linalg-fuse-elementwise-ops --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=FUSEDAFTER
// FUSEDAFTER: warning: egrl-apply-memory-spaces: 213 of 267 weights (constant globals compute ops read; 2154240 of 25610152 elements) have no #egrl.placement behind them and keep the default memory space
// FUSEDAFTER: warning: egrl-apply-memory-spaces: 68 of 125 buffers that ops write have no #egrl.placement behind them and keep the default memory space: a pass between placement and bufferization rewrote their ops (run --egrl-memory-placement after fusion and conversions, right before --one-shot-bufferize), or bufferization replaced them by copies (tensor.concat, insert_slice into an empty tensor, linalg.softmax)
// RUN: not egrl-opt %models/resnet50.mlir --egrl-memory-placement --linalg-fuse-elementwise-ops --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces="require-all" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REQUIRED
// REQUIRED: error: egrl-apply-memory-spaces: 213 of 267 weights
// REQUIRED: error: egrl-apply-memory-spaces: 68 of 125 buffers
// Named convolutions rebuilt as linalg.generic after placement lose their
// placement, but write into the buffers of fills that kept theirs: the
// written buffers hardly tell, while every conv weight stays in the default
// space. The weights are counted apart (they were taken for folded sources
// of the next placed op, and sent to the slowest level, without a word).
// RUN: not egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement --linalg-generalize-named-ops --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=GENERALIZED
// GENERALIZED: error: egrl-apply-memory-spaces: 2 of 4 weights (constant globals compute ops read; 1152 of 1168 elements) have no #egrl.placement behind them
// GENERALIZED: note: the first of them is read by this 'linalg.generic'
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement --linalg-generalize-named-ops --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=GENERALIZED50
// GENERALIZED50: warning: egrl-apply-memory-spaces: 54 of 267 weights (constant globals compute ops read; 25502912 of 25610152 elements)

// Fused first, then placed: nothing is left without a level.
// RUN: egrl-opt %models/resnet50.mlir --linalg-fuse-elementwise-ops --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces="require-all" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FUSEDFIRST --allow-empty
// FUSEDFIRST-NOT: egrl-apply-memory-spaces

// Bufferization replaces a concat (a node of the graph) by a new buffer and
// copies, which keep no placement: the buffer keeps the default space and
// is counted.
// RUN: egrl-opt %S/../Inputs/concat.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=CONCAT
// CONCAT: concat.mlir:5:3: warning: egrl-apply-memory-spaces: 1 of 3 buffers that ops write have no #egrl.placement behind them
// RUN: not egrl-opt %S/../Inputs/concat.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=CONCAT-REQUIRED
// CONCAT-REQUIRED: error: egrl-apply-memory-spaces: 1 of 3 buffers

// Copies into views of views write the buffer too.
// RUN: egrl-opt %S/../Inputs/copies-through-views.mlir --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=VIEWCOPIES
// VIEWCOPIES: warning: egrl-apply-memory-spaces: 3 of 4 buffers that ops write have no #egrl.placement behind them

// A TOSA model lowered to linalg first, then placed: every written buffer
// gets its level.
// RUN: egrl-opt %S/../Inputs/tosa-net.mlir --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith,tosa-to-tensor),egrl-memory-placement,one-shot-bufferize{bufferize-function-boundaries},egrl-apply-memory-spaces{require-all})" -o /dev/null 2>&1 | FileCheck %s --check-prefix=TOSA
// TOSA: remark: egrl: placed 3 nodes of @tosa_net
// TOSA-NOT: egrl-apply-memory-spaces

// A buffer only filled with one value and only read (a splat the graph counts
// as free, as an LSTM's zero initial state) goes to the slowest level, as
// graph inputs do: no warning, and require-all holds.
// RUN: egrl-opt %S/../Inputs/splat-input.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json progress=false" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all 2>&1 | FileCheck %s --check-prefix=SPLAT
// SPLAT-NOT: warning
// SPLAT: %[[STATE:.*]] = memref.alloc() {{.*}} : memref<4x64xf32, #egrl.mem<"slow">>
// SPLAT-NEXT: linalg.fill ins(%{{.*}} : f32) outs(%[[STATE]] : memref<4x64xf32, #egrl.mem<"slow">>)
// SPLAT: linalg.add {egrl.placement = {{.*}}} ins(%{{.*}}, %[[STATE]] : {{.*}}, memref<4x64xf32, #egrl.mem<"slow">>)

// A mutable global (a KV cache) is state that flows in at run time, as the
// graph counts it, not a weight: it keeps its space while the constant the
// same op reads takes the weights' level (the cache went to SRAM with it).
// RUN: egrl-opt %S/../Inputs/mutable-global.mlir --egrl-memory-placement="granularity=op progress=false" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces 2>&1 | FileCheck %s --check-prefix=MUTABLE
// MUTABLE: memref.global "private" constant @{{.*}} : memref<4x4xf32, #egrl.mem<"sram">>
// MUTABLE: memref.global "private" @kv : memref<4x4xf32> =

// A constant one function reads directly and another only transposes: the
// global keeps the level of the op that reads it, with no warning of
// functions that disagree, and the transposed copy takes its own op's level.
// RUN: egrl-opt %S/../Inputs/tied-transposed.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json progress=false" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces 2>&1 | FileCheck %s --check-prefix=TIED
// TIED-NOT: warning
// TIED: memref.global "private" constant @{{.*}} : memref<64x64xf32, #egrl.mem<"fast">> = dense_resource<w>
// TIED: func.func @transposed
// TIED: memref.alloc() {{.*}} : memref<64x64xf32, #egrl.mem<"fast">>
// TIED-NEXT: linalg.transpose

// A weight computed by a long chain of folded ops from constants: the
// buffer the placed op reads takes the weight's level, and everything behind
// it (the globals and the buffers between) the slowest level, however long
// the chain (one cut at five ops left the table and the first layer's
// weight in the default space). No buffer is left in the default space.
// RUN: egrl-opt %S/../Inputs/folded-chain.mlir --egrl-memory-placement="strategy=greedy progress=false" --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces 2>&1 | FileCheck %s --check-prefix=CHAIN
// CHAIN-NOT: warning
// CHAIN-DAG: memref.global "private" constant @{{.*}} : memref<49x2xf32, #egrl.mem<"dram">> = dense_resource<table>
// CHAIN-DAG: memref.global "private" constant @{{.*}} : memref<64x2xf32, #egrl.mem<"dram">> = dense_resource<mlp_0_weight>
// CHAIN-NOT: memref.alloc() {{.*}} : memref<{{[0-9x]+}}xf32>{{$}}

// Four transposes of one weight are one weight to the graph (as after CSE) but
// four buffers once bufferized: the weights the level now holds exceed its room
// on the placement's chip, which the pass says; with --cse before placement
// they are one buffer, and it fits.
// RUN: egrl-opt %S/../Inputs/shared-transposes.mlir --egrl-memory-placement="target=edge-small progress=false" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNMERGED
// UNMERGED: shared-transposes.mlir:4:1: warning: egrl-apply-memory-spaces: level 'scratch' now holds 1179648 bytes of weights (their globals and the buffers folded ops fill from them), more than the 1048576 it has on edge-small, where the placement counted them as fitting: folded ops of one weight that were not merged (several transposes of it: run --cse before placement)
// RUN: egrl-opt %S/../Inputs/shared-transposes.mlir --cse --egrl-memory-placement="target=edge-small progress=false" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=MERGED --allow-empty
// MERGED-NOT: now holds
// target= names the chip to check against (a placement for a target file is
// checked only so); a file that cannot be read is an error.
// RUN: egrl-opt %S/../Inputs/shared-transposes.mlir --egrl-memory-placement="target=%targets/edge-small.json progress=false" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces="target=%targets/edge-small.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNMERGED
// RUN: not egrl-opt %S/../Inputs/shared-transposes.mlir --egrl-memory-placement="target=edge-small progress=false" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces="target=%t.none.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTARGET
// NOTARGET: error: egrl-apply-memory-spaces: target={{.*}}none.json: cannot read target file
// target= of other levels than the placement's is an error (it would compare
// levels by accident); a placement for a target file, without target=, is said
// not checked rather than skipped quietly.
// RUN: not egrl-opt %S/../Inputs/shared-transposes.mlir --egrl-memory-placement="target=edge-small progress=false" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces="target=nnpi-1000" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OTHERLEVELS
// OTHERLEVELS: error: egrl-apply-memory-spaces: target=nnpi-1000 has levels sram, llc, dram, the placement was made for levels scratch, l2, lpddr of edge-small
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNCHECKED
// A file of the placement's levels but other sizes is another chip (the
// record's digest says so, for rates too): what overflows there may never
// have been counted as fitting, and the warning says that first.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces="target=%S/../Inputs/toy-smaller.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OTHERCHIP
// OTHERCHIP: warning: egrl-apply-memory-spaces: level 'fast' now holds {{[0-9]+}} bytes of weights (their globals and the buffers folded ops fill from them), more than the 20000 it has on toy: target={{.*}}toy-smaller.json describes another chip than the placement was made for (digest {{[0-9a-f]+}}, the placement's {{[0-9a-f]+}}): if its levels hold less, place for this file; if not, folded ops of one weight
// UNCHECKED: remark: egrl-apply-memory-spaces: the weights each level holds are not checked against the room of toy: it is not a bundled target; give its file with target=FILE to check them
