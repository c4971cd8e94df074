//===- ApplyMemorySpacesDiagnostics.h - Unplaced buffers, weight room -----===//
//
// What --egrl-apply-memory-spaces says besides applying the levels: that a
// module holds no placed buffers and why, weights past a level's room, and
// what keeps the default memory space (weights no placed op reads, results
// of placed calls, buffers an op writes) with what caused it. The checks
// read the pass's LevelAssignment.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_TRANSFORMS_APPLYMEMORYSPACESDIAGNOSTICS_H
#define EGRL_LIB_TRANSFORMS_APPLYMEMORYSPACESDIAGNOSTICS_H

#include "BufferProvenance.h"

#include "egrl/Target/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#include <functional>
#include <optional>
#include <string>

namespace egrl {

/// The level each storage op (an alloc, a get_global) takes, as the placed
/// ops say, and what the walks saw.
struct LevelAssignment {
  /// The module's symbol tables, indexed once for every global looked up.
  mlir::SymbolTableCollection symbols;
  /// The chip target= names, loaded once: every placement's weights are
  /// checked against it.
  std::optional<Target> given;
  /// Storage op -> level; the first op to claim a buffer decides, but for a
  /// weight's global the lowest-numbered node that reads it: the graph's
  /// owner of a shared weight (GraphOpMap::weightOwnerOf), whose every op
  /// reading it carries its level, while an op of a later node fused
  /// between the owner's ops carries its own node's.
  llvm::MapVector<mlir::Operation *, mlir::StringAttr> levels;
  llvm::DenseMap<mlir::Operation *, int64_t> claimedBy;
  /// The node whose op first wrote each output buffer.
  llvm::DenseMap<mlir::Operation *, int64_t> outputWriter;
  BufferWriters writers;
  /// Buffers known to hold data computed from constants only, or not.
  llvm::DenseMap<mlir::Operation *, bool> fromConstants;
  /// Any allocation in a level says placement and bufferization ran, even
  /// when no placed op is left (a module whose placed ops were concats).
  bool sawLevelledBuffer = false;
  bool sawMemrefs = false;
  /// Storage behind a weight a placed op reads through folded ops: the
  /// globals a transpose of a constant reads, and the buffers between.
  llvm::SetVector<mlir::Operation *> foldedSources;
  /// Storage that holds a weight a placed op reads: the globals, and the
  /// buffers folded ops fill (checkWeightRoom() adds them up).
  llvm::SetVector<mlir::Operation *> weightStorage;

  void claimWeight(mlir::Operation *global, mlir::StringAttr level,
                   int64_t node) {
    weightStorage.insert(global);
    auto [it, first] = claimedBy.try_emplace(global, node);
    if (!first && it->second <= node)
      return;
    it->second = node;
    levels[global] = level;
  }
};

/// The diagnostics of --egrl-apply-memory-spaces on one module, at the
/// pass's options (target=, require-all). They were the pass's methods:
/// an error, or with require-all a warning about unplaced buffers, fails
/// the pass through `signalPassFailure`.
class ApplyMemorySpacesDiagnostics {
public:
  ApplyMemorySpacesDiagnostics(mlir::ModuleOp module, llvm::StringRef target,
                               bool requireAll,
                               std::function<void()> signalPassFailure);

  /// Whether the module holds placed buffers to give levels to; if not, says
  /// why (not placed, placements lost, not bufferized) and returns false.
  bool placedAnything(const LevelAssignment &assigned);

  /// The weights each level holds now, against the room the placement's
  /// chip has there. The placement was checked against the graph's count,
  /// which the lowered module can exceed (README, "Where in a pipeline"):
  /// folds of one weight that CSE did not merge each fill a buffer, a weight
  /// computed larger than its source counts at the source's size, and the
  /// sources of folded weights sit uncounted in the slowest level. Weights
  /// alone past a level's room are an overflow the report did not see, so
  /// it is said (activations would only add to it). Checked where the record
  /// names a bundled chip (its sizes are known here) whose description is the
  /// one placed for.
  mlir::LogicalResult checkWeightRoom(const LevelAssignment &assigned);

  /// Weights (constant globals compute ops read) left in the default space.
  /// A pass that rebuilds placed ops (generalizing named convolutions)
  /// drops their placements, but the new ops write into the buffers of
  /// fills that kept theirs, so the count of written buffers hardly moves
  /// while every weight they read stays in the default space.
  void warnAboutUnplacedWeights();

  /// A placed call's result is a buffer the callee allocates (or returns):
  /// this pass retypes no function signature, so the level the placement
  /// gave the result is not applied, and is said to be.
  void warnAboutPlacedCalls();

  /// Buffers an op (or a copy) writes that got no level: how many, and
  /// why, as their writers tell (UnplacedCause).
  void warnAboutUnplacedBuffers(const LevelAssignment &assigned);

private:
  /// The module, and failing the pass, under the pass's names.
  mlir::ModuleOp getOperation() { return operation; }
  void signalPassFailure() { fail(); }

  /// Where a diagnostic about the whole module goes: its first function
  /// (a module's own location is file:0:0 when the module is implicit), as
  /// the placement pass reports, else the module.
  mlir::Location firstFunctionLoc();

  /// Where a diagnostic about `op` goes: its function (a module's own
  /// location is file:0:0 when the module is implicit), else the module.
  mlir::Location functionLocOf(mlir::Operation *op);

  /// Buffers left in the default space: a warning, or with require-all an
  /// error that fails the pass.
  mlir::InFlightDiagnostic
  unplacedBuffers(std::optional<mlir::Location> at = {});

  /// Written buffers, counted by cause (defined with the causes).
  struct WrittenBuffers;
  WrittenBuffers countWrittenBuffers(
      const llvm::DenseMap<mlir::Operation *,
                           llvm::SmallVector<mlir::Operation *>> &writers);

  mlir::ModuleOp operation;
  std::string target;
  bool requireAll;
  std::function<void()> fail;
};

} // namespace egrl

#endif // EGRL_LIB_TRANSFORMS_APPLYMEMORYSPACESDIAGNOSTICS_H
