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
  // Makes room in `level` for `t` (already moved there, overflowing) by
  // demoting several residents when no single one is large enough: each
  // resident is scored alone (moved to the fastest slower level with room
  // for it), then they are demoted, least loss per byte first, until
  // everything fits. A weight several times the size of the tensors around
  // it (a last-stage convolution of 9 MiB among 2 MiB ones) reaches SRAM
  // only so.
  auto makeRoom = [&](TensorRef t, uint8_t level, double &latency) {
    const double base = latency;
    struct Candidate {
      TensorRef r;
      uint8_t down;
      double lossPerByte;
    };
    std::vector<Candidate> candidates;
    for (TensorRef r : tensors) {
      if (levelNow(r) != level || (r.node == t.node && r.weights == t.weights))
        continue;
      const int64_t bytes = tensorBytes(problem, r);
      if (bytes == 0)
        continue;
      for (unsigned down = level + 1; down <= problem.slowestLevel(); ++down) {
        if (trials >= maxTrials)
          return false;
        ++trials;
        double after = moveTo(r, down);
        bool room = session.overflow(down) == 0;
        moveTo(r, level);
        if (room) {
          candidates.push_back({r, uint8_t(down), (after - base) / bytes});
          break;
        }
      }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate &a, const Candidate &b) {
                       return a.lossPerByte < b.lossPerByte;
                     });
    // A resident that is not live when the level is fullest frees nothing
    // there, so it stays.
    std::vector<Candidate> demoted;
    for (size_t k = 0; k < candidates.size() && session.overflow(level) > 0 &&
                       trials < maxTrials;
         ++k) {
      const int64_t overflow = session.overflow(level);
      ++trials;
      double after = moveTo(candidates[k].r, candidates[k].down);
      if (session.overflow(level) < overflow) {
        latency = after;
        demoted.push_back(candidates[k]);
      } else {
        moveTo(candidates[k].r, level);
      }
    }
    if (session.fits() && better(latency))
      return true;
    for (const Candidate &c : demoted)
      moveTo(c.r, level);
    return false;
  };
  // Moves `t` to `level`, with a resident demoted to make room where that
  // helps (or, when `severalResidents`, several: makeRoom), and keeps the
  // move if the placement fits and is better; else undoes it.
  auto tryMove = [&](TensorRef t, uint8_t level, bool severalResidents) {
    const uint8_t from = levelNow(t);
    ++trials;
    double latency = moveTo(t, level);
    bool keep = !severalResidents && session.fits() && better(latency);
    // Demoting a resident as well never speeds the model up, so pairs
    // are for a move that would be better if it fitted, and only a
    // resident at least as large as the overflow can make room.
    if (!keep && !session.fits() && better(latency)) {
      if (severalResidents) {
        keep = makeRoom(t, level, latency);
      } else {
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
    }
    if (!keep) {
      moveTo(t, from);
      return false;
    }
    if (!faster(latency))
      ++moves.tieBreaks;
    best = std::min(best, latency);
    bestTie = tieSession.latency();
    ++moves.kept;
    return true;
  };
  // One pass over every tensor and every faster level; true when a move
  // was kept.
  auto pass = [&](bool severalResidents) {
    bool improved = false;
    for (TensorRef t : tensors) {
      // A Ctrl-C (Interrupt.h) ends the search at the next tensor: what was
      // kept fits, and the strategy's own check reports the stop.
      if (stopSignal())
        break;
      for (uint8_t level = 0; level < levelNow(t) && trials < maxTrials;
           ++level)
        if (tryMove(t, level, severalResidents)) {
          improved = true;
          break;
        }
    }
    return improved;
  };
  // Moves of several residents come only once the others are exhausted,
  // so the result is never worse on the model than without them.
  for (bool improved = true; improved && trials < maxTrials && !stopSignal();)
    improved = pass(false) || pass(true);
  return finish();
}
