// strategy=keep measures the placement a module already carries, as placed
// or edited by hand, with the evaluators, report and trace of a strategy.
// test/Inputs/toy.json and mlp.mlir as in placement-toy.mlir: greedy keeps
// node 0's weights fast and node 1's slow (11.77 us).

// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=greedy target=%S/../Inputs/toy.json" -o %t.placed.mlir
// RUN: egrl-opt %t.placed.mlir --egrl-memory-placement="strategy=keep target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s --check-prefix=KEPT
// KEPT: remark: egrl: placed 2 nodes of @forward on toy with keep (analytical): latency 11.77 us, 1.000x vs native (11.77 us), valid; weights: fast 32.12 KiB slow 8.00 KiB
// The record still says how the placement was made.
// KEPT: egrl.record = #egrl.record<target = "toy", levels = ["fast", "slow"], strategy = "greedy", evaluator = "analytical", granularity = "fused"
// KEPT: linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "fast", output = "fast">}
// KEPT: linalg.matmul {egrl.placement = #egrl.placement<node = 1, weights = "slow", output = "fast">}

// A budget asks keep for nothing, and the warning says what keep measures.
// RUN: egrl-opt %t.placed.mlir --egrl-memory-placement="strategy=keep budget=7 target=%S/../Inputs/toy.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEEPBUDGET
// KEEPBUDGET: warning: egrl: budget=7 has no effect with strategy=keep (it measures the placement the module carries, not a search's;

// Swapped by hand: node 0's 32896 B of weights come from the slow level,
// node 1's 8192 B from the fast one:
//   T0 = 32896/1e9 + 256/1e9 + 128/1e10 = 33.1648 us
//   T1 = 8192/1e10 + 128/1e10 + 64/1e10 =  0.8384 us
// RUN: sed -e 's/node = 0, weights = "fast"/node = 0, weights = "slow"/' -e 's/node = 1, weights = "slow"/node = 1, weights = "fast"/' %t.placed.mlir > %t.swapped.mlir
// RUN: egrl-opt %t.swapped.mlir --egrl-memory-placement="strategy=keep target=%S/../Inputs/toy.json report=%t.report.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SWAPPED
// RUN: FileCheck %s --check-prefix=SWAPREPORT < %t.report.json
// SWAPPED: with keep (analytical): latency 34 us, 0.346x vs native (11.77 us), valid; weights: fast 8.00 KiB slow 32.12 KiB
// SWAPREPORT: "strategy": "keep"

// Both weights fast (41088 B, and 192 B of activations) do not fit the 40000 B level: an error naming it, not a
// rectified (and so different) placement.
// RUN: sed -e 's/node = 1, weights = "slow"/node = 1, weights = "fast"/' %t.placed.mlir > %t.overflow.mlir
// RUN: not egrl-opt %t.overflow.mlir --egrl-memory-placement="strategy=keep target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// OVERFLOW: overflow.mlir:4:3: error: egrl-memory-placement: @forward: keep: the placement does not fit level 'fast' of toy: 41280 bytes resident at its peak, 40000 usable; move tensors to a slower level

// Two ops of node 0 (the matmul and its bias add) that disagree.
// RUN: sed -e '0,/node = 0, weights = "fast"/s//node = 0, weights = "slow"/' %t.placed.mlir > %t.split.mlir
// RUN: not egrl-opt %t.split.mlir --egrl-memory-placement="strategy=keep target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s --check-prefix=SPLIT
// SPLIT: split.mlir:{{[0-9]+}}:{{[0-9]+}}: error: strategy=keep: the weights of node 0 are placed in 'fast' here and in 'slow' by another op; one tensor has one level
// SPLIT: split.mlir:{{[0-9]+}}:{{[0-9]+}}: note: the other op

// An op of a node without its attribute.
// RUN: sed -e 's/ {egrl.placement = #egrl.placement<node = 1, weights = "slow", output = "fast">}//' %t.placed.mlir > %t.unplaced-op.mlir
// RUN: not egrl-opt %t.unplaced-op.mlir --egrl-memory-placement="strategy=keep target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s --check-prefix=NOATTR
// NOATTR: error: strategy=keep: this op of node 1 has no #egrl.placement (was the function changed, or only part of it placed?)

// An attribute on an op outside every node (its buffer would get the level
// after bufferization, unmeasured).
// RUN: sed -e 's/linalg.transpose ins/linalg.transpose {egrl.placement = #egrl.placement<node = 0, output = "slow">} ins/' %t.placed.mlir > %t.outside.mlir
// RUN: not egrl-opt %t.outside.mlir --egrl-memory-placement="strategy=keep target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s --check-prefix=OUTSIDE
// OUTSIDE: error: strategy=keep: #egrl.placement on an op that belongs to no node of the graph (views, fills and folded constants are not placed); remove it
// Placing the module again removes it with the rest of the old placement.
// RUN: egrl-opt %t.outside.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json" | FileCheck %s --check-prefix=REPLACED
// REPLACED-NOT: #egrl.placement<node = 0, output = "slow">
// REPLACED: linalg.matmul {egrl.placement = #egrl.placement<node = 0

// A module never placed, a granularity other than the one placed at, and a
// target with other levels.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=keep target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s --check-prefix=NORECORD
// NORECORD: error: egrl-memory-placement: strategy=keep measures the placement the module carries, and it carries none (no egrl.record): place it with another strategy first
// RUN: not egrl-opt %t.placed.mlir --egrl-memory-placement="strategy=keep granularity=op target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s --check-prefix=GRANULARITY
// GRANULARITY: placed.mlir:{{[0-9]+}}:1: error: egrl-memory-placement: strategy=keep with granularity=op: the module was placed at granularity 'fused' (its egrl.record), whose node numbers its #egrl.placement attributes hold
// RUN: not egrl-opt %t.placed.mlir --egrl-memory-placement="strategy=keep target=nnpi-1000" 2>&1 | FileCheck %s --check-prefix=LEVELS
// LEVELS: placed.mlir:{{[0-9]+}}:1: error: egrl-memory-placement: strategy=keep: the module was placed for target 'toy' (levels fast, slow); target 'nnpi-1000' has levels sram, llc, dram: set target= to the chip it was placed for

// At op granularity the node numbers are the op graph's.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=greedy granularity=op target=%S/../Inputs/toy.json" -o %t.op.mlir
// RUN: egrl-opt %t.op.mlir --egrl-memory-placement="strategy=keep target=%S/../Inputs/toy.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OPGRAPH
// OPGRAPH: remark: egrl: placed 3 nodes of @forward on toy with keep (analytical)

// Without target= (and sim-target=) keep measures on the chips the record
// names, if bundled: a name in an IR file is not a path to read.
// RUN: not egrl-opt %t.placed.mlir --egrl-memory-placement="strategy=keep" 2>&1 | FileCheck %s --check-prefix=RECORDTARGET
// RECORDTARGET: placed.mlir:{{[0-9]+}}:1: error: egrl-memory-placement: strategy=keep: the module was placed for target 'toy' (its egrl.record), which is not a bundled target; give its file with target=FILE
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=nnpi-1000-fastcompute evaluator=nnpi-sim sim-target=nnpi-1000-dram40" -o %t.mismatched.mlir
// RUN: egrl-opt %t.mismatched.mlir --egrl-memory-placement="strategy=keep evaluator=nnpi-sim" -o /dev/null 2>&1 | FileCheck %s --check-prefix=RECORDCHIPS
// RECORDCHIPS: on nnpi-1000-fastcompute with keep (nnpi-sim on nnpi-1000-dram40)
// A pipeline as MLIR prints it (--dump-pass-pipeline, a crash reproducer, the
// C++ options struct) spells out every option; those left at their defaults
// still mean "not given": keep reads the record's chip and granularity, and
// greedy does not warn of a budget or seed nobody asked for.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=edge-small" -o %t.edge.mlir
// RUN: egrl-opt %t.edge.mlir --egrl-memory-placement=strategy=keep --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=PRINTED
// PRINTED: egrl-memory-placement{budget=-1 {{.*}}granularity= {{.*}}seed=0 {{.*}}sim-target= strategy=keep target= {{.*}}}
// RUN: egrl-opt %t.edge.mlir --pass-pipeline="builtin.module(egrl-memory-placement{budget=-1 evaluator=analytical granularity= seed=0 sim-target= strategy=keep target=})" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPARSED
// REPARSED: on edge-small with keep
// RUN: egrl-opt %S/../Inputs/mlp.mlir --pass-pipeline="builtin.module(egrl-memory-placement{budget=-1 seed=0 strategy=greedy target=})" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPARSED-GREEDY --implicit-check-not=warning
// REPARSED-GREEDY: on nnpi-1000 with greedy
// A misspelt granularity is named as such, not as another one.
// RUN: not egrl-opt %t.edge.mlir --egrl-memory-placement="strategy=keep granularity=fuse" -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEEP-GRAN
// KEEP-GRAN: error: egrl-memory-placement: unknown granularity 'fuse' (expected 'fused' or 'op')
// A module that was placed (it has the record) but lost every placement to
// a pass in between says so at apply (here the attributes are cut by hand).
// RUN: sed -e 's/ {egrl.placement = #egrl.placement<[^>]*>}//g' -e 's/attrs = //g' %t.edge.mlir | egrl-opt --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o /dev/null 2>&1 | FileCheck %s --check-prefix=DROPPED
// DROPPED: warning: egrl-apply-memory-spaces: no op carries an #egrl.placement; the module was placed (it has an #egrl.record), so a pass between placement and bufferization rewrote every placed op
// An edited copy of a bundled target that kept its name is not the bundled
// chip: the record's digests tell them apart, for target and sim-target.
// RUN: sed -e 's/"bandwidth_bytes_per_s": 6.72e10/"bandwidth_bytes_per_s": 2.0e11/' %targets/nnpi-1000.json > %t.nnpi-1000.json
// RUN: not cmp -s %targets/nnpi-1000.json %t.nnpi-1000.json
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%t.nnpi-1000.json" -o %t.copy.mlir
// RUN: not egrl-opt %t.copy.mlir --egrl-memory-placement="strategy=keep" 2>&1 | FileCheck %s --check-prefix=COPY
// COPY: error: egrl-memory-placement: strategy=keep: the module was placed for a target named 'nnpi-1000' that is not the bundled 'nnpi-1000' (its egrl.record's digest {{[0-9a-f]+}}, the bundled one's {{[0-9a-f]+}}): give the file it was placed for with target=FILE
// RUN: egrl-opt %t.copy.mlir --egrl-memory-placement="strategy=keep target=%t.nnpi-1000.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=COPY-FILE
// COPY-FILE: remark: egrl: placed {{.*}} on nnpi-1000 with keep
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="evaluator=nnpi-sim sim-target=%t.nnpi-1000.json" -o %t.simcopy.mlir
// RUN: not egrl-opt %t.simcopy.mlir --egrl-memory-placement="strategy=keep evaluator=nnpi-sim" 2>&1 | FileCheck %s --check-prefix=SIMCOPY
// SIMCOPY: error: egrl-memory-placement: strategy=keep: the module was placed for a sim-target named 'nnpi-1000' that is not the bundled 'nnpi-1000'

// A bufferized module has no graph left to measure; a placed nested module
// is placed by running the pass on it.
// RUN: egrl-opt %t.placed.mlir --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces -o %t.bufferized.mlir
// RUN: not egrl-opt %t.bufferized.mlir --egrl-memory-placement="strategy=keep target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s --check-prefix=BUFFERIZED
// BUFFERIZED: error: egrl-memory-placement: strategy=keep: no function of the module has a graph to measure (bufferized already?): keep reads placements on tensors, before --egrl-apply-memory-spaces
// RUN: grep '^#' %t.placed.mlir > %t.nested.mlir
// RUN: echo 'module {' >> %t.nested.mlir
// RUN: grep -v '^#' %t.placed.mlir | sed -e 's/^module attributes/module @inner attributes/' >> %t.nested.mlir
// RUN: echo '}' >> %t.nested.mlir
// RUN: not egrl-opt %t.nested.mlir --egrl-memory-placement="strategy=keep target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s --check-prefix=NESTED
// NESTED: error: egrl-memory-placement: strategy=keep: the module carries no placement (no egrl.record), its nested module @inner does: run the pass on it (builtin.module(builtin.module(egrl-memory-placement)))
