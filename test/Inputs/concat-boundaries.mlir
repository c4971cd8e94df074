// Placed concats whose buffer leaves the ops that accept any memory space,
// by ways other than their own result (a hostile review's cases): through a
// pad, an op writing into it in place, a middle link of an insert chain, a
// branch's yield (concat-hand-placed.mlir). Each is left in the default
// space, with a warning, and bufferization succeeds.
func.func @pad_returned(%x: tensor<4x64xf32>, %y: tensor<4x64xf32>) -> tensor<10x64xf32> {
  %e = tensor.empty() : tensor<4x64xf32>
  %a = linalg.exp ins(%x : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) -> tensor<4x64xf32>
  %c = tensor.concat dim(0) %a, %y : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<8x64xf32>
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %c low[1, 0] high[1, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %z : f32
  } : tensor<8x64xf32> to tensor<10x64xf32>
  return %p : tensor<10x64xf32>
}

// -----
func.func @init_returned(%x: tensor<64x64xf32>, %y: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<64x64xf32>
  %a = linalg.exp ins(%x : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %c = tensor.concat dim(1) %x, %a : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x128xf32>
  %s = linalg.abs ins(%y : tensor<64x128xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %s : tensor<64x128xf32>
}

// -----
func.func @chain_middle_returned(%x: tensor<64x64xf32>) -> (tensor<64x128xf32>, tensor<64x128xf32>) {
  %e = tensor.empty() : tensor<64x64xf32>
  %a = linalg.exp ins(%x : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %e3 = tensor.empty() : tensor<64x128xf32>
  %i0 = tensor.insert_slice %a into %e3[0, 0] [64, 64] [1, 1] : tensor<64x64xf32> into tensor<64x128xf32>
  %i1 = tensor.insert_slice %x into %i0[0, 64] [64, 64] [1, 1] : tensor<64x64xf32> into tensor<64x128xf32>
  %e4 = tensor.empty() : tensor<64x128xf32>
  %d = linalg.exp ins(%i1 : tensor<64x128xf32>) outs(%e4 : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %d, %i0 : tensor<64x128xf32>, tensor<64x128xf32>
}
