// RUN: egrl-opt %s --egrl-print-graph -o /dev/null 2>&1 | FileCheck %s

// The graph counts whole bytes per element: i4 weights count one byte each,
// said once per type with what overrides it. i1 (stored a byte each) and i8
// are not remarked.
// CHECK: remark: egrl: i4 elements are counted as one byte each
// CHECK-NOT: remark: egrl: i4
// CHECK-NOT: remark: egrl: i1
// CHECK: egrl graph @packed: 1 nodes (fused), 8192 MACs, weights 8192 B
func.func @packed(%x: tensor<1x128xi8>) -> tensor<1x64xi1> {
  %w = arith.constant dense<1> : tensor<128x64xi4>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x64xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<1x64xi32>) -> tensor<1x64xi32>
  %a = linalg.matmul ins(%x, %w : tensor<1x128xi8>, tensor<128x64xi4>) outs(%f : tensor<1x64xi32>) -> tensor<1x64xi32>
  %e1 = tensor.empty() : tensor<1x64xi1>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<1x64xi32>) outs(%e1 : tensor<1x64xi1>) {
  ^bb0(%in: i32, %out: i1):
    %c = arith.cmpi sgt, %in, %zero : i32
    linalg.yield %c : i1
  } -> tensor<1x64xi1>
  return %b : tensor<1x64xi1>
}

// A type the graph cannot size (a pointer, another dialect's type) counts
// four bytes an element, and says so once; complex f32 is sized, so quiet.
// RUN: egrl-opt %s --egrl-print-graph -o /dev/null 2>&1 | FileCheck %s --check-prefix=GUESS
// GUESS: remark: egrl: !llvm.ptr elements have no size the graph knows and are counted as 4 bytes each; a target's element_bytes sizes every element instead
// GUESS-NOT: remark: egrl: !llvm.ptr
// GUESS-NOT: complex<f32> elements have no size
func.func @pointers(%x: tensor<16x!llvm.ptr>, %c: tensor<4xcomplex<f32>>) -> (tensor<16x!llvm.ptr>, tensor<4xcomplex<f32>>) {
  %e = tensor.empty() : tensor<16x!llvm.ptr>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<16x!llvm.ptr>) outs(%e : tensor<16x!llvm.ptr>) {
  ^bb0(%a: !llvm.ptr, %o: !llvm.ptr):
    linalg.yield %a : !llvm.ptr
  } -> tensor<16x!llvm.ptr>
  %e2 = tensor.empty() : tensor<16x!llvm.ptr>
  %r2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r : tensor<16x!llvm.ptr>) outs(%e2 : tensor<16x!llvm.ptr>) {
  ^bb0(%a: !llvm.ptr, %o: !llvm.ptr):
    linalg.yield %a : !llvm.ptr
  } -> tensor<16x!llvm.ptr>
  %e3 = tensor.empty() : tensor<4xcomplex<f32>>
  %c2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%c : tensor<4xcomplex<f32>>) outs(%e3 : tensor<4xcomplex<f32>>) {
  ^bb0(%a: complex<f32>, %o: complex<f32>):
    linalg.yield %a : complex<f32>
  } -> tensor<4xcomplex<f32>>
  return %r2, %c2 : tensor<16x!llvm.ptr>, tensor<4xcomplex<f32>>
}
