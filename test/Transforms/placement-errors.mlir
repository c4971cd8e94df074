// Bad options and bad targets: a clear error, non-zero exit. An option's
// value is nowhere in the IR, so its error has no location (which MLIR prints
// as `<unknown>:0:`, as it does its own pass-option errors), not the parsed
// module's made-up `mlp.mlir:0:0`; what the module holds is at the module.

// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=annealing" 2>&1 | FileCheck %s --check-prefix=STRATEGY
// STRATEGY: <unknown>:0: error: egrl-memory-placement: unknown strategy 'annealing' (known: anneal, dp, ea, egrl, egrl-sac, greedy, ilp, keep, native, pg, policy, portfolio, random)
// Options run together with commas reach the strategy as one name: say why.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=greedy,target=edge-small" 2>&1 | FileCheck %s --check-prefix=COMMAS
// COMMAS: error: egrl-memory-placement: unknown strategy 'greedy,target=edge-small' (known: {{.*}}); pass options are separated by spaces, not commas: "strategy=greedy target=..."
// So do a file option's (which wrote 'r.json,strategy=dp' with greedy) and
// a granularity, in both passes.
// RUN: mkdir -p %t.commas && cd %t.commas && not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=commas.json,strategy=dp" 2>&1 | FileCheck %s --check-prefix=COMMAS-FILE
// RUN: not ls %t.commas/commas.json,strategy=dp
// COMMAS-FILE: error: egrl-memory-placement: report=commas.json,strategy=dp: a file name with '=' after a ',' is refused; pass options are separated by spaces, not commas
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-print-graph="granularity=op,json=true" 2>&1 | FileCheck %s --check-prefix=COMMAS-GRAPH
// COMMAS-GRAPH: error: egrl-print-graph: unknown granularity 'op,json=true' (expected 'fused' or 'op'); pass options are separated by spaces, not commas

// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="evaluator=oscilloscope" 2>&1 | FileCheck %s --check-prefix=EVALUATOR
// EVALUATOR: <unknown>:0: error: egrl-memory-placement: unknown evaluator 'oscilloscope' (known: analytical

// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="granularity=layer" 2>&1 | FileCheck %s --check-prefix=GRANULARITY
// GRANULARITY: <unknown>:0: error: egrl-memory-placement: unknown granularity 'layer' (expected 'fused' or 'op')

// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=nnpi-9000" 2>&1 | FileCheck %s --check-prefix=NOTARGET
// NOTARGET: <unknown>:0: error: egrl-memory-placement: unknown target 'nnpi-9000': not a file, and not a bundled target (bundled in {{.*}}targets: edge-small, nnpi-1000, nnpi-1000-dram40, nnpi-1000-fastcompute, nnpi-1000-slowllc)

// A directory named like a bundled target does not hide it.
// RUN: rm -rf %t.cwd && mkdir -p %t.cwd/edge-small && cd %t.cwd && egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=edge-small" -o /dev/null 2>&1 | FileCheck %s --check-prefix=DIRNAME
// DIRNAME: remark: egrl: placed {{.*}} on edge-small with greedy

// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/missing.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: egrl-memory-placement: cannot read target file '{{.*}}missing.json': No such file or directory

// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/malformed.json" 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: error: egrl-memory-placement: {{.*}}malformed.json: malformed JSON at byte

// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/zero-bandwidth.json" 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: egrl-memory-placement: {{.*}}zero-bandwidth.json: levels[0].bandwidth_bytes_per_s: must be a number between 1 and 1e18 per second (got 0)

// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/negative-capacity.json" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// NEGATIVE: error: egrl-memory-placement: {{.*}}negative-capacity.json: levels[0].capacity_bytes: must be an integer between 1 and 2^62 (got -4)

// A field given twice (nlohmann would keep the last one silently).
// RUN: echo '{"name": "d", "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e12}, "levels": [{"name": "dram", "capacity_bytes": 1e9, "bandwidth_bytes_per_s": 1e9, "capacity_bytes": 1e12}]}' > %t.repeated.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%t.repeated.json" 2>&1 | FileCheck %s --check-prefix=REPEATED
// REPEATED: error: egrl-memory-placement: {{.*}}repeated.json: levels[0]: field "capacity_bytes" appears twice in one object (which one was meant?)

// The record and remarks name the chip: an empty name is an error, and so is
// a description that is not text.
// RUN: echo '{"name": "", "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e12}, "levels": [{"name": "dram", "capacity_bytes": 1e9, "bandwidth_bytes_per_s": 1e9}]}' > %t.empty-name.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%t.empty-name.json" 2>&1 | FileCheck %s --check-prefix=EMPTYNAME
// EMPTYNAME: error: egrl-memory-placement: {{.*}}empty-name.json: name: must be a string that is not empty or blank, has no space at either end and no control characters (got "", which is empty)
// So is a level name that is only spaces or holds a newline (it broke the
// remarks' lines).
// RUN: echo '{"name": "d", "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e12}, "levels": [{"name": "fast\n", "capacity_bytes": 1e6, "bandwidth_bytes_per_s": 1e10}, {"name": " ", "capacity_bytes": 1e9, "bandwidth_bytes_per_s": 1e9}]}' > %t.newline-name.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%t.newline-name.json" 2>&1 | FileCheck %s --check-prefix=NEWLINENAME
// NEWLINENAME: error: egrl-memory-placement: {{.*}}newline-name.json: levels[0].name: must be a string that is not empty or blank, has no space at either end and no control characters (got "fast\n", which holds U+000A (a line break))
// A number out of a double's range is named by its field and byte.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../../fuzz/regressions/target/defect1-number-out-of-range.json" 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// OVERFLOW: error: egrl-memory-placement: {{.*}}defect1-number-out-of-range.json: compute.mac_per_s: a number outside the range of a double at byte 44
// A sustained fraction may not reverse the levels' ranking: a move to a
// "faster" level would be slower. The prefetch's values are checked when it
// is off too.
// RUN: echo '{"name": "d", "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e12}, "levels": [{"name": "sram", "capacity_bytes": 1e6, "bandwidth_bytes_per_s": 1e11}, {"name": "dram", "capacity_bytes": 1e9, "bandwidth_bytes_per_s": 1e10}], "sim": {"levels": {"sram": {"sustained_fraction": 0.05}}}}' > %t.reversed.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%t.reversed.json" 2>&1 | FileCheck %s --check-prefix=REVERSED
// REVERSED: error: egrl-memory-placement: target 'd' ({{.*}}reversed.json): sim.levels.sram.sustained_fraction: level 'sram' sustains 5e+09 bytes/s (bandwidth_bytes_per_s x sustained_fraction), no more than the slower level 'dram' (8e+09): levels are ranked by bandwidth_bytes_per_s, and a faster level must also sustain more
// RUN: echo '{"name": "d", "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e12}, "levels": [{"name": "sram", "capacity_bytes": 1e6, "bandwidth_bytes_per_s": 1e11}, {"name": "dram", "capacity_bytes": 1e9, "bandwidth_bytes_per_s": 1e10}], "sim": {"prefetch": {"enabled": false, "tile_bytes": 0}}}' > %t.prefetch-off.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%t.prefetch-off.json" 2>&1 | FileCheck %s --check-prefix=PREFETCHOFF
// PREFETCHOFF: error: egrl-memory-placement: target 'd' ({{.*}}prefetch-off.json): sim.prefetch.tile_bytes: must be > 0
// RUN: echo '{"name": "d", "description": 42, "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e12}, "levels": [{"name": "dram", "capacity_bytes": 1e9, "bandwidth_bytes_per_s": 1e9}]}' > %t.description.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%t.description.json" 2>&1 | FileCheck %s --check-prefix=DESCRIPTION
// DESCRIPTION: error: egrl-memory-placement: {{.*}}description.json: description: must be a string (got 42)

// A zero capacity and a negative bandwidth, and errors that do not dump
// the whole module after them.
// RUN: echo '{"name": "z", "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e12}, "levels": [{"name": "dram", "capacity_bytes": 0, "bandwidth_bytes_per_s": 1e9}]}' > %t.zero-capacity.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%t.zero-capacity.json" 2>&1 | FileCheck %s --check-prefix=ZEROCAP
// ZEROCAP: error: egrl-memory-placement: {{.*}}zero-capacity.json: levels[0].capacity_bytes: must be an integer between 1 and 2^62 (got 0)
// ZEROCAP-NOT: see current operation
// RUN: echo '{"name": "n", "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e12}, "levels": [{"name": "dram", "capacity_bytes": 1e9, "bandwidth_bytes_per_s": -5e9}]}' > %t.negative-bandwidth.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%t.negative-bandwidth.json" 2>&1 | FileCheck %s --check-prefix=NEGBW
// NEGBW: error: egrl-memory-placement: {{.*}}negative-bandwidth.json: levels[0].bandwidth_bytes_per_s: must be a number between 1 and 1e18 per second (got -5000000000.0)

// A graph that does not fit even the slowest level (32 KiB of weights in
// 20 KB): no placement can be valid, so it is an error, before any search.
// RUN: echo '{"name": "tiny", "element_bytes": 1, "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e12}, "levels": [{"name": "fast", "capacity_bytes": 1000, "bandwidth_bytes_per_s": 1e10}, {"name": "slow", "capacity_bytes": 20000, "bandwidth_bytes_per_s": 1e9}]}' > %t.tiny.json
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%t.tiny.json" 2>&1 | FileCheck %s --check-prefix=TOOBIG
// TOOBIG: mlp.mlir:1:1: error: egrl-memory-placement: the graph does not fit target 'tiny': with every tensor in the backing store (its slowest level, 'slow') it needs 41280 bytes at once, the level holds 20000
// RUN: not egrl-bench %S/../Inputs/mlp.mlir --target=%t.tiny.json --strategies=greedy 2>&1 | FileCheck %s --check-prefix=TOOBIG-BENCH
// TOOBIG-BENCH: egrl-bench: error: mlp: the graph does not fit target 'tiny'

// A module with no function body to place.
// RUN: echo 'func.func private @decl(tensor<4xf32>)' | not egrl-opt --egrl-memory-placement 2>&1 | FileCheck %s --check-prefix=NOFUNC
// NOFUNC: <stdin>:0:0: error: egrl-memory-placement: the module has no func.func with a body to place
// A private function nothing calls cannot run: it is not placed (a warning
// says so), and does not take the fast levels from the entry point; alone,
// the module has nothing to place. egrl-bench takes the entry point.
// RUN: egrl-opt %S/../Inputs/dead-private.mlir --egrl-memory-placement=progress=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEAD
// DEAD: dead-private.mlir:3:1: warning: egrl: @unused_helper is private and nothing calls it, so it cannot run: not placed (--symbol-dce removes it; make it public to place it)
// DEAD-NOT: @unused_helper on
// DEAD: remark: egrl: placed 2 nodes of @main on nnpi-1000 with greedy (analytical): {{.*}} weights: sram 16.00 MiB llc 16.00 MiB dram 0 B
// RUN: echo 'func.func private @f(%x: tensor<4xf32>) -> tensor<4xf32> { return %x : tensor<4xf32> }' | not egrl-opt --egrl-memory-placement 2>&1 | FileCheck %s --check-prefix=DEAD-ALONE
// DEAD-ALONE: error: egrl-memory-placement: the module has no func.func with a body to place but private ones nothing calls
// RUN: egrl-bench %S/../Inputs/dead-private.mlir --strategies=native 2>&1 | FileCheck %s --check-prefix=DEAD-BENCH
// DEAD-BENCH: dead-private: 2 nodes
// RUN: echo "" | not egrl-opt --egrl-print-graph 2>&1 | FileCheck %s --check-prefix=NOFUNC-PRINT
// NOFUNC-PRINT: error: egrl-print-graph: the module has no func.func with a body to print

// Malformed MLIR never reaches the pass.
// RUN: echo 'func.func @f( {' | not egrl-opt --egrl-memory-placement 2>&1 | FileCheck %s --check-prefix=PARSE
// PARSE: <stdin>:1:14: error: expected non-function type

// Dynamic shapes stop the pass with the op's location.
// RUN: not egrl-opt %S/../Inputs/dynamic.mlir --egrl-memory-placement 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: dynamic.mlir:4:8: error: 'tensor.cast' op egrl needs static shapes: result #0 has type 'tensor<?x16xf32>'

// An unwritable report or trace path fails before the search (a search of
// 10^9 evaluations would take hours), and writes nothing.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=/nonexistent/dir/r.json strategy=anneal budget=1000000000" 2>&1 | FileCheck %s --check-prefix=REPORT
// REPORT: <unknown>:0: error: egrl-memory-placement: cannot write report '/nonexistent/dir/r.json': no directory '/nonexistent/dir'
// RUN: rm -rf %t.out && mkdir %t.out
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=%t.out/r.json trace=/nonexistent/t.json strategy=anneal budget=1000000000" 2>&1 | FileCheck %s --check-prefix=TRACE
// TRACE: error: egrl-memory-placement: cannot write trace '/nonexistent/t.json': no directory '/nonexistent'
// A write that fails once written to (a full disk; /dev/full) is an error,
// not a file reported written: both were said nothing of and exited 0.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=/dev/full" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FULL-REPORT
// FULL-REPORT: error: egrl-memory-placement: cannot write report '/dev/full': No space left on device
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="trace=/dev/full evaluator=nnpi-sim" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FULL-TRACE
// FULL-TRACE: error: egrl-memory-placement: cannot write trace '/dev/full': No space left on device
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=-" -o /dev/null 2>%t.full-stdout.err >/dev/full
// RUN: FileCheck %s --check-prefix=FULL-STDOUT --input-file=%t.full-stdout.err
// FULL-STDOUT: error: egrl-memory-placement: cannot write report '-': No space left on device
// FULL-STDOUT-NOT: LLVM ERROR
// A trace is of one function: two are refused before either is searched
// (a budget that would take minutes shows it).
// RUN: not egrl-opt %S/../Inputs/two-functions.mlir --egrl-memory-placement="trace=%t.out/two.json strategy=anneal budget=1000000000" 2>&1 | FileCheck %s --check-prefix=TRACETWO
// TRACETWO: error: egrl-memory-placement: trace= needs exactly one placed function, the module has 2 that compute something
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=%t.out/same.json trace=%t.out/same.json" 2>&1 | FileCheck %s --check-prefix=SAME
// SAME: error: egrl-memory-placement: report= and trace= name the same file '{{.*}}same.json'
// RUN: cd %t.out && not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=same.json trace=./x/../same.json" 2>&1 | FileCheck %s --check-prefix=SAME
// RUN: not ls %t.out/r.json %t.out/same.json
// A report into the file the tool writes the IR to (-o, or stdout
// redirected) would replace the IR or be overwritten by it: refused before
// the search. The upstream mlir-opt with the plugin is the same process.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=%t.out/ir.json" -o %t.out/ir.json 2>&1 | FileCheck %s --check-prefix=OWN-OUTPUT
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="trace=%t.out/ir2.json" > %t.out/ir2.json 2>%t.out/ir2.err
// RUN: FileCheck %s --check-prefix=OWN-OUTPUT-TRACE --input-file=%t.out/ir2.err
// RUN: not upstream-mlir-opt %S/../Inputs/mlp.mlir --load-dialect-plugin=%egrl_plugin --load-pass-plugin=%egrl_plugin --pass-pipeline="builtin.module(egrl-memory-placement{report=%t.out/ir3.json})" -o %t.out/ir3.json 2>&1 | FileCheck %s --check-prefix=OWN-OUTPUT
// OWN-OUTPUT: error: egrl-memory-placement: cannot write report '{{.*}}.json': the tool already writes that file (its -o, or stdout redirected to it), and one would replace the other
// OWN-OUTPUT-TRACE: error: egrl-memory-placement: cannot write trace '{{.*}}ir2.json': the tool already writes that file
// Nor into the file the IR was read from (the module's location names it),
// nor a printed graph into either; the input keeps its bytes.
// RUN: cp %S/../Inputs/mlp.mlir %t.out/in.mlir
// RUN: cd %t.out && not egrl-opt in.mlir --egrl-memory-placement="report=./in.mlir" -o /dev/null 2>&1 | FileCheck %s --check-prefix=INPUT-REPORT
// RUN: cd %t.out && not upstream-mlir-opt in.mlir --load-dialect-plugin=%egrl_plugin --load-pass-plugin=%egrl_plugin --pass-pipeline="builtin.module(egrl-memory-placement{trace=%t.out/in.mlir})" -o /dev/null 2>&1 | FileCheck %s --check-prefix=INPUT-TRACE
// RUN: cd %t.out && not egrl-opt in.mlir --egrl-print-graph="output=in.mlir" -o /dev/null 2>&1 | FileCheck %s --check-prefix=INPUT-GRAPH
// RUN: diff %S/../Inputs/mlp.mlir %t.out/in.mlir
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-print-graph="output=%t.out/g.mlir" -o %t.out/g.mlir 2>&1 | FileCheck %s --check-prefix=OWN-GRAPH
// INPUT-REPORT: error: egrl-memory-placement: cannot write report './in.mlir': the IR was read from that file, which would be replaced
// INPUT-TRACE: error: egrl-memory-placement: cannot write trace '{{.*}}in.mlir': the IR was read from that file
// INPUT-GRAPH: error: egrl-print-graph: cannot write 'in.mlir': the IR was read from that file
// OWN-GRAPH: error: egrl-print-graph: cannot write '{{.*}}g.mlir': the tool already writes that file
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=%t.out/own.json" -o %t.out/own.mlir
// RUN: FileCheck %s --check-prefix=OWN-OK --input-file=%t.out/own.json
// OWN-OK: "functions"
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=%t.out strategy=anneal budget=1000000000" 2>&1 | FileCheck %s --check-prefix=REPORTDIR
// REPORTDIR: error: egrl-memory-placement: cannot write report '{{.*}}.out': it is a directory

// Nested modules: the runs on two modules side by side would write one
// report path; at the top level their functions are not placed, and it says
// so, without failing a pipeline that then places the nested modules.
// RUN: not egrl-opt %S/../Inputs/nested-only.mlir --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement{report=%t.out/n.json}))" 2>&1 | FileCheck %s --check-prefix=NESTEDREPORT
// NESTEDREPORT: error: egrl-memory-placement: report= and trace= with the pass on nested modules: each nested module's run would write the same file; give them where one run writes them (the top-level module's own functions, or a nested module with no other module beside it or its parents)
// RUN: egrl-opt %S/../Inputs/nested-only.mlir --egrl-memory-placement="progress=false report=%t.nestedtop.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTED
// NESTED: warning: egrl: the functions of nested module @first are not placed by this pass, which places the module it runs on: unless the pipeline runs it on the nested module too (builtin.module(builtin.module(egrl-memory-placement))), they stay unplaced
// NESTED: remark: egrl: the module has no func.func with a body of its own; the functions of the modules nested in it are placed where the pass runs on them
// RUN: FileCheck %s --check-prefix=NESTEDTOPREPORT < %t.nestedtop.json
// NESTEDTOPREPORT: "functions": []
// RUN: egrl-opt %S/../Inputs/nested-only.mlir --pass-pipeline="builtin.module(egrl-memory-placement{progress=false},builtin.module(egrl-memory-placement{progress=false}))" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTEDBOTH
// NESTEDBOTH: remark: egrl: placed 1 node of @g
// NESTEDBOTH: remark: egrl: placed 1 node of @h
// Two modules deep, and with the nested modules placed first (or the
// pipeline run again on its own output): the top-level run does not fail.
// RUN: egrl-opt %S/../Inputs/nested-twice.mlir --pass-pipeline="builtin.module(egrl-memory-placement{progress=false},builtin.module(egrl-memory-placement{progress=false},builtin.module(egrl-memory-placement{progress=false})))" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTEDTWICE
// NESTEDTWICE: remark: egrl: the module has no func.func with a body of its own
// NESTEDTWICE: remark: egrl: placed 1 node of @g
// A module two deep is named too, with the pipeline that reaches it.
// RUN: egrl-opt %S/../Inputs/nested-twice.mlir --egrl-memory-placement="progress=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTEDDEEP
// NESTEDDEEP: warning: egrl: the functions of nested module @inner are not placed by this pass, which places the module it runs on: unless the pipeline runs it on the nested module too (builtin.module(builtin.module(builtin.module(egrl-memory-placement)))), they stay unplaced
// The README's pipeline for both layouts places the nested modules first, so
// the run on the top-level module finds them placed and does not warn.
// RUN: egrl-opt %S/../Inputs/nested-only.mlir --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement{progress=false}),egrl-memory-placement{progress=false})" -o %t.nestedfirst.mlir 2>&1 | FileCheck %s --check-prefix=NESTEDFIRST --implicit-check-not=warning
// NESTEDFIRST: remark: egrl: placed 1 node of @g
// NESTEDFIRST: remark: egrl: the module has no func.func with a body of its own
// RUN: egrl-opt %t.nestedfirst.mlir --egrl-memory-placement=progress=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTEDAGAIN
// NESTEDAGAIN: remark: egrl: the module has no func.func with a body of its own
// A nested module alone in its parent is one run: its report is written.
// RUN: egrl-opt %S/../Inputs/nested-module.mlir --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement{progress=false report=%t.nested1.json}))" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTEDONE
// NESTEDONE: remark: egrl: placed 1 node of @g
// RUN: FileCheck %s --check-prefix=NESTEDONEREPORT < %t.nested1.json
// NESTEDONEREPORT: "function": "g"
// A run on the top-level module and one on a nested module naming one file
// (in either order, or as one's report and the other's trace): the later
// would replace the earlier's. Refused before either searches; no file.
// RUN: rm -f %t.parentnested.json
// RUN: not egrl-opt %S/../Inputs/nested-module.mlir --pass-pipeline="builtin.module(egrl-memory-placement{progress=false report=%t.parentnested.json},builtin.module(egrl-memory-placement{progress=false report=%t.parentnested.json}))" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PARENTNESTED
// RUN: not upstream-mlir-opt %S/../Inputs/nested-module.mlir --load-dialect-plugin=%egrl_plugin --load-pass-plugin=%egrl_plugin --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement{progress=false trace=%t.parentnested.json}),egrl-memory-placement{progress=false report=%t.parentnested.json})" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTEDPARENT
// RUN: not test -e %t.parentnested.json
// PARENTNESTED-NOT: remark
// PARENTNESTED: error: egrl-memory-placement: report={{.*}}parentnested.json: another egrl-memory-placement in the pipeline writes that file too (its report=): a run on a module and one on a module nested in it, or two runs on one module, would write one file, the later replacing the earlier's; give each run its own file
// PARENTNESTED-NOT: remark
// NESTEDPARENT-NOT: remark
// NESTEDPARENT: error: egrl-memory-placement: report={{.*}}parentnested.json: another egrl-memory-placement in the pipeline writes that file too (its trace=)
// NESTEDPARENT-NOT: remark
// A device is written to, not replaced: two runs may share /dev/null.
// RUN: egrl-opt %S/../Inputs/nested-module.mlir --pass-pipeline="builtin.module(egrl-memory-placement{progress=false report=/dev/null},builtin.module(egrl-memory-placement{progress=false report=/dev/null}))" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SHAREDDEVICE
// SHAREDDEVICE-NOT: error
// SHAREDDEVICE: remark: egrl: placed
// A run on a nested module names the pipeline that reaches a module below
// it from the top-level module, not from its own (which is the one run).
// RUN: egrl-opt %S/../Inputs/nested-twice.mlir --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement{progress=false}))" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTEDDEPTH
// NESTEDDEPTH: warning: egrl: the functions of nested module @inner are not placed by this pass, which places the module it runs on: unless the pipeline runs it on the nested module too (builtin.module(builtin.module(builtin.module(egrl-memory-placement)))), they stay unplaced
// So are a gpu.module's kernels (they were skipped without a word).
// RUN: egrl-opt %S/../Inputs/gpu-module.mlir --egrl-memory-placement=progress=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=GPUMODULE
// GPUMODULE: gpu-module.mlir:3:1: warning: egrl: the functions inside 'gpu.module' @kernels are not placed: graphs are built from the func.func ops of the module
// GPUMODULE: remark: egrl: placed 1 node of @outer
// So is a model written as another function (ml_program.func, IREE's
// util.func) beside a func.func: the pass and the tools placed the helper
// alone without a word. A trace takes the one function that computes
// something (a helper returning a version number does not).
// RUN: egrl-opt %S/../Inputs/ml-program-func.mlir --egrl-memory-placement="progress=false trace=%t.out/ml.trace.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=MLFUNC
// MLFUNC: ml-program-func.mlir:3:1: warning: egrl: 'ml_program.func' @big is not placed: graphs are built from the func.func ops of the module
// MLFUNC-NOT: @version_table
// MLFUNC: remark: egrl: placed 1 node of @small
// RUN: egrl-bench %S/../Inputs/ml-program-func.mlir --function=small --strategies=greedy --out=%t.mlbench 2>&1 | FileCheck %s --check-prefix=MLBENCH
// MLBENCH: ml-program-func.mlir:3:1: warning: egrl: 'ml_program.func' @big is not placed
// Placed module by module, a nested module of declarations has nothing to
// place (a remark, not an error that stopped the pipeline), and a nested
// module placed before the top level is not said to stay unplaced.
// RUN: egrl-opt %S/../Inputs/nested-declarations.mlir --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement{progress=false}),egrl-memory-placement{progress=false})" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTEDDECL
// NESTEDDECL: remark: egrl: placed 1 node of @g
// NESTEDDECL: remark: egrl: module @runtime_decls has no func.func with a body: nothing to place
// NESTEDDECL-NOT: stay unplaced
// NESTEDDECL: remark: egrl: placed 1 node of @head

// pg loads LibTorch on first use; a missing policy library is an error.
// RUN: env EGRL_POLICY_LIBRARY=%t.missing.so not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=pg budget=20" 2>&1 | FileCheck %s --check-prefix=NOPOLICY
// NOPOLICY: error: egrl-memory-placement: strategy 'pg' needs the LibTorch policy library: cannot load {{.*}}missing.so
// A library that loads but is not the policy library (here the plugin) names
// itself and what to set; egrl-bench says the same, not "unknown strategy".
// RUN: env EGRL_POLICY_LIBRARY=%egrl_plugin not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=egrl budget=20" 2>&1 | FileCheck %s --check-prefix=NOTPOLICY
// NOTPOLICY: error: egrl-memory-placement: strategy 'egrl' needs the LibTorch policy library, and {{.*}}libEGRLPlugin.so registered no such strategy (set EGRL_POLICY_LIBRARY to libEGRLPolicy.so)
// RUN: env EGRL_POLICY_LIBRARY=%t.missing.so not egrl-bench %S/../Inputs/mlp.mlir --strategies=egrl --budgets=20 --out=%t.bench 2>&1 | FileCheck %s --check-prefix=BENCHNOPOLICY
// BENCHNOPOLICY: egrl-bench: error: strategy 'egrl' needs the LibTorch policy library: cannot load {{.*}}missing.so

// A search needs at least one evaluation.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=random budget=0" 2>&1 | FileCheck %s --check-prefix=BUDGET
// BUDGET: <unknown>:0: error: egrl-memory-placement: budget=0: must be at least 1 evaluation
// A negative count is the pass's message too, not the option parser's
// ("'-5' value invalid", then an empty error).
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="budget=-5" 2>&1 | FileCheck %s --check-prefix=NEGBUDGET --implicit-check-not="value invalid" --implicit-check-not="error: {{$}}"
// NEGBUDGET: error: egrl-memory-placement: budget=-5: must be at least 1 evaluation
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="repeats=-1" 2>&1 | FileCheck %s --check-prefix=REPEATS
// REPEATS: error: egrl-memory-placement: repeats=-1: must be at least 1 measurement
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="retries=-2" 2>&1 | FileCheck %s --check-prefix=RETRIES
// RETRIES: error: egrl-memory-placement: retries=-2: must be at least 0

// JSON holds one graph: a module with two functions needs function=.
// RUN: cat %S/../Inputs/mlp.mlir %S/../Inputs/tosa-net.mlir > %t.two.mlir
// RUN: not egrl-opt %t.two.mlir --egrl-print-graph=json=true -o /dev/null 2>&1 | FileCheck %s --check-prefix=TWO
// TWO: two.mlir:0:0: error: egrl-print-graph: json=true prints one graph but the module has 2 functions; choose one with function=NAME
// RUN: egrl-opt %t.two.mlir --egrl-print-graph="json=true function=tosa_net" -o /dev/null | FileCheck %s --check-prefix=ONE
// ONE: "name": "tosa_net"
// A declaration is named as one, and a missing name as missing.
// RUN: echo 'func.func private @decl(tensor<4xf32>) -> tensor<4xf32>' >> %t.two.mlir
// RUN: not egrl-opt %t.two.mlir --egrl-print-graph="function=decl" -o /dev/null 2>&1 | FileCheck %s --check-prefix=DECL
// DECL: <unknown>:0: error: egrl-print-graph: function=decl: @decl is a declaration: it has no body to print
// RUN: not egrl-opt %t.two.mlir --egrl-print-graph="function=nothere" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NONAME
// NONAME: <unknown>:0: error: egrl-print-graph: function=nothere: the module has no function @nothere
// RUN: not egrl-bench --function=decl %t.two.mlir 2>&1 | FileCheck %s --check-prefix=BENCHDECL
// BENCHDECL: error: {{.*}}: function @decl is a declaration: it has no body to place
// A tool measures the function named alone on the whole chip, which the pass
// shares among the module's functions: it says so.
// RUN: egrl-bench %S/../Inputs/two-functions.mlir --function=second --strategies=native --out=%t.twobench 2>&1 | FileCheck %s --check-prefix=BENCHALONE
// BENCHALONE: two-functions.mlir:6:1: remark: egrl: @second is placed and measured alone, on the whole chip; the pass places it in the room the weights of the functions before it (@first) leave, so their numbers can differ
// RUN: egrl-bench %S/../Inputs/two-functions.mlir --function=first --strategies=native --out=%t.twobench 2>&1 | FileCheck %s --check-prefix=BENCHFIRST --allow-empty
// BENCHFIRST-NOT: measured alone
// With report= egrl-opt holds the IR back until the passes have run; a chunk
// that fails does not lose the others' IR (as with mlir-opt).
// RUN: not egrl-opt %S/../Inputs/split-good-bad.mlir -split-input-file --egrl-memory-placement="report=%t.split.json" 2>/dev/null | FileCheck %s --check-prefix=SPLIT
// SPLIT: module attributes {egrl.record
// SPLIT-NEXT: func.func @good
// The tools name the file once, and an MLIR diagnostic keeps its own error:.
// RUN: not egrl-train %t.two.mlir --budget=10 --output=%t.p.json 2>&1 | FileCheck %s --check-prefix=TRAIN-TWO
// TRAIN-TWO: egrl-train: error: {{[^ ]*}}.two.mlir: several functions
// RUN: echo 'func.func @dyn(%x: tensor<?x4xf32>) -> tensor<?x4xf32> { return %x : tensor<?x4xf32> }' > %t.dyn.mlir
// RUN: not egrl-bench %t.dyn.mlir --strategies=greedy 2>&1 | FileCheck %s --check-prefix=BENCH-DYN
// BENCH-DYN: egrl-bench: {{.*}}dyn.mlir:1:{{[0-9]+}}: error: egrl needs static shapes

// A graph printed to stdout is all stdout holds (the IR only where -o says),
// so `> g.json` is one JSON document.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-print-graph=json=true > %t.graph.json 2> %t.note
// RUN: %python -c "import json,sys; g=json.load(open(sys.argv[1])); print('nodes', len(g['nodes']))" %t.graph.json | FileCheck %s --check-prefix=STDOUT-JSON
// RUN: FileCheck %s --check-prefix=STDOUT-NOTE < %t.note
// STDOUT-JSON: nodes {{[1-9]}}
// STDOUT-NOTE: egrl-opt: the graph went to stdout, so the IR is not printed there; -o FILE writes it
// So is a report written to stdout (report=-).
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="report=-" > %t.report-stdout.json 2> %t.report-note
// RUN: %python -c "import json,sys; r=json.load(open(sys.argv[1])); print('functions', len(r['functions']))" %t.report-stdout.json | FileCheck %s --check-prefix=REPORT-JSON
// RUN: FileCheck %s --check-prefix=REPORT-NOTE < %t.report-note
// REPORT-JSON: functions 1
// REPORT-NOTE: egrl-opt: the report went to stdout, so the IR is not printed there; -o FILE writes it
// In MLIR's quoting of pass options too.
// RUN: egrl-opt %S/../Inputs/mlp.mlir '--egrl-memory-placement=report="-"' > %t.report-quoted.json 2>/dev/null
// RUN: %python -c "import json,sys; r=json.load(open(sys.argv[1])); print('functions', len(r['functions']))" %t.report-quoted.json | FileCheck %s --check-prefix=REPORT-JSON
// Two documents cannot share stdout.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-print-graph=json=true --egrl-memory-placement=report=- 2>&1 >/dev/null | FileCheck %s --check-prefix=TWO-DOCUMENTS
// TWO-DOCUMENTS: error: egrl-memory-placement: cannot write report '-': stdout already holds the graph; give the report a file
// Nor can the report and the IR printed by `-o -` (the report came first,
// the module after it, and neither reader could read the file).
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=anneal budget=10 report=-" -o - 2>&1 >/dev/null | FileCheck %s --check-prefix=IR-AND-REPORT
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="trace=-" -o - 2>&1 >/dev/null | FileCheck %s --check-prefix=IR-AND-TRACE
// IR-AND-REPORT: error: egrl-memory-placement: cannot write report '-': stdout already holds the IR (-o -); give the report a file
// IR-AND-TRACE: error: egrl-memory-placement: cannot write trace '-': stdout already holds the IR (-o -); give the trace a file
// So is the JSON graph; the text graph reads beside the IR (test/Analysis/print-graph.mlir).
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-print-graph=json=true -o - 2>&1 >/dev/null | FileCheck %s --check-prefix=IR-AND-GRAPH
// IR-AND-GRAPH: error: egrl-print-graph: stdout already holds the IR (-o -); give the graph a file (output=FILE)
// Nor can the reports of several modules.
// RUN: not egrl-opt %S/../Inputs/two-chunks.mlir -split-input-file --egrl-memory-placement=report=- 2>&1 >/dev/null | FileCheck %s --check-prefix=TWO-REPORTS
// TWO-REPORTS: error: egrl-memory-placement: cannot write report '-': stdout already holds an earlier module's report; give the report a file
// Written to a file, the graph leaves stdout to the IR.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-print-graph="json=true output=%t.g2.json" | FileCheck %s --check-prefix=IR-ONLY
// IR-ONLY: func.func

// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="threads=0" 2>&1 | FileCheck %s --check-prefix=THREADS
// THREADS: <unknown>:0: error: egrl-memory-placement: threads=0: must be at least 1
// Upper bounds: options are 64-bit, and neither wraps at 32 bits nor runs
// a billion native measurements.
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="repeats=4294967297" 2>&1 | FileCheck %s --check-prefix=MANYREPEATS
// MANYREPEATS: error: egrl-memory-placement: repeats=4294967297: must be at most 1000
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="threads=257" 2>&1 | FileCheck %s --check-prefix=MANYTHREADS
// MANYTHREADS: error: egrl-memory-placement: threads=257: must be at most 256
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="retries=101" 2>&1 | FileCheck %s --check-prefix=MANYRETRIES
// MANYRETRIES: error: egrl-memory-placement: retries=101: must be at most 100
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="time-limit=nan" 2>&1 | FileCheck %s --check-prefix=NANLIMIT
// NANLIMIT: error: egrl-memory-placement: time-limit=nan: must be a positive number of seconds
// RUN: not egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="time-limit=0" 2>&1 | FileCheck %s --check-prefix=ZEROLIMIT
// ZEROLIMIT: error: egrl-memory-placement: time-limit=0: must be a positive number of seconds
// A tiny limit is said as given, not rounded to look like zero.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="time-limit=1e-300" -o /dev/null 2>&1 | FileCheck %s --check-prefix=TINYLIMIT
// TINYLIMIT: warning: egrl: time-limit=1e-300 has no effect with strategy=greedy
