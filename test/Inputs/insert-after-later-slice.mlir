// An insert chain whose second slice is computed after the first insert.
func.func @f(%x: tensor<1x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<1x4xf32>
  %a = linalg.exp ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
  %big = tensor.empty() : tensor<2x4xf32>
  %i0 = tensor.insert_slice %a into %big[0, 0] [1, 4] [1, 1] : tensor<1x4xf32> into tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<1x4xf32>
  %b = linalg.log ins(%x : tensor<1x4xf32>) outs(%e2 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %i1 = tensor.insert_slice %b into %i0[1, 0] [1, 4] [1, 1] : tensor<1x4xf32> into tensor<2x4xf32>
  return %i1 : tensor<2x4xf32>
}
