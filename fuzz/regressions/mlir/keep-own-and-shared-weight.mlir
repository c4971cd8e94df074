// Found in review: an op reading a weight another node owns and one of its
// own; keep could not read back the pass's own placement of it.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @forward(%x: tensor<16x16xf32>, %y: tensor<16x16xf32>) -> (tensor<16x16xf32>, tensor<16x16xf32>) {
  %w = arith.constant dense_resource<w> : tensor<16x16xf32>
  %b = arith.constant dense_resource<b> : tensor<16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<16x16xf32>, tensor<16x16xf32>) outs(%f : tensor<16x16xf32>) -> tensor<16x16xf32>
  %e2 = tensor.empty() : tensor<16x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%y, %w, %b : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>) outs(%e2 : tensor<16x16xf32>) {
  ^bb0(%a: f32, %ww: f32, %bb: f32, %o: f32):
    %m = arith.mulf %a, %ww : f32
    %s = arith.addf %m, %bb : f32
    linalg.yield %s : f32
  } -> tensor<16x16xf32>
  return %mm, %r : tensor<16x16xf32>, tensor<16x16xf32>
}
