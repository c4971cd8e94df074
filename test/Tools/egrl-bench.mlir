// egrl-bench compares strategies on MLIR models and graph JSON files.
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-print-graph="json=true output=%t.graph.json" -o /dev/null
// RUN: egrl-bench %S/../Inputs/mlp.mlir %t.graph.json --strategies=native,greedy --target=%S/../Inputs/toy.json --seeds=2 --out=%t.dir 2>%t.log | FileCheck %s
// RUN: FileCheck %s --check-prefix=LOG --input-file=%t.log
// RUN: FileCheck %s --check-prefix=CSV --input-file=%t.dir/bench.csv
// RUN: %python -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['target']=='toy' and len(d['runs'])==4, d" %t.dir/bench.json
// History and generations are rows; bench.json names their columns.
// Native's row is the reference every speed-up is quoted against, measured
// once: on a chip whose measurements differ (each 10% slower than the last)
// a second measurement of native read 0.800x "vs native".
// RUN: egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --strategies=native,greedy --repeats=3 --evaluator="external:%python %S/../Inputs/external-chip.py drift" --out=%t.drift 2>/dev/null | FileCheck %s --check-prefix=DRIFT
// DRIFT: mlp native - 2.4 us 1.000x - 1/1 3
// Columns widen for what they hold: a model name past 14 characters keeps
// every row's strategy under its heading. --retries and --time-limit that do
// nothing here say so.
// RUN: egrl-bench %S/../Inputs/mlp.mlir %t.graph.json --strategies=native,greedy --target=%S/../Inputs/toy.json --retries=2 --time-limit=5 2>%t.noeffect > %t.table
// RUN: %python -c "import sys; rows=[l for l in open(sys.argv[1]) if l.strip()]; cols={l.index(w) for l, w in zip(rows, ['strategy'] + [l.split()[1] for l in rows[1:]])}; assert len(rows) == 5 and len(cols) == 1, (cols, rows)" %t.table
// RUN: FileCheck %s --check-prefix=NOEFFECT --input-file=%t.noeffect
// NOEFFECT: egrl-bench: warning: --retries=2 has no effect with --evaluator=analytical (it restarts the command of an external: evaluator)
// NOEFFECT: egrl-bench: warning: --time-limit has no effect: it bounds ilp, which neither --strategies nor --seed-from=none runs
// --seed-from with no strategy that takes seeds is said to do nothing, and
// plans no seeds (ilp's time-limit bounds nothing then either).
// RUN: egrl-bench %S/../Inputs/mlp.mlir --strategies=native,greedy,pg --budgets=10 --seeds=1 --seed-from=model --time-limit=5 --target=%S/../Inputs/toy.json 2>&1 >/dev/null | FileCheck %s --check-prefix=NOSEEDS
// NOSEEDS: egrl-bench: warning: --seed-from=model has no effect: no strategy in --strategies takes seeds (random, ea, anneal, egrl and egrl-sac do; pg and the model-based strategies do not)
// NOSEEDS: egrl-bench: warning: --time-limit has no effect
// NOSEEDS-NOT: planned greedy
// RUN: egrl-bench %S/../Inputs/mlp.mlir --strategies=egrl --budgets=40 --target=%S/../Inputs/toy.json --seeds=1 --out=%t.rows > /dev/null 2>&1
// RUN: %python -c "import json,sys; d=json.load(open(sys.argv[1])); r=d['runs'][0]; assert d['history_fields']==['evaluations','best_latency_s','wall_s'] and d['generation_fields'][-1]=='champion', d; assert r['history'] and all(len(h)==len(d['history_fields']) for h in r['history']), r; assert r['generations'] and all(len(g)==len(d['generation_fields']) for g in r['generations']), r" %t.rows/bench.json

// CHECK: model{{ +}}strategy{{ +}}budget{{ +}}latency{{ +}}vs native{{ +}}gap to ilp{{ +}}valid{{ +}}evals{{ +}}wall s
// CHECK-NEXT: mlp{{ +}}native{{ +}}-{{ +}}11.77 us{{ +}}1.000x{{ +}}-{{ +}}1/1
// CHECK-NEXT: mlp{{ +}}greedy{{ +}}-{{ +}}11.77 us{{ +}}1.000x
// CHECK-NEXT: egrl-bench.mlir.tmp.graph{{ +}}native
// CHECK-NEXT: egrl-bench.mlir.tmp.graph{{ +}}greedy

// LOG: egrl-bench: mlp: 2 nodes, native 11.77 us on analytical
// LOG: greedy   budget 1000   seed 0: 11.77 us (1.000x vs native) valid in 1 evaluations

// CSV: model,strategy,budget,seed,latency_s,native_latency_s,speedup_vs_native,gap_to_ilp,valid,evaluations,wall_s,stopped
// CSV-NEXT: mlp,native,1000,0,1.176960e-05,1.176960e-05,1.0000,,1,1,

// --sim-target measures on another chip than the model's target, --seed-from
// says what searches start from; the table, the log and bench.json say so.
// The model believes toy (40 KB fast), the chip has 20 KB: the model-based
// placements overflow on it, anneal measures its way to a valid one. (Two
// nodes have few placements: anneal measures 8, each once, of its budget of
// 30, and stops once it proposes nothing new.)
// RUN: egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --sim-target=%S/../Inputs/small-fast.json --seed-from=model --strategies=native,greedy,anneal --budgets=30 --seeds=1 --out=%t.sim 2>%t.sim.log | FileCheck %s --check-prefix=SIM
// SIM: target toy, sim-target small-fast, evaluator analytical, seed-from model
// SIM: mlp{{ +}}native{{ +}}-{{ +}}41.38 us{{ +}}1.000x{{ +}}-{{ +}}0/1
// SIM: mlp{{ +}}anneal{{ +}}30{{ +}}{{.*}}1/1{{ +}}8{{ }}
// RUN: FileCheck %s --check-prefix=SIM-LOG --input-file=%t.sim.log
// SIM-LOG: egrl-bench: mlp: 2 nodes, native 41.38 us on analytical (sim-target small-fast)
// SIM-LOG-NEXT: egrl-bench: mlp: planned greedy, ilp and dp for --seed-from=model in {{[0-9.]+}} s
// SIM-LOG: anneal {{.*}}; seed-from model: native=greedy=ilp=dp
// RUN: %python -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['sim_target']=='small-fast' and d['seed_from']=='model', d; assert (d['repeats'], d['threads'], d['time_limit_s'])==(1, 1, 60), d; assert [r['seeded'] for r in d['runs']]==['', '', 'model: native=greedy=ilp=dp'], d['runs']" %t.sim/bench.json
// Without a search that takes seeds nothing is planned.
// RUN: egrl-bench %S/../Inputs/mlp.mlir --seed-from=model --strategies=native,greedy 2>&1 >/dev/null | FileCheck %s --check-prefix=NO-PLANS
// NO-PLANS-NOT: planned
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --sim-target=nnpi-1000 2>&1 | FileCheck %s --check-prefix=SIM-LEVELS
// SIM-LEVELS: egrl-bench: error: sim-target 'nnpi-1000' has levels sram, llc, dram, target 'toy' has fast, slow
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --seed-from=greedy 2>&1 | FileCheck %s --check-prefix=SEEDFROM
// SEEDFROM: egrl-bench: error: --seed-from must be none, native, model or portfolio, not 'greedy'

// Bad input: a clear error and a non-zero exit.
// Every model is loaded and checked before any is measured: one that cannot
// load fails the run at once, wherever it stands in the list, and nothing is
// measured or written.
// RUN: rm -rf %t.keep
// RUN: not egrl-bench %S/../Inputs/mlp.mlir %S/../Inputs/dynamic.mlir --strategies=native --out=%t.keep > %t.keep.out 2>%t.keep.err
// RUN: FileCheck %s --check-prefix=KEEP-ERR --input-file=%t.keep.err
// KEEP-ERR: egrl-bench: {{.*}}dynamic.mlir:4:8: error: 'tensor.cast' op egrl needs static shapes
// KEEP-ERR-NOT: egrl-bench: mlp:
// RUN: not grep mlp %t.keep.out
// RUN: not test -e %t.keep/bench.json
// An error found while measuring (here native's latency of 0) keeps the runs
// before it: the table and the files are written.
// RUN: rm -rf %t.kept
// RUN: not egrl-bench %S/../Inputs/mlp.mlir %S/../Inputs/zero-work.json --target=%S/../Inputs/toy.json --strategies=native --out=%t.kept 2>%t.kept.err | FileCheck %s --check-prefix=KEEP
// KEEP: mlp native - {{.*}} 1.000x
// RUN: FileCheck %s --check-prefix=KEPT-ERR --input-file=%t.kept.err
// KEPT-ERR: egrl-bench: error: zero-work: native's latency is 0 on toy
// KEPT-ERR: egrl-bench: the table and files hold the runs so far
// RUN: FileCheck %s --check-prefix=KEPT --input-file=%t.kept/bench.json
// KEPT: "model": "mlp"
// A graph JSON keeps the granularity it was printed at (%t.graph.json is
// fused): another --granularity is refused before any run, with egrl-train's
// message, rather than measured fused and recorded as op in bench.json.
// RUN: rm -rf %t.gran
// RUN: not egrl-bench %S/../Inputs/mlp.mlir %t.graph.json --granularity=op --target=%S/../Inputs/toy.json --strategies=greedy --seeds=1 --out=%t.gran > %t.gran.out 2>&1
// RUN: FileCheck %s --check-prefix=GRANULARITY --input-file=%t.gran.out
// GRANULARITY-NOT: mlp greedy
// GRANULARITY: egrl-bench: error: {{.*}}graph.json: a graph at 'fused' granularity (its JSON), and --granularity=op: a benchmark runs at one granularity, which bench.json records (print the graph again with --egrl-print-graph="granularity=op json=true", or give --granularity=fused)
// RUN: not test -e %t.gran/bench.json
// A model that is not there is found before any run; so are two models of one
// name, whose rows would merge (a model named twice would count as 2 seeds).
// RUN: not egrl-bench %S/../Inputs/mlp.mlir no-such-model --strategies=native 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: egrl-bench: error: no model 'no-such-model'
// MISSING-NOT: mlp native
// RUN: rm -rf %t.same && mkdir -p %t.same/a %t.same/b
// RUN: cp %S/../Inputs/mlp.mlir %t.same/a/m.mlir && cp %S/../Inputs/resblock.mlir %t.same/b/m.mlir
// RUN: not egrl-bench %t.same/a/m.mlir %t.same/b/m.mlir --strategies=native 2>&1 | FileCheck %s --check-prefix=SAMENAME
// SAMENAME: egrl-bench: error: models '{{.*}}a/m.mlir' and '{{.*}}b/m.mlir' are both named 'm', and rows are keyed by name: rename one
// RUN: not egrl-bench tiny_cnn tiny_cnn --strategies=native 2>&1 | FileCheck %s --check-prefix=MODELTWICE
// MODELTWICE: egrl-bench: error: model 'tiny_cnn' is named twice
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=native,greedy,native 2>&1 | FileCheck %s --check-prefix=STRATEGYTWICE
// STRATEGYTWICE: egrl-bench: error: --strategies: native is named twice
// An empty item is refused, as --budgets refuses one: a name may be missing.
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=greedy,,native 2>&1 | FileCheck %s --check-prefix=EMPTYSTRATEGY
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=greedy, 2>&1 | FileCheck %s --check-prefix=EMPTYSTRATEGY
// EMPTYSTRATEGY-NOT: mlp greedy
// EMPTYSTRATEGY: egrl-bench: error: unknown strategy '' (known: anneal,
// A graph that takes no time on a target with no layer overhead has no
// native latency to quote speed-ups against.
// RUN: not egrl-bench %S/../Inputs/zero-work.json --target=%S/../Inputs/toy.json --strategies=native 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: egrl-bench: error: zero-work: native's latency is 0 on toy
// RUN: not egrl-bench synthetic:100000000:1 --strategies=native 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: egrl-bench: error: 'synthetic:100000000:1': at most 100000 synthetic nodes
// RUN: not egrl-bench no-such-model 2>&1 | FileCheck %s --check-prefix=NOMODEL
// NOMODEL: egrl-bench: error: no model 'no-such-model' (not a file, and not a bundled model: bert_base, mobilenet_v2, resnet101, resnet50, tiny_cnn)
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=native,annealing 2>&1 | FileCheck %s --check-prefix=NOSTRATEGY
// NOSTRATEGY: egrl-bench: error: unknown strategy 'annealing'
// NOSTRATEGY-NOT: keep
// RUN: egrl-bench %S/../Inputs/mlp.mlir --strategies=native --policy=nnpi-1000 2>&1 | FileCheck %s --check-prefix=UNUSEDPOLICY
// UNUSEDPOLICY: egrl-bench: warning: --policy has no effect: no strategy in --strategies places with it (add policy)
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=native,keep 2>&1 | FileCheck %s --check-prefix=KEEPSTRATEGY
// KEEPSTRATEGY: egrl-bench: error: --strategies names keep, which measures the placement a placed module carries: use egrl-opt --egrl-memory-placement=strategy=keep on it
// RUN: not egrl-bench %S/../Inputs/dynamic.mlir 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: dynamic.mlir:4:8: error: 'tensor.cast' op egrl needs static shapes
// RUN: not egrl-bench %S/../Inputs/malformed.json 2>&1 | FileCheck %s --check-prefix=BADJSON
// BADJSON: egrl-bench: error: {{.*}}malformed.json: malformed JSON
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --budgets=10,x 2>&1 | FileCheck %s --check-prefix=BUDGET
// BUDGET: egrl-bench: error: --budgets: 'x' is not a positive integer
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --budgets=100,100 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: egrl-bench: error: --budgets: 100 is named twice
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --budgets=100,,200 2>&1 | FileCheck %s --check-prefix=EMPTYBUDGET
// EMPTYBUDGET: egrl-bench: error: --budgets: '' is not a positive integer
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --budgets=99999999999999999999 2>&1 | FileCheck %s --check-prefix=HUGEBUDGET
// HUGEBUDGET: egrl-bench: error: --budgets: '99999999999999999999' is too large (at most 18446744073709551615)
// RUN: not egrl-bench synthetic:0:1 2>&1 | FileCheck %s --check-prefix=NONODES
// NONODES: egrl-bench: error: 'synthetic:0:1': a synthetic graph needs at least 1 node
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --repeats=0 2>&1 | FileCheck %s --check-prefix=REPEATS0
// REPEATS0: egrl-bench: error: --repeats must be between 1 and 1000
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --time-limit=-1 2>&1 | FileCheck %s --check-prefix=TIMELIMIT
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --time-limit=0 2>&1 | FileCheck %s --check-prefix=TIMELIMIT
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --repeats=1001 2>&1 | FileCheck %s --check-prefix=REPEATS0
// TIMELIMIT: egrl-bench: error: --time-limit must be a positive number of seconds
// An --out that cannot be a directory fails before any search.
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=anneal --budgets=1000000000 --out=%s 2>&1 | FileCheck %s --check-prefix=OUTFILE
// OUTFILE: egrl-bench: error: cannot write into directory '{{.*}}egrl-bench.mlir': Not a directory
// A directory no file can be made in fails before the runs too (access()
// lets root through /proc).
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=native --out=/proc 2>&1 | FileCheck %s --check-prefix=OUTPROC
// OUTPROC: egrl-bench: error: cannot write into directory '/proc':
// OUTPROC-NOT: mlp native
// A run cut short (here: the evaluator died) says so in bench.json, and
// counts the evaluations it measured (2), not the budget.
// RUN: rm -rf %t.stopped
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --strategies=random --budgets=10 --seeds=1 --evaluator='external:%python %S/../Inputs/external-chip.py die' --out=%t.stopped 2>/dev/null | FileCheck %s --check-prefix=STOPPED-TABLE
// STOPPED-TABLE: mlp random* 10
// STOPPED-TABLE: * mlp random: stopped early: the evaluator failed at evaluation 3 of 10 evaluations
// RUN: FileCheck %s --check-prefix=STOPPED-CSV --input-file=%t.stopped/bench.csv
// STOPPED-CSV: mlp,random,10,0,{{.*}},2,{{[0-9.]+}},"the evaluator failed at evaluation 3 of 10 evaluations: {{.*}}"
// RUN: %python -c "import json,sys; r=json.load(open(sys.argv[1]))['runs'][-1]; print(r['stopped']); sys.exit('failed at evaluation 3 of 10' not in r['stopped'] or r['evaluations'] != 2)" %t.stopped/bench.json
// A run whose evaluator failed before answering (greedy, after native's one
// measurement) has no latency: '-' in the table, empty in bench.csv, null in
// bench.json; never 0 with an infinite speed-up.
// RUN: rm -rf %t.unmeasured
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --strategies=native,greedy --seeds=1 --evaluator='external:%python %S/../Inputs/external-chip.py die 1' --out=%t.unmeasured 2>/dev/null | FileCheck %s --check-prefix=UNMEASURED
// UNMEASURED: mlp greedy* - - - - 0/1 0
// RUN: FileCheck %s --check-prefix=UNMEASURED-CSV --input-file=%t.unmeasured/bench.csv
// UNMEASURED-CSV: mlp,greedy,1000,0,,{{[0-9.e+-]+}},,,,0,
// RUN: %python -c "import json,sys; r=json.load(open(sys.argv[1]))['runs'][-1]; sys.exit(r['latency_s'] is not None or r['valid'] is not None or r['speedup_vs_native'] is not None)" %t.unmeasured/bench.json
// Native is measured first, as every speed-up's reference: its failure says
// so, not only the model's name.
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --strategies=greedy --seeds=1 --evaluator='external:%python %S/../Inputs/external-chip.py die 0' 2>&1 | FileCheck %s --check-prefix=NATIVE-DIED
// NATIVE-DIED: egrl-bench: error: mlp / native (every speed-up's reference, measured before the searches): external evaluator '{{.*}} die 0' exited with status 4 without answering
// --threads is the pass's threads=; --search-threads, its former name, still
// works, and the placement is the same for any count.
// RUN: egrl-bench %S/../Inputs/mlp.mlir --strategies=anneal --budgets=40 --seeds=1 --target=%S/../Inputs/toy.json --threads=2 2>/dev/null | FileCheck %s --check-prefix=THREADS
// RUN: egrl-bench %S/../Inputs/mlp.mlir --strategies=anneal --budgets=40 --seeds=1 --target=%S/../Inputs/toy.json --search-threads=1 2>/dev/null | FileCheck %s --check-prefix=THREADS
// THREADS: mlp anneal 40 11.77 us
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --threads=0 2>&1 | FileCheck %s --check-prefix=THREADS0
// THREADS0: egrl-bench: error: --threads must be between 1 and 256

// --plot draws best latency against evaluations into a PNG.
// RUN: rm -rf %t.plot
// RUN: egrl-bench %S/../Inputs/mlp.mlir --strategies=native,ilp,random --budgets=20 --seeds=1 --target=%S/../Inputs/toy.json --out=%t.plot --plot 2>&1 | FileCheck %s --check-prefix=PLOT
// PLOT: egrl-bench: wrote {{.*}}bench.png
// RUN: %python -c "import sys; head=open(sys.argv[1],'rb').read(8); assert head==b'\x89PNG\r\n\x1a\n', head; print('png ok')" %t.plot/bench.png | FileCheck %s --check-prefix=PNG
// PNG: png ok
// A run into the same --out without --plot removes that plot: it would pass
// for this run's.
// RUN: egrl-bench %S/../Inputs/mlp.mlir --strategies=native --target=%S/../Inputs/toy.json --out=%t.plot 2>&1 | FileCheck %s --check-prefix=NOPLOT
// NOPLOT-NOT: bench.png
// RUN: not test -e %t.plot/bench.png
// Only a file goes: a directory of that name is not the plot.
// RUN: mkdir %t.plot/bench.png
// RUN: egrl-bench %S/../Inputs/mlp.mlir --strategies=native --target=%S/../Inputs/toy.json --out=%t.plot 2>&1 | FileCheck %s --check-prefix=NOPLOT
// RUN: test -d %t.plot/bench.png

// An ilp stopped by its time limit before proving optimality (BERT-base at op
// granularity on edge-small takes CBC far longer than 0.2 s; on nnpi-1000 it
// now proves the optimum in about 0.3 s) is starred, with the reason below
// the table; the pass warns. On a loaded machine the limit can strike before
// CBC has an incumbent (then the greedy start is the answer), so the checks
// stop at the reason's common prefix.
// RUN: egrl-bench bert_base --granularity=op --target=edge-small --strategies=ilp --time-limit=0.2 2>/dev/null | FileCheck %s --check-prefix=STAR
// STAR: bert_base{{ +}}ilp*
// STAR: * bert_base ilp: time limit:
// RUN: egrl-opt %models/bert_base.mlir --egrl-memory-placement="strategy=ilp granularity=op target=edge-small time-limit=0.2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=WARN
// WARN: warning: egrl: ilp: time limit:
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --plot 2>&1 | FileCheck %s --check-prefix=PLOT-NO-OUT
// PLOT-NO-OUT: egrl-bench: error: --plot needs --out=DIR to write bench.png into

// --placements writes each run's placement and the model's nodes to
// bench.json; python/placement_diff.py lists the tensors two runs placed
// differently. On small-fast native overflows and anneal moves the second
// matmul's 8 KiB of weights on chip.
// RUN: egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --sim-target=%S/../Inputs/small-fast.json --strategies=native,anneal --budgets=30 --seeds=1 --placements --out=%t.pl >/dev/null 2>&1
// RUN: %python %egrl_src/python/placement_diff.py %t.pl/bench.json mlp anneal native | FileCheck %s --check-prefix=DIFF
// DIFF: mlp: anneal budget 30 seed 0 (34.0 us) against native (41.4 us): 1 tensor on other levels
// DIFF: | 1 | n1_matmul | {{.*}}mlp.mlir:{{[0-9]+}}:{{[0-9]+}} | weights | 8.0 KiB | fast | slow |
// DIFF: slow -> fast: 8.0 KiB
// RUN: not %python %egrl_src/python/placement_diff.py %t.pl/bench.json mlp pg native 2>&1 | FileCheck %s --check-prefix=DIFF-NONE
// DIFF-NONE: placement_diff: no run of mlp matches 'pg'
// RUN: not %python %egrl_src/python/placement_diff.py %t.dir/bench.json mlp greedy native 2>&1 | FileCheck %s --check-prefix=DIFF-NOPL
// DIFF-NOPL: placement_diff: the runs have no placements: run egrl-bench with --placements
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --placements 2>&1 | FileCheck %s --check-prefix=PL-NO-OUT
// PL-NO-OUT: egrl-bench: error: --placements needs --out=DIR to write them into bench.json

// --policy: the policy strategy's placement (budget 1: no search) beside native.
// RUN: egrl-bench %S/../Inputs/mlp.mlir --strategies=native,policy --policy=%S/../Inputs/tiny-policy.json --budgets=1 --seeds=1 2>/dev/null | FileCheck %s --check-prefix=POLICY
// POLICY: mlp{{ +}}native{{ +}}-{{ +}}4.116 us{{ +}}1.000x
// POLICY-NEXT: mlp{{ +}}policy{{ +}}1{{ +}}{{[0-9.]+}} us{{ +}}{{[0-9.]+}}x{{ +}}-{{ +}}1/1{{ +}}1
// With no search the seed does nothing, so budget 1 runs once whatever --seeds;
// a budget that refines runs once per seed.
// RUN: egrl-bench %S/../Inputs/mlp.mlir --strategies=policy --policy=%S/../Inputs/tiny-policy.json --budgets=1,4 --seeds=3 2>/dev/null | FileCheck %s --check-prefix=POLICY-SEEDS
// POLICY-SEEDS: mlp{{ +}}policy{{ +}}1{{ +}}{{[0-9.]+}} us{{ +}}{{[0-9.]+}}x{{ +}}-{{ +}}1/1{{ +}}1
// POLICY-SEEDS-NEXT: mlp{{ +}}policy{{ +}}4{{ +}}{{[0-9.]+}} us{{ +}}{{[0-9.]+}}x{{ +}}-{{ +}}3/3{{ +}}4
// Checked before any search runs (nothing is printed for native first).
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=native,policy 2>&1 | FileCheck %s --check-prefix=NOPOLICY
// NOPOLICY-NOT: native
// NOPOLICY: egrl-bench: error: --strategies names policy: give its file with --policy=FILE, or a shipped policy's name (nnpi-1000,
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies="native, policy" --policy=%t.none.json 2>&1 | FileCheck %s --check-prefix=POLICYFILE
// POLICYFILE-NOT: native
// POLICYFILE: egrl-bench: error: --policy: no policy file '{{.*}}none.json', nor a shipped policy (nnpi-1000,
// A file with no levels is corrupt, not a policy of 0 levels.
// RUN: %python -c "import json,sys; d=json.load(open(sys.argv[1])); d['levels']=[]; json.dump(d, open(sys.argv[2], 'w'))" %egrl_src/policies/nnpi-1000.json %t.nolevels.json
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=policy --policy=%t.nolevels.json --budgets=1 2>&1 | FileCheck %s --check-prefix=NOLEVELS
// NOLEVELS: corrupt policy file: 1 to 16 levels expected
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --strategies=native,policy --policy=nnpi-1000 2>&1 | FileCheck %s --check-prefix=POLICYLEVELS
// POLICYLEVELS-NOT: native
// POLICYLEVELS: egrl-bench: error: {{.*}}nnpi-1000.json: the policy places on 3 levels (sram, llc, dram), target 'toy' has 2 (fast, slow)
// So is anything else that keeps the file from loading as the policy
// strategy loads it: another feature version, a parameter of another shape.
// RUN: %python -c "import json,sys; d=json.load(open(sys.argv[1])); d['feature_version']+=1; json.dump(d, open(sys.argv[2], 'w'))" %S/../Inputs/tiny-policy.json %t.feature.json
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=native,policy --policy=%t.feature.json --budgets=1 2>&1 | FileCheck %s --check-prefix=POLICYFEATURE
// POLICYFEATURE-NOT: native
// POLICYFEATURE: egrl-bench: error: {{.*}}feature.json: policy computed on feature version {{[0-9]+}}, this build computes feature version
// RUN: %python -c "import json,sys; d=json.load(open(sys.argv[1])); p=d['parameters'][0]; p['shape']=p['shape'][::-1]; json.dump(d, open(sys.argv[2], 'w'))" %S/../Inputs/tiny-policy.json %t.shape.json
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --strategies=native,policy --policy=%t.shape.json --budgets=1 2>&1 | FileCheck %s --check-prefix=POLICYSHAPE
// POLICYSHAPE-NOT: native
// POLICYSHAPE: egrl-bench: error: {{.*}}shape.json: corrupt policy file: parameter '{{.*}}' has shape

// What the graph does not model is remarked as the pass remarks it.
// RUN: egrl-bench %S/../Transforms/analysis-cache.mlir --strategies=greedy 2>&1 >/dev/null | FileCheck %s --check-prefix=UNMODELLED
// UNMODELLED: analysis-cache.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: egrl: 'foo.custom' is not modelled; it becomes a memory-only node

// A model whose file name holds a comma and quotes is one CSV field.
// RUN: rm -rf %t.csvname && mkdir -p %t.csvname && cp %S/../Inputs/mlp.mlir '%t.csvname/a,b "c".mlir'
// RUN: egrl-bench '%t.csvname/a,b "c".mlir' --target=%S/../Inputs/toy.json --seeds=1 --out=%t.csvname 2>/dev/null >/dev/null
// RUN: FileCheck %s --check-prefix=QUOTED < %t.csvname/bench.csv
// QUOTED: "a,b ""c""",native,

// A remark met before an error is printed as a remark, not inside the error.
// RUN: not egrl-bench %S/../Inputs/unknown-op-then-loop.mlir --strategies=greedy 2>&1 | FileCheck %s --check-prefix=REMARK-THEN-ERROR
// REMARK-THEN-ERROR-NOT: egrl-bench: {{.*}}remark
// REMARK-THEN-ERROR: unknown-op-then-loop.mlir:3:8: remark: egrl: 'foo.bar' is not modelled
// REMARK-THEN-ERROR: egrl-bench: {{.*}}unknown-op-then-loop.mlir:4:8: error: egrl: 'foo.loop' holds regions

// python/seeded_check.py: seeded runs against the best model-based placement.
// RUN: rm -rf %t.sc
// RUN: egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --strategies=native,greedy,dp,ilp --budgets=1 --seeds=1 --out=%t.sc/none > /dev/null 2>&1
// RUN: egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --seed-from=model --strategies=anneal --budgets=50,100 --seeds=2 --out=%t.sc/model > /dev/null 2>&1
// RUN: %python %egrl_src/python/seeded_check.py %t.sc/none/bench.json %t.sc/model/bench.json | FileCheck %s --check-prefix=SEEDED
// SEEDED: - toy (analytical, fused), mlp, anneal seeded (slowest seed at each budget, against {{native|greedy|dp|ilp}}'s {{[0-9.]+}} us): 100: +0.00%
// SEEDED: anneal seeded: 0 of 1 (chip, model, budget) cells have a run slower than the best model-based placement
// A seed's run made 1% slower is found.
// RUN: %python -c "import json, sys; d = json.load(open(sys.argv[1])); r = [r for r in d['runs'] if r['budget'] == 100][1]; r['latency_s'] *= 1.01; json.dump(d, open(sys.argv[2], 'w'))" %t.sc/model/bench.json %t.sc/slower.json
// RUN: %python %egrl_src/python/seeded_check.py %t.sc/none/bench.json %t.sc/slower.json | FileCheck %s --check-prefix=SEEDED-SLOWER
// SEEDED-SLOWER: 100: +1.00% SLOWER
// SEEDED-SLOWER: anneal seeded: 1 of 1 (chip, model, budget) cells
// An invalid seeded result counts as slower, not as missing.
// RUN: %python -c "import json, sys; d = json.load(open(sys.argv[1])); r = [r for r in d['runs'] if r['budget'] == 100][0]; r['valid'] = False; json.dump(d, open(sys.argv[2], 'w'))" %t.sc/model/bench.json %t.sc/invalid.json
// RUN: %python %egrl_src/python/seeded_check.py %t.sc/none/bench.json %t.sc/invalid.json | FileCheck %s --check-prefix=SEEDED-INVALID
// SEEDED-INVALID: 100: +inf% SLOWER
// Without a model-based run beside the seeded ones there is nothing to check.
// RUN: not %python %egrl_src/python/seeded_check.py %t.sc/model/bench.json 2>&1 | FileCheck %s --check-prefix=SEEDED-NONE
// SEEDED-NONE: seeded_check: no seeded run at a budget of 100 or more beside a model-based one

// python/portfolio_table.py: portfolio against ilp and the best search median.
// RUN: egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --strategies=ilp,portfolio --seeds=1 --out=%t.pt/plan > /dev/null 2>&1
// RUN: egrl-bench %S/../Inputs/mlp.mlir --target=%S/../Inputs/toy.json --strategies=anneal --budgets=20,40 --seeds=3 --out=%t.pt/none > /dev/null 2>&1
// RUN: %python %egrl_src/python/portfolio_table.py %t.pt/plan/bench.json %t.pt/none/bench.json | FileCheck %s --check-prefix=PORTFOLIO-TABLE
// PORTFOLIO-TABLE: | `toy` | mlp | {{[0-9.]+}} µs | +0.00% ({{[0-9]+}}; the target) | {{[-+][0-9.]+}}% (anneal none {{20|40}}) |
