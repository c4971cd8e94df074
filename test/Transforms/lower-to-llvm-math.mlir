// The README's pipeline down to LLVM IR on the math a network's
// normalisations and activations use: math.rsqrt must become LLVM's square
// root, not a call to rsqrtf, which libm does not have (the object would not
// link), and math.erf (GELU) a call to libm's erff.
// RUN: egrl-opt %s --egrl-memory-placement --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --egrl-lower-memory-spaces --convert-linalg-to-loops --convert-math-to-llvm --convert-math-to-libm --expand-strided-metadata --lower-affine --convert-scf-to-cf --finalize-memref-to-llvm --convert-to-llvm --reconcile-unrealized-casts 2>/dev/null | mlir-translate --mlir-to-llvmir | FileCheck %s --implicit-check-not=rsqrtf
// CHECK: declare float @erff(float)
// CHECK: call float @llvm.sqrt.f32
// CHECK: call float @erff

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @forward(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<0.5> : tensor<4x8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %w : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = math.rsqrt %s : f32
    %g = math.erf %r : f32
    linalg.yield %g : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
