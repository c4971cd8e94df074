// An input a linalg body never reads is no data: the bias here is not a
// weight of the node (it counted 64 B of SRAM weights), so the placement
// gives the op no weights level, and elementwise fusion run after placement,
// which drops the unread input and keeps the attribute, no longer stops the
// pipeline at the verifier ("#egrl.placement has 'weights' but the op reads
// no weights").
// RUN: egrl-opt %s --egrl-memory-placement="progress=false" 2>&1 -o /dev/null | FileCheck %s --check-prefix=COUNT
// COUNT: remark: egrl: placed 1 node of @forward {{.*}}weights: sram 0 B llc 0 B dram 0 B
// RUN: egrl-opt %s --egrl-memory-placement="progress=false" --linalg-fuse-elementwise-ops --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all 2>/dev/null | FileCheck %s --check-prefix=FUSED
// FUSED: linalg.generic {{.*}} ins(%{{.*}} : memref<4x64xf32, {{.*}}>) outs(%{{.*}} : memref<4x64xf32, #egrl.mem<"sram">>) attrs = {egrl.placement = #egrl.placement<node = 0, output = "sram">}
// Without fusion, the unread bias keeps the default space, and it is no
// weight that lost its placement: require-all passes.
// RUN: egrl-opt %s --egrl-memory-placement="progress=false" --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNFUSED --allow-empty
// UNFUSED-NOT: egrl-apply-memory-spaces
#id = affine_map<(d0, d1) -> (d0, d1)>
#b = affine_map<(d0, d1) -> (d1)>
func.func @forward(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %bias = arith.constant dense_resource<bias> : tensor<64xf32>
  %e = tensor.empty() : tensor<4x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #b, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %bias : tensor<4x64xf32>, tensor<64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%a: f32, %unread: f32, %o: f32):
    %t = math.exp %a : f32
    linalg.yield %t : f32
  } -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}
