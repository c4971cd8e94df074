//===- PlacementAnnotations.h - #egrl.placement both ways -------*- C++ -*-===//
//
// A placement lives in the IR as one #egrl.placement per op of a graph node:
// the node, its output's level and, on ops that read weights, their owner's
// level (GraphOpMap::weightOwnerOf). These two functions are that mapping,
// both ways.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_TRANSFORMS_PLACEMENTANNOTATIONS_H
#define EGRL_TRANSFORMS_PLACEMENTANNOTATIONS_H

#include "egrl/Analysis/GraphBuilder.h"
#include "egrl/CostModel/Placement.h"
#include "egrl/CostModel/Problem.h"
#include "egrl/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>

namespace egrl {

/// Sets every placed op's #egrl.placement, after removing those of an
/// earlier placement (an op outside the new graph's nodes would otherwise
/// keep a stale level, which bufferization would still apply).
void annotatePlacement(mlir::func::FuncOp func, const GraphOpMap &opMap,
                       const Placement &placement, const Target &chip);

/// The placement the ops' #egrl.placement attributes hold (strategy=keep),
/// checked against the graph: every op of a node placed, alike, and no op
/// outside the nodes annotated. Errors are emitted at the op.
mlir::FailureOr<Placement> readPlacement(mlir::func::FuncOp func,
                                         const GraphOpMap &opMap,
                                         const Problem &problem,
                                         const Target &chip);

/// Warns at `op` (node `node`, whose placement wants output level `wanted`)
/// that it writes its output in place into a buffer that keeps level
/// `kept`: node `owner`'s, or, without `owner`, a concatenation's. `pass`
/// names the pass that noticed.
void warnOutputWrittenInPlace(mlir::Operation *op, llvm::StringRef pass,
                              int64_t node, std::optional<int64_t> owner,
                              mlir::StringAttr kept, mlir::StringAttr wanted);

/// "@name", or "(unnamed)": how messages name a nested module.
std::string moduleDisplayName(mlir::ModuleOp module);

} // namespace egrl

#endif // EGRL_TRANSFORMS_PLACEMENTANNOTATIONS_H
