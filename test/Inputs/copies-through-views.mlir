// Buffers written by copies through several views (a subview of a subview,
// a subview of an expanded view) count as written.
module attributes {egrl.record = #egrl.record<target = "nnpi-1000", levels = ["sram", "llc", "dram"], strategy = "greedy", evaluator = "analytical", granularity = "fused", seed = 0>} {
  func.func @f(%x: memref<4x16xf32>, %y: memref<4x16xf32>) -> (memref<8x16xf32>, memref<8x16xf32>, memref<8x16xf32>, memref<4x16xf32>) {
    %e = memref.alloc() : memref<4x16xf32>
    %c0 = arith.constant 0.0 : f32
    linalg.fill {egrl.placement = #egrl.placement<node = 0, output = "sram">} ins(%c0 : f32) outs(%e : memref<4x16xf32>)
    // copy into subview of subview
    %a = memref.alloc() : memref<8x16xf32>
    %s1 = memref.subview %a[4, 0] [4, 16] [1, 1] : memref<8x16xf32> to memref<4x16xf32, strided<[16, 1], offset: 64>>
    %s2 = memref.subview %s1[0, 0] [2, 16] [1, 1] : memref<4x16xf32, strided<[16, 1], offset: 64>> to memref<2x16xf32, strided<[16, 1], offset: 64>>
    %xs = memref.subview %x[0, 0] [2, 16] [1, 1] : memref<4x16xf32> to memref<2x16xf32, strided<[16, 1]>>
    memref.copy %xs, %s2 : memref<2x16xf32, strided<[16, 1]>> to memref<2x16xf32, strided<[16, 1], offset: 64>>
    // copy into a reshaped view
    %b = memref.alloc() : memref<8x16xf32>
    %bc = memref.expand_shape %b [[0, 1], [2]] output_shape [2, 4, 16] : memref<8x16xf32> into memref<2x4x16xf32>
    %xe = memref.expand_shape %x [[0, 1], [2]] output_shape [1, 4, 16] : memref<4x16xf32> into memref<1x4x16xf32>
    %bs = memref.subview %bc[0, 0, 0] [1, 4, 16] [1, 1, 1] : memref<2x4x16xf32> to memref<1x4x16xf32, strided<[64, 16, 1]>>
    memref.copy %xe, %bs : memref<1x4x16xf32> to memref<1x4x16xf32, strided<[64, 16, 1]>>
    // alloc only read by a copy (source): not written
    %c = memref.alloc() : memref<8x16xf32>
    %d = memref.alloc() : memref<8x16xf32>
    memref.copy %c, %d : memref<8x16xf32> to memref<8x16xf32>
    return %a, %b, %d, %e : memref<8x16xf32>, memref<8x16xf32>, memref<8x16xf32>, memref<4x16xf32>
  }
}
