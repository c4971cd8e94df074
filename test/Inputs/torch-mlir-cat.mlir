// As torch-mlir emits it: resource blobs, torch.cat as insert_slice, expand_shape with output_shape.
module attributes {torch.debug_module_name = "Net"} {
  func.func @forward(%arg0: tensor<1x4x8x8xf32>) -> tensor<1x16x8x8xf32> {
    %cst = arith.constant 0.000000e+00 : f32
    %w = arith.constant dense_resource<torch_tensor_8_4_3_3_torch.float32> : tensor<8x4x3x3xf32>
    %w2 = arith.constant dense_resource<torch_tensor_8_4_3_3_torch.float32_1> : tensor<8x4x3x3xf32>
    %padded = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%a: index, %b: index, %c: index, %d: index):
      tensor.yield %cst : f32
    } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
    %0 = tensor.empty() : tensor<1x8x8x8xf32>
    %1 = linalg.fill ins(%cst : f32) outs(%0 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    %2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded, %w : tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) outs(%1 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    %3 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded, %w2 : tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) outs(%1 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    %4 = tensor.empty() : tensor<1x16x8x8xf32>
    %inserted = tensor.insert_slice %2 into %4[0, 0, 0, 0] [1, 8, 8, 8] [1, 1, 1, 1] : tensor<1x8x8x8xf32> into tensor<1x16x8x8xf32>
    %inserted_0 = tensor.insert_slice %3 into %inserted[0, 8, 0, 0] [1, 8, 8, 8] [1, 1, 1, 1] : tensor<1x8x8x8xf32> into tensor<1x16x8x8xf32>
    %expanded = tensor.expand_shape %inserted_0 [[0], [1], [2], [3, 4]] output_shape [1, 16, 8, 8, 1] : tensor<1x16x8x8xf32> into tensor<1x16x8x8x1xf32>
    %collapsed = tensor.collapse_shape %expanded [[0], [1], [2], [3, 4]] : tensor<1x16x8x8x1xf32> into tensor<1x16x8x8xf32>
    return %collapsed : tensor<1x16x8x8xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      torch_tensor_8_4_3_3_torch.float32: "0x040000000000803F",
      torch_tensor_8_4_3_3_torch.float32_1: "0x040000000000803F"
    }
  }
#-}
