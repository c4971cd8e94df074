func.func @forward(%arg0: tensor<1x1024xf32>) -> tensor<1x1024xf32> {
    %w = arith.constant dense<5.000000e-01> : tensor<1024x1024xf32>
    %c = arith.constant dense<[[0.000, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008, 0.009, 0.010, 0.011, 0.012, 0.013, 0.014, 0.015, 0.016, 0.017, 0.018, 0.019, 0.020, 0.021, 0.022, 0.023, 0.024, 0.025, 0.026, 0.027, 0.028, 0.029, 0.030, 0.031, 0.032, 0.033, 0.034, 0.035, 0.036, 0.037, 0.038, 0.039, 0.040, 0.041, 0.042, 0.043, 0.044, 0.045, 0.046, 0.047, 0.048, 0.049, 0.050, 0.051, 0.052, 0.053, 0.054, 0.055, 0.056, 0.057, 0.058, 0.059, 0.060, 0.061, 0.062, 0.063]]> : tensor<1x64xf32>
    %z = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x1024xf32>
    %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x1024xf32>) -> tensor<1x1024xf32>
    %m = linalg.matmul ins(%arg0, %w : tensor<1x1024xf32>, tensor<1024x1024xf32>) outs(%f : tensor<1x1024xf32>) -> tensor<1x1024xf32>
    %i = tensor.insert_slice %c into %m[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<1x1024xf32>
    return %i : tensor<1x1024xf32>
}
