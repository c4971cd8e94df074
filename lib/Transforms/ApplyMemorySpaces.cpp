//===- ApplyMemorySpaces.cpp - Placements onto memref memory spaces -------===//
//
// After bufferization each placed op writes into a buffer and reads weights
// from globals. The buffer's (or global's) type gets `#egrl.mem<"level">`
// as memory space, so the level travels with the buffer into code
// generation. Structured ops accept any memory space; other users get a
// `memref.memory_space_cast` back to the type they were built for.
//
//===----------------------------------------------------------------------===//

#include "egrl/Analysis/GraphBuilder.h"
#include "egrl/Target/Target.h"
#include "egrl/Transforms/Passes.h"
#include "egrl/Transforms/PlacementAnnotations.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
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

/// The value at the root of `value`'s views (a buffer, or an argument).
Value viewRoot(Value value) {
  for (unsigned depth = 0; depth < 16; ++depth) {
    auto view = value.getDefiningOp<ViewLikeOpInterface>();
    if (!view)
      break;
    value = view.getViewSource();
  }
  return value;
}

/// The op that created the storage behind `value`, looking through views.
Operation *storageOf(Value value) {
  Operation *def = viewRoot(value).getDefiningOp();
  return isa_and_nonnull<memref::AllocOp, memref::AllocaOp,
                         memref::GetGlobalOp>(def)
             ? def
             : nullptr;
}

/// For every buffer (alloc, alloca, global), the ops that write into it,
/// directly or through views: copies (their target) and destination-style
/// ops (their inits).
llvm::DenseMap<Operation *, SmallVector<Operation *>>
writersOfBuffers(ModuleOp module) {
  llvm::DenseMap<Operation *, SmallVector<Operation *>> writers;
  auto note = [&](Operation *writer, Value target) {
    if (Operation *storage = storageOf(target))
      writers[storage].push_back(writer);
  };
  module.walk([&](Operation *op) {
    if (auto copy = dyn_cast<memref::CopyOp>(op))
      note(op, copy.getTarget());
    else if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
      for (OpOperand &init : dps.getDpsInitsMutable())
        note(op, init.get());
  });
  return writers;
}

using BufferWriters = llvm::DenseMap<Operation *, SmallVector<Operation *>>;

/// The buffers `writer` reads: a copy's source; a destination-style op's
/// inputs and what its body reads from above (the table of a lookup with
/// constant indices).
SmallVector<Value> buffersReadBy(Operation *writer) {
  llvm::SetVector<Value> inputs;
  if (auto copy = dyn_cast<memref::CopyOp>(writer)) {
    inputs.insert(copy.getSource());
  } else if (auto dps = dyn_cast<DestinationStyleOpInterface>(writer)) {
    for (OpOperand *input : dps.getDpsInputOperands())
      inputs.insert(input->get());
    getUsedValuesDefinedAbove(writer->getRegions(), inputs);
  }
  SmallVector<Value> buffers;
  for (Value input : inputs)
    if (isa<MemRefType>(input.getType()))
      buffers.push_back(input);
  return buffers;
}

bool writesFromConstantsOnly(Operation *writer, ArrayRef<Value> reads,
                             Operation *storage, const BufferWriters &writers,
                             llvm::DenseMap<Operation *, bool> &memo);

/// Whether the data behind `value` comes from constants only: a constant
/// global, or a buffer every writer of which carries no placement (a fold
/// a compiler makes once) and reads only such data. An argument, a mutable
/// global or a placed op anywhere behind it makes it an activation: a named
/// conv rebuilt as a linalg.generic by a pass after placement reads a
/// weight, but computes from the activation.
bool fromConstantsOnly(Value value, const BufferWriters &writers,
                       llvm::DenseMap<Operation *, bool> &memo) {
  Operation *storage = storageOf(value);
  if (!storage)
    return false;
  if (isa<memref::GetGlobalOp>(storage))
    return !loadsMutableGlobal(storage);
  // Seen on the way here (an op that reads its own init): adds nothing.
  if (auto known = memo.find(storage); known != memo.end())
    return known->second;
  memo[storage] = true;
  auto written = writers.find(storage);
  bool constant =
      written != writers.end() &&
      llvm::all_of(written->second, [&](Operation *writer) {
        return isa<memref::CopyOp, DestinationStyleOpInterface>(writer) &&
               writesFromConstantsOnly(writer, buffersReadBy(writer), storage,
                                       writers, memo);
      });
  memo[storage] = constant;
  return constant;
}

/// Whether `writer`, filling `storage`, carries no placement and its
/// `reads` are data computed from constants only (besides `storage` itself,
/// an init it accumulates into).
bool writesFromConstantsOnly(Operation *writer, ArrayRef<Value> reads,
                             Operation *storage, const BufferWriters &writers,
                             llvm::DenseMap<Operation *, bool> &memo) {
  return !writer->hasAttr(EGRLDialect::getPlacementAttrName()) &&
         llvm::all_of(reads, [&](Value read) {
           return storageOf(read) == storage ||
                  fromConstantsOnly(read, writers, memo);
         });
}

/// Storage holding the weight read through `value`, first: the global
/// itself, or a buffer compiler-folded ops (a transpose of a constant, which
/// carries no placement) filled from globals; then those globals, however
/// long the chain (Swin V2's position-bias MLP runs on a constant table:
/// a chain cut at five ops left its first weights in the default space).
/// A global the program changes (a KV cache) is state that flows in at run
/// time, as the graph has it, not a weight; so is what an op with no
/// placement computes from an activation (fromConstantsOnly).
void collectWeightStorage(Value value, const BufferWriters &writers,
                          llvm::DenseMap<Operation *, bool> &memo,
                          SmallVectorImpl<Operation *> &out) {
  llvm::SmallPtrSet<Operation *, 16> seen;
  SmallVector<Value> worklist = {value};
  while (!worklist.empty()) {
    Operation *storage = storageOf(worklist.pop_back_val());
    if (!storage || loadsMutableGlobal(storage) || !seen.insert(storage).second)
      continue;
    out.push_back(storage);
    if (isa<memref::GetGlobalOp>(storage))
      continue;
    // Its writers, through views (a transpose into an expanded view of it).
    for (Operation *writer : writers.lookup(storage)) {
      if (!isa<DestinationStyleOpInterface>(writer))
        continue;
      SmallVector<Value> reads = buffersReadBy(writer);
      if (writesFromConstantsOnly(writer, reads, storage, writers, memo))
        llvm::append_range(worklist, reads);
    }
  }
}

/// The destination-style ops that read `buffer`, through views, as an input
/// or from their body (a lookup's table).
SmallVector<Operation *> computeOpsReading(Value buffer) {
  SmallVector<Operation *> readers;
  SmallVector<Value> worklist = {buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto view = dyn_cast<ViewLikeOpInterface>(user);
          view && view.getViewSource() == value) {
        worklist.push_back(user->getResult(0));
        continue;
      }
      auto dps = dyn_cast<DestinationStyleOpInterface>(user);
      if (dps && dps.isDpsInput(&use)) {
        readers.push_back(user);
        continue;
      }
      if (!dps)
        if (auto body = user->getParentOfType<DestinationStyleOpInterface>())
          readers.push_back(body);
    }
  }
  return readers;
}

/// Calls `visit` with every buffer allocation in `root`: a heap one, or a
/// stack one (--promote-buffers-to-stack run before this pass).
template <typename Visit> void walkAllocations(Operation *root, Visit visit) {
  root->walk([&](Operation *op) {
    if (isa<memref::AllocOp, memref::AllocaOp>(op))
      visit(op);
  });
}

/// The memory space of an allocation's buffer.
Attribute memorySpaceOf(Operation *alloc) {
  return cast<MemRefType>(alloc->getResult(0).getType()).getMemorySpace();
}

/// The one memref.copy that writes into `alloc` (or into a subview of it),
/// or null: tensor.pad bufferizes to an alloc filled with the padding value
/// and one copy of its source into the interior.
memref::CopyOp onlyCopyInto(Operation *alloc) {
  memref::CopyOp found;
  unsigned copies = 0;
  auto visit = [&](Value target) {
    for (Operation *user : target.getUsers())
      if (auto copy = dyn_cast<memref::CopyOp>(user);
          copy && copy.getTarget() == target) {
        found = copy;
        ++copies;
      }
  };
  visit(alloc->getResult(0));
  for (Operation *user : alloc->getUsers())
    if (auto subview = dyn_cast<memref::SubViewOp>(user))
      visit(subview.getResult());
  return copies == 1 ? found : memref::CopyOp();
}

/// The record of the nearest module around `op` (or `op` itself) that has
/// one: a nested module placed on its own has its own.
RecordAttr recordOf(Operation *op) {
  for (; op; op = op->getParentOp())
    if (auto record =
            op->getAttrOfType<RecordAttr>(EGRLDialect::getRecordAttrName()))
      return record;
  return {};
}

/// The slowest level of the placement around `op` (its record's last), where
/// graph inputs and what the graph does not count live; null without one.
StringAttr slowestLevelOf(Operation *op) {
  RecordAttr record = recordOf(op);
  if (!record || record.getLevels().empty())
    return {};
  return cast<StringAttr>(record.getLevels().getValue().back());
}

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

/// The global a storage op loads, if it is a get_global.
memref::GlobalOp globalOf(Operation *storage, SymbolTableCollection &symbols) {
  auto get = dyn_cast<memref::GetGlobalOp>(storage);
  return get ? symbols.lookupNearestSymbolFrom<memref::GlobalOp>(
                   get, get.getNameAttr())
             : memref::GlobalOp();
}

/// Whether `get` loads a splat constant, which the graph counts as free
/// (a compiler folds or broadcasts it) and so as no weight.
bool isSplatGlobal(Operation *get, SymbolTableCollection &symbols) {
  memref::GlobalOp global = globalOf(get, symbols);
  auto value = global ? dyn_cast_or_null<DenseElementsAttr>(
                            global.getInitialValue().value_or(Attribute()))
                      : DenseElementsAttr();
  return value && value.isSplat();
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

/// The level each storage op (an alloc, a get_global) takes, as the placed
/// ops say, and what the walks saw.
struct LevelAssignment {
  /// The module's symbol tables, indexed once for every global looked up.
  SymbolTableCollection symbols;
  /// The chip target= names, loaded once: every placement's weights are
  /// checked against it.
  std::optional<Target> given;
  /// Storage op -> level; the first op to claim a buffer decides, but for a
  /// weight's global the lowest-numbered node that reads it: the graph's
  /// owner of a shared weight (GraphOpMap::weightOwnerOf), whose every op
  /// reading it carries its level, while an op of a later node fused
  /// between the owner's ops carries its own node's.
  llvm::MapVector<Operation *, StringAttr> levels;
  llvm::DenseMap<Operation *, int64_t> claimedBy;
  /// The node whose op first wrote each output buffer.
  llvm::DenseMap<Operation *, int64_t> outputWriter;
  BufferWriters writers;
  /// Buffers known to hold data computed from constants only, or not.
  llvm::DenseMap<Operation *, bool> fromConstants;
  /// Any allocation in a level says placement and bufferization ran, even
  /// when no placed op is left (a module whose placed ops were concats).
  bool sawLevelledBuffer = false;
  bool sawMemrefs = false;
  /// Storage behind a weight a placed op reads through folded ops: the
  /// globals a transpose of a constant reads, and the buffers between.
  llvm::SetVector<Operation *> foldedSources;
  /// Storage that holds a weight a placed op reads: the globals, and the
  /// buffers folded ops fill (checkWeightRoom() adds them up).
  llvm::SetVector<Operation *> weightStorage;

  void claimWeight(Operation *global, StringAttr level, int64_t node) {
    weightStorage.insert(global);
    auto [it, first] = claimedBy.try_emplace(global, node);
    if (!first && it->second <= node)
      return;
    it->second = node;
    levels[global] = level;
  }
};

struct ApplyMemorySpacesPass
    : public egrl::impl::EGRLApplyMemorySpacesBase<ApplyMemorySpacesPass> {
  using EGRLApplyMemorySpacesBase::EGRLApplyMemorySpacesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    LevelAssignment assigned;
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
    if (!placedAnything(assigned))
      return;
    levelPaddedCopies(assigned);
    levelSplatBuffers(assigned);
    levelFoldedSources(assigned);
    retypeStorage(assigned);
    if (failed(checkWeightRoom(assigned)))
      return signalPassFailure();
    // Buffers an op (or a copy) writes that got no level: their op lost its
    // #egrl.placement to a pass between placement and bufferization
    // (fusion, a conversion), or bufferization replaced it by copies into a
    // new buffer (tensor.concat, insert_slice into an empty tensor,
    // linalg.softmax), which keep no attribute. Whether
    // --egrl-prepare-bufferization ran is not known here, so the message
    // names what it does and what it cannot do. Silently defaulted, they would
    // be a placement nobody asked for.
    warnAboutUnplacedWeights();
    warnAboutPlacedCalls();
    WrittenBuffers count = countWrittenBuffers(assigned.writers);
    if (count.unplaced == 0)
      return;
    // Said at the function that holds the first of them: a module's own
    // location is file:0:0 when the module is implicit.
    InFlightDiagnostic diag = unplacedBuffers(functionLocOf(count.firstWriter));
    auto of = [&](UnplacedCause cause) {
      return count.byCause[static_cast<unsigned>(cause)];
    };
    auto firstOf = [&](UnplacedCause cause) {
      return count.firstByCause[static_cast<unsigned>(cause)];
    };
    bool onlyOther = of(UnplacedCause::Other) == count.unplaced;
    if (onlyOther)
      diag.attachNote(count.firstWriter->getLoc())
          << "the first of them is written by this '"
          << count.firstWriter->getName() << "'";
    diag << "egrl-apply-memory-spaces: " << count.unplaced << " of "
         << count.written
         << " buffers that ops write have no #egrl.placement behind them "
            "and keep the default memory space: ";
    // Each cause the writers tell, with how many buffers it leaves.
    StringRef separator = "";
    auto clause = [&](UnplacedCause cause, StringRef kind) -> bool {
      unsigned n = of(cause);
      if (!n)
        return false;
      diag << separator << n << (n == 1 ? " is " : " are ");
      separator = "; ";
      if (!onlyOther)
        diag.attachNote(firstOf(cause)->getLoc())
            << "the first of the " << kind << " is written by this '"
            << firstOf(cause)->getName() << "'";
      return true;
    };
    if (clause(UnplacedCause::FunctionBoundary, "function-boundary copies"))
      diag << "a copy of a function's argument (a pad of it): "
              "--one-shot-bufferize ran without bufferize-function-boundaries, "
              "so arguments reach the ops through bufferization.to_buffer and "
              "what is built from them gets no level; run "
              "--one-shot-bufferize=bufferize-function-boundaries";
    if (clause(UnplacedCause::IndexTable, "tables"))
      diag << "a table computed from indices only (a mask or a position "
              "table: a tensor.generate or a linalg op with no inputs), which "
              "the placement counts as a weight of the op that reads it, but "
              "which is computed at run time into a buffer of its own that "
              "no placed op writes (a known gap, README)";
    if (clause(UnplacedCause::Generate, "tensor.generate buffers"))
      diag << "written by a tensor.generate, which bufferizes to a "
              "linalg.map that keeps no #egrl.placement (a known gap, README)";
    if (of(UnplacedCause::Other) && !onlyOther) {
      clause(UnplacedCause::Other, "other buffers");
      diag << "otherwise unplaced: ";
    }
    if (of(UnplacedCause::Other))
      diag
          << "a pass between placement "
             "and bufferization rewrote their ops (run --egrl-memory-placement "
             "after fusion and conversions, right before "
             "--one-shot-bufferize), "
             "or bufferization replaced them by copies (tensor.concat, "
             "insert_slice into an empty tensor, linalg.softmax): "
             "--egrl-prepare-bufferization before --one-shot-bufferize "
             "allocates those in their level, except a concatenation the "
             "function returns, which keeps the default memory space; inserts "
             "into a tensor computed from constants only (which no graph node "
             "writes) keep it too";
  }

  /// A placed call's result is a buffer the callee allocates (or returns):
  /// this pass retypes no function signature, so the level the placement
  /// gave the result is not applied, and is said to be.
  void warnAboutPlacedCalls() {
    getOperation().walk([&](CallOpInterface call) {
      auto placement = call->getAttrOfType<PlacementAttr>(
          EGRLDialect::getPlacementAttrName());
      if (!placement || !placement.getOutput() ||
          !llvm::any_of(call->getResultTypes(),
                        [](Type t) { return isa<MemRefType>(t); }))
        return;
      InFlightDiagnostic diag = unplacedBuffers(call->getLoc());
      diag << "egrl-apply-memory-spaces: the placement gives this call's "
              "result output level '"
           << placement.getOutput().getValue()
           << "', which cannot be applied: the result is a buffer the callee "
              "allocates, which keeps the memory space of the callee's "
              "signature";
      if (auto callee =
              dyn_cast_if_present<SymbolRefAttr>(call.getCallableForCallee()))
        diag << " (" << callee << ")";
    });
  }

  /// Weights (constant globals compute ops read) left in the default space.
  /// A pass that rebuilds placed ops (generalizing named convolutions)
  /// drops their placements, but the new ops write into the buffers of
  /// fills that kept theirs, so the count of written buffers hardly moves
  /// while every weight they read stays in the default space.
  void warnAboutUnplacedWeights() {
    ModuleOp module = getOperation();
    SymbolTableCollection symbols;
    // Per constant global, the first compute op with no placement that
    // reads it, and whether a placed one does. Only what compute ops read is
    // a weight: not a constant a call receives or a function returns, nor
    // a reshape's shape; and a global a placed op reads without it being a
    // weight of its node (an input its body never reads) kept its space as
    // the placement decided.
    struct Readers {
      Operation *firstUnplaced = nullptr;
      bool placed = false;
    };
    llvm::MapVector<memref::GlobalOp, Readers> readers;
    module.walk([&](memref::GetGlobalOp get) {
      auto global = symbols.lookupNearestSymbolFrom<memref::GlobalOp>(
          get, get.getNameAttr());
      if (!global || !global.getConstant())
        return;
      for (Operation *reader : computeOpsReading(get.getResult())) {
        Readers &seen = readers[global];
        if (reader->hasAttr(EGRLDialect::getPlacementAttrName()))
          seen.placed = true;
        else if (!seen.firstUnplaced)
          seen.firstUnplaced = reader;
      }
    });
    unsigned unplaced = 0;
    int64_t elements = 0, unplacedElements = 0;
    Operation *firstReader = nullptr;
    for (auto &[global, seen] : readers) {
      int64_t size = global.getType().getNumElements();
      elements += size;
      if (global.getType().getMemorySpace() || seen.placed ||
          !seen.firstUnplaced)
        continue;
      unplacedElements += size;
      if (unplaced++ == 0)
        firstReader = seen.firstUnplaced;
    }
    if (unplaced == 0)
      return;
    InFlightDiagnostic diag = unplacedBuffers(functionLocOf(firstReader));
    diag.attachNote(firstReader->getLoc())
        << "the first of them is read by this '" << firstReader->getName()
        << "'";
    diag << "egrl-apply-memory-spaces: " << unplaced << " of " << readers.size()
         << " weights (constant globals compute ops read; " << unplacedElements
         << " of " << elements
         << " elements) have no #egrl.placement behind them and keep the "
            "default memory space: a pass between "
            "placement and bufferization rebuilt the ops reading them "
            "(generalizing named ops, fusion, a conversion; run "
            "--egrl-memory-placement right before --one-shot-bufferize), or "
            "tensor ops build a new tensor from them (a concat of weight "
            "slices, a pad or insert on a weight)";
  }

  /// Where a diagnostic about the whole module goes: its first function
  /// (a module's own location is file:0:0 when the module is implicit), as
  /// the placement pass reports, else the module.
  Location firstFunctionLoc() {
    Location loc = getOperation().getLoc();
    getOperation().walk([&](FunctionOpInterface function) {
      loc = function->getLoc();
      return WalkResult::interrupt();
    });
    return loc;
  }

  /// Where a diagnostic about `op` goes: its function (a module's own
  /// location is file:0:0 when the module is implicit), else the module.
  Location functionLocOf(Operation *op) {
    auto function = op->getParentOfType<FunctionOpInterface>();
    return function ? function->getLoc() : getOperation().getLoc();
  }

  /// Buffers left in the default space: a warning, or with require-all an
  /// error that fails the pass.
  InFlightDiagnostic unplacedBuffers(std::optional<Location> at = {}) {
    Location loc = at.value_or(getOperation().getLoc());
    if (!requireAll)
      return emitWarning(loc);
    signalPassFailure();
    return emitError(loc);
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

  /// The weights each level holds now, against the room the placement's
  /// chip has there. The placement was checked against the graph's count,
  /// which the lowered module can exceed (README, "Where in a pipeline"):
  /// folds of one weight that CSE did not merge each fill a buffer, a weight
  /// computed larger than its source counts at the source's size, and the
  /// sources of folded weights sit uncounted in the slowest level. Weights
  /// alone past a level's room are an overflow the report did not see, so
  /// it is said (activations would only add to it). Checked where the record
  /// names a bundled chip (its sizes are known here) whose description is the
  /// one placed for.
  LogicalResult checkWeightRoom(const LevelAssignment &assigned) {
    // Per record (a nested module placed on its own has its own), per
    // level: bytes, and the globals counted (two loads of one are one).
    struct Held {
      /// Elements, and their bytes at the IR's element sizes.
      llvm::StringMap<std::pair<int64_t, int64_t>> bytes;
      llvm::SmallPtrSet<Operation *, 16> globals;
      Operation *where = nullptr;
    };
    llvm::MapVector<Attribute, Held> held;
    SymbolTableCollection symbols;
    // With what folded ops compute them from: levelFoldedSources() put
    // those in the slowest level, beside its own weights.
    llvm::SetVector<Operation *> storages = assigned.weightStorage;
    storages.insert(assigned.foldedSources.begin(),
                    assigned.foldedSources.end());
    for (Operation *storage : storages) {
      RecordAttr record = recordOf(storage);
      if (!record)
        continue;
      Held &h = held[record];
      if (!h.where)
        h.where = storage;
      // The level the storage ended in (retypeStorage() has run): a
      // global's own, which functions that disagree send to the slowest.
      MemRefType type;
      if (isa<memref::GetGlobalOp>(storage)) {
        memref::GlobalOp global = globalOf(storage, symbols);
        if (!global || !h.globals.insert(global).second)
          continue;
        type = global.getType();
      } else if (storage->getNumResults() == 1) {
        type = dyn_cast<MemRefType>(storage->getResult(0).getType());
      }
      auto space =
          type ? dyn_cast_or_null<MemAttr>(type.getMemorySpace()) : MemAttr();
      if (!space || !type.hasStaticShape())
        continue;
      StringAttr level = space.getLevel();
      auto &[elements, bytes] = h.bytes[level.getValue()];
      elements += type.getNumElements();
      bytes +=
          type.getNumElements() * storedElementBytes(type.getElementType());
    }
    // A chip named by target= is checked against every placement.
    const std::optional<Target> &given = assigned.given;
    for (auto &[recordAttr, h] : held) {
      auto record = cast<RecordAttr>(recordAttr);
      StringAttr name =
          record.getSimTarget() ? record.getSimTarget() : record.getTarget();
      StringAttr digest = record.getSimTarget() ? record.getSimTargetDigest()
                                                : record.getTargetDigest();
      Location where = functionLocOf(h.where);
      // Sizes this pass cannot know are said not checked, not skipped quietly.
      auto unchecked = [&](const llvm::Twine &why) {
        emitRemark(where) << "egrl-apply-memory-spaces: the weights each level "
                             "holds are not checked against the room of "
                          << (name ? name.getValue() : "the placement's chip")
                          << ": " << why
                          << "; give its file with target=FILE to check them";
      };
      std::optional<Target> chip = given;
      // A file of the same levels but other sizes is another chip: what
      // overflows there was never counted as fitting.
      bool otherChip = false;
      if (chip) {
        otherChip = digest && digest.getValue() != chip->digest();
        // Another chip's levels would be compared by accident, or not at all.
        std::vector<std::string> placedOn = levelNamesOf(record);
        if (placedOn != chip->levelNameList()) {
          emitError(where) << "egrl-apply-memory-spaces: target=" << target
                           << " has levels " << chip->levelNames()
                           << ", the placement was made for levels "
                           << llvm::join(placedOn, ", ") << " of "
                           << record.getTarget().getValue();
          return failure();
        }
      } else {
        if (!name || !isBundledTargetName(name.getValue())) {
          unchecked("it is not a bundled target");
          continue;
        }
        llvm::Expected<Target> bundled = loadTarget(name.getValue());
        if (!bundled) {
          unchecked(llvm::toString(bundled.takeError()));
          continue;
        }
        // An edited copy under the bundled name has other sizes.
        if (digest && digest.getValue() != bundled->digest()) {
          unchecked("the placement was made for a chip of that name whose "
                    "description differs from the bundled one");
          continue;
        }
        chip = std::move(*bundled);
      }
      for (const MemoryLevel &level : chip->levels) {
        auto it = h.bytes.find(level.name);
        if (it == h.bytes.end())
          continue;
        // The target's element size, where it has one, sizes every element.
        auto [elements, irBytes] = it->second;
        int64_t bytes =
            chip->elementBytes ? elements * *chip->elementBytes : irBytes;
        if (bytes <= level.usableBytes())
          continue;
        InFlightDiagnostic warning = emitWarning(where);
        warning << "egrl-apply-memory-spaces: level '" << level.name
                << "' now holds " << bytes
                << " bytes of weights (their globals and the buffers folded "
                   "ops fill from them), more than the "
                << level.usableBytes() << " it has on " << chip->name;
        // The digest covers rates too: a file of other rates but the same
        // room overflows for the usual causes.
        if (otherChip)
          warning << ": target=" << target
                  << " describes another chip than the placement was made "
                     "for (digest "
                  << chip->digest() << ", the placement's " << digest.getValue()
                  << "): if its levels hold less, place for this file; if "
                     "not, ";
        else
          warning << ", where the placement counted them as fitting: ";
        warning << "folded ops of one weight that were not merged (several "
                   "transposes of it: run --cse before placement), a weight "
                   "computed larger than its source (a broadcast, a tile, a "
                   "dequantisation, counted at its source's size: fuse it "
                   "into its reader), or the sources of folded weights in "
                   "the slowest level";
      }
    }
    return success();
  }

  /// Why a written buffer got no level, where its writer tells.
  enum class UnplacedCause {
    /// A linalg op with no inputs and no placement that reads nothing but
    /// its indices (a causal mask, a position table, a tensor.generate of
    /// indices): the graph counts the table as a weight of the op reading
    /// it, but it is computed at run time into a buffer of its own.
    IndexTable,
    /// A tensor.generate reading other tensors: bufferization turns it into
    /// a linalg.map that keeps no #egrl.placement.
    Generate,
    /// A function's argument reached through bufferization.to_buffer: the
    /// function boundaries were not bufferized.
    FunctionBoundary,
    /// Anything else: a rewritten op, or copies bufferization made.
    Other,
  };
  static constexpr unsigned kCauses = 4;

  /// Whether `value` comes from a function's argument through
  /// bufferization.to_buffer (one-shot-bufferize without
  /// bufferize-function-boundaries).
  static bool fromUnbufferizedArgument(Value value) {
    auto toBuffer = viewRoot(value).getDefiningOp<bufferization::ToBufferOp>();
    return toBuffer && isa<BlockArgument>(toBuffer.getTensor());
  }

  static UnplacedCause causeOf(Operation *alloc,
                               ArrayRef<Operation *> writers) {
    // A pad of an argument: a fill and a copy of the argument's buffer.
    for (Operation *writer : writers)
      if (auto copy = dyn_cast<memref::CopyOp>(writer);
          copy && fromUnbufferizedArgument(copy.getSource()))
        return UnplacedCause::FunctionBoundary;
    Operation *writer = writers.front();
    auto linalgOp = dyn_cast<linalg::LinalgOp>(writer);
    if (!linalgOp || writer->hasAttr(EGRLDialect::getPlacementAttrName()) ||
        linalgOp.getNumDpsInputs() != 0 || writer->getNumRegions() != 1)
      return UnplacedCause::Other;
    llvm::SetVector<Value> above;
    getUsedValuesDefinedAbove(writer->getRegions(), above);
    bool readsBuffers = llvm::any_of(
        above, [](Value v) { return isa<MemRefType>(v.getType()); });
    bool readsIndices = false;
    writer->walk([&](linalg::IndexOp index) {
      // A pad's fill asks for indices it does not use.
      readsIndices |= !index->use_empty();
    });
    if (!readsBuffers)
      return readsIndices ? UnplacedCause::IndexTable : UnplacedCause::Other;
    return isa<linalg::MapOp>(writer) ? UnplacedCause::Generate
                                      : UnplacedCause::Other;
  }

  /// Buffers an op (or a copy) writes, and those of them in no level.
  /// (Buffers only read for their shape, as a pooling window, are not
  /// activations of the graph.)
  struct WrittenBuffers {
    unsigned written = 0, unplaced = 0;
    /// Per UnplacedCause, how many buffers and the first one's writer.
    unsigned byCause[kCauses] = {};
    Operation *firstByCause[kCauses] = {};
    /// The first buffer in no level, and the first op that writes it.
    Operation *firstUnplaced = nullptr;
    Operation *firstWriter = nullptr;
  };
  WrittenBuffers countWrittenBuffers(
      const llvm::DenseMap<Operation *, SmallVector<Operation *>> &writers) {
    WrittenBuffers count;
    walkAllocations(getOperation(), [&](Operation *alloc) {
      auto it = writers.find(alloc);
      if (it == writers.end())
        return;
      ++count.written;
      if (isa_and_nonnull<MemAttr>(memorySpaceOf(alloc)))
        return;
      if (count.unplaced++ == 0) {
        count.firstUnplaced = alloc;
        count.firstWriter = it->second.front();
      }
      auto cause = static_cast<unsigned>(causeOf(alloc, it->second));
      if (count.byCause[cause]++ == 0)
        count.firstByCause[cause] = it->second.front();
    });
    return count;
  }

  /// Whether the module holds placed buffers to give levels to; if not, says
  /// why (not placed, placements lost, not bufferized) and returns false.
  bool placedAnything(const LevelAssignment &assigned) {
    ModuleOp module = getOperation();
    bool sawPlacement = assigned.sawLevelledBuffer;
    module.walk([&](Operation *op) {
      sawPlacement |= op->hasAttr(EGRLDialect::getPlacementAttrName());
    });
    if (!sawPlacement) {
      // A module placed (it has the record) lost its placements to a pass
      // in between.
      bool placed = module->hasAttr(EGRLDialect::getRecordAttrName());
      // A module with nothing to place (no buffer is written: it computes
      // nothing) has nothing to apply either.
      unsigned writtenBuffers = countWrittenBuffers(assigned.writers).written;
      if (!writtenBuffers) {
        // Or it is not bufferized yet.
        bool computesOnTensors = false;
        module.walk([&](DestinationStyleOpInterface op) {
          computesOnTensors |= op.hasPureTensorSemantics();
        });
        if (computesOnTensors)
          unplacedBuffers(firstFunctionLoc())
              << "egrl-apply-memory-spaces: no op carries an "
                 "#egrl.placement and the module still computes on tensors: "
              << (placed ? "it was placed (it has an #egrl.record), but a "
                           "pass since rewrote every placed op; run "
                           "--egrl-memory-placement after fusion and "
                           "conversions, then --one-shot-bufferize, before "
                           "this pass"
                         : "run --egrl-memory-placement, then "
                           "--one-shot-bufferize, before this pass");
        return false;
      }
      // Lowering ran already: it drops the placements and the record, and
      // the buffers are in the target's integer address spaces.
      bool lowered = false;
      module.walk([&](Operation *op) {
        Type type;
        if (auto global = dyn_cast<memref::GlobalOp>(op))
          type = global.getType();
        else if (isa<memref::AllocOp, memref::AllocaOp>(op))
          type = op->getResult(0).getType();
        if (auto memref = dyn_cast_or_null<MemRefType>(type))
          lowered |= isa_and_nonnull<IntegerAttr>(memref.getMemorySpace());
      });
      if (!placed && lowered) {
        unplacedBuffers(firstFunctionLoc())
            << "egrl-apply-memory-spaces: no op carries an #egrl.placement "
               "and the buffers are in integer memory spaces already: "
               "--egrl-lower-memory-spaces ran before this pass (it drops the "
               "placements); run this pass before it";
        return false;
      }
      // Every buffer keeps the default space.
      unplacedBuffers(firstFunctionLoc())
          << "egrl-apply-memory-spaces: no op carries an #egrl.placement; "
          << (placed ? "the module was placed (it has an #egrl.record), so a "
                       "pass between placement and bufferization rewrote "
                       "every placed op: run --egrl-memory-placement after "
                       "fusion and conversions, right before "
                       "--one-shot-bufferize; "
                     : "run --egrl-memory-placement (before "
                       "--one-shot-bufferize) first (it places nothing where "
                       "no node computes); ")
          << writtenBuffers
          << (writtenBuffers == 1 ? " written buffer keeps"
                                  : " written buffers keep")
          << " the default memory space";
      return false;
    }
    if (!assigned.sawMemrefs) {
      emitError(module.getLoc())
          << "egrl-apply-memory-spaces: the placed ops still "
             "work on tensors; run --one-shot-bufferize first";
      signalPassFailure();
      return false;
    }
    // Placed ops on buffers in one module do not make up for placed ops
    // still on tensors in another: a nested module placed on its own that
    // bufferization skipped (one-shot-bufferize on the outer module only)
    // keeps its placements on tensors, where no level can be applied.
    // Only nested modules: in the module itself an op bufferization left on
    // tensors on purpose (allow-unknown-ops: an op it does not know) keeps
    // the rest of the module's levels, as before.
    Operation *onTensors = nullptr;
    module.walk([&](Operation *op) {
      if (!op->hasAttr(EGRLDialect::getPlacementAttrName()) ||
          op->getParentOfType<ModuleOp>() == module)
        return WalkResult::advance();
      auto isTensor = [](Type type) { return isa<TensorType>(type); };
      if (llvm::any_of(op->getResultTypes(), isTensor) ||
          llvm::any_of(op->getOperandTypes(), isTensor)) {
        onTensors = op;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (onTensors) {
      auto inner = onTensors->getParentOfType<ModuleOp>();
      InFlightDiagnostic error = emitError(functionLocOf(onTensors));
      error << "egrl-apply-memory-spaces: the placed ops of nested module "
            << (inner.getSymName() ? "@" + inner.getSymName()->str()
                                   : std::string("(unnamed)"))
            << " still work on tensors; run --one-shot-bufferize first (on "
               "that module too: bufferizing the outer module leaves a "
               "nested one on tensors)";
      error.attachNote(onTensors->getLoc())
          << "the first of them is this '" << onTensors->getName() << "'";
      signalPassFailure();
      return false;
    }
    return true;
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
