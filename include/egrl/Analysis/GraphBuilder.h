//===- GraphBuilder.h - Build a WorkloadGraph from a func.func ------------===//
//
// Reads one function of linalg-on-tensors or TOSA (one inference graph) and
// groups its ops into the nodes a compiler would schedule
// (docs/graph.md). Also the MLIR analysis wrapper used by passes.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_ANALYSIS_GRAPHBUILDER_H
#define EGRL_ANALYSIS_GRAPHBUILDER_H

#include "egrl/Graph/WorkloadGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <vector>

namespace egrl {

enum class Granularity { Fused, Op };
std::optional<Granularity> parseGranularity(llvm::StringRef name);

struct GraphBuildOptions {
  Granularity granularity = Granularity::Fused;
  /// Emit a remark for each op that is not modelled (memory-only node).
  bool remarkUnknownOps = true;
};

/// Which ops make up each node, so a pass can annotate them.
struct GraphOpMap {
  /// Node of each op that belongs to one (views and inits belong to none).
  llvm::DenseMap<mlir::Operation *, unsigned> nodeOf;
  /// For each op reading a weight, the node that owns it: a bias add fused
  /// into one node may read a constant owned by another. Of several, the
  /// op's own node when it owns one of them, else the owner of the largest.
  llvm::DenseMap<mlir::Operation *, unsigned> weightOwnerOf;

  /// One weight of the graph as its module sees it, so that the placements
  /// of several functions can be checked together: equal operand-less
  /// sources (a constant, a load of an immutable global) in two functions are
  /// one weight, as bufferization gives equal constants one global, and so
  /// are equal folds of them (a transpose of one weight in each).
  /// What the weight is, uniqued: an attribute of its source op's name,
  /// attributes and type, or of the fold that computes it.
  using WeightSource = const void *;
  struct Weight {
    /// Null for a weight no other function can read (loaded through an op
    /// with operands, computed from loop indices or from such a weight).
    WeightSource source = nullptr;
    int64_t elements = 0;
    int64_t elementBytes = 0;
    /// The node whose weight level it takes.
    unsigned owner = 0;
  };
  std::vector<Weight> weights;
};

/// Bytes the graph counts for one element of `elementType`, as stored
/// (docs/graph.md): what other passes size buffers by.
int64_t storedElementBytes(mlir::Type elementType);

/// Whether the placement places `func`: it has a body and can run, that is,
/// it is public or something in its symbol table refers to it. A private
/// function nothing calls is dead code (--symbol-dce removes it); placed
/// first, its weights would take the fast levels from the entry point.
bool isPlacedFunction(mlir::func::FuncOp func);

/// Warns at each top-level op of `module` other than a func.func or a nested
/// module that computes on tensors (ml_program.func, IREE's util.func, a
/// gpu.module's kernels): graphs are built from func.func ops only, and a
/// model written as another function must not pass silently for a module
/// that holds only its helpers.
void warnAboutComputeOutsideFuncs(mlir::ModuleOp module);

/// Builds the graph of `func`. Reports errors (dynamic shapes, ops with
/// regions it cannot see into that carry tensors) on the offending op and
/// returns failure.
mlir::FailureOr<WorkloadGraph> buildWorkloadGraph(mlir::func::FuncOp func,
                                                  const GraphBuildOptions &,
                                                  GraphOpMap *opMap = nullptr);

/// The graph of a func.func as an MLIR analysis, so passes in one pipeline
/// build it once: `getChildAnalysis<FusedWorkloadGraph>(func)` (or
/// OpWorkloadGraph) from a module pass, `getAnalysis<...>()` on a function.
class WorkloadGraphAnalysis {
public:
  /// Null when the function could not be analysed (errors were reported).
  const WorkloadGraph *graph() const {
    return succeeded(result) ? &*result : nullptr;
  }
  const GraphOpMap &opMap() const { return map; }

protected:
  WorkloadGraphAnalysis(mlir::Operation *op, Granularity granularity);

private:
  GraphOpMap map;
  mlir::FailureOr<WorkloadGraph> result;
};

template <Granularity G>
class WorkloadGraphAnalysisOf : public WorkloadGraphAnalysis {
public:
  explicit WorkloadGraphAnalysisOf(mlir::Operation *op)
      : WorkloadGraphAnalysis(op, G) {}
};
using FusedWorkloadGraph = WorkloadGraphAnalysisOf<Granularity::Fused>;
using OpWorkloadGraph = WorkloadGraphAnalysisOf<Granularity::Op>;

} // namespace egrl

#endif // EGRL_ANALYSIS_GRAPHBUILDER_H
