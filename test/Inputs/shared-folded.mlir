// Two functions (a prefill and a decode step) each transposing one 4096x4096
// weight: one folded copy to both, as a compiler that folds the transpose
// keeps one constant, so both fit it in SRAM (16 MiB of 24 usable).
func.func @prefill(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  %w = arith.constant dense_resource<w> : tensor<4096x4096xf32>
  %zero = arith.constant 0.0 : f32
  %et = tensor.empty() : tensor<4096x4096xf32>
  %wt = linalg.transpose ins(%w : tensor<4096x4096xf32>) outs(%et : tensor<4096x4096xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<64x4096xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m = linalg.matmul ins(%x, %wt : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  return %m : tensor<64x4096xf32>
}
func.func @decode(%x: tensor<1x4096xf32>) -> tensor<1x4096xf32> {
  %w = arith.constant dense_resource<w> : tensor<4096x4096xf32>
  %zero = arith.constant 0.0 : f32
  %et = tensor.empty() : tensor<4096x4096xf32>
  %wt = linalg.transpose ins(%w : tensor<4096x4096xf32>) outs(%et : tensor<4096x4096xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<1x4096xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  %m = linalg.matmul ins(%x, %wt : tensor<1x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  return %m : tensor<1x4096xf32>
}
