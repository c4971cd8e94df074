//===- ApplyMemorySpacesDiagnostics.cpp - Unplaced buffers, weight room ---===//

#include "ApplyMemorySpacesDiagnostics.h"

#include "egrl/Analysis/GraphBuilder.h"
#include "egrl/Target/Target.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace egrl;

namespace {

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
constexpr unsigned kCauses = 4;

/// Whether `value` comes from a function's argument through
/// bufferization.to_buffer (one-shot-bufferize without
/// bufferize-function-boundaries).
bool fromUnbufferizedArgument(Value value) {
  auto toBuffer = viewRoot(value).getDefiningOp<bufferization::ToBufferOp>();
  return toBuffer && isa<BlockArgument>(toBuffer.getTensor());
}

UnplacedCause causeOf(Operation *alloc, ArrayRef<Operation *> writers) {
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
  bool readsBuffers =
      llvm::any_of(above, [](Value v) { return isa<MemRefType>(v.getType()); });
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

} // namespace

/// Buffers an op (or a copy) writes, and those of them in no level.
/// (Buffers only read for their shape, as a pooling window, are not
/// activations of the graph.)
struct ApplyMemorySpacesDiagnostics::WrittenBuffers {
  unsigned written = 0, unplaced = 0;
  /// Per UnplacedCause, how many buffers and the first one's writer.
  unsigned byCause[kCauses] = {};
  Operation *firstByCause[kCauses] = {};
  /// The first buffer in no level, and the first op that writes it.
  Operation *firstUnplaced = nullptr;
  Operation *firstWriter = nullptr;
};

ApplyMemorySpacesDiagnostics::ApplyMemorySpacesDiagnostics(
    ModuleOp module, StringRef target, bool requireAll,
    std::function<void()> signalPassFailure)
    : operation(module), target(target.str()), requireAll(requireAll),
      fail(std::move(signalPassFailure)) {}

void ApplyMemorySpacesDiagnostics::warnAboutUnplacedBuffers(
    const LevelAssignment &assigned) {
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
    diag << "a pass between placement "
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

void ApplyMemorySpacesDiagnostics::warnAboutPlacedCalls() {
  getOperation().walk([&](CallOpInterface call) {
    auto placement =
        call->getAttrOfType<PlacementAttr>(EGRLDialect::getPlacementAttrName());
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

void ApplyMemorySpacesDiagnostics::warnAboutUnplacedWeights() {
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
    if (global.getType().getMemorySpace() || seen.placed || !seen.firstUnplaced)
      continue;
    unplacedElements += size;
    if (unplaced++ == 0)
      firstReader = seen.firstUnplaced;
  }
  if (unplaced == 0)
    return;
  InFlightDiagnostic diag = unplacedBuffers(functionLocOf(firstReader));
  diag.attachNote(firstReader->getLoc())
      << "the first of them is read by this '" << firstReader->getName() << "'";
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

Location ApplyMemorySpacesDiagnostics::firstFunctionLoc() {
  Location loc = getOperation().getLoc();
  getOperation().walk([&](FunctionOpInterface function) {
    loc = function->getLoc();
    return WalkResult::interrupt();
  });
  return loc;
}

Location ApplyMemorySpacesDiagnostics::functionLocOf(Operation *op) {
  auto function = op->getParentOfType<FunctionOpInterface>();
  return function ? function->getLoc() : getOperation().getLoc();
}

InFlightDiagnostic
ApplyMemorySpacesDiagnostics::unplacedBuffers(std::optional<Location> at) {
  Location loc = at.value_or(getOperation().getLoc());
  if (!requireAll)
    return emitWarning(loc);
  signalPassFailure();
  return emitError(loc);
}

LogicalResult
ApplyMemorySpacesDiagnostics::checkWeightRoom(const LevelAssignment &assigned) {
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
  storages.insert(assigned.foldedSources.begin(), assigned.foldedSources.end());
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
    bytes += type.getNumElements() * storedElementBytes(type.getElementType());
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

ApplyMemorySpacesDiagnostics::WrittenBuffers
ApplyMemorySpacesDiagnostics::countWrittenBuffers(
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

bool ApplyMemorySpacesDiagnostics::placedAnything(
    const LevelAssignment &assigned) {
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
