//===- EGRLDialect.cpp - egrl dialect, attributes and verifiers -----------===//

#include "egrl/Dialect/EGRL/IR/EGRLDialect.h"
#include "egrl/Search/SeedFrom.h"
#include "egrl/Target/Target.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace egrl;

#include "egrl/Dialect/EGRL/IR/EGRLDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "egrl/Dialect/EGRL/IR/EGRLAttrs.cpp.inc"

void EGRLDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "egrl/Dialect/EGRL/IR/EGRLAttrs.cpp.inc"
      >();
}

/// True when `value` is used, and only as the init of destination-style ops.
static bool onlyInitialisesOutputs(Value value) {
  return !value.use_empty() &&
         llvm::all_of(value.getUses(), [](OpOperand &use) {
           auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
           return dps && dps.isDpsInit(&use);
         });
}

/// A splat constant that only initialises outputs (what canonicalisation
/// leaves of a linalg.fill) is a buffer init, not a weight.
static bool isSplatInit(Operation *op) {
  Attribute value;
  return op->getNumResults() == 1 &&
         matchPattern(op->getResult(0), m_Constant(&value)) &&
         isa<SplatElementsAttr>(value) &&
         onlyInitialisesOutputs(op->getResult(0));
}

/// tensor.splat / tensor.from_elements of constants: the constant tensor
/// canonicalisation turns them into, so they count alike.
static bool isTensorOfConstants(Operation *op) {
  StringRef name = op->getName().getStringRef();
  if (name != "tensor.splat" && name != "tensor.from_elements")
    return false;
  return llvm::all_of(op->getOperands(), [](Value operand) {
    Operation *def = operand.getDefiningOp();
    return def && def->hasTrait<OpTrait::ConstantLike>();
  });
}

DictionaryAttr egrl::allAttributesOf(Operation *op) {
  DictionaryAttr attrs = op->getAttrDictionary();
  if (op->isRegistered())
    return attrs;
  auto properties =
      dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute());
  if (!properties || properties.empty())
    return attrs;
  NamedAttrList merged(properties);
  for (NamedAttribute attr : attrs)
    merged.set(attr.getName(), attr.getValue());
  return merged.getDictionary(op->getContext());
}

bool egrl::loadsMutableGlobal(Operation *op, SymbolTableCollection *symbols) {
  if (op->getNumOperands() != 0 || op->getNumResults() != 1)
    return false;
  // A TOSA variable is state by definition (tosa.variable_write changes it),
  // named by a string rather than a symbol reference.
  if (op->getName().getStringRef() == "tosa.variable_read")
    return true;
  for (NamedAttribute attr : allAttributesOf(op)) {
    auto symbol = dyn_cast<SymbolRefAttr>(attr.getValue());
    if (!symbol)
      continue;
    Operation *global = symbols
                            ? symbols->lookupNearestSymbolFrom(op, symbol)
                            : SymbolTable::lookupNearestSymbolFrom(op, symbol);
    if (!global)
      continue;
    if (global->getName().getStringRef() == "memref.global")
      return !global->hasAttr("constant");
    return bool(allAttributesOf(global).get("is_mutable"));
  }
  return false;
}

bool egrl::producesRuntimeData(Operation *op) {
  if (isa<CallOpInterface>(op))
    return true;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  return effects && (effects.hasEffect<MemoryEffects::Write>() ||
                     effects.hasEffect<MemoryEffects::Allocate>());
}

bool egrl::isWeightSource(Operation *op, SymbolTableCollection *symbols) {
  if (loadsMutableGlobal(op, symbols))
    return false;
  if (op->hasTrait<OpTrait::ConstantLike>())
    return !isSplatInit(op);
  if (isTensorOfConstants(op))
    return !onlyInitialisesOutputs(op->getResult(0));
  if (op->getName().getStringRef() == "memref.get_global")
    return true;
  if (producesRuntimeData(op))
    return false;
  StringRef name = op->getName().getStringRef();
  return op->getNumOperands() == 0 && op->getNumRegions() == 0 &&
         op->getNumResults() == 1 &&
         isa<RankedTensorType>(op->getResult(0).getType()) &&
         name != "tensor.empty" && name != "bufferization.alloc_tensor";
}

bool egrl::holdsSeveralElements(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return false;
  ArrayRef<int64_t> shape = shaped.getShape();
  return llvm::all_of(shape, [](int64_t d) { return d >= 1; }) &&
         llvm::any_of(shape, [](int64_t d) { return d > 1; });
}

bool egrl::computesFromIndices(Operation *op) {
  if (op->getNumResults() != 1 ||
      !isa<RankedTensorType>(op->getResult(0).getType()) ||
      !holdsSeveralElements(op->getResult(0).getType()))
    return false;
  if (op->getName().getStringRef() == "tensor.generate")
    return true; // Its body computes each element from the element's indices.
  // Only a linalg op's body may hold linalg.index (its verifier says so).
  return op->getNumRegions() == 1 && !op->getRegion(0).empty() &&
         llvm::any_of(op->getRegion(0).front(), [](Operation &inner) {
           return inner.getName().getStringRef() == "linalg.index";
         });
}

namespace {
/// What a value holds, by the rules of the graph builder (docs/graph.md):
/// weights, data that flows in at run time, or nothing (buffers that only
/// initialise an output, scalars).
/// Unknown: the chain of producers is too long to follow here, so the
/// verifier does not judge.
enum class Holds { Nothing, Weights, Data, Unknown };

Holds classify(Value value, unsigned depth, llvm::DenseMap<Value, Holds> &memo,
               SymbolTableCollection *symbols) {
  if (!isa<ShapedType>(value.getType()))
    return Holds::Nothing;
  Operation *def = value.getDefiningOp();
  if (!def || loadsMutableGlobal(def, symbols))
    return Holds::Data;
  if (depth > 256)
    return Holds::Unknown;
  if (auto it = memo.find(value); it != memo.end())
    return it->second;
  if (isWeightSource(def, symbols)) {
    return holdsSeveralElements(value.getType()) ? Holds::Weights
                                                 : Holds::Nothing;
  }
  StringRef name = def->getName().getStringRef();
  if (name == "tensor.empty" || name == "bufferization.alloc_tensor")
    return Holds::Nothing;
  // Every tensor the op reads, including what its body reads from above (a
  // lookup's table).
  llvm::SetVector<Value> inputs(def->operand_begin(), def->operand_end());
  getUsedValuesDefinedAbove(def->getRegions(), inputs);
  Holds result = Holds::Nothing;
  for (Value input : inputs) {
    Holds held = classify(input, depth + 1, memo, symbols);
    if (held == Holds::Data || held == Holds::Unknown) {
      result = held;
      break;
    }
    if (held == Holds::Weights)
      result = Holds::Weights;
  }
  // An iota or a table computed from indices alone is a weight of its own.
  if (result == Holds::Nothing && computesFromIndices(def))
    result = Holds::Weights;
  // Unknown depends on where the walk started (its depth), so it is not kept
  // for a value another walk may reach sooner.
  if (result != Holds::Unknown)
    memo[value] = result;
  return result;
}
} // namespace

/// Whether `value` may hold weights (a constant tensor with more than one
/// element, or computed from weights only, like a transposed constant):
/// false only when it certainly does not.
static bool mayBeWeightValue(Value value, llvm::DenseMap<Value, Holds> &memo,
                             SymbolTableCollection *symbols) {
  Holds held = classify(value, 0, memo, symbols);
  return held == Holds::Weights || held == Holds::Unknown;
}

LogicalResult RecordAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringAttr target, ArrayAttr levels,
                                 StringAttr strategy, StringAttr evaluator,
                                 StringAttr granularity, uint64_t seed,
                                 StringAttr simTarget, StringAttr seedFrom,
                                 DenseI64ArrayAttr addressSpaces,
                                 StringAttr targetDigest,
                                 StringAttr simTargetDigest, uint64_t budget) {
  if (levels.empty())
    return emitError() << "egrl.record needs at least one level";
  llvm::DenseSet<Attribute> seen;
  for (Attribute level : levels) {
    auto name = dyn_cast<StringAttr>(level);
    if (!name)
      return emitError() << "egrl.record levels must be strings, got " << level;
    if (name.getValue().empty())
      return emitError() << "egrl.record levels must not be empty";
    if (!seen.insert(name).second)
      return emitError() << "egrl.record names level " << name << " twice";
  }
  if (granularity.getValue() != "fused" && granularity.getValue() != "op")
    return emitError() << "egrl.record granularity must be \"fused\" or "
                          "\"op\", got "
                       << granularity;
  if (seedFrom && !parseSeedFrom(seedFrom.getValue()))
    return emitError() << "egrl.record seed_from must be one of "
                       << seedFromChoices() << ", got " << seedFrom;
  if (simTarget && simTarget.getValue().empty())
    return emitError() << "egrl.record sim_target must not be empty";
  if (simTargetDigest && !simTarget)
    return emitError() << "egrl.record has a sim_target_digest but no "
                          "sim_target";
  for (StringAttr digest : {targetDigest, simTargetDigest})
    if (digest && (digest.size() != 16 ||
                   !llvm::all_of(digest.getValue(), llvm::isHexDigit)))
      return emitError() << "egrl.record digests are 16 hex digits, got "
                         << digest;
  if (addressSpaces) {
    if (addressSpaces.size() != int64_t(levels.size()))
      return emitError() << "egrl.record has " << addressSpaces.size()
                         << " address spaces for " << levels.size()
                         << " levels";
    llvm::ArrayRef<int64_t> spaces = addressSpaces.asArrayRef();
    for (auto [index, space] : llvm::enumerate(spaces)) {
      if (space < 0 || space > Target::kMaxAddressSpace)
        return emitError() << "egrl.record address space " << space
                           << " is not between 0 and 2^24 - 1 (LLVM's "
                              "address spaces)";
      // Two levels in one address space would be one memory to the code
      // generator, as a target file may not say either.
      for (size_t earlier = 0; earlier < index; ++earlier)
        if (spaces[earlier] == space)
          return emitError()
                 << "egrl.record puts levels " << levels[earlier] << " and "
                 << levels[index] << " both in address space " << space
                 << "; each level needs its own";
    }
  }
  return success();
}

LogicalResult MemAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              StringAttr level) {
  if (!level || level.getValue().empty())
    return emitError() << "#egrl.mem needs a level name";
  return success();
}

std::vector<std::string> egrl::levelNamesOf(RecordAttr record) {
  std::vector<std::string> names;
  for (Attribute level : record.getLevels())
    names.push_back(cast<StringAttr>(level).getValue().str());
  return names;
}

/// "sram, llc, dram": the record's levels for diagnostics.
static std::string levelList(RecordAttr record) {
  return llvm::join(levelNamesOf(record), ", ");
}

/// Whether every symbol table in `module` names its symbols uniquely.
static bool hasUniqueSymbolNames(ModuleOp module) {
  WalkResult walk = module->walk([](Operation *op) {
    if (!op->hasTrait<OpTrait::SymbolTable>() || op->getNumRegions() != 1 ||
        op->getRegion(0).empty())
      return WalkResult::advance();
    llvm::DenseSet<StringAttr> names;
    for (Operation &child : op->getRegion(0).front())
      if (auto name =
              child.getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
          name && !names.insert(name).second)
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !walk.wasInterrupted();
}

/// An op whose #egrl.placement has `weights` must read weights.
static LogicalResult
verifyPlacedWeights(Operation *op, llvm::DenseMap<Value, Holds> &memo,
                    llvm::function_ref<SymbolTableCollection *()> classifyAll) {
  auto placement =
      op->getAttrOfType<PlacementAttr>(EGRLDialect::getPlacementAttrName());
  if (!placement || !placement.getWeights())
    return success();
  // After bufferization a folded weight is a buffer written by another op,
  // so the rule is only checked on tensors.
  if (llvm::any_of(op->getOperandTypes(),
                   [](Type t) { return isa<MemRefType>(t); }))
    return success();
  SymbolTableCollection *symbols = classifyAll();
  // A lookup reads its table inside the body (tensor.extract).
  llvm::SetVector<Value> read(op->operand_begin(), op->operand_end());
  getUsedValuesDefinedAbove(op->getRegions(), read);
  if (llvm::any_of(read,
                   [&](Value v) { return mayBeWeightValue(v, memo, symbols); }))
    return success();
  return op->emitError()
         << "#egrl.placement has 'weights' but the op reads no weights (a "
            "pass run after --egrl-memory-placement removed what it read, "
            "or the attribute was edited; run the placement after fusion "
            "and conversions, right before --one-shot-bufferize)";
}

/// Every #egrl.mem in the module (types of values, globals, signatures)
/// must name a level of the module's record, and every placed op that says
/// where its weights live must read some. Checked here, once per module with
/// one symbol table and what each value holds classified once, in program
/// order, rather than by each op's #egrl.placement: a lookup of a global
/// scans the module, and each op would follow its chain of producers again.
static LogicalResult verifyRecordedModule(ModuleOp module, RecordAttr record) {
  llvm::DenseSet<Attribute> known(record.getLevels().begin(),
                                  record.getLevels().end());
  // A SymbolTableCollection asserts (in builds with assertions) that names
  // are unique, which the symbol table's own verifier checks only after
  // this one: with a duplicate, each lookup scans instead.
  SymbolTableCollection collection;
  SymbolTableCollection *symbols = nullptr;
  // What every value holds, classified in walk order before the first op
  // that names a weights level is checked (a module with none pays
  // nothing), each from its operands' classes already known when their
  // producers came first; a value whose chain runs through a later block is
  // left to the checks below, by when that block's values are known (so
  // block order does not change the verdict).
  llvm::DenseMap<Value, Holds> holds;
  bool classified = false;
  auto classifyAll = [&]() -> SymbolTableCollection * {
    if (classified)
      return symbols;
    classified = true;
    if (hasUniqueSymbolNames(module))
      symbols = &collection;
    module->walk([&](Operation *op) {
      for (Value value : op->getResults())
        classify(value, 0, holds, symbols);
    });
    return symbols;
  };
  WalkResult result = module->walk<WalkOrder::PreOrder>([&](Operation *op) {
    // A nested module with a record of its own is checked against that one.
    if (op != module.getOperation() && isa<ModuleOp>(op) &&
        op->hasAttr(EGRLDialect::getRecordAttrName()))
      return WalkResult::skip();
    // One in a nested module without a record is an error of its own.
    if (op->getParentOfType<ModuleOp>() == module &&
        failed(verifyPlacedWeights(op, holds, classifyAll)))
      return WalkResult::interrupt();
    auto check = [&](MemAttr mem) {
      if (known.contains(mem.getLevel()))
        return WalkResult::advance();
      op->emitError() << "memory space " << mem << " is not a level of target '"
                      << record.getTarget().getValue()
                      << "' (levels: " << levelList(record) << ")";
      return WalkResult::interrupt();
    };
    for (Type type : op->getResultTypes())
      if (type.walk(check).wasInterrupted())
        return WalkResult::interrupt();
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (arg.getType().walk(check).wasInterrupted())
            return WalkResult::interrupt();
    // memref.global's type, func.func's signature.
    if (op->getAttrDictionary().walk(check).wasInterrupted())
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

LogicalResult EGRLDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  if (attr.getName() == getRecordAttrName()) {
    auto record = dyn_cast<RecordAttr>(attr.getValue());
    if (!record)
      return op->emitError()
             << "'" << getRecordAttrName() << "' must be an #egrl.record";
    auto module = dyn_cast<ModuleOp>(op);
    if (!module)
      return op->emitError()
             << "'" << getRecordAttrName() << "' belongs on a builtin.module";
    return verifyRecordedModule(module, record);
  }
  if (attr.getName() != getPlacementAttrName())
    return op->emitError() << "unknown egrl attribute '"
                           << attr.getName().getValue() << "'";

  auto placement = dyn_cast<PlacementAttr>(attr.getValue());
  if (!placement)
    return op->emitError() << "'" << getPlacementAttrName()
                           << "' must be an #egrl.placement";
  ModuleOp module = op->getParentOfType<ModuleOp>();
  RecordAttr record =
      module ? module->getAttrOfType<RecordAttr>(getRecordAttrName())
             : RecordAttr();
  if (!record)
    return op->emitError() << "#egrl.placement needs an enclosing module "
                              "with an '"
                           << getRecordAttrName()
                           << "' naming the target's levels";
  auto checkLevel = [&](StringAttr level, StringRef role) -> LogicalResult {
    for (Attribute known : record.getLevels())
      if (known == level)
        return success();
    return op->emitError() << role << " level " << level
                           << " is not a level of target '"
                           << record.getTarget().getValue()
                           << "' (levels: " << levelList(record) << ")";
  };
  if (failed(checkLevel(placement.getOutput(), "output")))
    return failure();
  // That the op reads weights is checked with the module's record
  // (verifyRecordedModule).
  if (StringAttr weights = placement.getWeights())
    if (failed(checkLevel(weights, "weights")))
      return failure();
  if (placement.getNode() < 0)
    return op->emitError() << "#egrl.placement node index must be >= 0";
  return success();
}
