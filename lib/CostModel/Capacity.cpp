//===- Capacity.cpp - Capacity rules and rectification --------------------===//

#include "egrl/CostModel/Capacity.h"

#include <algorithm>

using namespace egrl;

namespace {
/// Activation occupancy per level and step, reused across calls on a thread
/// because evaluation is the inner loop of every search.
struct OccupancyScratch {
  std::vector<int64_t> cells;
  void reset(size_t size) { cells.assign(size, 0); }
};
thread_local OccupancyScratch scratch;
} // namespace

CapacityReport egrl::rectify(const Problem &problem, Placement &placement) {
  const unsigned n = problem.numNodes(), slowest = problem.slowestLevel();
  CapacityReport report;
  std::vector<int64_t> weightsUsed(problem.numLevels(), 0);

  // Weights first, in program order: each stays resident for the whole run.
  for (unsigned i = 0; i < n; ++i) {
    int64_t bytes = problem.weightBytes[i];
    if (bytes == 0) {
      placement[i].weights = slowest;
      continue;
    }
    unsigned level = placement[i].weights;
    while (level < slowest &&
           weightsUsed[level] + bytes > problem.usableBytes[level])
      ++level;
    if (level != placement[i].weights) {
      report.valid = false;
      report.overflowBytes += bytes;
      ++report.demotedTensors;
      placement[i].weights = level;
    }
    if (weightsUsed[level] + bytes > problem.usableBytes[level]) {
      report.valid = false;
      report.backingStoreOverflow = true;
    }
    weightsUsed[level] += bytes;
  }

  // Then activations, in program order, over their live ranges.
  scratch.reset(size_t(problem.numLevels()) * n);
  int64_t *cells = scratch.cells.data();
  for (unsigned i = 0; i < n; ++i) {
    int64_t bytes = problem.outputBytes[i];
    if (bytes == 0)
      continue;
    unsigned first = i, last = problem.lastUse[i];
    auto fitsIn = [&](unsigned level) {
      if (problem.holdsEverything[level])
        return true;
      const int64_t *row = cells + size_t(level) * n;
      int64_t peak = *std::max_element(row + first, row + last + 1);
      return weightsUsed[level] + peak + bytes <= problem.usableBytes[level];
    };
    unsigned level = placement[i].output;
    while (level < slowest && !fitsIn(level))
      ++level;
    if (level != placement[i].output) {
      report.valid = false;
      report.overflowBytes += bytes;
      ++report.demotedTensors;
      placement[i].output = level;
    }
    if (!fitsIn(level)) {
      report.valid = false;
      report.backingStoreOverflow = true;
    }
    if (problem.holdsEverything[level])
      continue;
    int64_t *row = cells + size_t(level) * n;
    for (unsigned t = first; t <= last; ++t)
      row[t] += bytes;
  }
  return report;
}

std::vector<int64_t> egrl::peakResidentBytes(const Problem &problem,
                                             const Placement &placement) {
  const unsigned n = problem.numNodes();
  std::vector<int64_t> weights(problem.numLevels(), 0);
  std::vector<std::vector<int64_t>> activations(
      problem.numLevels(), std::vector<int64_t>(n ? n : 1, 0));
  for (unsigned i = 0; i < n; ++i) {
    weights[placement[i].weights] += problem.weightBytes[i];
    for (unsigned t = i; t <= problem.lastUse[i]; ++t)
      activations[placement[i].output][t] += problem.outputBytes[i];
  }
  std::vector<int64_t> peak(problem.numLevels());
  for (unsigned level = 0; level < problem.numLevels(); ++level)
    peak[level] = weights[level] + *std::max_element(activations[level].begin(),
                                                     activations[level].end());
  return peak;
}

LevelBytes egrl::bytesPerLevel(const Problem &problem,
                               const Placement &placement) {
  LevelBytes out{std::vector<int64_t>(problem.numLevels(), 0),
                 std::vector<int64_t>(problem.numLevels(), 0)};
  for (unsigned i = 0; i < problem.numNodes(); ++i) {
    out.weights[placement[i].weights] += problem.weightBytes[i];
    out.activations[placement[i].output] += problem.outputBytes[i];
  }
  return out;
}
