// Weights whose level --egrl-apply-memory-spaces applies (outside tester
// s43 E).

// A non-splat constant as a conv's init (its bias in full) is the conv's
// weight to the graph: its global, copied into the output buffer, takes the
// weights level like other weight globals.
// RUN: egrl-opt %S/../Inputs/bias-init.mlir --egrl-memory-placement=progress=false --egrl-prepare-bufferization --one-shot-bufferize=bufferize-function-boundaries --egrl-apply-memory-spaces=require-all 2>/dev/null | FileCheck %s --check-prefix=BIAS
// BIAS-DAG: memref.global "private" constant @{{.*}} : memref<1x4x6x6xf32, #egrl.mem<"sram">> = dense<"0x
// BIAS-DAG: memref.global "private" constant @{{.*}} : memref<4x3x3x3xf32, #egrl.mem<"sram">> = dense<5.000000e-01>

// A hand edit giving node 1 another level for the weight node 0 owns is
// overruled by the owner's level, with a warning naming both ops.
// RUN: egrl-opt %S/../Inputs/shared-hand-edit.mlir --one-shot-bufferize=bufferize-function-boundaries --egrl-apply-memory-spaces 2>&1 | FileCheck %s --check-prefix=EDIT
// EDIT: shared-hand-edit.mlir:13:10: warning: egrl-apply-memory-spaces: this op's #egrl.placement (node 1) puts the weight '{{.*}}' in 'dram', but node 0, which owns it, puts it in 'sram': the owner's level is applied
// EDIT: shared-hand-edit.mlir:10:10: note: the owner's op, which puts it in 'sram'
// EDIT: memref.global "private" constant @{{.*}} : memref<16x16xf32, #egrl.mem<"sram">> = dense<5.000000e-01>
