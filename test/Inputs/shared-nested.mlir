// A placed module nested in another, edited by hand as shared-disagree.mlir:
// the shared global takes the nested record's slowest level.
module {
module @inner attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0, address_spaces = [2, 1, 0]>} {
  func.func @small(%arg0: tensor<1x4096xf32>) -> tensor<1x4096xf32> {
    %cst = arith.constant dense_resource<w> : tensor<4096x4096xf32>
    %cst_0 = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<1x4096xf32>
    %1 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<1x4096xf32>) -> tensor<1x4096xf32>
    %2 = linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "sram", output = "sram">} ins(%arg0, %cst : tensor<1x4096xf32>, tensor<4096x4096xf32>) outs(%1 : tensor<1x4096xf32>) -> tensor<1x4096xf32>
    return %2 : tensor<1x4096xf32>
  }
  func.func @big(%arg0: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
    %cst = arith.constant dense_resource<w> : tensor<4096x4096xf32>
    %cst_0 = arith.constant dense_resource<v> : tensor<4096x4096xf32>
    %cst_1 = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<64x4096xf32>
    %1 = linalg.fill ins(%cst_1 : f32) outs(%0 : tensor<64x4096xf32>) -> tensor<64x4096xf32>
    %2 = linalg.matmul {egrl.placement = #egrl.placement<node = 0, weights = "sram", output = "sram">} ins(%arg0, %cst_0 : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%1 : tensor<64x4096xf32>) -> tensor<64x4096xf32>
    %3 = linalg.matmul {egrl.placement = #egrl.placement<node = 1, weights = "llc", output = "sram">} ins(%2, %cst : tensor<64x4096xf32>, tensor<4096x4096xf32>) outs(%1 : tensor<64x4096xf32>) -> tensor<64x4096xf32>
    return %3 : tensor<64x4096xf32>
  }
}

}
