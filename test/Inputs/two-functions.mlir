// Two functions with bodies: tools must be told which one to place.
func.func @first(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = arith.addf %x, %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
func.func @second(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = arith.mulf %x, %x : tensor<4x16xf32>
  %z = arith.addf %y, %x : tensor<4x16xf32>
  return %z : tensor<4x16xf32>
}
