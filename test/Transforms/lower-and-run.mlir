// A placed module lowered to LLVM computes what the unplaced one does, and
// reads a placed buffer through a reshape in its level: the view takes the
// buffer's memory space rather than a cast to the default one (a backend
// whose address spaces are disjoint memories would read it from the wrong
// one). @forward is placed, then a @main that calls it (the graph builder
// refuses calls) is added, and the module is lowered and run.
// RUN: egrl-opt %s --egrl-memory-placement="granularity=op progress=false" -o %t.placed.mlir
// RUN: %python -c "import sys; s = open(sys.argv[1]).read(); i = s.rstrip().rindex('}'); open(sys.argv[2], 'w').write(s[:i] + open(sys.argv[3]).read() + '}\n')" %t.placed.mlir %t.main.mlir %S/../Inputs/call-forward-main.mlir
// RUN: egrl-opt %t.main.mlir --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces=require-all | FileCheck %s --check-prefix=VIEW
// VIEW: memref.expand_shape %{{.*}} : memref<4x8xf32, #egrl.mem<"sram">> into memref<2x2x8xf32, #egrl.mem<"sram">>
// RUN: egrl-opt %t.main.mlir --egrl-prepare-bufferization --one-shot-bufferize="bufferize-function-boundaries" --egrl-apply-memory-spaces --egrl-lower-memory-spaces --convert-linalg-to-loops --convert-math-to-llvm --convert-math-to-libm --expand-strided-metadata --lower-affine --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-to-llvm --reconcile-unrealized-casts -o %t.llvm.mlir
// RUN: mlir-runner %t.llvm.mlir -e main -entry-point-result=void -shared-libs=%mlir_runner_libs | FileCheck %s --check-prefix=OUT
// Element [1, 1, 7]: eight ones times 0.5, plus the bias 8.
// OUT: 12

func.func @forward(%x: tensor<4x8xf32>) -> tensor<2x2x8xf32> {
  %w = arith.constant dense<0.5> : tensor<8x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = tensor.expand_shape %m [[0, 1], [2]] output_shape [2, 2, 8] : tensor<4x8xf32> into tensor<2x2x8xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  %e2 = tensor.empty() : tensor<2x2x8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>, affine_map<(i, j, k) -> (k)>, affine_map<(i, j, k) -> (i, j, k)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%r, %b : tensor<2x2x8xf32>, tensor<8xf32>) outs(%e2 : tensor<2x2x8xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x2x8xf32>
  return %y : tensor<2x2x8xf32>
}
