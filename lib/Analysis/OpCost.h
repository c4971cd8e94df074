//===- OpCost.h - What one MLIR op computes and moves ----------*- C++ -*-===//
//
// Private to lib/Analysis: the per-op rules the graph builder
// (GraphBuilder.cpp) applies while it walks a function, and the saturating size
// arithmetic both use.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_ANALYSIS_OPCOST_H
#define EGRL_LIB_ANALYSIS_OPCOST_H

#include "egrl/Graph/WorkloadGraph.h"

#include "mlir/IR/Operation.h"

#include <cstdint>

namespace egrl::detail {

struct OpCost {
  int64_t macs = 0;
  int64_t vectorOps = 0;
  NodeKind kind = NodeKind::Unknown;
  /// May join the node of its input at `fused` granularity.
  bool fusible = false;
  bool modelled = true;
};

/// What `op` computes, of which kind; `modelled` is false for an op the
/// rules do not know.
OpCost costOf(mlir::Operation *op);

/// Views and padding: no data is computed, the result aliases its source.
bool isViewLike(mlir::Operation *op);
/// tensor.pad and tosa.pad (view-like, unless returned).
bool isPad(mlir::Operation *op);
/// tensor.empty and its kin: a destination, not data.
bool isBufferInit(mlir::Operation *op);
/// Ops whose operand 0 is a table they gather rows from.
bool isGather(mlir::Operation *op);

/// Bytes of one element (sub-byte types round up, a vector element is the
/// whole vector; unknown types count 4).
int64_t elementBytes(mlir::Type elementType);
/// Whether elementBytes() guessed (4 bytes) for a type it cannot size: a
/// pointer, an opaque or another dialect's type.
bool elementBytesGuessed(mlir::Type elementType);
/// Saturating product and sum: WorkloadGraph::verify() rejects absurd sizes
/// with a diagnostic instead of an overflow.
int64_t saturatingProduct(llvm::ArrayRef<int64_t> values);
int64_t saturatingSum(int64_t a, int64_t b);
/// The static shape of a shaped value, and its element count.
llvm::ArrayRef<int64_t> shapeOf(mlir::Value value);
int64_t elementsOf(mlir::Value value);
/// Its bytes: elements times element bytes (saturating).
int64_t bytesOf(mlir::Value value);

} // namespace egrl::detail

#endif // EGRL_LIB_ANALYSIS_OPCOST_H
