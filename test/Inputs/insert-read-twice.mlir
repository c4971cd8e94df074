// A concatenation whose first half is also returned: the second insert
// cannot write in place into the first one's tensor, which is read again.
func.func @forward(%a: tensor<1x8xf32>, %b: tensor<1x8xf32>) -> (tensor<1x16xf32>, tensor<1x16xf32>) {
  %cst = arith.constant 2.0 : f32
  %e0 = tensor.empty() : tensor<1x8xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<1x8xf32>) outs(%e0 : tensor<1x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<1x8xf32>) outs(%e0 : tensor<1x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.addf %in, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x8xf32>
  %e = tensor.empty() : tensor<1x16xf32>
  %i0 = tensor.insert_slice %x into %e[0, 0] [1, 8] [1, 1] : tensor<1x8xf32> into tensor<1x16xf32>
  %i1 = tensor.insert_slice %y into %i0[0, 8] [1, 8] [1, 1] : tensor<1x8xf32> into tensor<1x16xf32>
  return %i0, %i1 : tensor<1x16xf32>, tensor<1x16xf32>
}
