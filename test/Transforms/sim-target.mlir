// A chip that is not the compiler's target (sim-target=) and what a search
// may start from (seed-from=): the remark, the record and the report say
// which were used; bad combinations are errors with a location.

// The model believes toy (40 KB of fast memory); the chip is small-fast
// (20 KB). Greedy fills the fast level the model believes in, so on the chip
// its placement overflows and is rectified by the chip's capacity rules.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json sim-target=%S/../Inputs/small-fast.json report=%t.json" 2>&1 | FileCheck %s
// CHECK: remark: egrl: placed 2 nodes of @forward on toy with greedy (analytical on small-fast): latency {{.*}}, INVALID (rectified, 32.12 KiB overflowed)
// CHECK: egrl.record = #egrl.record<target = "toy", levels = ["fast", "slow"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0, sim_target = "small-fast", address_spaces = [1, 0], target_digest = "{{[0-9a-f]+}}", sim_target_digest = "{{[0-9a-f]+}}">
// RUN: FileCheck %s --check-prefix=REPORT --input-file=%t.json
// REPORT: "name": "fast",
// REPORT: "usable_bytes": 20000,
// REPORT: "sim_target": "small-fast",
// REPORT: "target": "toy",

// A bundled mismatched chip on the simulator: the same placement (greedy
// plans on nnpi-1000 either way) measures faster on the faster chip.
// RUN: egrl-opt %models/tiny_cnn.mlir --egrl-memory-placement="evaluator=nnpi-sim report=%t.nominal.json" -o /dev/null 2>/dev/null
// RUN: egrl-opt %models/tiny_cnn.mlir --egrl-memory-placement="evaluator=nnpi-sim sim-target=nnpi-1000-fastcompute report=%t.fast.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FAST
// FAST: with greedy (nnpi-sim on nnpi-1000-fastcompute): latency
// RUN: %python -c "import json,sys; a,b=[json.load(open(p))['functions'][0] for p in sys.argv[1:]]; assert [n['output'] for n in a['placement']]==[n['output'] for n in b['placement']]; assert b['latency_s'] < a['latency_s'], (a['latency_s'], b['latency_s']); print('faster on the fast chip')" %t.nominal.json %t.fast.json | FileCheck %s --check-prefix=FASTER
// FASTER: faster on the fast chip

// seed-from: anneal starts from the best model-based placement and says so.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json strategy=anneal seed-from=model budget=50 report=%t.seeded.json" 2>&1 | FileCheck %s --check-prefix=SEEDED
// SEEDED: with anneal (analytical): latency {{.*}}; seed-from model: native=greedy=ilp=dp
// SEEDED: egrl.record = #egrl.record<{{.*}}seed = 0, seed_from = "model", address_spaces = [1, 0], target_digest = "{{[0-9a-f]+}}", budget = 50>
// RUN: FileCheck %s --check-prefix=SEEDED-REPORT --input-file=%t.seeded.json
// Every seed-from the pass takes is one its record can be read back with.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=random seed-from=portfolio budget=5" -o %t.portfolio.mlir 2>/dev/null
// RUN: egrl-opt %t.portfolio.mlir --egrl-memory-placement=strategy=keep 2>&1 | FileCheck %s --check-prefix=PORTFOLIO-RECORD
// PORTFOLIO-RECORD: seed_from = "portfolio"
// Two nodes have few placements: anneal measures 12, each once, and stops
// once it proposes nothing new, below its budget of 50, and says so.
// SEEDED-REPORT: "detail": "{{.*}}; stopped: the last 1000 placements proposed had all been measured before (as the chip runs them, fitted to its capacity)",
// SEEDED-REPORT-NEXT: "evaluations": 12,
// SEEDED-REPORT: "seeded": "model: native=greedy=ilp=dp",
// Model-free anneal starts from native.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json strategy=anneal budget=20" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FREE
// FREE: ; seed-from none: native
// Seeds the budget cannot measure are named (the result may be slower than
// them); with room for all, nothing is said. Those measured are the ones the
// model rates fastest, native among them, not native first (with repeats=K a
// budget of K measured native alone: outside tester s41, REPEATSEEDS).
// RUN: egrl-opt %egrl_src/models/resnet50.mlir --egrl-memory-placement="strategy=anneal budget=2 seed-from=portfolio evaluator=nnpi-sim sim-target=nnpi-1000-dram40" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CUTSEEDS
// Native, the reward's reference, is always among the seeds measured.
// CUTSEEDS: warning: egrl: anneal: the budget measured 2 of the 6 distinct placements seed-from=portfolio planned; not measured: dp, greedy on dram bandwidth x0.5, greedy on dram bandwidth x2, greedy on compute x2 (a budget of at least 6 measures them all)
// RUN: egrl-opt %egrl_src/models/bert_base.mlir --egrl-memory-placement="strategy=anneal budget=3 repeats=3 seed-from=model evaluator=nnpi-sim progress=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPEATSEEDS
// REPEATSEEDS: with anneal (nnpi-sim): latency 864.5 us (median of 3, {{.*}}), 1.828x vs native
// REPEATSEEDS: the budget measured 1 of the 3 distinct placements seed-from=model planned; not measured: dp, native (a budget of at least 5 measures them all)
// RUN: egrl-opt %egrl_src/models/resnet50.mlir --egrl-memory-placement="strategy=anneal budget=6 seed-from=portfolio evaluator=nnpi-sim sim-target=nnpi-1000-dram40" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALLSEEDS --allow-empty
// ALLSEEDS-NOT: not measured
// A refined policy measures its own placement too, and with repeats=K the
// best seed and the candidate are measured K times: the budget named counts
// them. Native, left out by the seeds, is not measured in the candidate's
// room either (it was, until 2026-12-08).
// RUN: egrl-opt %egrl_src/models/resnet50.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000 budget=9 repeats=3 seed-from=portfolio evaluator=nnpi-sim sim-target=nnpi-1000-dram40 progress=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CUTREPEATS
// CUTREPEATS: not measured: {{.*}}native (a budget of at least 11 measures them all beside the candidate placements)
// RUN: egrl-opt %egrl_src/models/resnet50.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000 budget=11 repeats=3 seed-from=portfolio evaluator=nnpi-sim sim-target=nnpi-1000-dram40 progress=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALLSEEDS --allow-empty
// RUN: egrl-opt %egrl_src/models/resnet50.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000 budget=3 seed-from=portfolio evaluator=nnpi-sim sim-target=nnpi-1000-dram40 progress=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CUTPOLICY
// CUTPOLICY: warning: egrl: policy: the budget measured 2 of the 6 distinct placements seed-from=portfolio planned; not measured: dp, {{.*}} (a budget of at least 7 measures them all beside the candidate placements)
// RUN: egrl-opt %egrl_src/models/resnet50.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000 budget=7 seed-from=portfolio evaluator=nnpi-sim sim-target=nnpi-1000-dram40 progress=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALLSEEDS --allow-empty
// A strategy that takes no seeds warns that the option does nothing.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json seed-from=native" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOSEEDS
// NOSEEDS: mlp.mlir:1:1: warning: egrl: greedy takes no seeds: seed-from=native has no effect
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json policy=nnpi-1000" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOPOLICY
// NOPOLICY: warning: egrl: policy=nnpi-1000 has no effect with strategy=greedy (only strategy=policy places with a policy)
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json strategy=native budget=500" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOBUDGET
// NOBUDGET: warning: egrl: budget=500 has no effect with strategy=native (it measures the placements it plans, not a search's;
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json strategy=ilp seed=3" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOSEED
// NOSEED: warning: egrl: seed=3 has no effect with strategy=ilp
// time-limit= bounds ilp only; retries= restarts external commands only.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json strategy=anneal budget=20 time-limit=5 retries=2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOLIMITS
// NOLIMITS: warning: egrl: time-limit=5 has no effect with strategy=anneal and seed-from=none (it bounds ilp: strategy=ilp, or the seeds of seed-from=model or portfolio)
// NOLIMITS: warning: egrl: retries=2 has no effect with evaluator=analytical (it restarts the command of an external: evaluator)
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json strategy=anneal budget=20 seed-from=model time-limit=5" -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIMITS --allow-empty
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json strategy=ilp time-limit=5" -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIMITS --allow-empty
// LIMITS-NOT: has no effect
// A policy trained for another chip of as many levels places, and says so;
// on its own chip (target and sim-target alike) it says nothing.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000 target=edge-small" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OTHERCHIP
// OTHERCHIP: mlp.mlir:1:1: warning: egrl: policy: the policy was trained for target nnpi-1000 (levels sram, llc, dram), this placement is for target edge-small (levels scratch, l2, lpddr): if that is another chip, a transfer across chips (budget=N refines it on this one)
// Levels named otherwise under the same target name say so too.
// RUN: %python -c "import json, sys; d = json.load(open(sys.argv[1])); d['levels'] = ['a', 'b', 'c']; json.dump(d, open(sys.argv[2], 'w'))" %egrl_src/policies/nnpi-1000.json %t.renamed.json
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=policy policy=%t.renamed.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=RENAMED
// RENAMED: warning: egrl: policy: the policy was trained for target nnpi-1000 (levels a, b, c), this placement is for target nnpi-1000 (levels sram, llc, dram): if that is another chip
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000-slowllc" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OTHERSIM
// OTHERSIM: warning: egrl: policy: the policy was trained for target nnpi-1000 measured on nnpi-1000-slowllc, this placement is for target nnpi-1000:
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000-slowllc sim-target=nnpi-1000-slowllc evaluator=nnpi-sim" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OWNCHIP
// OWNCHIP-NOT: warning
// Refined, the result is a search on this chip: no warning.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000 target=edge-small budget=5" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REFINEDOTHER
// REFINEDOTHER-NOT: warning
// A policy with no budget is one forward pass: its seed does nothing either;
// with a budget, egrl refines it and the seed drives that.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000 seed=4" -o /dev/null 2>&1 | FileCheck %s --check-prefix=POLICYSEED
// POLICYSEED: warning: egrl: seed=4 has no effect with strategy=policy and no budget (one forward pass; budget=N above 1 refines it with egrl, which the seed drives)
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000 seed=4 budget=20" -o /dev/null 2>&1 | FileCheck %s --check-prefix=POLICYSEARCH
// POLICYSEARCH-NOT: has no effect
// budget=1 is given, and is one forward pass too: the warning names it.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=policy policy=nnpi-1000 seed=4 budget=1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=POLICYBUDGET1
// POLICYBUDGET1: warning: egrl: seed=4 has no effect with strategy=policy and budget=1 (one forward pass; budget=N above 1 refines it with egrl, which the seed drives)
// A search takes both without a word.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json strategy=random budget=20 seed=3" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SEARCH --allow-empty
// SEARCH-NOT: has no effect

// Errors.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json sim-target=nnpi-1000" 2>&1 | FileCheck %s --check-prefix=LEVELS
// LEVELS: <unknown>:0: error: egrl-memory-placement: sim-target 'nnpi-1000' has levels sram, llc, dram, target 'toy' has fast, slow: a chip and its model must have the same levels (names and count)
// The same names ranked otherwise by bandwidth (an SRAM slower than the LLC).
// RUN: sed -e 's/"name": "nnpi-1000"/"name": "swapped"/' -e 's/6.8e12/5e11/' %targets/nnpi-1000.json > %t.swapped.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="sim-target=%t.swapped.json" 2>&1 | FileCheck %s --check-prefix=ORDER
// ORDER: <unknown>:0: error: egrl-memory-placement: sim-target 'swapped' ({{.*}}swapped.json) orders its levels llc, sram, dram by bandwidth (fastest first), target 'nnpi-1000' orders them sram, llc, dram: a chip and its model must order their levels alike
// RUN: sed -e 's/"name": "toy"/"name": "toy-fp16"/' -e 's/"element_bytes": 1/"element_bytes": 2/' %S/../Inputs/toy.json > %t.fp16.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json sim-target=%t.fp16.json" 2>&1 | FileCheck %s --check-prefix=BYTES
// BYTES: error: egrl-memory-placement: sim-target 'toy-fp16' ({{.*}}fp16.json) has element_bytes 2, target 'toy' has 1: a chip and its model must size tensors alike
// Two chips of one name (a target copied and edited) are told apart by file.
// RUN: sed -e 's/"element_bytes": 1/"element_bytes": 2/' %S/../Inputs/toy.json > %t.toy-copy.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json sim-target=%t.toy-copy.json" 2>&1 | FileCheck %s --check-prefix=SAMENAME
// SAMENAME: error: egrl-memory-placement: sim-target 'toy' ({{.*}}toy-copy.json) has element_bytes 2, target 'toy' ({{.*}}Inputs{{/|\\}}toy.json) has 1
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="sim-target=nnpi-9000" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: egrl-memory-placement: sim-target: unknown target 'nnpi-9000': not a file, and not a bundled target
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="sim-target=%S/../Inputs/bad-sim.json" 2>&1 | FileCheck %s --check-prefix=BADSIM
// BADSIM: error: egrl-memory-placement: sim-target: {{.*}}sim.engines
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="evaluator=external:cat sim-target=nnpi-1000-slowllc" 2>&1 | FileCheck %s --check-prefix=EXTERNAL
// EXTERNAL: error: egrl-memory-placement: sim-target needs a built-in evaluator (analytical or nnpi-sim): an external evaluator measures its own chip
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="seed-from=ilp" 2>&1 | FileCheck %s --check-prefix=SEEDFROM
// SEEDFROM: <unknown>:0: error: egrl-memory-placement: unknown seed-from 'ilp' (expected none, native, model or portfolio)

// portfolio plans greedy on the target and on it with each rate halved and
// doubled, and measures them: on the chip with 2.5x the compute the plan for
// twice the compute is the fastest, faster than greedy's own.
// RUN: egrl-opt %models/bert_base.mlir --egrl-memory-placement="evaluator=nnpi-sim sim-target=nnpi-1000-fastcompute report=%t.greedy.json" -o /dev/null 2>/dev/null
// RUN: egrl-opt %models/bert_base.mlir --egrl-memory-placement="strategy=portfolio evaluator=nnpi-sim sim-target=nnpi-1000-fastcompute report=%t.portfolio.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PORTFOLIO
// PORTFOLIO: with portfolio (nnpi-sim on nnpi-1000-fastcompute): latency
// RUN: FileCheck %s --check-prefix=PORTFOLIO-REPORT --input-file=%t.portfolio.json
// PORTFOLIO-REPORT: distinct greedy placements measured; the fastest planned on compute x2
// RUN: %python -c "import json,sys; g,p=[json.load(open(f))['functions'][0] for f in sys.argv[1:]]; assert p['latency_s'] < g['latency_s'], (g['latency_s'], p['latency_s']); print('portfolio faster')" %t.greedy.json %t.portfolio.json | FileCheck %s --check-prefix=PORTFOLIO-FASTER
// PORTFOLIO-FASTER: portfolio faster
