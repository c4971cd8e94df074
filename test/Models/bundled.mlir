// Node counts and totals of the bundled models at NNP-I's int8 element size.
// Weight bytes are checked against independent counts: torchvision's
// parameters plus the batch-norm running mean and variance the importer
// keeps (models/README.md), e.g. ResNet-50: 25,557,032 + 53,120.
// The paper's node counts: ResNet-50 ~57, ResNet-101 ~108, BERT ~376
// (docs/models.md explains the differences).

// RUN: egrl-opt %models/resnet50.mlir --egrl-print-graph="element-bytes=1" -o /dev/null | FileCheck %s --check-prefix=R50
// RUN: egrl-opt %models/resnet50.mlir --egrl-print-graph="element-bytes=1 granularity=op" -o /dev/null | FileCheck %s --check-prefix=R50-OP
// R50: egrl graph @forward: 56 nodes (fused), 4089184256 MACs, weights 25610152 B
// R50-OP: egrl graph @forward: 176 nodes (op), 4089184256 MACs, weights 25610152 B

// RUN: egrl-opt %models/resnet101.mlir --egrl-print-graph="element-bytes=1" -o /dev/null | FileCheck %s --check-prefix=R101
// R101: egrl graph @forward: 107 nodes (fused), 7801405440 MACs, weights 44654504 B

// BERT-base: 109,482,240 parameters including the three embedding tables,
// which are read by lookups; the position table's lookup, with constant ids,
// folds to the 128 rows it keeps (98,304 elements in place of the 393,216 of
// the table and the 128 ids), as a compiler materialises it.
// RUN: egrl-opt %models/bert_base.mlir --egrl-print-graph="element-bytes=1" -o /dev/null | FileCheck %s --check-prefix=BERT
// RUN: egrl-opt %models/bert_base.mlir --egrl-print-graph="element-bytes=1 granularity=op" -o /dev/null | FileCheck %s --check-prefix=BERT-OP
// BERT: egrl graph @forward: 148 nodes (fused), 11174215680 MACs, weights 109187328 B
// The first node looks up 128 rows of 768 in the word and token-type tables
// (the last has only 2 rows) and reads the folded position rows.
// BERT: #0 n0_generic kind=elementwise ops=3 {{.*}} weights=23540736 (reads 198144)
// BERT-OP: egrl graph @forward: 357 nodes (op), 11174215680 MACs, weights 109187328 B

// RUN: egrl-opt %models/mobilenet_v2.mlir --egrl-print-graph="element-bytes=1" -o /dev/null | FileCheck %s --check-prefix=MNV2
// MNV2: egrl graph @forward: 54 nodes (fused), 300774272 MACs, weights 3538984 B

// RUN: egrl-opt %models/tiny_cnn.mlir --egrl-print-graph="element-bytes=1" -o /dev/null | FileCheck %s --check-prefix=TINY
// TINY: egrl graph @forward: 7 nodes (fused), 6340928 MACs, weights 24250 B

// Every bundled model places and verifies (BERT's lookups read their tables
// inside the op body, which the verifier must see as reading weights).
// RUN: egrl-opt %models/bert_base.mlir --egrl-memory-placement -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLACE-BERT
// PLACE-BERT: remark: egrl: placed 148 nodes of @forward on nnpi-1000 with greedy (analytical): {{.*}}, valid
// RUN: egrl-opt %models/resnet50.mlir --egrl-memory-placement="granularity=op" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLACE-R50
// PLACE-R50: remark: egrl: placed 176 nodes of @forward on nnpi-1000 with greedy (analytical): {{.*}}, valid
// RUN: egrl-opt %models/mobilenet_v2.mlir --egrl-memory-placement="strategy=native evaluator=nnpi-sim" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLACE-MNV2
// PLACE-MNV2: remark: egrl: placed 54 nodes of @forward on nnpi-1000 with native (nnpi-sim): {{.*}}, valid

// Upstream mlir-opt parses every bundled model.
// RUN: upstream-mlir-opt %models/resnet50.mlir -o /dev/null
// RUN: upstream-mlir-opt %models/bert_base.mlir -o /dev/null
// RUN: upstream-mlir-opt %models/resnet101.mlir -o /dev/null
// RUN: upstream-mlir-opt %models/mobilenet_v2.mlir -o /dev/null
// RUN: upstream-mlir-opt %models/tiny_cnn.mlir -o /dev/null

// Canonicalisation (which folds fills of constants into splat constants) and
// CSE (which shares identical constants) leave the graph as it was.
// RUN: upstream-mlir-opt --canonicalize --cse %models/resnet50.mlir | egrl-opt --egrl-print-graph=element-bytes=1 -o /dev/null | FileCheck %s --check-prefix=CANON-R50
// CANON-R50: egrl graph @forward: 56 nodes (fused), 4089184256 MACs, weights 25610152 B
// RUN: upstream-mlir-opt --canonicalize --cse %models/bert_base.mlir | egrl-opt --egrl-print-graph=element-bytes=1 -o /dev/null | FileCheck %s --check-prefix=CANON-BERT
// CANON-BERT: egrl graph @forward: 148 nodes (fused), 11174215680 MACs, weights 109187328 B
