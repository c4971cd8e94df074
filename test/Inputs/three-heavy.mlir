// Three functions, each one matmul reading its own 16 MiB weight: on
// nnpi-1000 the LLC holds one of them beside the others, so where a strategy
// puts @f1's weight decides the room @f2 and @f3 have.
func.func @f1(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  %w = arith.constant dense<0.5> : tensor<4096x4096xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x4096xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m = linalg.matmul ins(%x, %w : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  return %m : tensor<64x4096xf32>
}
func.func @f2(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  %w = arith.constant dense<0.25> : tensor<4096x4096xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x4096xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m = linalg.matmul ins(%x, %w : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  return %m : tensor<64x4096xf32>
}
func.func @f3(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  %w = arith.constant dense<0.125> : tensor<4096x4096xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x4096xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m = linalg.matmul ins(%x, %w : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  return %m : tensor<64x4096xf32>
}
