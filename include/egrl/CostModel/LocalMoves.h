//===- LocalMoves.h - Local search on the analytical model ---------------===//
//
// The model-based strategies' last step (greedy after its per-byte pass, ilp
// after CBC): first-improvement moves of one tensor, or one tensor and a
// resident it displaces (or several, when one is not enough), kept when the
// model gets faster, or stays as fast and a chip with faster compute than
// the model believes gets faster. The
// second rule breaks the model's ties, which are many (a tensor whose
// layer's compute hides its traffic costs the same in any level that keeps
// it hidden), towards the layers with the least slack: docs/strategies.md,
// "Breaking the model's ties".
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_LOCALMOVES_H
#define EGRL_COSTMODEL_LOCALMOVES_H

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"

#include <string>

namespace egrl {

/// What the local search kept: all moves, and those that only broke a tie.
struct LocalMoves {
  unsigned kept = 0, tieBreaks = 0;
  /// ", N local moves after it (M breaking ties)", or "" when none.
  std::string describe() const;
};

/// The session's placement of `t`'s node with `t` moved to `level`.
inline NodePlacement movedTo(const AnalyticalModel::Session &session,
                             TensorRef t, uint8_t level) {
  NodePlacement np = session.placement()[t.node];
  (t.weights ? np.weights : np.output) = level;
  return np;
}

/// Ties are broken on the same chip with compute this many times as fast;
/// chosen before measuring, in the middle of the compute and DRAM mismatches
/// docs/mismatch.md sweeps.
constexpr double kTieBreakComputeFactor = 2;

/// Moves the local search may score in all (about 0.6 us each, twice that
/// with the tie-break's second session): the bundled models need at most a
/// third of it, a graph of thousands of nodes reaches it in under a second.
constexpr uint64_t kMaxLocalMoveTrials = 250000;

/// Improves `placement` (which must fit; one that does not is left as it
/// is) on `model`. Each pass tries, for every tensor and every faster level,
/// the move alone and, when that overflows, the move with one resident of
/// that level at least as large as the overflow demoted to any slower level,
/// and, when the resident is an activation, that with one of its consumers'
/// outputs promoted into the room it leaves (a chain of large activations
/// whose optimum alternates levels); the first that fits and makes the model
/// faster, or leaves it as fast and makes
/// model.withFasterCompute(kTieBreakComputeFactor) faster, is kept. When a
/// pass keeps nothing, one more tries each move with as many residents
/// demoted as it takes, least loss per byte first (a weight several times
/// the size of the ones in the level); only then does the search stop. So
/// the result is never slower on the model than without those moves.
/// Passes repeat until none is kept, `maxTrials` moves were scored or a stop
/// was requested (Interrupt.h).
LocalMoves improveByLocalMoves(const AnalyticalModel &model,
                               Placement &placement,
                               uint64_t maxTrials = kMaxLocalMoveTrials);

} // namespace egrl

#endif // EGRL_COSTMODEL_LOCALMOVES_H
