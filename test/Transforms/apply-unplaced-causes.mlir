// Buffers --egrl-apply-memory-spaces cannot give a level, each named by its
// cause (outside tester s43 E).

// A nested module placed on its own that one-shot-bufferize on the outer
// module left on tensors: the same error as for a top-level module, though
// the outer module's placed ops are on buffers.
// RUN: not egrl-opt %S/../Inputs/nested-unbufferized.mlir --one-shot-bufferize=bufferize-function-boundaries --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTED
// NESTED: error: egrl-apply-memory-spaces: the placed ops of nested module @inner still work on tensors; run --one-shot-bufferize first (on that module too
// NESTED: note: the first of them is this 'linalg.matmul'

// A causal mask computed from indices only: the graph counts it as the add's
// weight, but it is computed at run time into a buffer of its own.
// RUN: not egrl-opt %S/../Inputs/index-mask.mlir --egrl-memory-placement=progress=false --egrl-prepare-bufferization --one-shot-bufferize=bufferize-function-boundaries --egrl-apply-memory-spaces=require-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=MASK
// MASK: error: egrl-apply-memory-spaces: 1 of 2 buffers that ops write have no #egrl.placement behind them and keep the default memory space: 1 is a table computed from indices only
// MASK-NOT: a pass between placement
// MASK: note: the first of the tables is written by this 'linalg.map'

// A placed tensor.generate reading an activation becomes a linalg.map with
// no placement.
// RUN: egrl-opt %S/../Inputs/generate-reads.mlir --egrl-memory-placement=progress=false --egrl-prepare-bufferization --one-shot-bufferize=bufferize-function-boundaries --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=GENERATE
// GENERATE: warning: egrl-apply-memory-spaces: 1 of 3 buffers that ops write have no #egrl.placement behind them and keep the default memory space: 1 is written by a tensor.generate, which bufferizes to a linalg.map that keeps no #egrl.placement
// GENERATE-NOT: a pass between placement

// Bufferized without bufferize-function-boundaries: the pad of the argument.
// RUN: egrl-opt %S/../Inputs/pad-argument.mlir --egrl-memory-placement=progress=false --egrl-prepare-bufferization --one-shot-bufferize --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=BOUNDARY
// BOUNDARY: warning: egrl-apply-memory-spaces: 1 of 2 buffers that ops write have no #egrl.placement behind them and keep the default memory space: 1 is a copy of a function's argument (a pad of it): --one-shot-bufferize ran without bufferize-function-boundaries
// BOUNDARY-NOT: a pass between placement

// A placed call's result is the callee's buffer: its level is not applied.
// RUN: egrl-opt %S/../Inputs/call-result.mlir --egrl-memory-placement=progress=false --one-shot-bufferize=bufferize-function-boundaries --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=CALL
// RUN: not egrl-opt %S/../Inputs/call-result.mlir --egrl-memory-placement=progress=false --one-shot-bufferize=bufferize-function-boundaries --egrl-apply-memory-spaces=require-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=CALL-REQUIRED
// CALL: call-result.mlir:9:8: warning: egrl-apply-memory-spaces: the placement gives this call's result output level 'sram', which cannot be applied: the result is a buffer the callee allocates, which keeps the memory space of the callee's signature (@kernel)
// CALL-REQUIRED: error: egrl-apply-memory-spaces: the placement gives this call's result output level 'sram'

// Run again after lowering: the buffers are in integer spaces, and the
// warning says lowering ran, at the first function (the module is implicit).
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement=progress=false --one-shot-bufferize=bufferize-function-boundaries --egrl-apply-memory-spaces --egrl-lower-memory-spaces --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOWERED
// LOWERED: mlp.mlir:1:1: warning: egrl-apply-memory-spaces: no op carries an #egrl.placement and the buffers are in integer memory spaces already: --egrl-lower-memory-spaces ran before this pass

// Nothing placed: said at the first function, not at file:0:0.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --one-shot-bufferize=bufferize-function-boundaries --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNPLACED-AT
// UNPLACED-AT: mlp.mlir:1:1: warning: egrl-apply-memory-spaces: no op carries an #egrl.placement; run --egrl-memory-placement

// A target file that cannot be read is an error with nothing placed too.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --one-shot-bufferize=bufferize-function-boundaries --egrl-apply-memory-spaces=target=%t.none.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADTARGET
// BADTARGET: error: egrl-apply-memory-spaces: target={{.*}}none.json:
