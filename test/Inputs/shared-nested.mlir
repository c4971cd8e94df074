// A placed module nested in another (the pass scheduled on it): the shared
// global takes the nested record's slowest level.
module {
module @inner {
func.func @small(%x: tensor<1x4096xf32>) -> tensor<1x4096xf32> {
  %w = arith.constant dense_resource<w> : tensor<4096x4096xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4096xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  return %m : tensor<1x4096xf32>
}
func.func @big(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  %w = arith.constant dense_resource<w> : tensor<4096x4096xf32>
  %v = arith.constant dense_resource<v> : tensor<4096x4096xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x4096xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m = linalg.matmul ins(%x, %v : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m2 = linalg.matmul ins(%m, %w : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  return %m2 : tensor<64x4096xf32>
}
}
}
