//===- ApplyMemorySpaces.cpp - Placements onto memref memory spaces -------===//
//
// After bufferization each placed op writes into a buffer and reads weights
// from globals. The buffer's (or global's) type gets `#egrl.mem<"level">`
// as memory space, so the level travels with the buffer into code
// generation. Structured ops accept any memory space; other users get a
// `memref.memory_space_cast` back to the type they were built for.
//
//===----------------------------------------------------------------------===//

#include "ApplyMemorySpacesDiagnostics.h"
#include "BufferProvenance.h"
#include "RepeatedOptions.h"

#include "egrl/Target/Target.h"
#include "egrl/Transforms/Passes.h"
#include "egrl/Transforms/PlacementAnnotations.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace egrl {
#define GEN_PASS_DEF_EGRLAPPLYMEMORYSPACES
#include "egrl/Transforms/Passes.h.inc"
} // namespace egrl

using namespace mlir;
using namespace egrl;

namespace {

bool acceptsAnyMemorySpace(Operation *user) {
  return isa<linalg::LinalgOp, memref::CopyOp, memref::DeallocOp,
             memref::LoadOp, memref::StoreOp>(user);
}

/// Views whose result must be in their source's memory space: they take the
/// new space too (retype() follows them), so that a placed op reading a
/// reshaped buffer, or a body loading from a table, reads it in its level
/// rather than through a cast to the default space.
bool isViewKeepingSpace(Operation *user) {
  return isa<memref::ExpandShapeOp, memref::CollapseShapeOp, memref::SubViewOp>(
      user);
}

/// Gives `value` memory space `space`, casting back for users that need the
/// old type.
void retype(Value value, Attribute space, OpBuilder &builder) {
  auto oldType = cast<MemRefType>(value.getType());
  if (oldType.getMemorySpace() == space)
    return;
  auto newType = MemRefType::get(oldType.getShape(), oldType.getElementType(),
                                 oldType.getLayout(), space);
  value.setType(newType);
  Value cast;
  for (OpOperand &use : llvm::make_early_inc_range(value.getUses())) {
    if (acceptsAnyMemorySpace(use.getOwner()))
      continue;
    if (isViewKeepingSpace(use.getOwner()) && use.getOperandNumber() == 0) {
      retype(use.getOwner()->getResult(0), space, builder);
      continue;
    }
    if (!cast) {
      builder.setInsertionPointAfterValue(value);
      cast = memref::MemorySpaceCastOp::create(builder, value.getLoc(), oldType,
                                               value);
    }
    if (use.getOwner() != cast.getDefiningOp())
      use.set(cast);
  }
}

/// The level each global takes from the buffers that read it (`levels`):
/// within a function the first claim decides (for a weight, its graph
/// owner's). Each function is placed on its own, and bufferization gives
/// equal constants of several functions one global; when their placements
/// disagree, the global goes to the slowest level of its module's record,
/// which no function planned to fill with it (any other choice may overfill
/// a level of a function that planned without it there), and a warning
/// says so.
llvm::DenseMap<Operation *, StringAttr>
levelsOfGlobals(const llvm::MapVector<Operation *, StringAttr> &levels,
                SymbolTableCollection &symbols) {
  llvm::MapVector<Operation *, llvm::MapVector<Operation *, StringAttr>>
      claims;
  for (auto [storage, level] : levels) {
    memref::GlobalOp global = globalOf(storage, symbols);
    if (!global)
      continue;
    claims[global].insert(
        {storage->getParentOfType<FunctionOpInterface>(), level});
  }
  llvm::DenseMap<Operation *, StringAttr> result;
  for (auto &[global, byFunction] : claims) {
    StringAttr first = byFunction.front().second;
    bool agree = llvm::all_of(
        byFunction, [&](auto &claim) { return claim.second == first; });
    if (agree) {
      result[global] = first;
      continue;
    }
    InFlightDiagnostic warning = global->emitWarning();
    warning << "egrl-apply-memory-spaces: '"
            << cast<memref::GlobalOp>(global).getSymName()
            << "' is used by functions placed apart that put it in "
               "different levels (";
    llvm::interleaveComma(byFunction, warning, [&](auto &claim) {
      auto function = dyn_cast_or_null<SymbolOpInterface>(claim.first);
      warning << "@" << (function ? function.getName() : "?") << ": "
              << claim.second.getValue();
    });
    StringAttr slowest = slowestLevelOf(global);
    if (!slowest) {
      warning << "); no #egrl.record says which level is slowest, so it "
                 "keeps the first one's";
      result[global] = first;
      continue;
    }
    warning << "); it goes to the slowest level, '" << slowest.getValue()
            << "', which no function planned to fill with it";
    result[global] = slowest;
  }
  return result;
}

/// The node of a buffer bufferization allocated in a level already and
/// filled by copies into views of it (a placed concat's or insert chain's,
/// through --egrl-prepare-bufferization).
constexpr int64_t kPreparedBuffer = -1;

struct ApplyMemorySpacesPass
    : public NotesRepeatedOptions<
          egrl::impl::EGRLApplyMemorySpacesBase<ApplyMemorySpacesPass>> {
  using NotesRepeatedOptions::NotesRepeatedOptions;

  const llvm::cl::Option &anyOption() const override { return target; }

  void runOnOperation() override {
    if (refusedRepeatedOptions())
      return;
    ModuleOp module = getOperation();
    LevelAssignment assigned;
    ApplyMemorySpacesDiagnostics diagnostics(module, target, requireAll,
                                             [this] { signalPassFailure(); });
    // A target file that cannot be read is an error, whether or not there
    // is anything placed to check against it.
    if (!target.empty()) {
      llvm::Expected<Target> loaded = loadTarget(target);
      if (!loaded) {
        emitError(module.getLoc())
            << "egrl-apply-memory-spaces: target=" << target << ": "
            << llvm::toString(loaded.takeError());
        return signalPassFailure();
      }
      assigned.given = std::move(*loaded);
    }
    assigned.writers = writersOfBuffers(module);
    levelPreparedBuffers(assigned);
    assigned.sawMemrefs = assigned.sawLevelledBuffer;
    module.walk([&](DestinationStyleOpInterface op) {
      auto placement =
          op->getAttrOfType<PlacementAttr>(EGRLDialect::getPlacementAttrName());
      if (!placement || !op.hasPureBufferSemantics())
        return;
      assigned.sawMemrefs = true;
      claimOutputs(op, placement, assigned);
      if (placement.getWeights())
        claimWeights(op, placement, assigned);
    });
    if (!diagnostics.placedAnything(assigned))
      return;
    levelPaddedCopies(assigned);
    levelSplatBuffers(assigned);
    levelFoldedSources(assigned);
    retypeStorage(assigned);
    if (failed(diagnostics.checkWeightRoom(assigned)))
      return signalPassFailure();
    // Buffers an op (or a copy) writes that got no level: their op lost its
    // #egrl.placement to a pass between placement and bufferization
    // (fusion, a conversion), or bufferization replaced it by copies into a
    // new buffer (tensor.concat, insert_slice into an empty tensor,
    // linalg.softmax), which keep no attribute. Whether
    // --egrl-prepare-bufferization ran is not known here, so the message
    // names what it does and what it cannot do. Silently defaulted, they would
    // be a placement nobody asked for.
    diagnostics.warnAboutUnplacedWeights();
    diagnostics.warnAboutPlacedCalls();
    diagnostics.warnAboutUnplacedBuffers(assigned);
  }

  /// Buffers bufferization allocated in a level already and filled by
  /// copies into views of them: a placed concat's or insert chain's, through
  /// --egrl-prepare-bufferization. They keep it, and an op writing into one
  /// in place is told so (claimOutputs). (A buffer bufferization added for
  /// an op that could not write in place inherits the level too, but is
  /// written whole, by that op or a copy, and takes the op's level.)
  void levelPreparedBuffers(LevelAssignment &assigned) {
    getOperation().walk([&](memref::AllocOp alloc) {
      auto space = dyn_cast_or_null<MemAttr>(alloc.getType().getMemorySpace());
      if (!space)
        return;
      bool filledInParts =
          llvm::any_of(assigned.writers.lookup(alloc), [&](auto *op) {
            auto copy = dyn_cast<memref::CopyOp>(op);
            return copy && copy.getTarget() != alloc.getResult();
          });
      assigned.sawLevelledBuffer = true;
      if (!filledInParts)
        return;
      assigned.levels.insert({alloc, space.getLevel()});
      assigned.outputWriter.try_emplace(alloc, kPreparedBuffer);
    });
  }

  /// The buffers a placed op writes take its output level.
  void claimOutputs(DestinationStyleOpInterface op, PlacementAttr placement,
                    LevelAssignment &assigned) {
    for (OpOperand &init : op.getDpsInitsMutable()) {
      Operation *storage = storageOf(init.get());
      if (!storage) {
        // Bufferization wrote the result in place into a buffer the
        // function was given (its init was an argument, or a view of
        // one). A loop's iteration argument is its init's buffer, whose
        // producer placed it.
        auto arg = dyn_cast<BlockArgument>(viewRoot(init.get()));
        if (arg && arg.getOwner()->isEntryBlock() &&
            isa<FunctionOpInterface>(arg.getOwner()->getParentOp()))
          op->emitWarning()
              << "egrl-apply-memory-spaces: the op writes its output "
                 "into a buffer the function receives, so its placement's "
                 "output level '"
              << placement.getOutput().getValue() << "' is not applied";
        continue;
      }
      auto [it, first] =
          assigned.levels.insert({storage, placement.getOutput()});
      auto owner =
          assigned.outputWriter.try_emplace(storage, placement.getNode()).first;
      // In place into another node's output buffer (its init was that
      // node's result): one buffer, and the first writer's level.
      if (!first && it->second != placement.getOutput() &&
          owner->second != placement.getNode())
        warnOutputWrittenInPlace(op, "egrl-apply-memory-spaces",
                                 placement.getNode(),
                                 owner->second == kPreparedBuffer
                                     ? std::nullopt
                                     : std::optional<int64_t>(owner->second),
                                 it->second, placement.getOutput());
    }
  }

  /// The globals (and the buffers filled from them) a placed op reads as
  /// weights take its weight level.
  void claimWeights(DestinationStyleOpInterface op, PlacementAttr placement,
                    LevelAssignment &assigned) {
    StringAttr weights = placement.getWeights();
    // An init filled from a weight (a conv's bias broadcast into its
    // output buffer): the buffer is the output's, the globals behind it
    // are weights.
    for (OpOperand &init : op.getDpsInitsMutable()) {
      SmallVector<Operation *> storage;
      collectWeightStorage(init.get(), assigned.writers, assigned.fromConstants,
                           storage);
      // A non-splat constant as the init itself (a conv's bias in full):
      // bufferization copies its global into the output buffer, and the
      // graph counts the constant as the node's weight.
      // Only a copy into the whole buffer, right before this op (no other
      // writer between): a constant copied in after it, or into a slice of
      // it, is another node's weight (a review of s43: a constant inserted
      // into a matmul's result took the matmul's level).
      if (Operation *buffer = storageOf(init.get())) {
        auto writers = assigned.writers.lookup(buffer);
        auto fillsForThisOp = [&](memref::CopyOp copy) {
          if (copy.getTarget().getDefiningOp() != buffer ||
              copy->getBlock() != op->getBlock() || !copy->isBeforeInBlock(op))
            return false;
          return llvm::none_of(writers, [&](Operation *other) {
            return other != copy && other != op.getOperation() &&
                   other->getBlock() == op->getBlock() &&
                   copy->isBeforeInBlock(other) && other->isBeforeInBlock(op);
          });
        };
        for (Operation *writer : writers)
          if (auto copy = dyn_cast<memref::CopyOp>(writer))
            if (Operation *source = storageOf(copy.getSource());
                source && isa<memref::GetGlobalOp>(source) &&
                !copy->hasAttr(EGRLDialect::getPlacementAttrName()) &&
                fillsForThisOp(copy) &&
                !loadsMutableGlobal(source, &assigned.symbols) &&
                !isSplatGlobal(source, assigned.symbols))
              storage.push_back(source);
      }
      for (Operation *s : storage)
        if (isa<memref::GetGlobalOp>(s))
          assigned.claimWeight(s, weights, placement.getNode());
    }
    // Inputs, and buffers the body reads from above (a lookup's table).
    llvm::SetVector<Value> inputs;
    for (OpOperand *input : op.getDpsInputOperands())
      inputs.insert(input->get());
    getUsedValuesDefinedAbove(op->getRegions(), inputs);
    for (Value input : inputs) {
      if (!isa<MemRefType>(input.getType()))
        continue;
      SmallVector<Operation *> storage;
      collectWeightStorage(input, assigned.writers, assigned.fromConstants,
                           storage);
      // Only storage that ends in a global is a weight; other inputs
      // are activations placed by their producer.
      bool isWeight = llvm::any_of(
          storage, [](Operation *s) { return isa<memref::GetGlobalOp>(s); });
      if (!isWeight)
        continue;
      // The op reads the first; the rest are what folded ops computed it
      // from (a transpose's constant), levelled by levelFoldedSources().
      Operation *read = storage.front();
      if (isa<memref::GetGlobalOp>(read)) {
        assigned.claimWeight(read, weights, placement.getNode());
      } else {
        assigned.levels.insert({read, weights});
        assigned.weightStorage.insert(read);
      }
      assigned.foldedSources.insert(storage.begin() + 1, storage.end());
    }
  }

  /// What folded ops compute a placed op's weight from (the constant a
  /// transpose reads, and buffers between) goes to the slowest level, as
  /// what the graph does not count does: the graph counts the folded
  /// weight once, in the level of the buffer the op reads, and a compiler
  /// that folds the transpose keeps only that. This pipeline folds nothing,
  /// so the ops run at every inference, reading their sources from the
  /// slowest level; with the sources in the weight's level too, a level
  /// would hold those weights twice. A global some placed op reads directly
  /// keeps that op's level.
  void levelFoldedSources(LevelAssignment &assigned) {
    SymbolTableCollection symbols;
    llvm::SmallPtrSet<Operation *, 16> readDirectly;
    for (auto &entry : assigned.levels)
      if (memref::GlobalOp global = globalOf(entry.first, symbols))
        readDirectly.insert(global);
    for (Operation *source : assigned.foldedSources) {
      if (assigned.levels.count(source))
        continue;
      memref::GlobalOp global = globalOf(source, symbols);
      if (global && readDirectly.contains(global))
        continue;
      if (StringAttr slowest = slowestLevelOf(source))
        assigned.levels.insert({source, slowest});
    }
  }

  /// Padded copies: the graph folds padding into the consumer, so such a
  /// buffer is its source activation's and takes its level (a graph input's
  /// is the slowest level, where host inputs are read from). Program order,
  /// so a pad of a pad finds its source already placed.
  void levelPaddedCopies(LevelAssignment &assigned) {
    walkAllocations(getOperation(), [&](Operation *alloc) {
      if (assigned.levels.count(alloc))
        return;
      memref::CopyOp copy = onlyCopyInto(alloc);
      if (!copy)
        return;
      Value source = viewRoot(copy.getSource());
      if (isa<BlockArgument>(source)) {
        if (StringAttr slowest = slowestLevelOf(alloc))
          assigned.levels.insert({alloc, slowest});
        return;
      }
      if (Operation *storage = storageOf(source)) {
        auto it = assigned.levels.find(storage);
        if (it != assigned.levels.end())
          assigned.levels.insert({alloc, it->second});
      }
    });
  }

  /// Buffers only filled with one value (linalg.fill) and only read: a
  /// splat, such as a recurrent layer's zero initial state, which the graph
  /// counts as free (a compiler folds or broadcasts it), so no placement
  /// names a level for it. It goes to the slowest level, as constants the
  /// graph does not count and graph inputs do, and takes no room the
  /// placement counted on in a faster one.
  void levelSplatBuffers(LevelAssignment &assigned) {
    walkAllocations(getOperation(), [&](Operation *alloc) {
      if (assigned.levels.count(alloc))
        return;
      auto writers = assigned.writers.find(alloc);
      if (writers == assigned.writers.end() || writers->second.empty() ||
          !llvm::all_of(writers->second, [&](Operation *op) {
            auto fill = dyn_cast<linalg::FillOp>(op);
            return fill && fill.getOutputs().front() == alloc->getResult(0);
          }))
        return;
      if (StringAttr slowest = slowestLevelOf(alloc))
        assigned.levels.insert({alloc, slowest});
    });
  }

  /// Gives each storage op (and each global behind a get_global) its
  /// level's #egrl.mem memory space, and its uses the new type.
  void retypeStorage(const LevelAssignment &assigned) {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    OpBuilder builder(ctx);
    SymbolTableCollection symbols;
    llvm::DenseMap<Operation *, StringAttr> globalLevels =
        levelsOfGlobals(assigned.levels, symbols);
    // Buffers that came with a memory space of their own (another pass's
    // integer space): the placement replaces it, and says so.
    unsigned overridden = 0;
    auto ownSpace = [](Type type) {
      Attribute space = cast<MemRefType>(type).getMemorySpace();
      return space && !isa<MemAttr>(space);
    };
    for (auto [storage, level] : assigned.levels) {
      Attribute space = MemAttr::get(ctx, level);
      overridden += ownSpace(storage->getResult(0).getType());
      if (auto get = dyn_cast<memref::GetGlobalOp>(storage)) {
        auto global = symbols.lookupNearestSymbolFrom<memref::GlobalOp>(
            get, get.getNameAttr());
        if (!global)
          continue;
        auto it = globalLevels.find(global);
        if (it == globalLevels.end())
          continue;
        space = MemAttr::get(ctx, it->second);
        MemRefType type = global.getType();
        global.setType(MemRefType::get(type.getShape(), type.getElementType(),
                                       type.getLayout(), space));
      }
      retype(storage->getResult(0), space, builder);
    }
    if (overridden > 0)
      emitWarning(module.getLoc())
          << "egrl-apply-memory-spaces: " << overridden
          << " placed buffers already had a memory space of their own; the "
             "placement's #egrl.mem replaced it";
    // Every get_global of a retyped global must match its new type.
    module.walk([&](memref::GetGlobalOp get) {
      auto global = symbols.lookupNearestSymbolFrom<memref::GlobalOp>(
          get, get.getNameAttr());
      if (global && globalLevels.count(global))
        retype(get.getResult(), global.getType().getMemorySpace(), builder);
    });
  }
};
} // namespace
