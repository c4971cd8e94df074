// IR in the exact form torch-mlir's linalg backend writes (module attribute,
// dense_resource blobs, torch.cat as tensor.insert_slice) loads and places.
// RUN: egrl-opt %S/../Inputs/torch-mlir-cat.mlir --egrl-print-graph -o /dev/null | FileCheck %s
// RUN: egrl-opt %S/../Inputs/torch-mlir-cat.mlir --egrl-memory-placement -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLACE

// Each insert_slice copies one half of the concatenation.
// CHECK: egrl graph @forward: 4 nodes (fused), 36864 MACs, weights 2304 B
// CHECK-NEXT: #0 n0_conv_2d_nchw_fchw kind=conv ops=1 macs=18432
// CHECK-NEXT: #1 n1_conv_2d_nchw_fchw kind=conv ops=1 macs=18432
// CHECK-NEXT: #2 n2_insert_slice kind=data_movement ops=1 macs=0 vops=0 weights=0 out=4096 host_in=0 in=[0] last_use=3
// CHECK-NEXT: #3 n3_insert_slice kind=data_movement ops=1 macs=0 vops=0 weights=0 out=4096 host_in=0 in=[1, 2] last_use=3 graph_output

// PLACE: remark: egrl: placed 4 nodes of @forward on nnpi-1000 with greedy (analytical): {{.*}}, valid
