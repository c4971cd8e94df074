// Hand-computed placement on test/Inputs/toy.json (fast: 40000 B at 10 GB/s,
// slow: 1 GB/s; 1 TMAC/s; int8), see docs/cost-model.md.
//
// Node 0 = matmul 1x256x128 + bias + ReLU: weights 32768 + 128 = 32896 B,
// output 128 B, host input 256 B. Node 1 = matmul 1x128x64: weights 8192 B,
// output 64 B. Both are memory-bound (compute is ~33 ns and ~8 ns).
// Weights 32896 + 8192 B do not both fit in 40000 B. Best: node 0's weights
// and both outputs fast, node 1's weights slow:
//   T0 = 32896/1e10 + 256/1e9 + 128/1e10            = 3.5584 us
//   T1 = 8192/1e9 + 128/1e10 + 64/1e10               = 8.2112 us
//   T  = 11.7696 us
// native asks for weights and outputs in the fast level; first-fit in
// program order gives the same placement on this graph (1.000x).

// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=greedy target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="strategy=native target=%S/../Inputs/toy.json" 2>&1 | FileCheck %s --check-prefix=NATIVE

// CHECK: remark: egrl: placed 2 nodes of @forward on toy with greedy (analytical): latency 11.77 us, 1.000x vs native (11.77 us), valid; weights: fast 32.12 KiB slow 8.00 KiB; activations: fast 192 B slow 0 B
// CHECK: module attributes {egrl.record = #egrl.record<target = "toy", levels = ["fast", "slow"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0, address_spaces = [1, 0], target_digest = "{{[0-9a-f]+}}">}
// CHECK: linalg.transpose
// CHECK-NOT: egrl.placement
// CHECK-SAME: permutation
// CHECK: linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "fast", output = "fast">}
// CHECK: linalg.generic
// CHECK-SAME: attrs =  {egrl.placement = #egrl.placement<node = 0, weights = "fast", output = "fast">}
// CHECK: linalg.matmul {egrl.placement = #egrl.placement<node = 1, weights = "slow", output = "fast">}

// NATIVE: with native (analytical): latency 11.77 us, 1.000x vs native (11.77 us), valid

// threads= changes only how fast a search runs, not what it finds.
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json strategy=ea budget=200 seed=3 threads=1" -o %t.threads1.mlir
// RUN: egrl-opt %S/../Inputs/mlp.mlir --egrl-memory-placement="target=%S/../Inputs/toy.json strategy=ea budget=200 seed=3 threads=2" -o %t.threads2.mlir
// RUN: diff %t.threads1.mlir %t.threads2.mlir
