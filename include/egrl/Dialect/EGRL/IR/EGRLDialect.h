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
/// ops that only create an empty buffer (tensor.empty) and splat constants
/// used only as output inits (a folded linalg.fill). The graph builder and
/// the placement verifier share this rule.
bool isWeightSource(mlir::Operation *op);
/// True if `op` loads a global the program may change (a `mutable`
/// ml_program.global or util.global, a memref.global that is not
/// `constant`): state, such as a KV cache, that flows in at run time like an
/// argument, not a weight.
bool loadsMutableGlobal(mlir::Operation *op);
} // namespace egrl

#endif // EGRL_DIALECT_EGRL_IR_EGRLDIALECT_H
