//===- EGRLDialect.h - The egrl dialect and its attributes ----------------===//

#ifndef EGRL_DIALECT_EGRL_IR_EGRLDIALECT_H
#define EGRL_DIALECT_EGRL_IR_EGRLDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/Value.h"

#include "egrl/Dialect/EGRL/IR/EGRLDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "egrl/Dialect/EGRL/IR/EGRLAttrs.h.inc"

namespace egrl {
/// True if `op` produces weight data from nothing: a constant, a load of a
/// global (memref.get_global, ml_program.global_load, IREE's
/// util.global.load), or any other operand-less op making a tensor, except
/// ops that only create an empty buffer (tensor.empty).
bool isWeightSource(mlir::Operation *op);

/// True if `value` is a weight: a constant tensor with more than one element,
/// or computed from weights only (a transposed or broadcast constant, which a
/// compiler folds). The graph builder and the verifier share this rule.
bool isWeightValue(mlir::Value value);
} // namespace egrl

#endif // EGRL_DIALECT_EGRL_IR_EGRLDIALECT_H
