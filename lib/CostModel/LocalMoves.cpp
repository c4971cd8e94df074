//===- LocalMoves.cpp - Local search on the analytical model -------------===//
//
// See LocalMoves.h.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/LocalMoves.h"
#include "egrl/Support/Interrupt.h"

#include <algorithm>

using namespace egrl;

std::string LocalMoves::describe() const {
  if (!kept)
    return "";
  return ", " + std::to_string(kept) +
         (kept == 1 ? " local move" : " local moves") + " after it (" +
         std::to_string(tieBreaks) + " breaking ties)";
}

LocalMoves egrl::improveByLocalMoves(const AnalyticalModel &model,
                                     Placement &placement,
                                     uint64_t maxTrials) {
  const Problem &problem = model.problem();
  AnalyticalModel::Session session(model, std::move(placement));
  const AnalyticalModel tieBreak =
      model.withFasterCompute(kTieBreakComputeFactor);
  AnalyticalModel::Session tieSession(tieBreak, session.placement());
  LocalMoves moves;
  auto finish = [&] {
    placement = session.placement();
    return moves;
  };
  if (!session.fits())
    return finish();
  const std::vector<TensorRef> tensors = tensorsOf(problem);
  auto levelNow = [&](TensorRef t) { return levelOf(session.placement(), t); };
  auto moveTo = [&](TensorRef t, uint8_t level) {
    NodePlacement np = movedTo(session, t, level);
    tieSession.set(t.node, np);
    return session.set(t.node, np);
  };
  // `best` never rises, so ties cannot creep upwards by rounding.
  double best = session.latency();
  double bestTie = tieSession.latency();
  auto faster = [&](double latency) { return latency < best * (1 - 1e-12); };
  auto asFast = [&](double latency) {
    return latency <= best * (1 + 1e-12) &&
           tieSession.latency() < bestTie * (1 - 1e-9);
  };
  auto better = [&](double latency) {
    return faster(latency) || asFast(latency);
  };
  uint64_t trials = 0;
  // With activation `r` demoted out of `level`, promotes one of its
  // consumers' outputs into the room it leaves, if that is better and fits
  // (`t`, the tensor the move is for, excepted). Along a chain of large
  // activations (an attention's scores, then its softmax's stages) the
  // optimum alternates levels, which no pair reaches.
  auto promoteAConsumer = [&](TensorRef r, uint8_t level, TensorRef t,
                              double &latency) {
    for (unsigned consumer : problem.consumers[r.node]) {
      TensorRef u{consumer, false};
      const uint8_t uFrom = levelNow(u);
      if (trials >= maxTrials)
        return false;
      if (uFrom <= level || tensorBytes(problem, u) == 0 ||
          (u.node == t.node && !t.weights))
        continue;
      ++trials;
      latency = moveTo(u, level);
      if (session.fits() && better(latency))
        return true;
      moveTo(u, uFrom);
    }
    return false;
  };
  // A Ctrl-C (Interrupt.h) ends the search at the next tensor: what was
  // kept fits, and the strategy's own check reports the stop.
  for (bool improved = true; improved && trials < maxTrials && !stopSignal();) {
    improved = false;
    for (TensorRef t : tensors) {
      if (stopSignal())
        break;
      const uint8_t from = levelNow(t);
      for (uint8_t level = 0; level < from && trials < maxTrials; ++level) {
        ++trials;
        double latency = moveTo(t, level);
        bool keep = session.fits() && better(latency);
        // Demoting a resident as well never speeds the model up, so pairs
        // are for a move that would be better if it fitted, and only a
        // resident at least as large as the overflow can make room.
        if (!keep && !session.fits() && better(latency)) {
          const int64_t overflow = session.overflow(level);
          for (size_t k = 0; k < tensors.size() && !keep; ++k) {
            TensorRef r = tensors[k];
            if (levelNow(r) != level || tensorBytes(problem, r) < overflow ||
                (r.node == t.node && r.weights == t.weights))
              continue;
            for (unsigned down = level + 1;
                 down <= problem.slowestLevel() && !keep && trials < maxTrials;
                 ++down) {
              ++trials;
              latency = moveTo(r, down);
              keep = session.fits() && better(latency);
              if (!keep && !r.weights)
                keep = promoteAConsumer(r, level, t, latency);
            }
            if (!keep)
              moveTo(r, level);
          }
        }
        if (keep) {
          if (!faster(latency))
            ++moves.tieBreaks;
          best = std::min(best, latency);
          bestTie = tieSession.latency();
          improved = true;
          ++moves.kept;
          break;
        }
        moveTo(t, from);
      }
    }
  }
  return finish();
}
