//===- EGRLDialect.h - The egrl dialect and its attributes ----------------===//

#ifndef EGRL_DIALECT_EGRL_IR_EGRLDIALECT_H
#define EGRL_DIALECT_EGRL_IR_EGRLDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Value.h"

#include <string>
#include <vector>

#include "egrl/Dialect/EGRL/IR/EGRLDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "egrl/Dialect/EGRL/IR/EGRLAttrs.h.inc"

namespace egrl {
/// The level names a placement's record holds, fastest first.
std::vector<std::string> levelNamesOf(RecordAttr record);
/// True if `op` is a call (an opaque kernel, such as one that reads the next
/// frame) or declares that it writes or allocates: what it makes is run-time
/// data, even from no operands, never a value a compiler folds.
bool producesRuntimeData(mlir::Operation *op);
/// True if `op` produces weight data from nothing: a constant, a load of a
/// global (memref.get_global, ml_program.global_load, IREE's
/// util.global.load), or any other operand-less op making a tensor, except
/// ops that only create an empty buffer (tensor.empty), splat constants
/// used only as output inits (a folded linalg.fill) and producesRuntimeData
/// ops. The graph builder and
/// the placement verifier share this rule. `symbols`, when given, caches the
/// lookups of globals (see loadsMutableGlobal).
bool isWeightSource(mlir::Operation *op,
                    mlir::SymbolTableCollection *symbols = nullptr);
/// True if `type` has a static shape of more than one element (its element
/// count is not computed, so a shape past 2^63 elements cannot wrap).
bool holdsSeveralElements(mlir::Type type);
/// True if `op` makes a static tensor of more than one element from its loop
/// indices alone: a linalg op whose body reads linalg.index (an iota, a
/// causal mask, positional encodings) or a tensor.generate. Read from nothing
/// at run time, it folds to a constant tensor of its own, a weight (one
/// element is a scalar, as a one-element constant is); the graph builder and
/// the placement verifier share this rule.
bool computesFromIndices(mlir::Operation *op);
/// True if `op` loads a global the program may change (a `mutable`
/// ml_program.global or util.global, a memref.global that is not
/// `constant`, a tosa.variable_read): state, such as a KV cache, that flows
/// in at run time like an argument, not a weight. Without `symbols` each
/// call scans the symbol table for the global; a caller asking about every
/// op of a module passes one collection, so that the module's globals are
/// indexed once.
bool loadsMutableGlobal(mlir::Operation *op,
                        mlir::SymbolTableCollection *symbols = nullptr);
/// Every attribute `op` carries, the properties of an unregistered op
/// included: in generic form (`"util.global.load"() <{global = @w}>`, as
/// `--mlir-print-op-generic` writes) an unregistered op keeps its attributes
/// as properties, which `Operation::getAttrs()` does not list.
mlir::DictionaryAttr allAttributesOf(mlir::Operation *op);
} // namespace egrl

#endif // EGRL_DIALECT_EGRL_IR_EGRLDIALECT_H
