// IR in the exact form torch-mlir's linalg backend writes (module attribute,
// dense_resource blobs, torch.cat as tensor.insert_slice) loads and places.
// RUN: egrl-opt %S/../Inputs/torch-mlir-cat.mlir --egrl-print-graph -o /dev/null | FileCheck %s
// RUN: egrl-opt %S/../Inputs/torch-mlir-cat.mlir --egrl-memory-placement -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLACE

// The inserts fill one buffer in place, one concatenation as tensor.concat
// would be: at `fused` granularity one node, whose output is the whole
// tensor, written once; at `op` granularity each insert is a node.
// CHECK: egrl graph @forward: 3 nodes (fused), 36864 MACs, weights 2304 B (2.25 KiB), peak live activations 8192 B
// CHECK-NEXT: #0 n0_conv_2d_nchw_fchw kind=conv ops=1 macs=18432
// CHECK-NEXT: #1 n1_conv_2d_nchw_fchw kind=conv ops=1 macs=18432
// CHECK-NEXT: #2 n2_insert_slice kind=data_movement ops=2 macs=0 vops=0 weights=0 out=4096 host_in=0 in=[0, 1] last_use=2 graph_output
// RUN: egrl-opt %S/../Inputs/torch-mlir-cat.mlir --egrl-print-graph=granularity=op -o /dev/null | FileCheck %s --check-prefix=OP
// OP: 4 nodes (op)
// OP: n2_insert_slice kind=data_movement ops=1 {{.*}} out=4096 host_in=0 in=[0]
// OP-NEXT: n3_insert_slice kind=data_movement ops=1 {{.*}} in=[1, 2]
// An insert into a tensor another op reads too cannot be written in place:
// it starts a node of its own.
// RUN: egrl-opt %S/../Inputs/insert-read-twice.mlir --egrl-print-graph -o /dev/null | FileCheck %s --check-prefix=TWICE
// TWICE: 4 nodes (fused)
// TWICE: n2_insert_slice kind=data_movement ops=1 {{.*}} in=[0]
// TWICE-NEXT: n3_insert_slice kind=data_movement ops=1 {{.*}} in=[1, 2]
// Nor can it join the chain's node when the slice it inserts is computed
// after that node (a node reads only earlier nodes): it was refused with
// "producer 2 does not come before the node".
// RUN: egrl-opt %S/../Inputs/insert-after-later-slice.mlir --egrl-memory-placement -o /dev/null 2>&1 | FileCheck %s --check-prefix=LATER
// LATER: remark: egrl: placed 4 nodes of @f

// PLACE: remark: egrl: placed 3 nodes of @forward on nnpi-1000 with greedy (analytical): {{.*}}, valid
