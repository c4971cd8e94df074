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

#include "egrl/CostModel/Problem.h"
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

/// The tiling of node `node` of `problem` on `engines` engines: its inputs
/// are the activations it reads (graph inputs included), its weights the
/// bytes it reads of its own and shared ones. Summed in one order for the
/// simulator and the model, so that both decide alike to the last bit.
inline Tiling tilingOf(const SimConfig &cfg, const Problem &problem,
                       unsigned node, unsigned engines) {
  Tiling tile;
  if (cfg.workingSetPerEngineBytes <= 0)
    return tile;
  double weightBytes = 0;
  weightBytes += double(problem.weightReadBytes[node]);
  for (int64_t bytes : problem.sharedReadBytes[node])
    weightBytes += double(bytes);
  double inputBytes = double(problem.hostInputBytes[node]);
  for (unsigned producer : problem.graph().nodes[node].producers)
    inputBytes += double(problem.outputBytes[producer]);
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
