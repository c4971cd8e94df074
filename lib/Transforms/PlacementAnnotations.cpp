//===- PlacementAnnotations.cpp - #egrl.placement written and read --------===//
//
// The one place that maps a Placement to the ops' #egrl.placement attributes
// and back, so that what the pass writes, strategy=keep reads.
//
//===----------------------------------------------------------------------===//

#include "egrl/Transforms/PlacementAnnotations.h"
#include "egrl/Dialect/EGRL/IR/EGRLDialect.h"

using namespace mlir;
using namespace egrl;

void egrl::annotatePlacement(func::FuncOp func, const GraphOpMap &opMap,
                             const Placement &placement, const Target &chip) {
  MLIRContext *ctx = func.getContext();
  auto levelName = [&](unsigned level) {
    return StringAttr::get(ctx, chip.levels[level].name);
  };
  func.walk([](Operation *op) {
    op->removeAttr(EGRLDialect::getPlacementAttrName());
  });
  for (auto [op, node] : opMap.nodeOf) {
    StringAttr weights;
    auto owner = opMap.weightOwnerOf.find(op);
    if (owner != opMap.weightOwnerOf.end())
      weights = levelName(placement[owner->second].weights);
    op->setAttr(EGRLDialect::getPlacementAttrName(),
                PlacementAttr::get(ctx, node, weights,
                                   levelName(placement[node].output)));
  }
}

FailureOr<Placement> egrl::readPlacement(func::FuncOp func,
                                         const GraphOpMap &opMap,
                                         const Problem &problem,
                                         const Target &chip) {
  Placement placement(problem.numNodes(), problem.slowestLevel());
  // The first op that gave each node's output and weights their level.
  std::vector<Operation *> outputFrom(problem.numNodes(), nullptr);
  std::vector<Operation *> weightsFrom(problem.numNodes(), nullptr);
  auto take = [&](Operation *op, StringAttr name, unsigned node,
                  bool weights) -> LogicalResult {
    std::optional<unsigned> level = chip.findLevel(name.getValue());
    const char *what = weights ? "weights" : "output";
    if (!level)
      return op->emitError()
             << "strategy=keep: " << what << " level " << name
             << " is not a level of target '" << chip.name << "'";
    Operation *&first = weights ? weightsFrom[node] : outputFrom[node];
    uint8_t &slot = weights ? placement[node].weights : placement[node].output;
    if (first && slot != *level) {
      InFlightDiagnostic diag = op->emitError()
                                << "strategy=keep: the " << what << " of node "
                                << node << (weights ? " are" : " is")
                                << " placed in '" << name.getValue()
                                << "' here and in '" << chip.levels[slot].name
                                << "' by another op; one tensor has one level";
      diag.attachNote(first->getLoc()) << "the other op";
      return diag;
    }
    if (!first)
      first = op;
    slot = uint8_t(*level);
    return success();
  };
  WalkResult walk = func.walk([&](Operation *op) {
    auto inNode = opMap.nodeOf.find(op);
    auto attr =
        op->getAttrOfType<PlacementAttr>(EGRLDialect::getPlacementAttrName());
    if (inNode == opMap.nodeOf.end()) {
      if (!attr)
        return WalkResult::advance();
      // Its buffer would still get the level after bufferization.
      op->emitError() << "strategy=keep: #egrl.placement on an op that "
                         "belongs to no node of the graph (views, fills "
                         "and folded constants are not placed); remove it";
      return WalkResult::interrupt();
    }
    unsigned node = inNode->second;
    if (!attr) {
      op->emitError() << "strategy=keep: this op of node " << node
                      << " has no #egrl.placement (was the function "
                         "changed, or only part of it placed?)";
      return WalkResult::interrupt();
    }
    if (attr.getNode() != int64_t(node)) {
      op->emitError() << "strategy=keep: #egrl.placement names node "
                      << attr.getNode() << ", but the graph puts this op in "
                      << "node " << node
                      << ": the function changed after it was placed";
      return WalkResult::interrupt();
    }
    if (failed(take(op, attr.getOutput(), node, /*weights=*/false)))
      return WalkResult::interrupt();
    auto owner = opMap.weightOwnerOf.find(op);
    if (owner == opMap.weightOwnerOf.end() && attr.getWeights()) {
      // Annotating would drop it: say so rather than measure without it.
      op->emitError() << "strategy=keep: #egrl.placement gives weights a "
                         "level, but this op reads no weights of the graph";
      return WalkResult::interrupt();
    }
    if (owner != opMap.weightOwnerOf.end()) {
      if (!attr.getWeights()) {
        op->emitError() << "strategy=keep: this op reads the weights of "
                           "node "
                        << owner->second
                        << ", and its #egrl.placement gives them no level";
        return WalkResult::interrupt();
      }
      if (failed(take(op, attr.getWeights(), owner->second,
                      /*weights=*/true)))
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  for (unsigned node = 0; node < problem.numNodes(); ++node) {
    const char *missing = !outputFrom[node] ? "output"
                          : problem.hasWeights(node) && !weightsFrom[node]
                              ? "weights"
                              : nullptr;
    if (missing)
      return func.emitError() << "strategy=keep: no op gives node " << node
                              << "'s " << missing << " a level";
  }
  return placement;
}

std::string egrl::moduleDisplayName(mlir::ModuleOp module) {
  return module.getSymName() ? "@" + module.getSymName()->str()
                             : std::string("(unnamed)");
}

void egrl::warnOutputWrittenInPlace(mlir::Operation *op, llvm::StringRef pass,
                                    int64_t node, std::optional<int64_t> owner,
                                    mlir::StringAttr kept,
                                    mlir::StringAttr wanted) {
  mlir::InFlightDiagnostic warning = op->emitWarning();
  warning << pass << ": the op (node " << node
          << ") writes its output in place into ";
  if (owner)
    warning << "node " << *owner
            << "'s buffer, which keeps that node's level '";
  else
    warning << "a concatenation's buffer, which keeps its level '";
  warning << kept.getValue() << "', not '" << wanted.getValue() << "'";
}
