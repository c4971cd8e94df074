// A model that also returns its input (a skip output): deallocation leaves a
// bufferization.clone for it.
func.func @forward(%x: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %e = tensor.empty() : tensor<4x16xf32>
  %a = linalg.exp ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %a, %x : tensor<4x16xf32>, tensor<4x16xf32>
}
