// dp keeps the best of its candidates on the model; on a tie, the one that
// keeps more bytes in faster levels. The model calls an unrolled LSTM's
// recurrent weights in DRAM free (their fetch hides behind each step), tying
// native; kept, that placement measured 7-18% slower than native on nnpi-sim.
// RUN: egrl-opt %S/../Inputs/lstm-lm.mlir --egrl-memory-placement="strategy=dp granularity=op evaluator=nnpi-sim progress=false" -o /dev/null 2>&1 | FileCheck %s
// CHECK: with dp (nnpi-sim): latency 115.1 us, 0.999998x vs native (115.1 us), valid; weights: sram 4.99 MiB llc 0 B dram 0 B
