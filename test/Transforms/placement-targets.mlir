// Level names and capacities come from the target file, not the code.

// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="target=edge-small" 2>&1 | FileCheck %s --check-prefix=EDGE
// EDGE: remark: egrl: placed 2 nodes of @block on edge-small with greedy (analytical)
// EDGE-SAME: valid; weights: scratch 2.28 KiB l2 0 B lpddr 0 B
// EDGE: levels = ["scratch", "l2", "lpddr"]
// EDGE: linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, egrl.placement = #egrl.placement<node = 0, weights = "scratch", output = "scratch">

// NNP-I runs int8: 1168 weight bytes for the block (584 + 584 elements).
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement 2>&1 | FileCheck %s --check-prefix=NNPI
// NNPI: on nnpi-1000 with greedy (analytical)
// NNPI-SAME: weights: sram 1.14 KiB llc 0 B dram 0 B

// At op granularity every op is a node.
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="granularity=op strategy=native" 2>&1 | FileCheck %s --check-prefix=OPS
// OPS: remark: egrl: placed 7 nodes of @block on nnpi-1000 with native
// OPS: granularity = "op"
// OPS: #egrl.placement<node = 6, output = "sram">

// TOSA graphs place the same way.
// RUN: egrl-opt %S/../Inputs/tosa-net.mlir --egrl-memory-placement 2>&1 | FileCheck %s --check-prefix=TOSA
// TOSA: remark: egrl: placed 3 nodes of @tosa_net on nnpi-1000
// TOSA: tosa.conv2d {{.*}} {acc_type = f32, dilation = array<i64: 1, 1>, egrl.placement = #egrl.placement<node = 0, weights = "sram", output = "sram">

// Same seed, same output.
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="seed=3" -o %t.a 2>/dev/null
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="seed=3" -o %t.b 2>/dev/null
// RUN: diff %t.a %t.b

// A function with nothing to compute is reported, not placed.
// RUN: echo 'func.func @id(%%x: tensor<4xf32>) -> tensor<4xf32> { return %%x : tensor<4xf32> }' | egrl-opt --egrl-memory-placement 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: remark: egrl: @id computes nothing to place

// Searches run inside the pass with their budget and seed.
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="strategy=pg budget=50 seed=1" 2>&1 | FileCheck %s --check-prefix=PG
// PG: remark: egrl: placed 2 nodes of @block on nnpi-1000 with pg (analytical): {{.*}}, valid
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="strategy=ilp" 2>&1 | FileCheck %s --check-prefix=ILP
// ILP: remark: egrl: placed 2 nodes of @block on nnpi-1000 with ilp (analytical)

// Five levels (an HBM between the LLC and DRAM): greedy's per-byte moves are
// rated slower than native on ResNet-50 at `op` on the model itself; its local
// moves (a consumer's output promoted into the room a demoted activation
// leaves among them) bring it to native's latency (1.000x). Before those, the
// native placement stayed by greedy's last rule, as dp and ilp keep it.
// RUN: egrl-opt %S/../../models/resnet50.mlir --egrl-memory-placement="target=%S/../Inputs/five-levels.json granularity=op report=%t.five.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FIVE
// FIVE: placed 176 nodes of @forward on five-levels with greedy (analytical): latency 650.7 us, 1.00003x vs native (650.7 us), valid
// RUN: FileCheck %s --check-prefix=FIVEREPORT --input-file=%t.five.json
// FIVEREPORT: "detail": "{{[0-9]+}} moves applied, {{.*}}, 4 local moves after it (3 breaking ties)"

// An empty EGRL_TARGETS_DIR (VAR= in a script) is unset, not the current
// directory: the bundled targets are still found.
// RUN: env EGRL_TARGETS_DIR= egrl-opt %S/../Inputs/resblock.mlir --egrl-memory-placement="target=edge-small" -o /dev/null 2>&1 | FileCheck %s --check-prefix=EMPTYDIR
// EMPTYDIR: remark: egrl: placed 2 nodes of @block on edge-small with greedy
