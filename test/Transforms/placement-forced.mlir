// A graph whose only activation (256 MiB) fits no faster level: nothing is
// left to decide, and ilp says so instead of warning that CBC found no
// solution (CBC does not search a model without integer columns).
// RUN: egrl-opt %s --egrl-memory-placement="strategy=ilp report=%t.json" -o /dev/null 2>&1 | FileCheck %s --implicit-check-not=warning
// CHECK: remark: egrl: placed 1 node of @forced on nnpi-1000 with ilp (analytical): {{.*}} valid
// RUN: FileCheck %s --check-prefix=REPORT --input-file=%t.json
// REPORT: "detail": "optimal, proven (nothing to decide)"
// A graph that fits in the fastest level whole is placed there, proven
// optimal without CBC: a 5,000-node chain that fits took CBC's root LP the
// whole time limit (and then gave greedy's placement, unproven).
// RUN: egrl-opt %egrl_src/models/tiny_cnn.mlir --egrl-memory-placement="strategy=ilp report=%t.fits.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FITS --implicit-check-not=warning
// FITS: weights: sram 23.68 KiB llc 0 B dram 0 B; activations: sram 42.04 KiB llc 0 B dram 0 B
// RUN: FileCheck %s --check-prefix=FITS-REPORT --input-file=%t.fits.json
// FITS-REPORT: "detail": "optimal, proven (every tensor fits in the fastest level; no MILP to solve); model latency
// Not where the fastest level costs a layer more than another in some way
// (here SRAM starts a transfer slower than DRAM): BERT-base fits in its
// SRAM whole, but CBC's optimum keeps some tensors out of it (867.1 us);
// all in SRAM, as native, is 872.9 us, and was called optimal.
// RUN: egrl-opt %models/bert_base.mlir --egrl-memory-placement="strategy=ilp target=%S/../Inputs/slow-start-sram.json progress=false report=%t.slow.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SLOWSTART
// SLOWSTART: with ilp (analytical): latency 867.1 us
// RUN: FileCheck %s --check-prefix=SLOWSTART-REPORT --input-file=%t.slow.json
// SLOWSTART-REPORT: "detail": "optimal, proven (gap 0)
#id = affine_map<(a, b, c, d) -> (a, b, c, d)>
func.func @forced(%x: tensor<1x64x1024x1024xf32>) -> tensor<1x64x1024x1024xf32> {
  %e = tensor.empty() : tensor<1x64x1024x1024xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x64x1024x1024xf32>) outs(%e : tensor<1x64x1024x1024xf32>) {
  ^bb0(%i: f32, %o: f32):
    %t = math.tanh %i : f32
    linalg.yield %t : f32
  } -> tensor<1x64x1024x1024xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a : tensor<1x64x1024x1024xf32>) outs(%e : tensor<1x64x1024x1024xf32>) {
  ^bb0(%i: f32, %o: f32):
    %t = math.exp %i : f32
    linalg.yield %t : f32
  } -> tensor<1x64x1024x1024xf32>
  return %b : tensor<1x64x1024x1024xf32>
}
