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

/// Claims `path` ("" and "-" are not claimed) as the `kind` ("report") file
/// of `run`, a pass instance of a pipeline (its threading clones share the
/// original's claims), when the pipeline is initialized, before any pass of
/// it runs. Another instance's claim of the same file is a clash (a parent
/// module's run and a nested one's, or two runs on one module: the later
/// replaces the earlier's file); returns that claim's kind, "" when there is
/// none.
std::string claimPipelineOutput(const void *run, llvm::StringRef kind,
                                llvm::StringRef path);
/// Drops the claims of `run`, when it is destroyed with its pipeline.
void releasePipelineOutputs(const void *run);

} // namespace egrl

#endif // EGRL_LIB_TRANSFORMS_PASSOUTPUTS_H
