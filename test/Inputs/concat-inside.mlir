// Two concatenations inside the function, as DenseNet's blocks have them:
// a tensor.concat and torch-mlir's form (inserts into an empty tensor), each
// read by the next layer.
#map = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @blocks(%x: tensor<64x64xf32>) -> tensor<64x128xf32> {
    %e = tensor.empty() : tensor<64x64xf32>
    %a = linalg.exp ins(%x : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
    %c = tensor.concat dim(1) %x, %a : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x128xf32>
    %e2 = tensor.empty() : tensor<64x128xf32>
    %b = linalg.exp ins(%c : tensor<64x128xf32>) outs(%e2 : tensor<64x128xf32>) -> tensor<64x128xf32>
    %e3 = tensor.empty() : tensor<64x128xf32>
    %i0 = tensor.insert_slice %a into %e3[0, 0] [64, 64] [1, 1] : tensor<64x64xf32> into tensor<64x128xf32>
    %i1 = tensor.insert_slice %x into %i0[0, 64] [64, 64] [1, 1] : tensor<64x64xf32> into tensor<64x128xf32>
    %e4 = tensor.empty() : tensor<64x128xf32>
    %d = linalg.add ins(%b, %i1 : tensor<64x128xf32>, tensor<64x128xf32>) outs(%e4 : tensor<64x128xf32>) -> tensor<64x128xf32>
    return %d : tensor<64x128xf32>
  }
}
