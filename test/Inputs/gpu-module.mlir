// Kernels inside a gpu.module are not the module's functions: not placed, said.
module attributes {gpu.container_module} {
gpu.module @kernels {
  func.func @inner(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
    %w = arith.constant dense<0.25> : tensor<64x64xf32>
    %e = tensor.empty() : tensor<4x64xf32>
    %m = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x64xf32>) outs(%e : tensor<4x64xf32>) -> tensor<4x64xf32>
    return %m : tensor<4x64xf32>
  }
}
func.func @outer(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %w = arith.constant dense<0.5> : tensor<64x64xf32>
  %e = tensor.empty() : tensor<4x64xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x64xf32>) outs(%e : tensor<4x64xf32>) -> tensor<4x64xf32>
  return %m : tensor<4x64xf32>
}
}
