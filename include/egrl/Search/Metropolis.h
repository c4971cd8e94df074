//===- Metropolis.h - The Metropolis test and its schedule ----*- C++ -*-===//
//
// The test `anneal` runs on its moves and `egrl` on its local search's
// centre: a step slower by `slowdown` (relative to a reference latency)
// passes with probability exp(-slowdown / T). T falls geometrically with the
// share of the budget spent, from kStartTemperature to kEndTemperature times
// the typical slow-down of a step, the geometric mean of those observed
// (kPriorSlowdown before any): a typical slower step passes with probability
// 1/e at the start and e^-100 at the end. Slow-downs range from 0.1% (a
// tensor of a 400-node graph) to 50% (one of 3 nodes), so a fixed scale fits
// no graph size; this one follows what the search measures. The constants
// were chosen on synthetic graphs, not on the bundled models.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SEARCH_METROPOLIS_H
#define EGRL_SEARCH_METROPOLIS_H

#include <cmath>

namespace egrl {

class MetropolisSchedule {
public:
  /// Temperatures in units of the typical slow-down of a step.
  static constexpr double kStartTemperature = 1;
  static constexpr double kEndTemperature = 0.01;
  /// The typical slow-down assumed before any is observed.
  static constexpr double kPriorSlowdown = 0.01;
  /// Weight of one step in the running mean (about the last 20).
  static constexpr double kRunningWeight = 0.05;

  /// Takes a measured step's slow-down into the typical one; a step that is
  /// not slower says nothing about it.
  void observe(double slowdown) {
    if (slowdown > 0)
      logSlowdown += kRunningWeight * (std::log(slowdown) - logSlowdown);
  }

  /// The temperature once `progress` (0 to 1) of the budget is spent.
  double temperature(double progress) const {
    return std::exp(logSlowdown) * kStartTemperature *
           std::pow(kEndTemperature / kStartTemperature, progress);
  }

  /// Whether a step `slowdown` slower passes at `temperature`, given a
  /// uniform draw in [0, 1): one that is not slower always does.
  static bool passes(double slowdown, double temperature, double draw) {
    return slowdown <= 0 || draw < std::exp(-slowdown / temperature);
  }

private:
  double logSlowdown = std::log(kPriorSlowdown);
};

} // namespace egrl

#endif // EGRL_SEARCH_METROPOLIS_H
