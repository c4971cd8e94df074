// Sizes that overflow are an error, not a silently wrong graph.
func.func @huge(%x: tensor<100000x100000x100000x100000xf32>) -> tensor<100000x100000x100000x100000xf32> {
  %e = tensor.empty() : tensor<100000x100000x100000x100000xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<100000x100000x100000x100000xf32>) outs(%e : tensor<100000x100000x100000x100000xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<100000x100000x100000x100000xf32>
  return %r : tensor<100000x100000x100000x100000xf32>
}

