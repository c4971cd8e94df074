  func.func @main() {
    %x = arith.constant dense<1.0> : tensor<4x8xf32>
    %y = func.call @forward(%x) : (tensor<4x8xf32>) -> tensor<2x2x8xf32>
    %c1 = arith.constant 1 : index
    %c7 = arith.constant 7 : index
    %v = tensor.extract %y[%c1, %c1, %c7] : tensor<2x2x8xf32>
    vector.print %v : f32
    return
  }
