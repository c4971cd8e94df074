//===- BufferProvenance.cpp - Where buffers get their data ----------------===//

#include "BufferProvenance.h"

#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace egrl;

Value egrl::viewRoot(Value value) {
  for (unsigned depth = 0; depth < 16; ++depth) {
    auto view = value.getDefiningOp<ViewLikeOpInterface>();
    if (!view)
      break;
    value = view.getViewSource();
  }
  return value;
}

Operation *egrl::storageOf(Value value) {
  Operation *def = viewRoot(value).getDefiningOp();
  return isa_and_nonnull<memref::AllocOp, memref::AllocaOp,
                         memref::GetGlobalOp>(def)
             ? def
             : nullptr;
}

BufferWriters egrl::writersOfBuffers(ModuleOp module) {
  BufferWriters writers;
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

namespace {

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

} // namespace

void egrl::collectWeightStorage(Value value, const BufferWriters &writers,
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

SmallVector<Operation *> egrl::computeOpsReading(Value buffer) {
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

void egrl::walkAllocations(Operation *root,
                           llvm::function_ref<void(Operation *)> visit) {
  root->walk([&](Operation *op) {
    if (isa<memref::AllocOp, memref::AllocaOp>(op))
      visit(op);
  });
}

Attribute egrl::memorySpaceOf(Operation *alloc) {
  return cast<MemRefType>(alloc->getResult(0).getType()).getMemorySpace();
}

memref::CopyOp egrl::onlyCopyInto(Operation *alloc) {
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

RecordAttr egrl::recordOf(Operation *op) {
  for (; op; op = op->getParentOp())
    if (auto record =
            op->getAttrOfType<RecordAttr>(EGRLDialect::getRecordAttrName()))
      return record;
  return {};
}

StringAttr egrl::slowestLevelOf(Operation *op) {
  RecordAttr record = recordOf(op);
  if (!record || record.getLevels().empty())
    return {};
  return cast<StringAttr>(record.getLevels().getValue().back());
}

memref::GlobalOp egrl::globalOf(Operation *storage,
                                SymbolTableCollection &symbols) {
  auto get = dyn_cast<memref::GetGlobalOp>(storage);
  return get ? symbols.lookupNearestSymbolFrom<memref::GlobalOp>(
                   get, get.getNameAttr())
             : memref::GlobalOp();
}

bool egrl::isSplatGlobal(Operation *get, SymbolTableCollection &symbols) {
  memref::GlobalOp global = globalOf(get, symbols);
  auto value = global ? dyn_cast_or_null<DenseElementsAttr>(
                            global.getInitialValue().value_or(Attribute()))
                      : DenseElementsAttr();
  return value && value.isSplat();
}
