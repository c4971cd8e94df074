// A 2-layer LSTM language model (512 wide, vocabulary 1000, 3 steps), imported by
// python/egrl-import (aten route): its recurrent weights are read at every step.
#map = affine_map<(d0, d1, d2) -> (d0, d1)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d1)>
module {
  func.func @forward(%arg0: tensor<1x3xi64>) -> tensor<1x3x1000xf32> {
    %0 = arith.constant dense_resource<emb_weight> : tensor<1000x512xf32> loc("emb/embedding")
    %1 = tensor.empty() : tensor<1x3x512xf32> loc("emb/embedding")
    %2 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0 : tensor<1x3xi64>) outs(%1 : tensor<1x3x512xf32>) {
    ^bb0(%in: i64, %out: f32):
      %b0 = arith.index_cast %in : i64 to index
      %b1 = linalg.index 2 : index
      %b2 = tensor.extract %0[%b0, %b1] : tensor<1000x512xf32>
      linalg.yield %b2 : f32
    } -> tensor<1x3x512xf32> loc("emb/embedding")
    %3 = tensor.empty() : tensor<3x1x512xf32> loc("rnn/transpose")
    %4 = linalg.transpose ins(%2 : tensor<1x3x512xf32>) outs(%3 : tensor<3x1x512xf32>) permutation = [1, 0, 2] loc("rnn/transpose")
    %5 = arith.constant dense<0.0> : tensor<2x1x512xf32> loc("rnn/unbind")
    %6 = tensor.extract_slice %5[0, 0, 0] [1, 1, 512] [1, 1, 1] : tensor<2x1x512xf32> to tensor<1x1x512xf32> loc("rnn/unbind")
    %7 = tensor.collapse_shape %6 [[0, 1], [2]] : tensor<1x1x512xf32> into tensor<1x512xf32> loc("rnn/unbind")
    %8 = tensor.extract_slice %5[1, 0, 0] [1, 1, 512] [1, 1, 1] : tensor<2x1x512xf32> to tensor<1x1x512xf32> loc("rnn/unbind")
    %9 = tensor.collapse_shape %8 [[0, 1], [2]] : tensor<1x1x512xf32> into tensor<1x512xf32> loc("rnn/unbind")
    %10 = arith.constant dense<0.0> : tensor<2x1x512xf32> loc("rnn/unbind_1")
    %11 = tensor.extract_slice %10[0, 0, 0] [1, 1, 512] [1, 1, 1] : tensor<2x1x512xf32> to tensor<1x1x512xf32> loc("rnn/unbind_1")
    %12 = tensor.collapse_shape %11 [[0, 1], [2]] : tensor<1x1x512xf32> into tensor<1x512xf32> loc("rnn/unbind_1")
    %13 = tensor.extract_slice %10[1, 0, 0] [1, 1, 512] [1, 1, 1] : tensor<2x1x512xf32> to tensor<1x1x512xf32> loc("rnn/unbind_1")
    %14 = tensor.collapse_shape %13 [[0, 1], [2]] : tensor<1x1x512xf32> into tensor<1x512xf32> loc("rnn/unbind_1")
    %15 = tensor.collapse_shape %4 [[0], [1, 2]] : tensor<3x1x512xf32> into tensor<3x512xf32> loc("rnn/view")
    %16 = arith.constant dense_resource<const_addmm> : tensor<512x2048xf32> loc("rnn/addmm")
    %17 = arith.constant 0.0 : f32
    %18 = tensor.empty() : tensor<3x2048xf32> loc("rnn/addmm")
    %19 = linalg.fill ins(%17 : f32) outs(%18 : tensor<3x2048xf32>) -> tensor<3x2048xf32> loc("rnn/addmm")
    %20 = linalg.matmul ins(%15, %16 : tensor<3x512xf32>, tensor<512x2048xf32>) outs(%19 : tensor<3x2048xf32>) -> tensor<3x2048xf32> loc("rnn/addmm")
    %21 = arith.constant dense_resource<const_addmm_1> : tensor<2048xf32> loc("rnn/addmm")
    %22 = tensor.empty() : tensor<3x2048xf32> loc("rnn/addmm")
    %23 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%20, %21 : tensor<3x2048xf32>, tensor<2048xf32>) outs(%22 : tensor<3x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<3x2048xf32> loc("rnn/addmm")
    %24 = tensor.expand_shape %23 [[0], [1, 2]] output_shape [3, 1, 2048] : tensor<3x2048xf32> into tensor<3x1x2048xf32> loc("rnn/view_1")
    %25 = tensor.extract_slice %24[0, 0, 0] [1, 1, 2048] [1, 1, 1] : tensor<3x1x2048xf32> to tensor<1x1x2048xf32> loc("rnn/unbind_2")
    %26 = tensor.collapse_shape %25 [[0, 1], [2]] : tensor<1x1x2048xf32> into tensor<1x2048xf32> loc("rnn/unbind_2")
    %27 = tensor.extract_slice %24[1, 0, 0] [1, 1, 2048] [1, 1, 1] : tensor<3x1x2048xf32> to tensor<1x1x2048xf32> loc("rnn/unbind_2")
    %28 = tensor.collapse_shape %27 [[0, 1], [2]] : tensor<1x1x2048xf32> into tensor<1x2048xf32> loc("rnn/unbind_2")
    %29 = tensor.extract_slice %24[2, 0, 0] [1, 1, 2048] [1, 1, 1] : tensor<3x1x2048xf32> to tensor<1x1x2048xf32> loc("rnn/unbind_2")
    %30 = tensor.collapse_shape %29 [[0, 1], [2]] : tensor<1x1x2048xf32> into tensor<1x2048xf32> loc("rnn/unbind_2")
    %31 = arith.constant dense_resource<const_addmm_1_1> : tensor<512x2048xf32> loc("rnn/addmm_1")
    %32 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_1")
    %33 = linalg.fill ins(%17 : f32) outs(%32 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_1")
    %34 = linalg.matmul ins(%7, %31 : tensor<1x512xf32>, tensor<512x2048xf32>) outs(%33 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_1")
    %35 = arith.constant dense_resource<const_addmm_1_2> : tensor<2048xf32> loc("rnn/addmm_1")
    %36 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_1")
    %37 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%34, %35 : tensor<1x2048xf32>, tensor<2048xf32>) outs(%36 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/addmm_1")
    %38 = tensor.empty() : tensor<1x2048xf32> loc("rnn/add_")
    %39 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%37, %26 : tensor<1x2048xf32>, tensor<1x2048xf32>) outs(%38 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/add_")
    %40 = tensor.extract_slice %39[0, 0] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split")
    %41 = tensor.extract_slice %39[0, 512] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split")
    %42 = tensor.extract_slice %39[0, 1024] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split")
    %43 = tensor.extract_slice %39[0, 1536] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split")
    %44 = arith.constant 1.0 : f32
    %45 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid_")
    %46 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%40 : tensor<1x512xf32>) outs(%45 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid_")
    %47 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__1")
    %48 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%41 : tensor<1x512xf32>) outs(%47 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__1")
    %49 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh_")
    %50 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%42 : tensor<1x512xf32>) outs(%49 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh_")
    %51 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__2")
    %52 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%43 : tensor<1x512xf32>) outs(%51 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__2")
    %53 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul")
    %54 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%48, %12 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%53 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul")
    %55 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_1")
    %56 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%46, %50 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%55 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_1")
    %57 = tensor.empty() : tensor<1x512xf32> loc("rnn/add__1")
    %58 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%54, %56 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%57 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/add__1")
    %59 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh")
    %60 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%58 : tensor<1x512xf32>) outs(%59 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh")
    %61 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_2")
    %62 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%52, %60 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%61 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_2")
    %63 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_2")
    %64 = linalg.fill ins(%17 : f32) outs(%63 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_2")
    %65 = linalg.matmul ins(%62, %31 : tensor<1x512xf32>, tensor<512x2048xf32>) outs(%64 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_2")
    %66 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_2")
    %67 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%65, %35 : tensor<1x2048xf32>, tensor<2048xf32>) outs(%66 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/addmm_2")
    %68 = tensor.empty() : tensor<1x2048xf32> loc("rnn/add__2")
    %69 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%67, %28 : tensor<1x2048xf32>, tensor<1x2048xf32>) outs(%68 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/add__2")
    %70 = tensor.extract_slice %69[0, 0] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_1")
    %71 = tensor.extract_slice %69[0, 512] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_1")
    %72 = tensor.extract_slice %69[0, 1024] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_1")
    %73 = tensor.extract_slice %69[0, 1536] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_1")
    %74 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__3")
    %75 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%70 : tensor<1x512xf32>) outs(%74 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__3")
    %76 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__4")
    %77 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%71 : tensor<1x512xf32>) outs(%76 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__4")
    %78 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh__1")
    %79 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%72 : tensor<1x512xf32>) outs(%78 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh__1")
    %80 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__5")
    %81 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%73 : tensor<1x512xf32>) outs(%80 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__5")
    %82 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_3")
    %83 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%77, %58 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%82 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_3")
    %84 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_4")
    %85 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%75, %79 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%84 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_4")
    %86 = tensor.empty() : tensor<1x512xf32> loc("rnn/add__3")
    %87 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%83, %85 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%86 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/add__3")
    %88 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh_1")
    %89 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%87 : tensor<1x512xf32>) outs(%88 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh_1")
    %90 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_5")
    %91 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%81, %89 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%90 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_5")
    %92 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_3")
    %93 = linalg.fill ins(%17 : f32) outs(%92 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_3")
    %94 = linalg.matmul ins(%91, %31 : tensor<1x512xf32>, tensor<512x2048xf32>) outs(%93 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_3")
    %95 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_3")
    %96 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%94, %35 : tensor<1x2048xf32>, tensor<2048xf32>) outs(%95 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/addmm_3")
    %97 = tensor.empty() : tensor<1x2048xf32> loc("rnn/add__4")
    %98 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%96, %30 : tensor<1x2048xf32>, tensor<1x2048xf32>) outs(%97 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/add__4")
    %99 = tensor.extract_slice %98[0, 0] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_2")
    %100 = tensor.extract_slice %98[0, 512] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_2")
    %101 = tensor.extract_slice %98[0, 1024] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_2")
    %102 = tensor.extract_slice %98[0, 1536] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_2")
    %103 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__6")
    %104 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%99 : tensor<1x512xf32>) outs(%103 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__6")
    %105 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__7")
    %106 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%100 : tensor<1x512xf32>) outs(%105 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__7")
    %107 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh__2")
    %108 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%101 : tensor<1x512xf32>) outs(%107 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh__2")
    %109 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__8")
    %110 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%102 : tensor<1x512xf32>) outs(%109 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__8")
    %111 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_6")
    %112 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%106, %87 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%111 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_6")
    %113 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_7")
    %114 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%104, %108 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%113 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_7")
    %115 = tensor.empty() : tensor<1x512xf32> loc("rnn/add__5")
    %116 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%112, %114 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%115 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/add__5")
    %117 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh_2")
    %118 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%116 : tensor<1x512xf32>) outs(%117 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh_2")
    %119 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_8")
    %120 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%110, %118 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%119 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_8")
    %121 = tensor.expand_shape %62 [[0], [1, 2]] output_shape [1, 1, 512] : tensor<1x512xf32> into tensor<1x1x512xf32> loc("rnn/stack")
    %122 = tensor.expand_shape %91 [[0], [1, 2]] output_shape [1, 1, 512] : tensor<1x512xf32> into tensor<1x1x512xf32> loc("rnn/stack")
    %123 = tensor.expand_shape %120 [[0], [1, 2]] output_shape [1, 1, 512] : tensor<1x512xf32> into tensor<1x1x512xf32> loc("rnn/stack")
    %124 = tensor.concat dim(0) %121, %122, %123 : (tensor<1x1x512xf32>, tensor<1x1x512xf32>, tensor<1x1x512xf32>) -> tensor<3x1x512xf32> loc("rnn/stack")
    %125 = tensor.collapse_shape %124 [[0], [1, 2]] : tensor<3x1x512xf32> into tensor<3x512xf32> loc("rnn/view_2")
    %126 = arith.constant dense_resource<const_addmm_4> : tensor<512x2048xf32> loc("rnn/addmm_4")
    %127 = tensor.empty() : tensor<3x2048xf32> loc("rnn/addmm_4")
    %128 = linalg.fill ins(%17 : f32) outs(%127 : tensor<3x2048xf32>) -> tensor<3x2048xf32> loc("rnn/addmm_4")
    %129 = linalg.matmul ins(%125, %126 : tensor<3x512xf32>, tensor<512x2048xf32>) outs(%128 : tensor<3x2048xf32>) -> tensor<3x2048xf32> loc("rnn/addmm_4")
    %130 = arith.constant dense_resource<const_addmm_4_1> : tensor<2048xf32> loc("rnn/addmm_4")
    %131 = tensor.empty() : tensor<3x2048xf32> loc("rnn/addmm_4")
    %132 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%129, %130 : tensor<3x2048xf32>, tensor<2048xf32>) outs(%131 : tensor<3x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<3x2048xf32> loc("rnn/addmm_4")
    %133 = tensor.expand_shape %132 [[0], [1, 2]] output_shape [3, 1, 2048] : tensor<3x2048xf32> into tensor<3x1x2048xf32> loc("rnn/view_3")
    %134 = tensor.extract_slice %133[0, 0, 0] [1, 1, 2048] [1, 1, 1] : tensor<3x1x2048xf32> to tensor<1x1x2048xf32> loc("rnn/unbind_3")
    %135 = tensor.collapse_shape %134 [[0, 1], [2]] : tensor<1x1x2048xf32> into tensor<1x2048xf32> loc("rnn/unbind_3")
    %136 = tensor.extract_slice %133[1, 0, 0] [1, 1, 2048] [1, 1, 1] : tensor<3x1x2048xf32> to tensor<1x1x2048xf32> loc("rnn/unbind_3")
    %137 = tensor.collapse_shape %136 [[0, 1], [2]] : tensor<1x1x2048xf32> into tensor<1x2048xf32> loc("rnn/unbind_3")
    %138 = tensor.extract_slice %133[2, 0, 0] [1, 1, 2048] [1, 1, 1] : tensor<3x1x2048xf32> to tensor<1x1x2048xf32> loc("rnn/unbind_3")
    %139 = tensor.collapse_shape %138 [[0, 1], [2]] : tensor<1x1x2048xf32> into tensor<1x2048xf32> loc("rnn/unbind_3")
    %140 = arith.constant dense_resource<const_addmm_5> : tensor<512x2048xf32> loc("rnn/addmm_5")
    %141 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_5")
    %142 = linalg.fill ins(%17 : f32) outs(%141 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_5")
    %143 = linalg.matmul ins(%9, %140 : tensor<1x512xf32>, tensor<512x2048xf32>) outs(%142 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_5")
    %144 = arith.constant dense_resource<const_addmm_5_1> : tensor<2048xf32> loc("rnn/addmm_5")
    %145 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_5")
    %146 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%143, %144 : tensor<1x2048xf32>, tensor<2048xf32>) outs(%145 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/addmm_5")
    %147 = tensor.empty() : tensor<1x2048xf32> loc("rnn/add__6")
    %148 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%146, %135 : tensor<1x2048xf32>, tensor<1x2048xf32>) outs(%147 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/add__6")
    %149 = tensor.extract_slice %148[0, 0] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_3")
    %150 = tensor.extract_slice %148[0, 512] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_3")
    %151 = tensor.extract_slice %148[0, 1024] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_3")
    %152 = tensor.extract_slice %148[0, 1536] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_3")
    %153 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__9")
    %154 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%149 : tensor<1x512xf32>) outs(%153 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__9")
    %155 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__10")
    %156 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%150 : tensor<1x512xf32>) outs(%155 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__10")
    %157 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh__3")
    %158 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%151 : tensor<1x512xf32>) outs(%157 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh__3")
    %159 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__11")
    %160 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%152 : tensor<1x512xf32>) outs(%159 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__11")
    %161 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_9")
    %162 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%156, %14 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%161 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_9")
    %163 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_10")
    %164 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%154, %158 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%163 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_10")
    %165 = tensor.empty() : tensor<1x512xf32> loc("rnn/add__7")
    %166 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%162, %164 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%165 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/add__7")
    %167 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh_3")
    %168 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%166 : tensor<1x512xf32>) outs(%167 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh_3")
    %169 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_11")
    %170 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%160, %168 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%169 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_11")
    %171 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_6")
    %172 = linalg.fill ins(%17 : f32) outs(%171 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_6")
    %173 = linalg.matmul ins(%170, %140 : tensor<1x512xf32>, tensor<512x2048xf32>) outs(%172 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_6")
    %174 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_6")
    %175 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%173, %144 : tensor<1x2048xf32>, tensor<2048xf32>) outs(%174 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/addmm_6")
    %176 = tensor.empty() : tensor<1x2048xf32> loc("rnn/add__8")
    %177 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%175, %137 : tensor<1x2048xf32>, tensor<1x2048xf32>) outs(%176 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/add__8")
    %178 = tensor.extract_slice %177[0, 0] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_4")
    %179 = tensor.extract_slice %177[0, 512] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_4")
    %180 = tensor.extract_slice %177[0, 1024] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_4")
    %181 = tensor.extract_slice %177[0, 1536] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_4")
    %182 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__12")
    %183 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%178 : tensor<1x512xf32>) outs(%182 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__12")
    %184 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__13")
    %185 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%179 : tensor<1x512xf32>) outs(%184 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__13")
    %186 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh__4")
    %187 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%180 : tensor<1x512xf32>) outs(%186 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh__4")
    %188 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__14")
    %189 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%181 : tensor<1x512xf32>) outs(%188 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__14")
    %190 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_12")
    %191 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%185, %166 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%190 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_12")
    %192 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_13")
    %193 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%183, %187 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%192 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_13")
    %194 = tensor.empty() : tensor<1x512xf32> loc("rnn/add__9")
    %195 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%191, %193 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%194 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/add__9")
    %196 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh_4")
    %197 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%195 : tensor<1x512xf32>) outs(%196 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh_4")
    %198 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_14")
    %199 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%189, %197 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%198 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_14")
    %200 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_7")
    %201 = linalg.fill ins(%17 : f32) outs(%200 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_7")
    %202 = linalg.matmul ins(%199, %140 : tensor<1x512xf32>, tensor<512x2048xf32>) outs(%201 : tensor<1x2048xf32>) -> tensor<1x2048xf32> loc("rnn/addmm_7")
    %203 = tensor.empty() : tensor<1x2048xf32> loc("rnn/addmm_7")
    %204 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%202, %144 : tensor<1x2048xf32>, tensor<2048xf32>) outs(%203 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/addmm_7")
    %205 = tensor.empty() : tensor<1x2048xf32> loc("rnn/add__10")
    %206 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%204, %139 : tensor<1x2048xf32>, tensor<1x2048xf32>) outs(%205 : tensor<1x2048xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x2048xf32> loc("rnn/add__10")
    %207 = tensor.extract_slice %206[0, 0] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_5")
    %208 = tensor.extract_slice %206[0, 512] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_5")
    %209 = tensor.extract_slice %206[0, 1024] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_5")
    %210 = tensor.extract_slice %206[0, 1536] [1, 512] [1, 1] : tensor<1x2048xf32> to tensor<1x512xf32> loc("rnn/unsafe_split_5")
    %211 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__15")
    %212 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%207 : tensor<1x512xf32>) outs(%211 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__15")
    %213 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__16")
    %214 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%208 : tensor<1x512xf32>) outs(%213 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__16")
    %215 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh__5")
    %216 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%209 : tensor<1x512xf32>) outs(%215 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh__5")
    %217 = tensor.empty() : tensor<1x512xf32> loc("rnn/sigmoid__17")
    %218 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%210 : tensor<1x512xf32>) outs(%217 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = arith.negf %in : f32
      %b1 = math.exp %b0 : f32
      %b2 = arith.addf %b1, %44 : f32
      %b3 = arith.divf %44, %b2 : f32
      linalg.yield %b3 : f32
    } -> tensor<1x512xf32> loc("rnn/sigmoid__17")
    %219 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_15")
    %220 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%214, %195 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%219 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_15")
    %221 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_16")
    %222 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%212, %216 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%221 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_16")
    %223 = tensor.empty() : tensor<1x512xf32> loc("rnn/add__11")
    %224 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%220, %222 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%223 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/add__11")
    %225 = tensor.empty() : tensor<1x512xf32> loc("rnn/tanh_5")
    %226 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%224 : tensor<1x512xf32>) outs(%225 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %b0 = math.tanh %in : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/tanh_5")
    %227 = tensor.empty() : tensor<1x512xf32> loc("rnn/mul_17")
    %228 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%218, %226 : tensor<1x512xf32>, tensor<1x512xf32>) outs(%227 : tensor<1x512xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.mulf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<1x512xf32> loc("rnn/mul_17")
    %229 = tensor.expand_shape %170 [[0], [1, 2]] output_shape [1, 1, 512] : tensor<1x512xf32> into tensor<1x1x512xf32> loc("rnn/stack_1")
    %230 = tensor.expand_shape %199 [[0], [1, 2]] output_shape [1, 1, 512] : tensor<1x512xf32> into tensor<1x1x512xf32> loc("rnn/stack_1")
    %231 = tensor.expand_shape %228 [[0], [1, 2]] output_shape [1, 1, 512] : tensor<1x512xf32> into tensor<1x1x512xf32> loc("rnn/stack_1")
    %232 = tensor.concat dim(0) %229, %230, %231 : (tensor<1x1x512xf32>, tensor<1x1x512xf32>, tensor<1x1x512xf32>) -> tensor<3x1x512xf32> loc("rnn/stack_1")
    %233 = tensor.empty() : tensor<1x3x512xf32> loc("rnn/transpose_1")
    %234 = linalg.transpose ins(%232 : tensor<3x1x512xf32>) outs(%233 : tensor<1x3x512xf32>) permutation = [1, 0, 2] loc("rnn/transpose_1")
    %235 = arith.constant dense_resource<dec_weight> : tensor<1000x512xf32> loc("dec/t_8")
    %236 = tensor.empty() : tensor<512x1000xf32> loc("dec/t_8")
    %237 = linalg.transpose ins(%235 : tensor<1000x512xf32>) outs(%236 : tensor<512x1000xf32>) permutation = [1, 0] loc("dec/t_8")
    %238 = tensor.collapse_shape %234 [[0, 1], [2]] : tensor<1x3x512xf32> into tensor<3x512xf32> loc("dec/view_4")
    %239 = tensor.empty() : tensor<3x1000xf32> loc("dec/addmm_8")
    %240 = linalg.fill ins(%17 : f32) outs(%239 : tensor<3x1000xf32>) -> tensor<3x1000xf32> loc("dec/addmm_8")
    %241 = linalg.matmul ins(%238, %237 : tensor<3x512xf32>, tensor<512x1000xf32>) outs(%240 : tensor<3x1000xf32>) -> tensor<3x1000xf32> loc("dec/addmm_8")
    %242 = arith.constant dense_resource<dec_bias> : tensor<1000xf32> loc("dec/addmm_8")
    %243 = tensor.empty() : tensor<3x1000xf32> loc("dec/addmm_8")
    %244 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%241, %242 : tensor<3x1000xf32>, tensor<1000xf32>) outs(%243 : tensor<3x1000xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %b0 = arith.addf %in, %in_1 : f32
      linalg.yield %b0 : f32
    } -> tensor<3x1000xf32> loc("dec/addmm_8")
    %245 = tensor.expand_shape %244 [[0, 1], [2]] output_shape [1, 3, 1000] : tensor<3x1000xf32> into tensor<1x3x1000xf32> loc("dec/view_5")
    return %245 : tensor<1x3x1000xf32>
  }
}
