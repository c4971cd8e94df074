// The WorkloadGraph of a ResNet basic block (test/Inputs/resblock.mlir).
// Each conv is 1x8x16x16 outputs x 8x3x3 = 147456 MACs; its weights are
// 8x8x3x3 + 8 (batch-norm scale) = 584 elements; every activation is 2048
// elements. At `fused` granularity batch-norm and ReLU join their conv, and
// the residual add joins the second conv; the pads fold into the convs.

// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-print-graph -o /dev/null | FileCheck %s --check-prefix=FUSED
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-print-graph="granularity=op element-bytes=1" -o /dev/null | FileCheck %s --check-prefix=OP
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-print-graph="json=true element-bytes=1" -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: egrl-opt %S/../Inputs/tosa-net.mlir --egrl-print-graph -o /dev/null | FileCheck %s --check-prefix=TOSA
// An element size the graph JSON cannot hold is an error, not a graph no
// tool reads back.
// RUN: not egrl-opt %S/../Inputs/resblock.mlir --egrl-print-graph="json=true element-bytes=65" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BYTES
// BYTES: <unknown>:0: error: egrl-print-graph: element-bytes must be between 0 and 64, not 65
// The pass leaves the IR alone.
// RUN: egrl-opt %S/../Inputs/resblock.mlir --egrl-print-graph -o - | FileCheck %s --check-prefix=IR

// FUSED: egrl graph @block: 2 nodes (fused), 294912 MACs, weights 4672 B (4.56 KiB), peak live activations 16384 B (16.00 KiB)
// FUSED-NEXT: #0 n0_conv_2d_nchw_fchw kind=conv ops=3 macs=147456 vops=4096 weights=2336 out=8192 host_in=8192 in=[] last_use=1
// FUSED-NEXT: #1 n1_conv_2d_nchw_fchw kind=conv ops=4 macs=147456 vops=6144 weights=2336 out=8192 host_in=8192 in=[0] last_use=1 graph_output

// OP: egrl graph @block: 7 nodes (op), 294912 MACs, weights 1168 B (1.14 KiB)
// OP-NEXT: #0 n0_conv_2d_nchw_fchw kind=conv ops=1 macs=147456 vops=0 weights=576 out=2048 host_in=2048 in=[] last_use=1
// OP-NEXT: #1 n1_generic kind=elementwise ops=1 macs=0 vops=2048 weights=8 out=2048 host_in=0 in=[0] last_use=2
// OP-NEXT: #2 n2_generic kind=elementwise
// OP-NEXT: #3 n3_conv_2d_nchw_fchw kind=conv ops=1 macs=147456 vops=0 weights=576 out=2048 host_in=0 in=[2] last_use=4
// OP-NEXT: #4 n4_generic
// OP-NEXT: #5 n5_generic kind=elementwise ops=1 macs=0 vops=2048 weights=0 out=2048 host_in=2048 in=[4] last_use=6
// OP-NEXT: #6 n6_generic kind=elementwise ops=1 macs=0 vops=2048 weights=0 out=2048 host_in=0 in=[5] last_use=6 graph_output

// JSON: "format": "egrl-workload-graph"
// JSON: "granularity": "fused"
// JSON: "loc": "{{.*}}resblock.mlir:17:9"
// JSON: "macs": 147456
// JSON: "weight_elements": 584

// TOSA: egrl graph @tosa_net: 3 nodes (fused), 295072 MACs, weights 5312 B (5.19 KiB)
// TOSA-NEXT: #0 n0_conv2d kind=conv ops=2 macs=294912 vops=4096 weights=4672 out=16384 host_in=8192 in=[] last_use=1
// TOSA-NEXT: #1 n1_avg_pool2d kind=pool ops=1 macs=0 vops=4096 weights=0 out=64 host_in=0 in=[0] last_use=2
// TOSA-NEXT: #2 n2_matmul kind=batch_matmul ops=1 macs=160 vops=0 weights=640 out=40 host_in=0 in=[1] last_use=2 graph_output

// IR: func.func @block
// IR-NOT: egrl.
