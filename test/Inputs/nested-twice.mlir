// The model two modules deep: the top-level module and the one below it hold
// no function.
module {
  module @outer {
    module @inner {
      func.func @g(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
        %e = tensor.empty() : tensor<4x4xf32>
        %r = linalg.exp ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
        return %r : tensor<4x4xf32>
      }
    }
  }
}
