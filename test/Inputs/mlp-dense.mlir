// test/Inputs/mlp.mlir with its weights as splat constants, so the lowered
// module translates to LLVM IR (dense_resource blobs are not in the file).
func.func @forward(%x: tensor<1x256xf32>) -> tensor<1x64xf32> {
  %w1 = arith.constant dense<5.000000e-01> : tensor<128x256xf32>
  %b1 = arith.constant dense<1.000000e-01> : tensor<128xf32>
  %w2 = arith.constant dense<2.500000e-01> : tensor<64x128xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<256x128xf32>
  %w1t = linalg.transpose ins(%w1 : tensor<128x256xf32>) outs(%e1 : tensor<256x128xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<1x128xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x128xf32>) -> tensor<1x128xf32>
  %m1 = linalg.matmul ins(%x, %w1t : tensor<1x256xf32>, tensor<256x128xf32>) outs(%f2 : tensor<1x128xf32>) -> tensor<1x128xf32>
  %r1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m1, %b1 : tensor<1x128xf32>, tensor<128xf32>) outs(%e2 : tensor<1x128xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x128xf32>
  %e3 = tensor.empty() : tensor<128x64xf32>
  %w2t = linalg.transpose ins(%w2 : tensor<64x128xf32>) outs(%e3 : tensor<128x64xf32>) permutation = [1, 0]
  %e4 = tensor.empty() : tensor<1x64xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m2 = linalg.matmul ins(%r1, %w2t : tensor<1x128xf32>, tensor<128x64xf32>) outs(%f4 : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %m2 : tensor<1x64xf32>
}
