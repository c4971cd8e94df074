//===- EngineRule.h - How the compiler splits a layer --------------------===//
//
// A layer is split over enough compute engines that each has at least
// SimConfig::minEngineWorkSeconds of compute, capped at the chip's engines
// (docs/simulator.md, rule 3), and tiled to fit those engines' working set
// (rule 10). The compiler decides both, so its cost model knows them too:
// the analytical model charges a layer its compute on the engines it gets
// and its tiles' re-reads, as the simulator does.
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

/// The placement-independent half of the tiling rule (docs/simulator.md,
/// rule 10): when neither a layer's inputs nor its weights fit in half of
/// its engines' working set, one operand is re-read once per block of the
/// other, the inputs `inputPasses` more times or the weights `weightPasses`
/// more times, whichever costs less time at the levels they live in.
struct Tiling {
  bool needed = false;
  double inputPasses = 0, weightPasses = 0;
};

/// The tiling of a layer on `engines` engines that reads `inputBytes` of
/// activations (graph inputs included) and `weightBytes` of weights (shared
/// ones included).
inline Tiling tilingOf(const SimConfig &cfg, unsigned engines,
                       double inputBytes, double weightBytes) {
  Tiling tile;
  if (cfg.workingSetPerEngineBytes <= 0)
    return tile;
  const double half = 0.5 * double(cfg.workingSetPerEngineBytes) * engines;
  tile.needed = inputBytes > half && weightBytes > half;
  if (tile.needed) {
    tile.inputPasses = std::ceil(weightBytes / half) - 1;
    tile.weightPasses = std::ceil(inputBytes / half) - 1;
  }
  return tile;
}

} // namespace egrl

#endif // EGRL_COSTMODEL_ENGINERULE_H
