// Upstream mlir-opt with the plugin gives what egrl-opt gives. mlir-opt parses
// its command line before loading pass plugins, so plugin passes are named in
// --pass-pipeline.
// RUN: upstream-mlir-opt %S/../Inputs/resblock.mlir --load-dialect-plugin=%egrl_plugin --load-pass-plugin=%egrl_plugin --pass-pipeline="builtin.module(egrl-memory-placement{strategy=greedy target=%targets/nnpi-1000.json})" -o %t.plugin 2>%t.plugin.remarks
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="strategy=greedy target=%targets/nnpi-1000.json" -o %t.egrl 2>%t.egrl.remarks
// RUN: diff %t.plugin %t.egrl
// RUN: diff %t.plugin.remarks %t.egrl.remarks
// RUN: FileCheck %s --input-file=%t.plugin

// A pass option given twice is refused as in egrl-opt (repeated-options.mlir),
// on a module and on nested ones (where the pass manager runs clones).
// RUN: not upstream-mlir-opt %S/../Inputs/resblock.mlir --load-dialect-plugin=%egrl_plugin --load-pass-plugin=%egrl_plugin --pass-pipeline="builtin.module(egrl-memory-placement{target=edge-small target=%targets/nnpi-1000.json})" -o /dev/null 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: not upstream-mlir-opt %S/../Inputs/nested-only.mlir --load-dialect-plugin=%egrl_plugin --load-pass-plugin=%egrl_plugin --pass-pipeline="builtin.module(builtin.module(egrl-memory-placement{target=edge-small target=%targets/nnpi-1000.json}))" -o /dev/null 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: <unknown>:0: error: egrl-memory-placement: target= is given more than once (which value was meant?); give it once

// The dialect plugin lets upstream mlir-opt read placed IR back.
// RUN: upstream-mlir-opt %t.egrl --load-dialect-plugin=%egrl_plugin | FileCheck %s

// A driver that links egrl already (egrl-opt, or one embedding the passes)
// may load the plugin too: its passes and dialect are not registered twice,
// which MLIR would abort on.
// RUN: egrl-opt %S/../Inputs/resblock.mlir --load-dialect-plugin=%egrl_plugin --load-pass-plugin=%egrl_plugin --pass-pipeline="builtin.module(egrl-memory-placement{strategy=greedy target=%targets/nnpi-1000.json})" -o %t.both 2>/dev/null
// RUN: diff %t.both %t.egrl

// CHECK: egrl.record = #egrl.record<target = "nnpi-1000"
// CHECK: #egrl.placement<node = 1, weights = "sram", output = "sram">
