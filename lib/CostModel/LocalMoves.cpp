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

namespace {

/// One local search: the model's session and the tie-break model's, kept in
/// step with every move tried, the best latencies so far and the moves
/// scored.
class LocalSearch {
public:
  LocalSearch(const AnalyticalModel &model, Placement placement,
              uint64_t maxTrials)
      : problem(model.problem()), session(model, std::move(placement)),
        tieBreak(model.withFasterCompute(kTieBreakComputeFactor)),
        tieSession(tieBreak, session.placement()), tensors(tensorsOf(problem)),
        best(session.latency()), bestTie(tieSession.latency()),
        maxTrials(maxTrials) {}

  /// Passes until none keeps a move, the trials run out or a stop is
  /// requested. Moves of several residents come only once the others are
  /// exhausted, so the result is never worse on the model than without them.
  LocalMoves run() {
    if (!session.fits())
      return moves;
    for (bool improved = true; improved && !outOfTrials() && !stopSignal();)
      improved = pass(false) || pass(true);
    return moves;
  }

  const Placement &placement() const { return session.placement(); }

private:
  bool outOfTrials() const { return trials >= maxTrials; }
  uint8_t levelNow(TensorRef t) const {
    return levelOf(session.placement(), t);
  }
  /// Moves `t` in both sessions; the model's latency after it.
  double moveTo(TensorRef t, uint8_t level) {
    NodePlacement np = movedTo(session, t, level);
    tieSession.set(t.node, np);
    return session.set(t.node, np);
  }
  bool faster(double latency) const { return latency < best * (1 - 1e-12); }
  /// Faster, or as fast on the model and faster on the tie-break's chip.
  /// `best` never rises, so ties cannot creep upwards by rounding.
  bool better(double latency) const {
    return faster(latency) || (latency <= best * (1 + 1e-12) &&
                               tieSession.latency() < bestTie * (1 - 1e-9));
  }
  /// The placement fits and `latency` is better: the move stays.
  bool keeps(double latency) const { return session.fits() && better(latency); }

  bool pass(bool severalResidents);
  bool tryMove(TensorRef t, uint8_t level, bool severalResidents);
  bool demoteOneResident(TensorRef t, uint8_t level, double &latency);
  bool promoteAConsumer(TensorRef r, uint8_t level, TensorRef t,
                        double &latency);
  bool makeRoom(TensorRef t, uint8_t level, double &latency);

  const Problem &problem;
  AnalyticalModel::Session session;
  const AnalyticalModel tieBreak;
  AnalyticalModel::Session tieSession;
  const std::vector<TensorRef> tensors;
  double best, bestTie;
  uint64_t trials = 0;
  const uint64_t maxTrials;
  LocalMoves moves;
};

/// One pass over every tensor and every faster level; true when a move was
/// kept.
bool LocalSearch::pass(bool severalResidents) {
  bool improved = false;
  for (TensorRef t : tensors) {
    // A Ctrl-C (Interrupt.h) ends the search at the next tensor: what was
    // kept fits, and the strategy's own check reports the stop.
    if (stopSignal())
      break;
    for (uint8_t level = 0; level < levelNow(t) && !outOfTrials(); ++level)
      if (tryMove(t, level, severalResidents)) {
        improved = true;
        break;
      }
  }
  return improved;
}

/// Moves `t` to `level`, with one resident demoted to make room where that
/// helps (or, when `severalResidents`, several: makeRoom), and keeps the
/// move if the placement fits and is better; else undoes it.
bool LocalSearch::tryMove(TensorRef t, uint8_t level, bool severalResidents) {
  const uint8_t from = levelNow(t);
  ++trials;
  double latency = moveTo(t, level);
  bool keep = !severalResidents && keeps(latency);
  // Demoting a resident as well never speeds the model up, so residents
  // make room only for a move that would be better if it fitted.
  if (!keep && !session.fits() && better(latency))
    keep = severalResidents ? makeRoom(t, level, latency)
                            : demoteOneResident(t, level, latency);
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
}

/// With `t` moved to `level` (overflowing), demotes one resident at least as
/// large as the overflow, the only kind that can make room, to any slower
/// level; true and left so when that is kept.
bool LocalSearch::demoteOneResident(TensorRef t, uint8_t level,
                                    double &latency) {
  const int64_t overflow = session.overflow(level);
  for (TensorRef r : tensors) {
    if (levelNow(r) != level || tensorBytes(problem, r) < overflow ||
        (r.node == t.node && r.weights == t.weights))
      continue;
    for (unsigned down = level + 1;
         down <= problem.slowestLevel() && !outOfTrials(); ++down) {
      ++trials;
      latency = moveTo(r, down);
      if (keeps(latency) ||
          (!r.weights && promoteAConsumer(r, level, t, latency)))
        return true;
    }
    moveTo(r, level);
  }
  return false;
}

/// With activation `r` demoted out of `level`, promotes one of its consumers'
/// outputs into the room it leaves, if that is better and fits (`t`, the
/// tensor the move is for, excepted). Along a chain of large activations (an
/// attention's scores, then its softmax's stages) the optimum alternates
/// levels, which no pair reaches.
bool LocalSearch::promoteAConsumer(TensorRef r, uint8_t level, TensorRef t,
                                   double &latency) {
  for (unsigned consumer : problem.consumers[r.node]) {
    TensorRef u{consumer, false};
    const uint8_t uFrom = levelNow(u);
    if (outOfTrials())
      return false;
    if (uFrom <= level || tensorBytes(problem, u) == 0 ||
        (u.node == t.node && !t.weights))
      continue;
    ++trials;
    latency = moveTo(u, level);
    if (keeps(latency))
      return true;
    moveTo(u, uFrom);
  }
  return false;
}

/// Makes room in `level` for `t` (already moved there, overflowing) by
/// demoting several residents when no single one is large enough: each
/// resident is scored alone (moved to the fastest slower level with room for
/// it), then they are demoted, least loss per byte first, until everything
/// fits. A weight several times the size of the tensors around it (a
/// last-stage convolution of 9 MiB among 2 MiB ones) reaches SRAM only so.
bool LocalSearch::makeRoom(TensorRef t, uint8_t level, double &latency) {
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
      if (outOfTrials())
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
  // there, so it waits: once the residents of that moment are gone, another
  // moment is the fullest (a weight holds its level all the time), and the
  // scan starts again from the cheapest left.
  std::vector<Candidate> demoted;
  for (bool freed = true; freed && session.overflow(level) > 0;) {
    freed = false;
    for (auto it = candidates.begin(); it != candidates.end() && !freed;) {
      if (outOfTrials())
        break;
      const int64_t overflow = session.overflow(level);
      ++trials;
      double after = moveTo(it->r, it->down);
      if (session.overflow(level) < overflow) {
        latency = after;
        demoted.push_back(*it);
        it = candidates.erase(it);
        freed = true;
      } else {
        moveTo(it->r, level);
        ++it;
      }
    }
  }
  if (keeps(latency))
    return true;
  for (const Candidate &c : demoted)
    moveTo(c.r, level);
  return false;
}

} // namespace

LocalMoves egrl::improveByLocalMoves(const AnalyticalModel &model,
                                     Placement &placement, uint64_t maxTrials) {
  LocalSearch search(model, std::move(placement), maxTrials);
  LocalMoves moves = search.run();
  placement = search.placement();
  return moves;
}
