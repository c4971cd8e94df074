//===- ModelLoader.h - Workload graphs from .mlir or graph .json files ----===//
//
// Tools outside the pass pipeline (egrl-bench, egrl-train) take models as MLIR
// files (parsed with every upstream dialect registered) or as the JSON that
// `--egrl-print-graph=json=true` writes.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_ANALYSIS_MODELLOADER_H
#define EGRL_ANALYSIS_MODELLOADER_H

#include "egrl/Analysis/GraphBuilder.h"

namespace egrl {

/// Loads the graph of `path`. For MLIR, `function` names the func.func to
/// use; empty means the only function with a body. Diagnostics become the
/// error text, with locations.
llvm::Expected<WorkloadGraph> loadWorkloadGraph(llvm::StringRef path,
                                                Granularity granularity,
                                                llvm::StringRef function = "");

} // namespace egrl

#endif // EGRL_ANALYSIS_MODELLOADER_H
