// The chip simulator as the evaluator, and a trace of one simulated inference.
// RUN: egrl-opt %models/tiny_cnn.mlir --egrl-memory-placement="evaluator=nnpi-sim trace=%t.trace.json report=%t.report.json" -o /dev/null 2>&1 | FileCheck %s
// CHECK: remark: egrl: placed 7 nodes of @forward on nnpi-1000 with greedy (nnpi-sim): latency {{.*}}, valid

// The trace is Chrome/Perfetto JSON with one complete event per layer.
// RUN: %python -c "import json,sys; ev=json.load(open(sys.argv[1]))['traceEvents']; layers=[e for e in ev if e.get('ph')=='X' and e.get('cat')=='layer']; assert len(layers)==7, len(layers); print('layers', len(layers))" %t.trace.json | FileCheck %s --check-prefix=TRACE
// TRACE: layers 7

// RUN: FileCheck %s --check-prefix=REPORT --input-file=%t.report.json
// REPORT: "evaluator": "nnpi-sim"

// A broken simulator section is an error naming the field.
// RUN: not egrl-opt %models/tiny_cnn.mlir --egrl-memory-placement="evaluator=nnpi-sim target=%S/../Inputs/bad-sim.json" 2>&1 | FileCheck %s --check-prefix=BADSIM
// BADSIM: error: egrl-memory-placement: {{.*}}sim.engines

// It is checked with the analytical evaluator too, and by egrl-bench.
// RUN: not egrl-opt %models/tiny_cnn.mlir --egrl-memory-placement="target=%S/../Inputs/bad-sim.json" 2>&1 | FileCheck %s --check-prefix=BADSIM
// RUN: not egrl-bench tiny_cnn --target=%S/../Inputs/bad-sim.json --strategies=greedy 2>&1 | FileCheck %s --check-prefix=BADSIM-BENCH
// BADSIM-BENCH: egrl-bench: error: {{.*}}sim.engines

// Targets may have up to 16 levels; the simulator takes at most 8. A
// nine-level target without a sim section places on the analytical model,
// and only the simulator's own uses of it fail, naming no sim field.
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="target=%S/../Inputs/nine-levels.json strategy=ilp" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NINE
// NINE: remark: egrl: placed 2 nodes of @block on nine-levels with ilp (analytical): {{.*}}, valid
// RUN: not egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="target=%S/../Inputs/nine-levels.json evaluator=nnpi-sim" 2>&1 | FileCheck %s --check-prefix=NINE-SIM
// RUN: not egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="target=%S/../Inputs/nine-levels.json trace=%t.nine.json" 2>&1 | FileCheck %s --check-prefix=NINE-SIM
// NINE-SIM: error: egrl-memory-placement: target 'nine-levels' ({{.*}}nine-levels.json) has 9 memory levels: the nnpi-sim simulator (evaluator=nnpi-sim, trace=) takes at most 8; evaluator=analytical takes targets of up to 16
// NINE-SIM-NOT: sim.levels

// No room for a staging ring (no reserved_bytes, no sim section): no
// prefetch, the same latencies and placement as with it switched off. A
// prefetch through a 0-byte ring measured greedy's placement at 693.0 us
// instead of 694.7 us; one asked for is an error naming the fields.
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement="target=%S/../Inputs/two-level-nosim.json evaluator=nnpi-sim report=%t.nosim.json" -o /dev/null 2>/dev/null
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement="target=%S/../Inputs/two-level-nopf.json evaluator=nnpi-sim report=%t.nopf.json" -o /dev/null 2>/dev/null
// RUN: %python -c "import json,sys; a,b=[json.load(open(p))['functions'][0] for p in sys.argv[1:]]; assert (a['latency_s'],a['native_latency_s'],a['placement'])==(b['latency_s'],b['native_latency_s'],b['placement']), (a['latency_s'], b['latency_s']); print('no ring, no prefetch')" %t.nosim.json %t.nopf.json | FileCheck %s --check-prefix=NORING
// NORING: no ring, no prefetch
// RUN: sed -e 's/"enabled": false/"enabled": true/' %S/../Inputs/two-level-nopf.json > %t.ring0.json
// RUN: not egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="target=%t.ring0.json" 2>&1 | FileCheck %s --check-prefix=RING0
// RING0: error: egrl-memory-placement: target 'two-level-nopf' ({{.*}}ring0.json): sim.prefetch.ring_bytes: the prefetch is enabled but its staging ring is 0 bytes: give ring_bytes of at least one tile (tile_bytes 65536) out of the reserved_bytes (0) of level 'sram', or set prefetch.enabled to false

// On a noisy chip with repeats=K, native (the reference every speed-up is
// quoted against) is the median of K measurements too, as the incumbent
// is: native placed by strategy=native is then 1.000x native, not one draw
// against a median (it was 0.975x).
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement="strategy=native repeats=5 evaluator=nnpi-sim target=%S/../Inputs/nnpi-1000-noisy.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOISY
// NOISY: latency [[L:[0-9.]+ us]] (median of 5, {{.*}}), 1.000x vs native ([[L]])
// RUN: egrl-bench resnet50 --strategies=native --repeats=5 --evaluator=nnpi-sim --target=%S/../Inputs/nnpi-1000-noisy.json | FileCheck %s --check-prefix=NOISY-BENCH
// NOISY-BENCH: resnet50 native - {{[0-9.]+ us}} 1.000x
// So it is at any budget: a strategy that measures one placement (native,
// greedy, dp, ilp; a policy with no search) measures it K times (it was
// 1.026x at budget 1), and a search whose budget is below K says so.
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement="strategy=native budget=1 repeats=3 evaluator=nnpi-sim target=%S/../Inputs/nnpi-1000-noisy.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOISY-ONE
// NOISY-ONE: latency [[L:[0-9.]+ us]] (median of 3, {{.*}}), 1.000x vs native ([[L]])
// RUN: egrl-bench resnet50 --strategies=native,policy --policy=nnpi-1000 --budgets=1 --repeats=3 --evaluator=nnpi-sim --target=%S/../Inputs/nnpi-1000-noisy.json | FileCheck %s --check-prefix=NOISY-BENCH-ONE
// NOISY-BENCH-ONE: resnet50 native - {{[0-9.]+ us}} 1.000x {{.*}} 3
// NOISY-BENCH-ONE: resnet50 policy* 1 {{.*}} 3
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement="strategy=anneal budget=2 repeats=3 evaluator=nnpi-sim target=%S/../Inputs/nnpi-1000-noisy.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOISY-FEW
// NOISY-FEW: warning: egrl: budget=2 is below repeats=3: the best placement is measured fewer times than native's reference (the median of 3)
// So at budget 1 (it did not say so), and not for a policy with no search,
// which measures its one placement K times.
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement="strategy=anneal budget=1 repeats=3 evaluator=nnpi-sim target=%S/../Inputs/nnpi-1000-noisy.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOISY-FEWEST
// NOISY-FEWEST: warning: egrl: budget=1 is below repeats=3
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000 repeats=3 evaluator=nnpi-sim target=%S/../Inputs/nnpi-1000-noisy.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOISY-POLICY
// NOISY-POLICY-NOT: is below repeats
// NOISY-POLICY: with policy (nnpi-sim): latency {{.*}} (median of 3,

// The trace is nnpi-sim's run; where the remark quotes another evaluator's
// latency that differs (the analytical model adds up the two branches of a
// concat the simulator overlaps), a remark says so (outside tester s40).
// RUN: egrl-opt %S/../Inputs/concat.mlir --egrl-memory-placement="trace=%t.concat.json progress=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OTHER-EVALUATOR
// OTHER-EVALUATOR: (analytical): latency 6.361 us
// OTHER-EVALUATOR: remark: egrl: trace={{.*}}concat.json is nnpi-sim's run of this placement, 4.184 us; the latency above is analytical's, 6.361 us
