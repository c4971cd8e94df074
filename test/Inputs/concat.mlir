// Two activations concatenated: bufferization turns the concat into a new
// buffer and two copies, which keep no #egrl.placement.
#map = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @cat(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>) -> tensor<64x128xf32> {
    %e = tensor.empty() : tensor<64x64xf32>
    %a = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %s = math.exp %in : f32
      linalg.yield %s : f32
    } -> tensor<64x64xf32>
    %b = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %s = math.log %in : f32
      linalg.yield %s : f32
    } -> tensor<64x64xf32>
    %c = tensor.concat dim(1) %a, %b : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x128xf32>
    return %c : tensor<64x128xf32>
  }
}
