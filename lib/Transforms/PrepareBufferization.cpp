//===- PrepareBufferization.cpp - Levels for buffers bufferization makes --===//
//
// Bufferization replaces a tensor.concat, and an insert_slice into an empty
// tensor, by a new allocation plus copies, and rebuilds a linalg.softmax
// without its attributes; either way the op's #egrl.placement is lost.
// Right before bufferization this pass turns the empty tensor such an op
// fills into a `bufferization.alloc_tensor` in the op's level, so the
// allocation is made there; the level lives in the IR, not in metadata a
// text round trip or a conversion could drop. A weight such an op copies in
// (a class token concatenated to the patches) would be read by a copy with
// no placement, so its global would keep the default space: it is copied by
// a placed linalg.copy instead, whose weights level the global then takes.
//
//===----------------------------------------------------------------------===//

#include "egrl/Transforms/Passes.h"
#include "egrl/Transforms/PlacementAnnotations.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace egrl {
#define GEN_PASS_DEF_EGRLPREPAREBUFFERIZATION
#include "egrl/Transforms/Passes.h.inc"
} // namespace egrl

using namespace mlir;
using namespace egrl;

namespace {

/// Whether every value that bufferizes into the buffer of `value` (or into a
/// buffer that inherits its memory space) is used only by ops that accept a
/// buffer of any memory space: followed through views, the inserts of a
/// chain, ops that write into it in place (a linalg op's init) and pads
/// (whose new buffer takes the source's space). A value that reaches a
/// return, a call or a loop's or branch's yield does not: bufferization
/// would have to convert it to the boundary's type, which upstream cannot
/// do for a buffer of another memory space.
bool staysInsideOps(Value value, llvm::SmallPtrSetImpl<Value> &visited) {
  if (!visited.insert(value).second)
    return true;
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    Value sameBuffer;
    if (isa<linalg::LinalgOp, linalg::SoftmaxOp>(user)) {
      // linalg.softmax is no LinalgOp, but reads and writes as one.
      auto dps = cast<DestinationStyleOpInterface>(user);
      if (dps.isDpsInit(&use))
        sameBuffer = dps.getTiedOpResult(&use);
    } else if (auto insert = dyn_cast<tensor::InsertSliceOp>(user)) {
      // As a source it is copied from; as the destination, the insert's
      // result is the same buffer.
      if (use.get() == insert.getDest())
        sameBuffer = insert.getResult();
    } else if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                   tensor::ExtractSliceOp, tensor::CastOp, tensor::PadOp>(
                   user)) {
      sameBuffer = user->getResult(0);
    } else if (!isa<tensor::ExtractOp, tensor::DimOp, tensor::ConcatOp>(user)) {
      return false;
    }
    if (sameBuffer && !staysInsideOps(sameBuffer, visited))
      return false;
  }
  return true;
}

bool staysInsideOps(Value value) {
  llvm::SmallPtrSet<Value, 16> visited;
  return staysInsideOps(value, visited);
}

PlacementAttr placementOf(Operation *op) {
  return op->getAttrOfType<PlacementAttr>(EGRLDialect::getPlacementAttrName());
}

/// The insert_slice that writes into `value` (its destination), if any.
tensor::InsertSliceOp nextInChain(Value value) {
  for (OpOperand &use : value.getUses())
    if (auto insert = dyn_cast<tensor::InsertSliceOp>(use.getOwner());
        insert && use.get() == insert.getDest())
      return insert;
  return {};
}

/// The placed op's output level, if it is placed.
StringAttr outputLevelOf(Operation *op) {
  PlacementAttr placement = placementOf(op);
  return placement ? placement.getOutput() : StringAttr();
}

/// Whether `value` is (a view of) data that no placed op computes and no
/// argument brings: a constant, a global, or an op the compiler folds from
/// them, which the graph counts as a weight of the op reading it.
bool isWeightData(Value value) {
  while (Operation *producer = value.getDefiningOp()) {
    if (placementOf(producer))
      return false;
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp,
             tensor::ExtractSliceOp>(producer))
      return !isa<tensor::EmptyOp>(producer);
    value = producer->getOperand(0);
  }
  return false;
}

bool hasStaticShape(Value value) {
  return cast<RankedTensorType>(value.getType()).hasStaticShape();
}

/// What the pass found: the buffers it will allocate in a level, and the
/// placed ops it leaves as they are.
struct Preparation {
  /// Operands that read an empty tensor whose buffer bufferization will
  /// allocate (a chain of inserts' destination, a softmax's init), each
  /// with the level of that buffer.
  SmallVector<std::pair<OpOperand *, StringAttr>> inits;
  /// Inserts of those buffers whose source is a weight, with the placement
  /// of the op they stand for (the concat they came from, or themselves).
  SmallVector<std::pair<tensor::InsertSliceOp, PlacementAttr>> weightInserts;
  /// Placed ops left as they are: their result leaves the ops that accept
  /// any memory space, their shape is dynamic, or upstream's decomposition
  /// declined them.
  SmallVector<Operation *> leaving, dynamic, undecomposed;
};

struct PrepareBufferizationPass
    : public egrl::impl::EGRLPrepareBufferizationBase<
          PrepareBufferizationPass> {
  using EGRLPrepareBufferizationBase::EGRLPrepareBufferizationBase;

  void runOnOperation() override {
    Preparation prep;
    unshareEmptyInits();
    decomposeConcats(prep);
    collectInsertChains(prep);
    collectSoftmaxes(prep);
    allocateInits(prep);
    copyWeightsByPlacedOps(prep);
    warnAboutOpsLeft(prep);
  }

  /// Each placed op writes into an empty tensor of its own. CSE merges the
  /// equal `tensor.empty` inits of a module into one, and bufferization then
  /// writes every op that reads it in place into one buffer (BERT-base's
  /// residual stream, all twelve layers, in the buffer of the first op
  /// that claimed it), where the graph gives each node's output its own
  /// tensor and level. A copy of the empty right before each further op
  /// that reads it restores what the graph counts.
  void unshareEmptyInits() {
    SmallVector<OpOperand *> shared;
    getOperation().walk([&](DestinationStyleOpInterface op) {
      if (!placementOf(op))
        return;
      for (OpOperand &init : op.getDpsInitsMutable())
        if (auto empty = init.get().getDefiningOp<tensor::EmptyOp>();
            empty && !empty->hasOneUse())
          shared.push_back(&init);
    });
    llvm::SmallPtrSet<Operation *, 16> keptFirstUse;
    OpBuilder builder(&getContext());
    for (OpOperand *init : shared) {
      Operation *empty = init->get().getDefiningOp();
      // The first placed op to read it keeps it.
      if (keptFirstUse.insert(empty).second)
        continue;
      builder.setInsertionPoint(init->getOwner());
      init->assign(builder.clone(*empty)->getResult(0));
    }
  }

  /// Concatenations become an empty tensor and insert_slices (upstream's
  /// decomposition), whose empty tensor is then allocated as an insert
  /// chain's.
  void decomposeConcats(Preparation &prep) {
    SmallVector<tensor::ConcatOp> concats;
    getOperation().walk([&](tensor::ConcatOp concat) {
      if (!outputLevelOf(concat))
        return;
      if (hasStaticShape(concat.getResult()))
        concats.push_back(concat);
      else
        prep.dynamic.push_back(concat);
    });
    OpBuilder builder(&getContext());
    for (tensor::ConcatOp concat : concats) {
      if (!staysInsideOps(concat.getResult())) {
        prep.leaving.push_back(concat);
        continue;
      }
      builder.setInsertionPoint(concat);
      FailureOr<SmallVector<Value>> parts = concat.decomposeOperation(builder);
      if (failed(parts)) {
        prep.undecomposed.push_back(concat);
        continue;
      }
      assert(parts->size() == 1 && "a concat has one result");
      Value whole = parts->front();
      PlacementAttr placement = placementOf(concat);
      concat.getResult().replaceAllUsesWith(whole);
      concat.erase();
      // Each input goes in by an insert_slice, a lone one too (it is a
      // copy); anything else has no buffer to allocate.
      auto root = whole.getDefiningOp<tensor::InsertSliceOp>();
      if (!root)
        continue;
      for (;;) {
        noteWeightInsert(root, placement, prep);
        auto previous = root.getDest().getDefiningOp<tensor::InsertSliceOp>();
        if (!previous)
          break;
        root = previous;
      }
      prep.inits.push_back({&root.getDestMutable(), placement.getOutput()});
    }
  }

  /// Placed inserts into an empty tensor. Later inserts of the chain write
  /// into the same buffer, in place.
  void collectInsertChains(Preparation &prep) {
    getOperation().walk([&](tensor::InsertSliceOp insert) {
      StringAttr level = outputLevelOf(insert);
      if (!level || !insert.getDest().getDefiningOp<tensor::EmptyOp>())
        return;
      if (!hasStaticShape(insert.getResult())) {
        prep.dynamic.push_back(insert);
        return;
      }
      // Every link of the chain, and what writes into it in place.
      if (!staysInsideOps(insert.getResult())) {
        prep.leaving.push_back(insert);
        return;
      }
      prep.inits.push_back({&insert.getDestMutable(), level});
      noteWeightInsert(insert, placementOf(insert), prep);
      // The chain's later inserts write into this buffer, as an op whose
      // init is another node's output does (egrl-apply-memory-spaces).
      auto rootNode = placementOf(insert).getNode();
      for (Value current = insert.getResult();;) {
        tensor::InsertSliceOp next = nextInChain(current);
        if (!next)
          break;
        PlacementAttr placement = placementOf(next);
        if (placement)
          noteWeightInsert(next, placement, prep);
        if (placement && placement.getNode() != rootNode &&
            placement.getOutput() != level)
          warnOutputWrittenInPlace(next, "egrl-prepare-bufferization",
                                   placement.getNode(), rootNode, level,
                                   placement.getOutput());
        current = next.getResult();
      }
    });
  }

  /// linalg.softmax bufferizes into a new op without its attributes, so
  /// the buffer it writes gets no level: its empty init becomes an
  /// allocation in the op's level, as a concatenation's does. (An empty
  /// other ops read too, as after CSE, stays theirs: the softmax gets its
  /// own allocation.)
  void collectSoftmaxes(Preparation &prep) {
    getOperation().walk([&](linalg::SoftmaxOp softmax) {
      StringAttr level = outputLevelOf(softmax);
      auto empty = softmax.getOutput().getDefiningOp<tensor::EmptyOp>();
      if (!level || !empty)
        return;
      if (!hasStaticShape(softmax.getResult()[0]))
        prep.dynamic.push_back(softmax);
      else if (!staysInsideOps(softmax.getResult()[0]))
        prep.leaving.push_back(softmax);
      else
        prep.inits.push_back({&softmax.getOutputMutable(), level});
    });
  }

  /// Each init's empty tensor becomes a bufferization.alloc_tensor in its
  /// level.
  void allocateInits(const Preparation &prep) {
    OpBuilder builder(&getContext());
    for (auto [init, level] : prep.inits) {
      Operation *empty = init->get().getDefiningOp();
      assert(empty && "an init reads an empty tensor");
      builder.setInsertionPoint(init->getOwner());
      auto alloc = bufferization::AllocTensorOp::create(
          builder, empty->getLoc(),
          cast<RankedTensorType>(init->get().getType()), ValueRange());
      alloc.setMemorySpaceAttr(MemAttr::get(&getContext(), level));
      init->assign(alloc.getResult());
      // The empty tensor it replaced, unless something else reads it.
      if (empty->use_empty())
        empty->erase();
    }
  }

  /// An insert of a placed buffer whose source is one of its node's weights.
  static void noteWeightInsert(tensor::InsertSliceOp insert,
                               PlacementAttr placement, Preparation &prep) {
    if (placement.getWeights() && isWeightData(insert.getSource()))
      prep.weightInserts.push_back({insert, placement});
  }

  /// Bufferized, such an insert is a copy with no placement, and the
  /// weight's global would keep the default memory space whatever its
  /// node's weights level. A placed linalg.copy into the slot (in place:
  /// an extract_slice the insert puts back) reads it instead, and
  /// egrl-apply-memory-spaces gives the global the placement's weights
  /// level, as for any placed op's weights.
  void copyWeightsByPlacedOps(const Preparation &prep) {
    OpBuilder builder(&getContext());
    for (auto [insert, placement] : prep.weightInserts) {
      builder.setInsertionPoint(insert);
      auto slot = tensor::ExtractSliceOp::create(
          builder, insert.getLoc(), insert.getSourceType(), insert.getDest(),
          insert.getMixedOffsets(), insert.getMixedSizes(),
          insert.getMixedStrides());
      auto copy = linalg::CopyOp::create(builder, insert.getLoc(),
                                         insert.getSource(), slot.getResult());
      copy->setAttr(EGRLDialect::getPlacementAttrName(), placement);
      insert.getSourceMutable().assign(copy->getResult(0));
      // The insert (of a chain) now reads the copy, not the weight.
      if (PlacementAttr own = placementOf(insert))
        insert->setAttr(EGRLDialect::getPlacementAttrName(),
                        PlacementAttr::get(&getContext(), own.getNode(),
                                           StringAttr(), own.getOutput()));
    }
  }

  /// One warning per reason at the first op left, with how many.
  void warnAboutOpsLeft(const Preparation &prep) {
    auto count = [](size_t n) {
      return std::to_string(n) + (n == 1 ? " placed op" : " placed ops") +
             " whose bufferization allocates anew (tensor.concat, inserts into "
             "an empty tensor, linalg.softmax)";
    };
    if (!prep.leaving.empty())
      prep.leaving.front()->emitWarning()
          << "egrl-prepare-bufferization: left in the default memory space, "
          << count(prep.leaving.size())
          << " whose result reaches a return, a call, a loop or an op other "
             "than linalg, tensor views, inserts, pads and extracts: upstream "
             "bufferization cannot convert a buffer of another memory space "
             "at such a boundary (this is the first)";
    if (!prep.dynamic.empty())
      prep.dynamic.front()->emitWarning()
          << "egrl-prepare-bufferization: left in the default memory space, "
          << count(prep.dynamic.size())
          << " with dynamic shapes (this is the first)";
    if (!prep.undecomposed.empty())
      prep.undecomposed.front()->emitWarning()
          << "egrl-prepare-bufferization: left in the default memory space, "
          << count(prep.undecomposed.size())
          << " that upstream's decomposition declined (this is the first)";
  }
};
} // namespace
