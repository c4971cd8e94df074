// Tables computed from loop indices alone (torch.arange's iota, a causal
// mask) fold to constants: each is a weight of its own, and the placement
// the pass writes on their readers verifies (the graph builder and the
// verifier share computesFromIndices). Until 2026-12-04 the iota's reader got
// weights = "..." that the verifier refused ("reads no weights"), and the
// operand-less tensor.generate was counted nowhere.
// RUN: egrl-opt %s --split-input-file --egrl-memory-placement 2>&1 | FileCheck %s

// The remarks come first (stderr), then both chunks' IR. The mask is 64 x 64
// at nnpi-1000's one byte per element.
// CHECK: remark: egrl: placed 1 node of @iota {{.*}}weights: sram 4 B
// CHECK: remark: egrl: placed 1 node of @mask {{.*}}weights: sram 4.00 KiB
// CHECK: linalg.add {egrl.placement = #egrl.placement<node = 0, weights = "sram", output = "sram">} ins(%arg0, %{{.*}} : tensor<4xi64>
// CHECK: linalg.add {egrl.placement = #egrl.placement<node = 0, weights = "sram", output = "sram">} ins(%arg0, %generated : tensor<64x64xf32>
func.func @iota(%x: tensor<4xi64>) -> tensor<4xi64> {
  %e = tensor.empty() : tensor<4xi64>
  %t = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%e : tensor<4xi64>) {
  ^bb0(%o: i64):
    %i = linalg.index 0 : index
    %c = arith.index_cast %i : index to i64
    linalg.yield %c : i64
  } -> tensor<4xi64>
  %e2 = tensor.empty() : tensor<4xi64>
  %a = linalg.add ins(%x, %t : tensor<4xi64>, tensor<4xi64>) outs(%e2 : tensor<4xi64>) -> tensor<4xi64>
  return %a : tensor<4xi64>
}

// -----

func.func @mask(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %m = tensor.generate {
  ^bb0(%i: index, %j: index):
    %c = arith.cmpi uge, %i, %j : index
    %z = arith.constant 0.0 : f32
    %n = arith.constant -1.0e9 : f32
    %r = arith.select %c, %z, %n : f32
    tensor.yield %r : f32
  } : tensor<64x64xf32>
  %e = tensor.empty() : tensor<64x64xf32>
  %a = linalg.add ins(%x, %m : tensor<64x64xf32>, tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %a : tensor<64x64xf32>
}
