// One element-wise op: one node to place.
func.func @one(%x: tensor<8xf32>) -> tensor<8xf32> { %e = tensor.empty() : tensor<8xf32>
 %r = linalg.generic {indexing_maps = [affine_map<(d) -> (d)>, affine_map<(d) -> (d)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) { ^bb0(%a: f32, %o: f32): %n = arith.negf %a : f32
 linalg.yield %n : f32 } -> tensor<8xf32>
 return %r : tensor<8xf32> }
