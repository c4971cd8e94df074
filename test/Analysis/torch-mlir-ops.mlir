// Ops and forms that torch-mlir, IREE and canonicalisation produce, each with
// the graph the rules of docs/graph.md give.
// RUN: egrl-opt %s --egrl-print-graph="element-bytes=1" -o /dev/null -split-input-file | FileCheck %s

// torch-mlir's quantized matmul is a matmul: 4 x 64 x 32 MACs, although its
// zero-point subtractions hide it from MLIR's contraction matcher.
// CHECK-LABEL: egrl graph @quantized: 1 nodes (fused), 8192 MACs, weights 2048 B
// CHECK-NEXT: #0 n0_quantized_matmul kind=matmul ops=1 macs=8192 vops=0 weights=2048
func.func @quantized(%x: tensor<4x64xi8>) -> tensor<4x32xi32> {
  %w = arith.constant dense_resource<w> : tensor<64x32xi8>
  %zp_a = arith.constant 3 : i32
  %zp_b = arith.constant -2 : i32
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x32xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<4x32xi32>) -> tensor<4x32xi32>
  %r = linalg.quantized_matmul ins(%x, %w, %zp_a, %zp_b : tensor<4x64xi8>, tensor<64x32xi8>, i32, i32) outs(%f : tensor<4x32xi32>) -> tensor<4x32xi32>
  return %r : tensor<4x32xi32>
}

// -----

// A tensor filled from a scalar argument is run-time data, not a constant to
// fold: the fill is a node and the matmul reads it.
// CHECK-LABEL: egrl graph @scalar_arg: 2 nodes (fused), 256 MACs, weights 256 B
// CHECK-NEXT: #0 n0_fill kind=data_movement ops=1 macs=0 vops=0 weights=0 out=16
// CHECK-NEXT: #1 n1_matmul kind=matmul ops=1 macs=256 vops=0 weights=256 out=16 host_in=0 in=[0]
func.func @scalar_arg(%s: f32) -> tensor<1x16xf32> {
  %w = arith.constant dense_resource<w> : tensor<16x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16xf32>
  %x = linalg.fill ins(%s : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  %a = linalg.matmul ins(%x, %w : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %a : tensor<1x16xf32>
}

// -----

// A memref argument read through bufferization.to_tensor is a host input.
// CHECK-LABEL: egrl graph @memref_arg: 1 nodes (fused), 256 MACs, weights 256 B
// CHECK-NEXT: #0 n0_matmul kind=matmul ops=1 macs=256 vops=0 weights=256 out=16 host_in=16 in=[]
func.func @memref_arg(%m: memref<1x16xf32>) -> tensor<1x16xf32> {
  %w = arith.constant dense_resource<w> : tensor<16x16xf32>
  %x = bufferization.to_tensor %m restrict : memref<1x16xf32> to tensor<1x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  %a = linalg.matmul ins(%x, %w : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %a : tensor<1x16xf32>
}

// -----

// Canonicalisation folds a fill of a constant into a splat constant. As an
// output init it holds nothing: only the 16x16x3x3 filter is a weight.
// CHECK-LABEL: egrl graph @splat_init: 1 nodes (fused), 147456 MACs, weights 2304 B
// CHECK-NEXT: #0 n0_conv_2d_nchw_fchw kind=conv ops=1 macs=147456 vops=0 weights=2304 out=1024
func.func @splat_init(%x: tensor<1x16x10x10xf32>) -> tensor<1x16x8x8xf32> {
  %w = arith.constant dense_resource<w> : tensor<16x16x3x3xf32>
  %init = arith.constant dense<0.000000e+00> : tensor<1x16x8x8xf32>
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x16x10x10xf32>, tensor<16x16x3x3xf32>) outs(%init : tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %r : tensor<1x16x8x8xf32>
}

// -----

// The same splat read as an input is a weight (a bias of equal values).
// CHECK-LABEL: egrl graph @splat_input: 1 nodes (fused), 0 MACs, weights 64 B
func.func @splat_input(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %b = arith.constant dense<0.5> : tensor<1x64xf32>
  %e = tensor.empty() : tensor<1x64xf32>
  %r = linalg.add ins(%x, %b : tensor<1x64xf32>, tensor<1x64xf32>) outs(%e : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}

// -----

// TOSA's embedding lookup reads one row per index, as linalg's does: 8 rows
// of 64 out of the 30,522-row table.
// CHECK-LABEL: egrl graph @tosa_gather: 1 nodes (fused), 0 MACs, weights 1953408 B
// CHECK-NEXT: #0 n0_gather kind=data_movement ops=2 macs=0 vops=512 weights=1953408 (reads 512)
func.func @tosa_gather(%ids: tensor<1x8xi32>) -> tensor<1x8x64xf32> {
  %table = "tosa.const"() <{values = dense_resource<emb> : tensor<1x30522x64xf32>}> : () -> tensor<1x30522x64xf32>
  %g = tosa.gather %table, %ids : (tensor<1x30522x64xf32>, tensor<1x8xi32>) -> tensor<1x8x64xf32>
  %t = tosa.tanh %g : (tensor<1x8x64xf32>) -> tensor<1x8x64xf32>
  return %t : tensor<1x8x64xf32>
}

// -----

// TOSA's integer division is element-wise like its other arithmetic (it was
// once listed under a misspelt name and became an unknown op).
// CHECK-LABEL: egrl graph @tosa_intdiv: 1 nodes (fused), 0 MACs
// CHECK-NEXT: #0 n0_intdiv kind=elementwise ops=1 macs=0 vops=32
func.func @tosa_intdiv(%a: tensor<4x8xi32>, %b: tensor<4x8xi32>) -> tensor<4x8xi32> {
  %q = tosa.intdiv %a, %b : (tensor<4x8xi32>, tensor<4x8xi32>) -> tensor<4x8xi32>
  return %q : tensor<4x8xi32>
}

// -----

// IREE's linalg.softmax is a reduction of 5 vector ops per element (max,
// subtract, exp, sum, divide), not a memory-only node.
// CHECK-LABEL: egrl graph @softmax: 1 nodes (fused), 0 MACs, weights 0 B
// CHECK-NEXT: #0 n0_softmax kind=reduction ops=1 macs=0 vops=640
func.func @softmax(%x: tensor<2x64xf32>) -> tensor<2x64xf32> {
  %e = tensor.empty() : tensor<2x64xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<2x64xf32>) outs(%e : tensor<2x64xf32>) -> tensor<2x64xf32>
  return %s : tensor<2x64xf32>
}

// -----

// A scalar read back from an activation keeps the dependence: the fill of it
// reads the exp's output, so at fused granularity it joins that node (without
// the dependence it would be a node of its own with no inputs).
// CHECK-LABEL: egrl graph @scalar_from_activation: 1 nodes
// CHECK-NEXT: #0 n0_exp kind=elementwise ops=2
func.func @scalar_from_activation(%x: tensor<4xf32>) -> tensor<1x16xf32> {
  %a = math.exp %x : tensor<4xf32>
  %c0 = arith.constant 0 : index
  %s = tensor.extract %a[%c0] : tensor<4xf32>
  %e = tensor.empty() : tensor<1x16xf32>
  %f = linalg.fill ins(%s : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %f : tensor<1x16xf32>
}

// -----

// A buffer loaded from a global and turned into a tensor is a weight.
// CHECK-LABEL: egrl graph @memref_global: 1 nodes (fused), 256 MACs, weights 256 B
memref.global "private" constant @w : memref<16x16xf32> = dense<0.5>
func.func @memref_global(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %m = memref.get_global @w : memref<16x16xf32>
  %w = bufferization.to_tensor %m restrict : memref<16x16xf32> to tensor<16x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  %a = linalg.matmul ins(%x, %w : tensor<1x16xf32>, tensor<16x16xf32>) outs(%f : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %a : tensor<1x16xf32>
}

// -----

// tensor.splat of a constant read as a bias is a weight, as the dense splat
// canonicalisation turns it into is; used only as an init it holds nothing.
// CHECK-LABEL: egrl graph @tensor_splat: 1 nodes (fused), 0 MACs, weights 4 B
func.func @tensor_splat(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %c = arith.constant 1.5 : f32
  %b = tensor.splat %c : tensor<4xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.splat %zero : tensor<4x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %b : tensor<4x4xf32>, tensor<4xf32>) outs(%init : tensor<4x4xf32>) {
  ^bb0(%i: f32, %bb: f32, %o: f32):
    %s = arith.addf %i, %bb : f32
    linalg.yield %s : f32
  } -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// A tensor.splat of a run-time scalar is written like a linalg.fill.
// CHECK-LABEL: egrl graph @splat_of_argument: 1 nodes
// CHECK-NEXT: #0 n0_splat kind=data_movement
func.func @splat_of_argument(%s: f32) -> tensor<4x4xf32> {
  %t = tensor.splat %s : tensor<4x4xf32>
  return %t : tensor<4x4xf32>
}
