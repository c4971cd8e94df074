// RUN: egrl-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// Round trip of every egrl attribute.
// CHECK: module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 7, address_spaces = [2, 1, 0]>}
// CHECK: linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "llc", output = "sram">}
// CHECK: linalg.generic
// CHECK-SAME: egrl.placement = #egrl.placement<node = 0, output = "sram">
// CHECK: func.func @buffer(%{{.*}}: memref<4xf32, #egrl.mem<"sram">>)
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 7, address_spaces = [2, 1, 0]>} {
  func.func @placed(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]> : tensor<4x4xf32>
    %e = tensor.empty() : tensor<1x4xf32>
    %m = linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "llc", output = "sram">} ins(%x, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
    %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) attrs = {egrl.placement = #egrl.placement<node = 0, output = "sram">} {
    ^bb0(%a: f32, %o: f32):
      linalg.yield %a : f32
    } -> tensor<1x4xf32>
    return %r : tensor<1x4xf32>
  }
  func.func @buffer(%b: memref<4xf32, #egrl.mem<"sram">>) {
    return
  }
}

// -----

module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
  func.func @bad_level(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %e = tensor.empty() : tensor<1x4xf32>
    // expected-error@+1 {{output level "hbm" is not a level of target 'nnpi-1000' (levels: sram, llc, dram)}}
    %r = linalg.copy {egrl.placement = #egrl.placement<node = 0, output = "hbm">} ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
    return %r : tensor<1x4xf32>
  }
}

// -----

module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
  func.func @weights_without_weights(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %e = tensor.empty() : tensor<1x4xf32>
    // expected-error@+1 {{#egrl.placement has 'weights' but the op reads no weights}}
    %r = linalg.copy {egrl.placement = #egrl.placement<node = 0, weights = "llc", output = "sram">} ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
    return %r : tensor<1x4xf32>
  }
}

// -----

func.func @no_record(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %e = tensor.empty() : tensor<1x4xf32>
  // expected-error@+1 {{#egrl.placement needs an enclosing module with an 'egrl.record' naming the target's levels}}
  %r = linalg.copy {egrl.placement = #egrl.placement<node = 0, output = "sram">} ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

// expected-error@+1 {{egrl.record granularity must be "fused" or "op", got "layer"}}
module attributes {egrl.record = #egrl.record<target = "t", levels = ["a"], strategy = "s", evaluator = "analytical", granularity = "layer", seed = 0>} {
}

// -----

// expected-error@+1 {{'egrl.record' belongs on a builtin.module}}
func.func @record_on_func() attributes {egrl.record = #egrl.record<target = "t", levels = ["a"], strategy = "s", evaluator = "analytical", granularity = "op", seed = 0>} {
  return
}

// -----

// expected-error@+1 {{unknown egrl attribute 'egrl.colour'}}
func.func @unknown_attr() attributes {egrl.colour = 3} {
  return
}

// -----

// expected-error@+1 {{'egrl.placement' must be an #egrl.placement}}
func.func @wrong_kind() attributes {egrl.placement = 3} {
  return
}

// -----

// Memory spaces name levels of the module's target, on buffers and globals.
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
  // expected-error@+1 {{memory space #egrl.mem<"hbm"> is not a level of target 'nnpi-1000' (levels: sram, llc, dram)}}
  func.func @bad_space(%b: memref<4xf32, #egrl.mem<"hbm">>) {
    return
  }
}

// -----

module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
  // expected-error@+1 {{memory space #egrl.mem<"l4"> is not a level of target 'nnpi-1000'}}
  memref.global "private" constant @w : memref<4xf32, #egrl.mem<"l4">> = dense<1.0>
}

// -----

// expected-error@+1 {{#egrl.mem needs a level name}}
func.func @empty_space(%b: memref<4xf32, #egrl.mem<"">>) {
  return
}

// -----

// expected-error@+1 {{egrl.record names level "sram" twice}}
module attributes {egrl.record = #egrl.record<target = "x", levels = ["sram", "sram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
}

// -----

// expected-error@+1 {{egrl.record has 2 address spaces for 3 levels}}
module attributes {egrl.record = #egrl.record<target = "x", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0, address_spaces = [2, 1]>} {
}

// -----

// expected-error@+1 {{egrl.record address space -1 is not between 0 and 2^24 - 1 (LLVM's address spaces)}}
module attributes {egrl.record = #egrl.record<target = "x", levels = ["sram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0, address_spaces = [-1]>} {
}

// -----

// Two levels in one address space would lower to one memory.
// expected-error@+1 {{egrl.record puts levels "sram" and "llc" both in address space 2; each level needs its own}}
module attributes {egrl.record = #egrl.record<target = "x", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0, address_spaces = [2, 2, 0]>} {
}

// -----

// A space past 24 bits would become address space 0 in LLVM IR.
// expected-error@+1 {{egrl.record address space 16777216 is not between 0 and 2^24 - 1 (LLVM's address spaces)}}
module attributes {egrl.record = #egrl.record<target = "x", levels = ["sram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0, address_spaces = [16777216]>} {
}

// -----

// expected-error@+1 {{egrl.record levels must not be empty}}
module attributes {egrl.record = #egrl.record<target = "x", levels = ["sram", ""], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
}

// -----

// A nested module with its own record is checked against that record.
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
  module attributes {egrl.record = #egrl.record<target = "edge-small", levels = ["scratch", "l2", "lpddr"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
    func.func @inner(%b: memref<4xf32, #egrl.mem<"scratch">>) {
      return
    }
  }
}

// -----

// expected-error@+1 {{egrl.record seed_from must be one of none, native, model or portfolio, got "ilp"}}
module attributes {egrl.record = #egrl.record<target = "x", levels = ["sram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0, seed_from = "ilp">} {
}
