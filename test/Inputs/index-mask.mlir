// A causal mask computed from indices only: the graph counts it as a weight
// of the add reading it.
func.func @mask(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %m = tensor.generate {
  ^bb0(%i: index, %j: index):
    %c = arith.cmpi uge, %i, %j : index
    %z = arith.constant 0.0 : f32
    %n = arith.constant -1.0e9 : f32
    %r = arith.select %c, %z, %n : f32
    tensor.yield %r : f32
  } : tensor<64x64xf32>
  %e = tensor.empty() : tensor<64x64xf32>
  %a = linalg.add ins(%x, %m : tensor<64x64xf32>, tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %a : tensor<64x64xf32>
}
