// A placed tensor.generate that reads an activation: bufferization turns it
// into a linalg.map that keeps no #egrl.placement.
func.func @forward(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %g = tensor.generate {
  ^bb0(%i: index, %j: index):
    %v = tensor.extract %m[%i, %j] : tensor<4x16xf32>
    %v2 = arith.addf %v, %v : f32
    tensor.yield %v2 : f32
  } : tensor<4x16xf32>
  %em = tensor.empty() : tensor<4x16xf32>
  %r = linalg.map { arith.mulf } ins(%g, %m : tensor<4x16xf32>, tensor<4x16xf32>) outs(%em : tensor<4x16xf32>)
  return %r : tensor<4x16xf32>
}
