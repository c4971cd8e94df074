// The JSON report carries the summary, the history and every node's levels.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json report=%t.json" -o /dev/null 2>/dev/null
// RUN: FileCheck %s --input-file=%t.json

// CHECK: "format": "egrl-placement-report"
// CHECK: "evaluator": "analytical"
// CHECK: "function": "forward"
// CHECK: "granularity": "fused"
// CHECK: "latency_s": 1.1769{{[0-9]*}}e-05
// CHECK: "levels": [
// CHECK: "activation_bytes": 192,
// CHECK: "name": "fast",
// CHECK: "peak_resident_bytes": 33088,
// CHECK: "usable_bytes": 40000,
// CHECK: "weight_bytes": 32896
// CHECK: "name": "slow",
// CHECK: "weight_bytes": 8192
// CHECK: "native_latency_s": 1.1769{{[0-9]*}}e-05
// CHECK: "nodes": 2,
// CHECK: "placement": [
// CHECK: "index": 0,
// CHECK: "output": "fast",
// CHECK: "weight_bytes": 32896,
// CHECK-NEXT: "weights": "fast"
// CHECK: "index": 1,
// CHECK: "weights": "slow"
// CHECK: "speedup_vs_native": 1.0
// CHECK: "strategy": "greedy",
// CHECK: "valid": true

// The budget and repeats a result is read against (null: greedy searches not).
// RUN: %python -c "import json,sys; f=json.load(open(sys.argv[1]))['functions'][0]; assert f['budget'] is None and f['repeats']==1, f" %t.json
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=anneal budget=20 repeats=2 report=%t.anneal.json" -o /dev/null 2>/dev/null
// RUN: %python -c "import json,sys; f=json.load(open(sys.argv[1]))['functions'][0]; assert f['budget']==20 and f['repeats']==2, f" %t.anneal.json

// Concurrent runs writing one report leave a whole file (written to a
// temporary file and renamed), never a mix of two.
// RUN: rm -f %t.shared.json
// RUN: sh -c 'for i in 1 2 3 4 5 6 7 8; do egrl-opt %models/resnet50.mlir --egrl-memory-placement="granularity=op report=%t.shared.json" -o /dev/null 2>/dev/null & done; wait'
// RUN: %python -c "import json, sys; json.load(open(sys.argv[1]))" %t.shared.json

// One node reads as one node.
// RUN: egrl-opt %S/../Inputs/one-node.mlir --egrl-memory-placement -o /dev/null 2>&1 | FileCheck %s --check-prefix=ONE
// ONE: remark: egrl: placed 1 node of @one on nnpi-1000
// Totals sum every tensor of a level; the peak is what must fit at once.
// ONE-SAME: ; activations: sram 8 B llc 0 B dram 0 B; peak resident: sram 8 B llc 0 B dram 0 B

// Progress lines while a search runs (EGRL_PROGRESS_SECONDS=0: every update,
// so a short search prints them); progress=false silences them.
// RUN: env EGRL_PROGRESS_SECONDS=0 egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=egrl budget=60" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PROGRESS
// PROGRESS: egrl: generation 1, {{[0-9]+}}/60 evaluations, best {{[0-9.]+}}x native, {{[0-9.]+}} s elapsed, ETA {{[0-9.]+}} s
// RUN: env EGRL_PROGRESS_SECONDS=0 egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=anneal budget=60" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PROGRESS-ANNEAL
// egrl-bench's lines say which run they belong to.
// RUN: env EGRL_PROGRESS_SECONDS=0 egrl-bench %S/../Inputs/mlp.mlir --strategies=anneal --budgets=60 --seeds=2 --progress 2>&1 >/dev/null | FileCheck %s --check-prefix=PROGRESS-BENCH
// PROGRESS-BENCH: mlp anneal budget 60 seed 1: 2/60 evaluations
// egrl's generation lines name the run too.
// RUN: env EGRL_PROGRESS_SECONDS=0 egrl-bench %S/../Inputs/mlp.mlir --strategies=egrl --budgets=60 --seeds=2 --progress 2>&1 >/dev/null | FileCheck %s --check-prefix=PROGRESS-BENCH-EGRL
// PROGRESS-BENCH-EGRL: mlp egrl budget 60 seed 1: generation 1, {{[0-9]+}}/60 evaluations
// PROGRESS-ANNEAL: anneal: 2/60 evaluations, best {{[0-9.]+}} us, {{[0-9.]+}} s elapsed, ETA {{[0-9.]+}} s
// RUN: env EGRL_PROGRESS_SECONDS=0 egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=egrl budget=60 progress=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=QUIET
// ilp measures nothing while CBC solves: a line says what it is doing, and
// how long the time limit (plus the grace to hand back an incumbent) allows.
// RUN: env EGRL_PROGRESS_SECONDS=0 egrl-opt %S/../../models/resnet50.mlir --egrl-memory-placement="strategy=ilp" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PROGRESS-ILP
// PROGRESS-ILP: ilp: CBC solving a MILP of {{[0-9]+}} columns and {{[0-9]+}} rows, {{[0-9.]+}} s elapsed, at most {{[0-9.]+}} s left
// RUN: env EGRL_PROGRESS_SECONDS=0 egrl-opt %S/../../models/resnet50.mlir --egrl-memory-placement="strategy=ilp time-limit=1e10" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PROGRESS-ILP-NOLIMIT
// PROGRESS-ILP-NOLIMIT: ilp: CBC solving a MILP of {{[0-9]+}} columns and {{[0-9]+}} rows, {{[0-9.]+}} s elapsed{{$}}
// So does the ilp a seeded search plans its seeds with, under its name.
// RUN: env EGRL_PROGRESS_SECONDS=0 egrl-opt %S/../../models/resnet50.mlir --egrl-memory-placement="strategy=anneal budget=20 seed-from=model" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PROGRESS-ILP-SEED
// PROGRESS-ILP-SEED: anneal: planning seed-from=model: CBC solving a MILP of
// RUN: env EGRL_PROGRESS_SECONDS=0 egrl-bench %S/../../models/resnet50.mlir --strategies=anneal --budgets=20 --seed-from=model --progress --out=%t.seedbench 2>&1 >/dev/null | FileCheck %s --check-prefix=PROGRESS-ILP-SEED-BENCH
// PROGRESS-ILP-SEED-BENCH: resnet50: planning seed-from=model: CBC solving a MILP of
// RUN: env EGRL_PROGRESS_SECONDS=0 egrl-opt %S/../../models/resnet50.mlir --egrl-memory-placement="strategy=ilp progress=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=QUIET
// QUIET-NOT: evaluations,
// QUIET-NOT: CBC solving
// By default a log file gets no line from a search this short.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=egrl budget=60" -o /dev/null 2>&1 | FileCheck %s --check-prefix=QUIET
// RUN: env EGRL_PROGRESS_SECONDS=soon egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=egrl budget=60" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADINTERVAL
// BADINTERVAL: warning: EGRL_PROGRESS_SECONDS must be a number of seconds from 0 to 86400, not 'soon'; progress lines come every 10 s
