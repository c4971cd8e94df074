//===- EngineRule.h - How many engines a layer runs on --------------------===//
//
// A layer is split over enough compute engines that each has at least
// SimConfig::minEngineWorkSeconds of compute, capped at the chip's engines
// (docs/simulator.md, rule 3). The compiler decides this split, so its cost
// model knows it too: the analytical model charges a layer its compute on
// the engines it gets, as the simulator does.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_ENGINERULE_H
#define EGRL_COSTMODEL_ENGINERULE_H

#include "egrl/CostModel/SimConfig.h"

#include <algorithm>
#include <cmath>

namespace egrl {

struct EngineShare {
  unsigned engines;
  /// Compute seconds on those engines.
  double seconds;
};

/// The share of a layer whose compute takes `chipSeconds` on the whole chip
/// (Problem::computeSeconds).
inline EngineShare engineShare(const SimConfig &cfg, double chipSeconds) {
  // The chip's rates are split evenly among its engines.
  double oneEngine = chipSeconds * cfg.engines;
  unsigned k = cfg.engines;
  if (cfg.minEngineWorkSeconds > 0) {
    double want = std::ceil(oneEngine / cfg.minEngineWorkSeconds);
    k = unsigned(std::clamp(want, 1.0, double(cfg.engines)));
  }
  return {k, k == cfg.engines ? chipSeconds : oneEngine / k};
}

} // namespace egrl

#endif // EGRL_COSTMODEL_ENGINERULE_H
