// Two functions, each a chain of matmuls that fits on chip: a search's
// placement is reported as measured, not moved into room nothing freed.
module {
  func.func @first(%x: tensor<1x256xf32>) -> tensor<1x256xf32> {
    %zero = arith.constant 0.0 : f32
    %w0 = arith.constant dense_resource<first_w0> : tensor<256x256xf32>
    %e0 = tensor.empty() : tensor<1x256xf32>
    %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m0 = linalg.matmul ins(%x, %w0 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f0 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %w1 = arith.constant dense_resource<first_w1> : tensor<256x256xf32>
    %e1 = tensor.empty() : tensor<1x256xf32>
    %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m1 = linalg.matmul ins(%m0, %w1 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f1 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %w2 = arith.constant dense_resource<first_w2> : tensor<256x256xf32>
    %e2 = tensor.empty() : tensor<1x256xf32>
    %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m2 = linalg.matmul ins(%m1, %w2 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f2 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %w3 = arith.constant dense_resource<first_w3> : tensor<256x256xf32>
    %e3 = tensor.empty() : tensor<1x256xf32>
    %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m3 = linalg.matmul ins(%m2, %w3 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f3 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %w4 = arith.constant dense_resource<first_w4> : tensor<256x256xf32>
    %e4 = tensor.empty() : tensor<1x256xf32>
    %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m4 = linalg.matmul ins(%m3, %w4 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f4 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %w5 = arith.constant dense_resource<first_w5> : tensor<256x256xf32>
    %e5 = tensor.empty() : tensor<1x256xf32>
    %f5 = linalg.fill ins(%zero : f32) outs(%e5 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m5 = linalg.matmul ins(%m4, %w5 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f5 : tensor<1x256xf32>) -> tensor<1x256xf32>
    return %m5 : tensor<1x256xf32>
  }
  func.func @second(%x: tensor<1x256xf32>) -> tensor<1x256xf32> {
    %zero = arith.constant 0.0 : f32
    %w0 = arith.constant dense_resource<second_w0> : tensor<256x256xf32>
    %e0 = tensor.empty() : tensor<1x256xf32>
    %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m0 = linalg.matmul ins(%x, %w0 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f0 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %w1 = arith.constant dense_resource<second_w1> : tensor<256x256xf32>
    %e1 = tensor.empty() : tensor<1x256xf32>
    %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m1 = linalg.matmul ins(%m0, %w1 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f1 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %w2 = arith.constant dense_resource<second_w2> : tensor<256x256xf32>
    %e2 = tensor.empty() : tensor<1x256xf32>
    %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m2 = linalg.matmul ins(%m1, %w2 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f2 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %w3 = arith.constant dense_resource<second_w3> : tensor<256x256xf32>
    %e3 = tensor.empty() : tensor<1x256xf32>
    %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m3 = linalg.matmul ins(%m2, %w3 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f3 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %w4 = arith.constant dense_resource<second_w4> : tensor<256x256xf32>
    %e4 = tensor.empty() : tensor<1x256xf32>
    %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m4 = linalg.matmul ins(%m3, %w4 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f4 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %w5 = arith.constant dense_resource<second_w5> : tensor<256x256xf32>
    %e5 = tensor.empty() : tensor<1x256xf32>
    %f5 = linalg.fill ins(%zero : f32) outs(%e5 : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m5 = linalg.matmul ins(%m4, %w5 : tensor<1x256xf32>, tensor<256x256xf32>) outs(%f5 : tensor<1x256xf32>) -> tensor<1x256xf32>
    return %m5 : tensor<1x256xf32>
  }
}
