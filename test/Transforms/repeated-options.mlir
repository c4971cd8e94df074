// A pass option given twice ("target=a target=b") took the last value without a
// word (outside tester s44): an error naming it, without a location, as the
// pass's other option errors (placement-errors.mlir).

// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json target=edge-small" -o /dev/null 2>&1 | FileCheck %s --check-prefix=TWICE --implicit-check-not=remark
// TWICE: <unknown>:0: error: egrl-memory-placement: target= is given more than once (which value was meant?); give it once
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="budget=3 strategy=random target=edge-small budget=4 seed=1 seed=1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SEVERAL --implicit-check-not=remark
// SEVERAL: <unknown>:0: error: egrl-memory-placement: budget= and seed= are each given more than once (which values were meant?); give each once
// Each option once is fine.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ONCE
// ONCE: remark: egrl: placed {{.*}} on toy with greedy

// Run on nested modules with threads, the pass manager runs clones of the
// pass, which copy the options' values but not their counts: still refused,
// on each module.
// RUN: not egrl-opt %S/../Inputs/nested-only.mlir --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement{target=%S/../Inputs/toy.json target=edge-small progress=false}))" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CLONED --implicit-check-not=remark
// RUN: not egrl-opt %S/../Inputs/nested-only.mlir --mlir-disable-threading --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement{target=%S/../Inputs/toy.json target=edge-small progress=false}))" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CLONED --implicit-check-not=remark
// CLONED: <unknown>:0: error: egrl-memory-placement: target= is given more than once
// CLONED: <unknown>:0: error: egrl-memory-placement: target= is given more than once

// egrl's other passes refuse it too.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-print-graph="json=true json=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=GRAPH
// GRAPH: <unknown>:0: error: egrl-print-graph: json= is given more than once (which value was meant?); give it once
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-apply-memory-spaces="target=edge-small target=nnpi-1000" -o /dev/null 2>&1 | FileCheck %s --check-prefix=APPLY
// APPLY: <unknown>:0: error: egrl-apply-memory-spaces: target= is given more than once (which value was meant?); give it once
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-lower-memory-spaces="target=edge-small target=nnpi-1000" -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOWER
// LOWER: <unknown>:0: error: egrl-lower-memory-spaces: target= is given more than once (which value was meant?); give it once
