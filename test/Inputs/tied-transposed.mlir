// One constant read directly by a matmul in @direct and only through a
// transpose in @transposed: the global keeps @direct's level (a source of
// a folded op goes to the slowest level only when no placed op reads it).
func.func @direct(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %w = arith.constant dense_resource<w> : tensor<64x64xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<1x64xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m1 = linalg.matmul ins(%x, %w : tensor<1x64xf32>, tensor<64x64xf32>) outs(%f1 : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %m1 : tensor<1x64xf32>
}
func.func @transposed(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %w = arith.constant dense_resource<w> : tensor<64x64xf32>
  %zero = arith.constant 0.0 : f32
  %et = tensor.empty() : tensor<64x64xf32>
  %wt = linalg.transpose ins(%w : tensor<64x64xf32>) outs(%et : tensor<64x64xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<1x64xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x64xf32>) -> tensor<1x64xf32>
  %m2 = linalg.matmul ins(%x, %wt : tensor<1x64xf32>, tensor<64x64xf32>) outs(%f2 : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %m2 : tensor<1x64xf32>
}
