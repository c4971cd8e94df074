// An op the graph does not model (a remark), then one it refuses (an error).
func.func @f(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = "foo.bar"(%a) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = "foo.loop"(%0) ({
  ^bb0(%x: tensor<4x8xf32>):
    "foo.yield"(%x) : (tensor<4x8xf32>) -> ()
  }) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}
