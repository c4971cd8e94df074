// A KV cache: a mutable global that an op reads beside a constant weight.
module {
  ml_program.global private mutable @kv(dense<0.0> : tensor<4x4xf32>) : tensor<4x4xf32>
  func.func @f(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
    %kv = ml_program.global_load @kv : tensor<4x4xf32>
    %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0]]> : tensor<4x4xf32>
    %e = tensor.empty() : tensor<4x4xf32>
    %a = linalg.add ins(%kv, %x : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
    %e2 = tensor.empty() : tensor<4x4xf32>
    %m = linalg.matmul ins(%kv, %w : tensor<4x4xf32>, tensor<4x4xf32>) outs(%a : tensor<4x4xf32>) -> tensor<4x4xf32>
    ml_program.global_store @kv = %m : tensor<4x4xf32>
    return %m : tensor<4x4xf32>
  }
}
