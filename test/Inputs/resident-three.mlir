// @f0 and @f2 read w0, @f1 reads w1 (10,000 B each); small-fast holds two of
// them in "fast" only if no activation is there.
func.func @f0(%x: tensor<1x100xf32>) -> tensor<1x100xf32> {
  %w = arith.constant dense_resource<w0> : tensor<100x100xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x100xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x100xf32>) -> tensor<1x100xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x100xf32>, tensor<100x100xf32>) outs(%f : tensor<1x100xf32>) -> tensor<1x100xf32>
  return %m : tensor<1x100xf32>
}
func.func @f1(%x: tensor<1x100xf32>) -> tensor<1x100xf32> {
  %w = arith.constant dense_resource<w1> : tensor<100x100xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x100xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x100xf32>) -> tensor<1x100xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x100xf32>, tensor<100x100xf32>) outs(%f : tensor<1x100xf32>) -> tensor<1x100xf32>
  return %m : tensor<1x100xf32>
}
func.func @f2(%x: tensor<1x100xf32>) -> tensor<1x100xf32> {
  %w = arith.constant dense_resource<w0> : tensor<100x100xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x100xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x100xf32>) -> tensor<1x100xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x100xf32>, tensor<100x100xf32>) outs(%f : tensor<1x100xf32>) -> tensor<1x100xf32>
  return %m : tensor<1x100xf32>
}
