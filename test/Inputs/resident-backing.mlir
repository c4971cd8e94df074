// Two functions with 32 KiB of weights each: on small-backing (20,000 B fast,
// 40,000 B slow) each fits alone, not beside the other's weights.
func.func @first(%x: tensor<1x128xf32>) -> tensor<1x128xf32> {
  %a = arith.constant dense_resource<a> : tensor<128x128xf32>
  %b = arith.constant dense_resource<b> : tensor<128x128xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x128xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x128xf32>) -> tensor<1x128xf32>
  %m = linalg.matmul ins(%x, %a : tensor<1x128xf32>, tensor<128x128xf32>) outs(%f : tensor<1x128xf32>) -> tensor<1x128xf32>
  %m2 = linalg.matmul ins(%m, %b : tensor<1x128xf32>, tensor<128x128xf32>) outs(%f : tensor<1x128xf32>) -> tensor<1x128xf32>
  return %m2 : tensor<1x128xf32>
}
func.func @second(%x: tensor<1x128xf32>) -> tensor<1x128xf32> {
  %a = arith.constant dense_resource<c> : tensor<128x128xf32>
  %b = arith.constant dense_resource<d> : tensor<128x128xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x128xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x128xf32>) -> tensor<1x128xf32>
  %m = linalg.matmul ins(%x, %a : tensor<1x128xf32>, tensor<128x128xf32>) outs(%f : tensor<1x128xf32>) -> tensor<1x128xf32>
  %m2 = linalg.matmul ins(%m, %b : tensor<1x128xf32>, tensor<128x128xf32>) outs(%f : tensor<1x128xf32>) -> tensor<1x128xf32>
  return %m2 : tensor<1x128xf32>
}
