// Two functions (a prefill and a decode step) each narrowing one 4096x4096
// f32 weight to f16 (an autocast): a fold smaller than its source, one
// constant to both, as bufferization gives equal constants one global, so
// both fit it in SRAM (16 MiB of 24 usable at nnpi-1000's byte per element).
#cast = {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
func.func @prefill(%x: tensor<64x4096xf16>) -> tensor<64x4096xf32> {
  %w = arith.constant dense_resource<w> : tensor<4096x4096xf32>
  %e16 = tensor.empty() : tensor<4096x4096xf16>
  %w16 = linalg.generic #cast ins(%w : tensor<4096x4096xf32>) outs(%e16 : tensor<4096x4096xf16>) {
  ^bb0(%v: f32, %o: f16):
    %t = arith.truncf %v : f32 to f16
    linalg.yield %t : f16
  } -> tensor<4096x4096xf16>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x4096xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  %m = linalg.matmul ins(%x, %w16 : tensor<64x4096xf16>, tensor<4096x4096xf16>) outs(%f : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  return %m : tensor<64x4096xf32>
}
func.func @decode(%x: tensor<1x4096xf16>) -> tensor<1x4096xf32> {
  %w = arith.constant dense_resource<w> : tensor<4096x4096xf32>
  %e16 = tensor.empty() : tensor<4096x4096xf16>
  %w16 = linalg.generic #cast ins(%w : tensor<4096x4096xf32>) outs(%e16 : tensor<4096x4096xf16>) {
  ^bb0(%v: f32, %o: f16):
    %t = arith.truncf %v : f32 to f16
    linalg.yield %t : f16
  } -> tensor<4096x4096xf16>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4096xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  %m = linalg.matmul ins(%x, %w16 : tensor<1x4096xf16>, tensor<4096x4096xf16>) outs(%f : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  return %m : tensor<1x4096xf32>
}
