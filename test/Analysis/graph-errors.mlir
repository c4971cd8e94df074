// RUN: egrl-opt %s --egrl-print-graph -o /dev/null -split-input-file -verify-diagnostics -allow-unregistered-dialect

// expected-error@+1 {{egrl needs static shapes: argument #0 of 'dynamic_arg' has type 'tensor<?x16xf32>'}}
func.func @dynamic_arg(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  return %x : tensor<?x16xf32>
}

// -----

func.func @dynamic_op(%x: tensor<4x16xf32>) -> tensor<?x16xf32> {
  // expected-error@+1 {{egrl needs static shapes: result #0 has type 'tensor<?x16xf32>'}}
  %c = tensor.cast %x : tensor<4x16xf32> to tensor<?x16xf32>
  return %c : tensor<?x16xf32>
}

// -----

// expected-error@+1 {{egrl: function 'branches' has control flow (several blocks)}}
func.func @branches(%x: tensor<4xf32>, %c: i1) -> tensor<4xf32> {
  cf.cond_br %c, ^a, ^b
^a:
  return %x : tensor<4xf32>
^b:
  return %x : tensor<4xf32>
}

// -----

func.func @loop(%x: tensor<8x8xf32>, %w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // expected-error@+1 {{egrl: 'scf.for' holds regions (control flow or a nested body) whose compute the graph would not see; only straight-line inference graphs are supported: unroll it first (an scf.for with constant bounds: transform.loop.unroll through --transform-interpreter}}
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%h = %x) -> (tensor<8x8xf32>) {
    %e = tensor.empty() : tensor<8x8xf32>
    %m = linalg.matmul ins(%h, %w : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
    scf.yield %m : tensor<8x8xf32>
  }
  return %r : tensor<8x8xf32>
}

// -----

// A loop in an elementwise body would be costed as one op per element.
#id = affine_map<(d0) -> (d0)>
func.func @body_loop(%a: tensor<64xf32>) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cn = arith.constant 1000000 : index
    // expected-error@+1 {{egrl: 'scf.for' in the body of 'linalg.generic' is control flow or a call whose compute the graph would count as one op per element}}
    %s = scf.for %i = %c0 to %cn step %c1 iter_args(%acc = %x) -> f32 {
      %m = arith.mulf %acc, %acc : f32
      scf.yield %m : f32
    }
    linalg.yield %s : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

func.func private @scalar_kernel(f32) -> f32

#id = affine_map<(d0) -> (d0)>
func.func @body_call(%a: tensor<64xf32>) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%x: f32, %o: f32):
    // expected-error@+1 {{egrl: 'func.call' in the body of 'linalg.generic' is control flow or a call}}
    %s = func.call @scalar_kernel(%x) : (f32) -> f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

func.func @layer(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %w = arith.constant dense<1.0> : tensor<8x8xf32>
  %e = tensor.empty() : tensor<8x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %m : tensor<8x8xf32>
}

func.func @caller(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error@+1 {{egrl: 'func.call' calls a function with a body, whose compute and weights the placement would not see; inline it first (--inline)}}
  %r = func.call @layer(%x) : (tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

// A branch cannot be unrolled, and lowering it makes several blocks.
func.func @branch(%x: tensor<8x8xf32>, %c: i1) -> tensor<8x8xf32> {
  // expected-error@+1 {{'scf.if' holds regions (control flow or a nested body) whose compute the graph would not see; only straight-line inference graphs are supported: a branch taken at run time cannot be one graph: place each side as a function of its own}}
  %r = scf.if %c -> (tensor<8x8xf32>) {
    scf.yield %x : tensor<8x8xf32>
  } else {
    %e = tensor.empty() : tensor<8x8xf32>
    %n = linalg.negf ins(%x : tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
    scf.yield %n : tensor<8x8xf32>
  }
  return %r : tensor<8x8xf32>
}

// -----

func.func @kernel(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  return %x : tensor<8x8xf32>
}

// A callee named by a func.constant is known: canonicalisation makes the call
// direct.
func.func @through_constant(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %f = func.constant @kernel : (tensor<8x8xf32>) -> tensor<8x8xf32>
  // expected-error@+1 {{egrl: 'func.call_indirect' calls @kernel through a func.constant, a call the graph would not see into: --canonicalize makes it a direct call, and --inline then inlines it}}
  %r = func.call_indirect %f(%x) : (tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

// Calls --inline leaves are not told to inline.
func.func @recursive(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error@+1 {{calls a function with a body, whose compute and weights the placement would not see; it is recursive, which --inline cannot inline}}
  %r = func.call @recursive(%x) : (tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

func.func private @kept(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  return %x : tensor<8x8xf32>
}

func.func @keeps_call(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error@+1 {{it is marked no_inline, which --inline keeps: drop the attribute and inline it (--inline)}}
  %r = func.call @kept(%x) {no_inline} : (tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

func.func private @kernel(tensor<8x8xf32>) -> tensor<8x8xf32>

func.func @opaque_kernel(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // A call to a declaration is an opaque kernel, like an unknown op.
  // expected-remark@+1 {{egrl: 'func.call' is not modelled; it becomes a memory-only node}}
  %r = func.call @kernel(%x) : (tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

func.func private @next_frame() -> tensor<8x8xf32>

// One with no operands makes run-time data, not a constant: what reads it
// is compute (it was folded away, and the function placed nothing).
func.func @opaque_source(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-remark@+1 {{egrl: 'func.call' is not modelled; it becomes a memory-only node}}
  %x = func.call @next_frame() : () -> tensor<8x8xf32>
  %c = arith.constant dense<2.0> : tensor<8x8xf32>
  %e = tensor.empty() : tensor<8x8xf32>
  %m = linalg.matmul ins(%x, %c : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %m : tensor<8x8xf32>
}

// -----

func.func @unknown(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-remark@+1 {{egrl: 'foo.custom' is not modelled; it becomes a memory-only node (0 MACs, 0 vector ops)}}
  %0 = "foo.custom"(%x) : (tensor<4x16xf32>) -> tensor<4x16xf32>
  // Reported once per op name.
  %1 = "foo.custom"(%0) : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}

// -----

// Sizes that overflow are an error, not a silently wrong graph.
// expected-error@+1 {{egrl: graph 'huge', node 0 ('n0_generic'): tensor or compute sizes too large}}
func.func @huge(%x: tensor<100000x100000x100000x100000xf32>) -> tensor<100000x100000x100000x100000xf32> {
  %e = tensor.empty() : tensor<100000x100000x100000x100000xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<100000x100000x100000x100000xf32>) outs(%e : tensor<100000x100000x100000x100000xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<100000x100000x100000x100000xf32>
  return %r : tensor<100000x100000x100000x100000xf32>
}

// -----

// A constant of 2^64 elements: its count wrapped to 0, and it was dropped as
// a scalar.
// expected-error@+1 {{egrl: graph 'huge_constant', node 0 ('n0_add'): tensor or compute sizes too large}}
func.func @huge_constant(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<4294967296x4294967296xf32>
  %s = tensor.extract_slice %w[0, 0] [2, 2] [1, 1] : tensor<4294967296x4294967296xf32> to tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %r = linalg.add ins(%x, %s : tensor<2x2xf32>, tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// -----

// Nodes of 2^60 MACs each, whose sum wrapped (printed as a negative count).
// expected-error@+1 {{egrl: graph 'many_macs': its nodes compute over 2^61 operations in all}}
func.func @many_macs(%x: tensor<1048576x1048576xf32>) -> tensor<1048576x1048576xf32> {
  %e0 = tensor.empty() : tensor<1048576x1048576xf32>
  %m0 = linalg.matmul ins(%x, %x : tensor<1048576x1048576xf32>, tensor<1048576x1048576xf32>) outs(%e0 : tensor<1048576x1048576xf32>) -> tensor<1048576x1048576xf32>
  %e1 = tensor.empty() : tensor<1048576x1048576xf32>
  %m1 = linalg.matmul ins(%m0, %x : tensor<1048576x1048576xf32>, tensor<1048576x1048576xf32>) outs(%e1 : tensor<1048576x1048576xf32>) -> tensor<1048576x1048576xf32>
  %e2 = tensor.empty() : tensor<1048576x1048576xf32>
  %m2 = linalg.matmul ins(%m1, %x : tensor<1048576x1048576xf32>, tensor<1048576x1048576xf32>) outs(%e2 : tensor<1048576x1048576xf32>) -> tensor<1048576x1048576xf32>
  return %m2 : tensor<1048576x1048576xf32>
}

// -----

// Unconverted torch-dialect IR is not silently skipped.
func.func @torch_ir(%arg0: tensor<1x16xf32>) -> tensor<1x16xf32> {
  // expected-error@+1 {{egrl: 'torch_c.from_builtin_tensor' is torch-dialect IR, not linalg or TOSA: lower the model first}}
  %b = "torch_c.from_builtin_tensor"(%arg0) : (tensor<1x16xf32>) -> !torch.vtensor<[1,16],f32>
  %c = "torch.aten.relu"(%b) : (!torch.vtensor<[1,16],f32>) -> !torch.vtensor<[1,16],f32>
  %d = "torch_c.to_builtin_tensor"(%c) : (!torch.vtensor<[1,16],f32>) -> tensor<1x16xf32>
  return %d : tensor<1x16xf32>
}

// -----

// Also inside a region.
func.func @torch_in_body(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%i: f32, %o: f32):
    // expected-error@+1 {{egrl: 'torch.aten.relu.float' is torch-dialect IR}}
    %t = "torch.aten.relu.float"(%i) : (f32) -> f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// An op that reads an activation and returns nothing is a side effect the
// graph cannot place: remarked once per op name, not dropped silently.
ml_program.global private mutable @state(dense<0.0> : tensor<4x16xf32>) : tensor<4x16xf32>
func.func @sink(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %0 = linalg.exp ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  // expected-remark@+1 {{egrl: 'ml_program.global_store' reads a run-time tensor and returns nothing; the graph does not see that read (only the function's results are graph outputs)}}
  ml_program.global_store @state = %0 : tensor<4x16xf32>
  ml_program.global_store @state = %x : tensor<4x16xf32>
  // A scalar read back is data, not a sink.
  %c0 = arith.constant 0 : index
  %s = tensor.extract %0[%c0, %c0] : tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
