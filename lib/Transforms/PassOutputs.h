//===- PassOutputs.h - Files a pass writes beside the IR ------------------===//
//
// A pass that writes a file of its own (a report, a trace, a printed graph)
// writes it while the tool still has to write the IR, and after the tool
// read the IR: a file the tool writes or read from would lose what it holds.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_TRANSFORMS_PASSOUTPUTS_H
#define EGRL_LIB_TRANSFORMS_PASSOUTPUTS_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace egrl {

/// Why a pass running on `module` may not write `path`: the tool writes it
/// too (its -o, or stdout redirected to it), or the IR was read from it (a
/// file the module's locations name); "" when it may. "-" and "" may.
std::string passOutputClash(llvm::StringRef path, mlir::ModuleOp module);

} // namespace egrl

#endif // EGRL_LIB_TRANSFORMS_PASSOUTPUTS_H
