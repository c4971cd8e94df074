// @first holds 12 MiB of weights and an 8 MiB output in SRAM; @second, placed
// in the 12 MiB its weights leave, would put its 10 MiB weight there, where
// @first's output lives while @first runs.
func.func @first(%x: tensor<2048x3072xf32>) -> tensor<2048x4096xf32> {
  %u = arith.constant dense_resource<u> : tensor<3072x4096xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2048x4096xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<2048x4096xf32>) -> tensor<2048x4096xf32>
  %m = linalg.matmul ins(%x, %u : tensor<2048x3072xf32>, tensor<3072x4096xf32>) outs(%f : tensor<2048x4096xf32>) -> tensor<2048x4096xf32>
  return %m : tensor<2048x4096xf32>
}
func.func @second(%x: tensor<16x2560xf32>) -> tensor<16x4096xf32> {
  %v = arith.constant dense_resource<v> : tensor<2560x4096xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x4096xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<16x4096xf32>) -> tensor<16x4096xf32>
  %m = linalg.matmul ins(%x, %v : tensor<16x2560xf32>, tensor<2560x4096xf32>) outs(%f : tensor<16x4096xf32>) -> tensor<16x4096xf32>
  return %m : tensor<16x4096xf32>
}
