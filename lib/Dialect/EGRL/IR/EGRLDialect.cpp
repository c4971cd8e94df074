//===- EGRLDialect.cpp - egrl dialect, attributes and verifiers -----------===//

#include "egrl/Dialect/EGRL/IR/EGRLDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "llvm/ADT/TypeSwitch.h"

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

bool egrl::isWeightSource(Operation *op) {
  if (op->hasTrait<OpTrait::ConstantLike>() ||
      op->getName().getStringRef() == "memref.get_global")
    return true;
  StringRef name = op->getName().getStringRef();
  return op->getNumOperands() == 0 && op->getNumRegions() == 0 &&
         op->getNumResults() == 1 &&
         isa<RankedTensorType>(op->getResult(0).getType()) &&
         name != "tensor.empty" && name != "bufferization.alloc_tensor";
}

static bool isWeightValueImpl(Value value, unsigned depth) {
  auto shaped = dyn_cast<ShapedType>(value.getType());
  if (!shaped || depth > 8)
    return false;
  Operation *def = value.getDefiningOp();
  if (!def)
    return false;
  if (isWeightSource(def))
    return shaped.hasStaticShape() && shaped.getNumElements() > 1;
  // Data inputs only: a destination-style op's init operand is a buffer to
  // write into, not data.
  SmallVector<Value> inputs;
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(def))
    for (OpOperand *operand : dps.getDpsInputOperands())
      inputs.push_back(operand->get());
  else
    inputs.append(def->operand_begin(), def->operand_end());
  bool anyWeight = false;
  for (Value input : inputs) {
    if (!isa<ShapedType>(input.getType()))
      continue;
    if (!isWeightValueImpl(input, depth + 1))
      return false;
    anyWeight = true;
  }
  return anyWeight;
}

bool egrl::isWeightValue(Value value) { return isWeightValueImpl(value, 0); }

LogicalResult
RecordAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                   StringAttr target, ArrayAttr levels, StringAttr strategy,
                   StringAttr evaluator, StringAttr granularity,
                   int64_t seed) {
  if (levels.empty())
    return emitError() << "egrl.record needs at least one level";
  for (Attribute level : levels)
    if (!isa<StringAttr>(level))
      return emitError() << "egrl.record levels must be strings, got "
                         << level;
  if (granularity.getValue() != "fused" && granularity.getValue() != "op")
    return emitError() << "egrl.record granularity must be \"fused\" or "
                          "\"op\", got "
                       << granularity;
  return success();
}

LogicalResult EGRLDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  if (attr.getName() == getRecordAttrName()) {
    if (!isa<RecordAttr>(attr.getValue()))
      return op->emitError() << "'" << getRecordAttrName()
                             << "' must be an #egrl.record";
    if (!isa<ModuleOp>(op))
      return op->emitError() << "'" << getRecordAttrName()
                             << "' belongs on a builtin.module";
    return success();
  }
  if (attr.getName() != getPlacementAttrName())
    return op->emitError() << "unknown egrl attribute '" << attr.getName().getValue()
                           << "'";

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
    std::string names;
    for (Attribute known : record.getLevels())
      names += (names.empty() ? "" : ", ") +
               cast<StringAttr>(known).getValue().str();
    return op->emitError() << role << " level " << level
                           << " is not a level of target '"
                           << record.getTarget().getValue()
                           << "' (levels: " << names << ")";
  };
  if (failed(checkLevel(placement.getOutput(), "output")))
    return failure();
  if (StringAttr weights = placement.getWeights()) {
    if (failed(checkLevel(weights, "weights")))
      return failure();
    // After bufferization a folded weight is a buffer written by another op,
    // so the rule is only checked on tensors.
    bool onBuffers = llvm::any_of(op->getOperandTypes(),
                                  [](Type t) { return isa<MemRefType>(t); });
    bool readsWeights = llvm::any_of(
        op->getOperands(), [](Value v) { return isWeightValue(v); });
    if (!onBuffers && !readsWeights)
      return op->emitError()
             << "#egrl.placement has 'weights' but the op reads no weights";
  }
  if (placement.getNode() < 0)
    return op->emitError() << "#egrl.placement node index must be >= 0";
  return success();
}
