//===- Passes.h - egrl pass declarations and registration -----------------===//

#ifndef EGRL_TRANSFORMS_PASSES_H
#define EGRL_TRANSFORMS_PASSES_H

#include "egrl/Dialect/EGRL/IR/EGRLDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"

namespace egrl {
#define GEN_PASS_DECL
#include "egrl/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "egrl/Transforms/Passes.h.inc"

/// Whether an egrl-print-graph pass wrote to stdout in this process: egrl-opt
/// then leaves the IR out of stdout unless `-o` names where it goes, so that
/// `--egrl-print-graph=json=true > g.json` holds the graph and nothing else.
bool graphPrintedToStdout();
} // namespace egrl

#endif // EGRL_TRANSFORMS_PASSES_H
