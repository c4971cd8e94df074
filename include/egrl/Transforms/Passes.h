//===- Passes.h - egrl pass declarations and registration -----------------===//

#ifndef EGRL_TRANSFORMS_PASSES_H
#define EGRL_TRANSFORMS_PASSES_H

#include "egrl/Dialect/EGRL/IR/EGRLDialect.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace egrl {
#define GEN_PASS_DECL
#include "egrl/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "egrl/Transforms/Passes.h.inc"
} // namespace egrl

#endif // EGRL_TRANSFORMS_PASSES_H
