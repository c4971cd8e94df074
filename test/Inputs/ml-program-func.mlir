// The model written as an ml_program.func beside a small func.func helper:
// only func.func ops are placed, and the model must not pass silently.
ml_program.func @big(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %w = arith.constant dense_resource<w> : tensor<64x64xf32>
  %e = tensor.empty() : tensor<4x64xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x64xf32>) outs(%e : tensor<4x64xf32>) -> tensor<4x64xf32>
  ml_program.return %m : tensor<4x64xf32>
}
ml_program.func @version_table() -> tensor<2xi32> {
  %c = arith.constant dense<[1, 3]> : tensor<2xi32>
  ml_program.return %c : tensor<2xi32>
}
func.func @small(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.exp ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
func.func @version() -> i32 {
  %c = arith.constant 3 : i32
  return %c : i32
}
