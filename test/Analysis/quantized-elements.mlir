// RUN: egrl-opt %s --egrl-print-graph="json=true" -o /dev/null | FileCheck %s

// TOSA's quantized tensors count their storage type's bytes (they counted 4
// each, an unknown type's size).
// CHECK: "host_input_element_bytes": 1,
// CHECK: "output_element_bytes": 2,
func.func @requantize(%x: tensor<1x1024x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x1024x!quant.uniform<i16:f32, 0.05>> {
  %e = tensor.empty() : tensor<1x1024x!quant.uniform<i16:f32, 0.05>>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<1x1024x!quant.uniform<i8:f32, 0.1>>) outs(%e : tensor<1x1024x!quant.uniform<i16:f32, 0.05>>) {
  ^bb0(%a: !quant.uniform<i8:f32, 0.1>, %o: !quant.uniform<i16:f32, 0.05>):
    // Reads its input (an input the body never reads is no data).
    %stored = quant.scast %a : !quant.uniform<i8:f32, 0.1> to i8
    linalg.yield %o : !quant.uniform<i16:f32, 0.05>
  } -> tensor<1x1024x!quant.uniform<i16:f32, 0.05>>
  return %r : tensor<1x1024x!quant.uniform<i16:f32, 0.05>>
}
