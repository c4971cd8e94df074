// A model's module beside a module of runtime declarations, placed module by
// module: the declarations' module has nothing to place, which is no error.
module {
  module @model {
    func.func @g(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
      %w = arith.constant dense_resource<w> : tensor<64x64xi8>
      %e = tensor.empty() : tensor<4x64xf32>
      %m = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x64xi8>) outs(%e : tensor<4x64xf32>) -> tensor<4x64xf32>
      return %m : tensor<4x64xf32>
    }
  }
  module @runtime_decls {
    func.func private @rt_alloc(i64) -> !llvm.ptr
  }
  func.func @head(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
    %e = tensor.empty() : tensor<4x64xf32>
    %r = linalg.exp ins(%x : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) -> tensor<4x64xf32>
    return %r : tensor<4x64xf32>
  }
}
