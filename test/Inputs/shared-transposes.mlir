// One 384x384 weight applied by four layers (ALBERT-style sharing), each
// transposing it, as importers write nn.Linear: one weight to the graph,
// four transposed buffers once bufferized unless --cse merges the transposes.
func.func @forward(%x: tensor<4x384xf32>) -> tensor<4x384xf32> {
  %w = arith.constant dense_resource<shared> : tensor<384x384xf32>
  %zero = arith.constant 0.0 : f32
  %et0 = tensor.empty() : tensor<384x384xf32>
  %wt0 = linalg.transpose ins(%w : tensor<384x384xf32>) outs(%et0 : tensor<384x384xf32>) permutation = [1, 0]
  %e0 = tensor.empty() : tensor<4x384xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<4x384xf32>) -> tensor<4x384xf32>
  %m0 = linalg.matmul ins(%x, %wt0 : tensor<4x384xf32>, tensor<384x384xf32>) outs(%f0 : tensor<4x384xf32>) -> tensor<4x384xf32>
  %et1 = tensor.empty() : tensor<384x384xf32>
  %wt1 = linalg.transpose ins(%w : tensor<384x384xf32>) outs(%et1 : tensor<384x384xf32>) permutation = [1, 0]
  %e1 = tensor.empty() : tensor<4x384xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x384xf32>) -> tensor<4x384xf32>
  %m1 = linalg.matmul ins(%m0, %wt1 : tensor<4x384xf32>, tensor<384x384xf32>) outs(%f1 : tensor<4x384xf32>) -> tensor<4x384xf32>
  %et2 = tensor.empty() : tensor<384x384xf32>
  %wt2 = linalg.transpose ins(%w : tensor<384x384xf32>) outs(%et2 : tensor<384x384xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<4x384xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x384xf32>) -> tensor<4x384xf32>
  %m2 = linalg.matmul ins(%m1, %wt2 : tensor<4x384xf32>, tensor<384x384xf32>) outs(%f2 : tensor<4x384xf32>) -> tensor<4x384xf32>
  %et3 = tensor.empty() : tensor<384x384xf32>
  %wt3 = linalg.transpose ins(%w : tensor<384x384xf32>) outs(%et3 : tensor<384x384xf32>) permutation = [1, 0]
  %e3 = tensor.empty() : tensor<4x384xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<4x384xf32>) -> tensor<4x384xf32>
  %m3 = linalg.matmul ins(%m2, %wt3 : tensor<4x384xf32>, tensor<384x384xf32>) outs(%f3 : tensor<4x384xf32>) -> tensor<4x384xf32>
  return %m3 : tensor<4x384xf32>
}
