// A constant concatenated to an activation (a class token before the
// patches), as tensor.concat and as torch-mlir's inserts into an empty
// tensor: the constant is a weight of the concatenation's node.
func.func @concat(%a: tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %na = linalg.negf ins(%a : tensor<1x4x8x8xf32>) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %w = arith.constant dense<0.5> : tensor<1x4x8x8xf32>
  %c = tensor.concat dim(1) %na, %w : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32>
  %e2 = tensor.empty() : tensor<1x8x8x8xf32>
  %r = linalg.exp ins(%c : tensor<1x8x8x8xf32>) outs(%e2 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %r : tensor<1x8x8x8xf32>
}

func.func @inserts(%a: tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %na = linalg.negf ins(%a : tensor<1x4x8x8xf32>) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %w = arith.constant dense<0.25> : tensor<4x8x8xf32>
  %d = tensor.empty() : tensor<1x8x8x8xf32>
  %i0 = tensor.insert_slice %na into %d[0, 0, 0, 0] [1, 4, 8, 8] [1, 1, 1, 1] : tensor<1x4x8x8xf32> into tensor<1x8x8x8xf32>
  %i1 = tensor.insert_slice %w into %i0[0, 4, 0, 0] [1, 4, 8, 8] [1, 1, 1, 1] : tensor<4x8x8xf32> into tensor<1x8x8x8xf32>
  %e2 = tensor.empty() : tensor<1x8x8x8xf32>
  %r = linalg.exp ins(%i1 : tensor<1x8x8x8xf32>) outs(%e2 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %r : tensor<1x8x8x8xf32>
}
