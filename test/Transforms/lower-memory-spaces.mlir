// Placement -> bufferization -> memory spaces -> integer address spaces ->
// the standard lowering -> LLVM IR. On nnpi-1000 the default address spaces
// are dram 0, llc 1, sram 2; greedy puts the whole MLP in SRAM.
// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --egrl-lower-memory-spaces 2>/dev/null | FileCheck %s --check-prefix=SPACES
// SPACES-NOT: egrl
// SPACES-DAG: memref.global "private" constant @{{.*}} : memref<128xf32, 2>
// The transposed weight in SRAM, the global it is transposed from in DRAM.
// SPACES-DAG: memref.global "private" constant @{{.*}} : memref<128x256xf32> =
// SPACES-DAG: memref.alloc() {{.*}} : memref<256x128xf32, 2>
// SPACES-DAG: memref.alloc() {{.*}} : memref<1x128xf32, 2>
// SPACES: memref.memory_space_cast %{{.*}} : memref<1x64xf32, 2> to memref<1x64xf32>

// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --egrl-lower-memory-spaces --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-scf-to-cf --finalize-memref-to-llvm --convert-to-llvm --reconcile-unrealized-casts 2>/dev/null | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVM
// LLVM-DAG: @__constant_128xf32 = private addrspace(2) constant
// LLVM-DAG: @__constant_128x256xf32 = private constant
// LLVM: define {{.*}} @forward(
// LLVM: ptr addrspace(2)

// With upstream's buffer deallocation (before this pass) every buffer is
// freed through the default address space, as it was allocated: upstream's
// finalize-memref-to-llvm passes an addrspace(2) pointer to free, which
// takes a default one, and fails ('llvm.call' op operand type mismatch).
// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --ownership-based-buffer-deallocation --canonicalize --buffer-deallocation-simplification --bufferization-lower-deallocations --egrl-lower-memory-spaces 2>/dev/null | FileCheck %s --check-prefix=FREE
// FREE: %[[BUFFER:.*]] = memref.alloc() {{.*}} : memref<1x128xf32, 2>
// FREE: %[[GENERIC:.*]] = memref.memory_space_cast %[[BUFFER]] : memref<1x128xf32, 2> to memref<1x128xf32>
// FREE-NEXT: memref.dealloc %[[GENERIC]] : memref<1x128xf32>
// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --ownership-based-buffer-deallocation --canonicalize --buffer-deallocation-simplification --bufferization-lower-deallocations --egrl-lower-memory-spaces --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-scf-to-cf --finalize-memref-to-llvm --convert-to-llvm --reconcile-unrealized-casts 2>/dev/null | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=FREE-LLVM
// FREE-LLVM: call void @free(ptr
// The README's deallocation variant, on a function that returns its
// argument: --convert-bufferization-to-memref lowers the clone that
// deallocation leaves, which mlir-translate cannot emit.
// RUN: egrl-opt %S/../Inputs/returns-input.mlir --egrl-memory-placement --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --ownership-based-buffer-deallocation --canonicalize --buffer-deallocation-simplification --bufferization-lower-deallocations --convert-bufferization-to-memref --egrl-lower-memory-spaces --convert-linalg-to-loops --convert-math-to-llvm --convert-math-to-libm --expand-strided-metadata --lower-affine --convert-scf-to-cf --finalize-memref-to-llvm --convert-to-llvm --reconcile-unrealized-casts 2>/dev/null | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=CLONE
// CLONE: define {{.*}} @forward(
// CLONE: call void @memrefCopy(

// A target may give its levels other address spaces.
// RUN: sed -e 's/"name": "fast",/"name": "fast", "address_space": 5,/' %S/../Inputs/toy.json > %t.toy-spaces.json
// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-memory-placement="target=%t.toy-spaces.json" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --egrl-lower-memory-spaces="target=%t.toy-spaces.json" 2>/dev/null | FileCheck %s --check-prefix=EXPLICIT
// EXPLICIT-DAG: memref<256x128xf32, 5>
// EXPLICIT-DAG: memref<64x128xf32>

// Without a placement there is no target to take the address spaces from;
// a module with nothing of egrl's in it has nothing to lower and passes
// through unchanged.
// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-lower-memory-spaces 2>&1 | FileCheck %s --check-prefix=UNPLACED
// UNPLACED-NOT: {{warning|error}}
// UNPLACED: linalg.matmul
// Without egrl-apply-memory-spaces the placement never became memory
// spaces: lowering would drop it, and says so.
// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-memory-placement --one-shot-bufferize="bufferize-function-boundaries" --egrl-lower-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOAPPLY
// NOAPPLY: warning: egrl-lower-memory-spaces: the module has #egrl.placement attributes but no #egrl.mem memory space, so the placement is dropped
// RUN: not egrl-opt %S/../Inputs/mem-without-record.mlir --egrl-lower-memory-spaces 2>&1 | FileCheck %s --check-prefix=NORECORD
// NORECORD: error: egrl-lower-memory-spaces: the module has no #egrl.record (run --egrl-memory-placement first) and no target= was given
// RUN: not egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-lower-memory-spaces="target=nowhere" 2>&1 | FileCheck %s --check-prefix=NOTARGET
// NOTARGET: <unknown>:0: error: egrl-lower-memory-spaces: unknown target 'nowhere'
// The record holds the address spaces: a target given as a file needs no
// target= when lowering, and a file named after a bundled target lowers
// with its own spaces, not the bundled ones (nnpi-1000 has sram 2).
// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-memory-placement="target=%t.toy-spaces.json" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --egrl-lower-memory-spaces 2>/dev/null | FileCheck %s --check-prefix=EXPLICIT
// RUN: sed -e 's/"name": "sram",/"name": "sram", "address_space": 7,/' %S/../../targets/nnpi-1000.json > %t.nnpi-sram7.json
// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-memory-placement="target=%t.nnpi-sram7.json" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --egrl-lower-memory-spaces 2>/dev/null | FileCheck %s --check-prefix=SAMENAME
// SAMENAME: memref<256x128xf32, 7>
// A record without address spaces (written before they were recorded)
// takes them from the target it names, which must then be bundled...
// RUN: egrl-opt %S/../Inputs/mlp-dense.mlir --egrl-memory-placement="target=%t.toy-spaces.json" --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces 2>/dev/null | sed -e 's/, address_spaces = \[[0-9, ]*\]//' > %t.old-record.mlir
// RUN: not egrl-opt %t.old-record.mlir --egrl-lower-memory-spaces 2>&1 | FileCheck %s --check-prefix=RECORDFILE
// RECORDFILE: error: egrl-lower-memory-spaces: the placement's target 'toy' is not bundled; give its file with target=
// RUN: egrl-opt %t.old-record.mlir --egrl-lower-memory-spaces="target=%t.toy-spaces.json" | FileCheck %s --check-prefix=EXPLICIT
// ...and a target= of other levels than the placement's is an error.
// RUN: not egrl-opt %t.old-record.mlir --egrl-lower-memory-spaces="target=nnpi-1000" 2>&1 | FileCheck %s --check-prefix=OTHERLEVELS
// OTHERLEVELS: error: egrl-lower-memory-spaces: the placement was made for levels fast, slow of target 'toy', target 'nnpi-1000' has sram, llc, dram

// A nested module placed on its own chip is lowered with its own record
// (the outer record's target, which lacks its levels, refused it), and its
// record and placements go with it.
// RUN: egrl-opt %S/../Inputs/nested-module.mlir --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement{target=edge-small progress=false},one-shot-bufferize{bufferize-function-boundaries},egrl-apply-memory-spaces),egrl-memory-placement{progress=false},one-shot-bufferize{bufferize-function-boundaries},egrl-apply-memory-spaces,egrl-lower-memory-spaces)" 2>/dev/null | FileCheck %s --check-prefix=NESTED
// NESTED: module @inner {
// NESTED-NOT: egrl
// NESTED: linalg.exp ins(%{{.*}}) outs(%{{.*}} : memref<4x4xf32, {{[0-9]+}}>)
// NESTED: func.func @f
// NESTED: linalg.exp ins(%{{.*}}) outs(%{{.*}} : memref<4x4xf32, {{[0-9]+}}>)
