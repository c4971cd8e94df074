// Two functions with a 16 MiB weight each: on nnpi-1000 (24 MiB of SRAM) one
// fits in SRAM, not both, as weights stay resident while the other runs.
func.func @first(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  %u = arith.constant dense_resource<u> : tensor<4096x4096xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x4096xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m = linalg.matmul ins(%x, %u : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  return %m : tensor<64x4096xf32>
}
func.func @second(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  %v = arith.constant dense_resource<v> : tensor<4096x4096xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x4096xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m = linalg.matmul ins(%x, %v : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  return %m : tensor<64x4096xf32>
}
