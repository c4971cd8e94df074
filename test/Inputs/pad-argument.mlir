// A pad of the function's argument before a placed matmul: bufferized
// without bufferize-function-boundaries, the pad copies from the argument's
// bufferization.to_buffer.
func.func @forward(%x: tensor<4x16xf32>) -> tensor<6x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x16xf32>
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[1, 0] high[1, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %z : f32
  } : tensor<4x16xf32> to tensor<6x16xf32>
  %e = tensor.empty() : tensor<6x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<6x16xf32>) -> tensor<6x16xf32>
  %m = linalg.matmul ins(%p, %w : tensor<6x16xf32>, tensor<16x16xf32>) outs(%f : tensor<6x16xf32>) -> tensor<6x16xf32>
  return %m : tensor<6x16xf32>
}
