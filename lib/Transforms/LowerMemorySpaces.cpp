//===- LowerMemorySpaces.cpp - #egrl.mem to integer address spaces --------===//
//
// Upstream lowering to LLVM (finalize-memref-to-llvm) only converts integer
// memory spaces; this pass maps each level to the address space the target
// gives it and removes the egrl attributes a backend does not know.
//
//===----------------------------------------------------------------------===//

#include "RepeatedOptions.h"

#include "egrl/Dialect/EGRL/IR/EGRLDialect.h"
#include "egrl/Target/Target.h"
#include "egrl/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

namespace egrl {
#define GEN_PASS_DEF_EGRLLOWERMEMORYSPACES
#include "egrl/Transforms/Passes.h.inc"
} // namespace egrl

using namespace mlir;
using namespace egrl;

namespace {

/// Whether anything in the module is egrl's: a memory space, a placement.
bool hasEgrlContent(ModuleOp module) {
  bool found = false;
  AttrTypeWalker walker;
  walker.addWalk([&](MemAttr) { found = true; });
  walker.addWalk([&](PlacementAttr) { found = true; });
  module.walk([&](Operation *op) {
    walker.walk(op->getAttrDictionary());
    for (Type type : op->getResultTypes())
      walker.walk(type);
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument argument : block.getArguments())
          walker.walk(argument.getType());
    return found ? WalkResult::interrupt() : WalkResult::advance();
  });
  return found;
}

struct LowerMemorySpacesPass
    : public NotesRepeatedOptions<
          egrl::impl::EGRLLowerMemorySpacesBase<LowerMemorySpacesPass>> {
  using NotesRepeatedOptions::NotesRepeatedOptions;

  const llvm::cl::Option &anyOption() const override { return target; }

  void runOnOperation() override {
    if (refusedRepeatedOptions())
      return;
    // A nested module placed on its own (its own #egrl.record, as the
    // verifier allows) is lowered with its record first, innermost first;
    // target= names the outer module's chip.
    SmallVector<ModuleOp> placedApart;
    getOperation().walk([&](ModuleOp inner) {
      if (inner != getOperation() &&
          inner->hasAttr(EGRLDialect::getRecordAttrName()))
        placedApart.push_back(inner);
    });
    for (ModuleOp inner : placedApart)
      if (failed(lowerModule(inner, "")))
        return signalPassFailure();
    if (failed(lowerModule(getOperation(), target)))
      signalPassFailure();
  }

  /// Lowers `module` with its record, or with `target` when given.
  LogicalResult lowerModule(ModuleOp module, StringRef target) {
    auto fail = [&](const Twine &message) {
      emitError(module.getLoc()) << "egrl-lower-memory-spaces: " << message;
      return failure();
    };
    auto record =
        module->getAttrOfType<RecordAttr>(EGRLDialect::getRecordAttrName());
    // The levels the placement was made for, fastest first.
    std::vector<std::string> placedOn;
    if (record)
      placedOn = levelNamesOf(record);
    // Each level's address space: from target= when given, else from the
    // record (which holds them since the record has address_spaces), else
    // from the bundled target the record names.
    llvm::StringMap<unsigned> spaceOf;
    std::string chipName, levelList;
    if (target.empty() && record && record.getAddressSpaces()) {
      chipName = record.getTarget().str();
      levelList = llvm::join(placedOn, ", ");
      for (auto [level, space] :
           llvm::zip_equal(placedOn, record.getAddressSpaces().asArrayRef()))
        spaceOf[level] = unsigned(space);
    } else {
      // Nothing was placed (a module with nothing to place gets no
      // record) and nothing here is egrl's: nothing to lower.
      if (target.empty() && !record && !hasEgrlContent(module))
        return success();
      if (target.empty() && !record)
        return fail("the module has no #egrl.record (run "
                    "--egrl-memory-placement first) and no target= was given");
      std::string name =
          target.empty() ? record.getTarget().str() : target.str();
      // The record names the target, not the file it came from, and a name
      // from the IR is looked up among the bundled targets only.
      if (target.empty() && !isBundledTargetName(name))
        return fail("the placement's target '" + name +
                    "' is not bundled; give its file with target=");
      llvm::Expected<Target> chip = loadTarget(name);
      if (!chip) {
        // Of target=, nowhere in the IR: no location (MemoryPlacement.cpp).
        emitError(UnknownLoc::get(&getContext()))
            << "egrl-lower-memory-spaces: " << llvm::toString(chip.takeError());
        return failure();
      }
      // A target of other levels than the placement's would map the
      // placement's names by accident, or not at all.
      if (record && placedOn != chip->levelNameList())
        return fail("the placement was made for levels " +
                    llvm::join(placedOn, ", ") + " of target '" +
                    record.getTarget().getValue() + "', target '" + chip->name +
                    "' has " + chip->levelNames());
      chipName = chip->name;
      levelList = chip->levelNames();
      for (const MemoryLevel &level : chip->levels)
        spaceOf[level.name] = level.addressSpace;
    }

    MLIRContext *ctx = &getContext();
    IntegerType i64 = IntegerType::get(ctx, 64);
    std::string unknown;
    bool sawMemorySpace = false;
    AttrTypeReplacer replacer;
    replacer.addReplacement([&](MemAttr mem) -> std::optional<Attribute> {
      sawMemorySpace = true;
      auto space = spaceOf.find(mem.getLevel());
      if (space == spaceOf.end()) {
        if (unknown.empty())
          unknown = mem.getLevel().str();
        return std::nullopt;
      }
      return IntegerAttr::get(i64, space->second);
    });
    replacer.recursivelyReplaceElementsIn(module, /*replaceAttrs=*/true,
                                          /*replaceLocs=*/false,
                                          /*replaceTypes=*/true);
    if (!unknown.empty())
      return fail("memory space #egrl.mem<\"" + unknown +
                  "\"> names no level of target '" + chipName +
                  "' (levels: " + levelList + ")");
    // Placements that never became memory spaces would vanish here with
    // the attributes that carry them.
    bool sawPlacement = false;
    module.walk([&](Operation *op) {
      sawPlacement |= op->hasAttr(EGRLDialect::getPlacementAttrName());
    });
    if (sawPlacement && !sawMemorySpace)
      emitWarning(module.getLoc())
          << "egrl-lower-memory-spaces: the module has #egrl.placement "
             "attributes but no #egrl.mem memory space, so the placement is "
             "dropped; run --one-shot-bufferize and "
             "--egrl-apply-memory-spaces before this pass";
    freeThroughDefaultSpace(module);
    module.walk([](Operation *op) {
      op->removeAttr(EGRLDialect::getPlacementAttrName());
    });
    module->removeAttr(EGRLDialect::getRecordAttrName());
    return success();
  }

  /// Upstream's finalize-memref-to-llvm frees a buffer of another address
  /// space by passing its pointer to `free`, which takes a default-space
  /// pointer, and fails ('llvm.call' op operand type mismatch); it
  /// allocates one with `malloc` and an addrspacecast. So a dealloc
  /// (upstream's buffer-deallocation passes, run before this one) frees
  /// the buffer cast back to the default space, as it was allocated.
  static void freeThroughDefaultSpace(ModuleOp module) {
    OpBuilder builder(module.getContext());
    module.walk([&](memref::DeallocOp dealloc) {
      auto type = dyn_cast<MemRefType>(dealloc.getMemref().getType());
      if (!type || !type.getMemorySpace())
        return;
      builder.setInsertionPoint(dealloc);
      auto generic = MemRefType::get(type.getShape(), type.getElementType(),
                                     type.getLayout(), Attribute());
      Value cast = memref::MemorySpaceCastOp::create(
          builder, dealloc.getLoc(), generic, dealloc.getMemref());
      dealloc.getMemrefMutable().assign(cast);
    });
  }
};

} // namespace
