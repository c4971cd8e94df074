//===- AnalyticalModel.cpp - Roofline cost model and incremental session --===//

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"

#include <algorithm>

using namespace egrl;

double AnalyticalModel::memorySeconds(const Placement &placement,
                                      unsigned i) const {
  const Problem &p = problem();
  const std::vector<double> &spb = p.secondsPerByte;
  double seconds = p.weightReadBytes[i] * spb[placement[i].weights] +
                   p.outputBytes[i] * spb[placement[i].output] +
                   p.hostInputBytes[i] * spb[p.slowestLevel()];
  for (unsigned producer : p.graph().nodes[i].producers)
    seconds += p.outputBytes[producer] * spb[placement[producer].output];
  const std::vector<unsigned> &owners = p.graph().nodes[i].sharedWeights;
  for (size_t k = 0; k < owners.size(); ++k)
    seconds += p.sharedReadBytes[i][k] * spb[placement[owners[k]].weights];
  return seconds;
}

double AnalyticalModel::nodeSeconds(const Placement &placement,
                                    unsigned i) const {
  return problem().target().layerOverhead +
         std::max(problem().computeSeconds[i], memorySeconds(placement, i));
}

double
AnalyticalModel::latencyIgnoringCapacity(const Placement &placement) const {
  double total = 0;
  for (unsigned i = 0, e = problem().numNodes(); i < e; ++i)
    total += nodeSeconds(placement, i);
  return total;
}

EvalResult AnalyticalModel::evaluateAndRectify(Placement &placement) const {
  CapacityReport report = rectify(problem(), placement);
  return {latencyIgnoringCapacity(placement), report.valid,
          report.overflowBytes};
}

EvalResult AnalyticalModel::evaluate(const Placement &placement) const {
  Placement copy = placement;
  return evaluateAndRectify(copy);
}

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

AnalyticalModel::Session::Session(const AnalyticalModel &model,
                                  Placement initial)
    : model(model), problem(model.problem()), current(std::move(initial)) {
  const unsigned n = problem.numNodes();
  occupancy.assign(size_t(problem.numLevels()) * n, 0);
  times.resize(n);
  for (unsigned i = 0; i < n; ++i) {
    times[i] = model.nodeSeconds(current, i);
    total += times[i];
    if (n == 0)
      continue;
    addOccupancy(current[i].weights, problem.weightBytes[i], 0, n - 1);
    addOccupancy(current[i].output, problem.outputBytes[i], i,
                 problem.lastUse[i]);
  }
}

void AnalyticalModel::Session::addOccupancy(unsigned level, int64_t bytes,
                                            unsigned first, unsigned last) {
  if (bytes == 0 || problem.holdsEverything[level])
    return;
  const int64_t limit = problem.usableBytes[level];
  int64_t *row = occupancy.data() + size_t(level) * problem.numNodes();
  for (unsigned t = first; t <= last; ++t) {
    bool wasOver = row[t] > limit;
    row[t] += bytes;
    overfullCells += int(row[t] > limit) - int(wasOver);
  }
}

bool AnalyticalModel::Session::hasRoom(unsigned level, int64_t bytes,
                                       unsigned first, unsigned last) const {
  if (problem.holdsEverything[level])
    return true;
  const int64_t *row = occupancy.data() + size_t(level) * problem.numNodes();
  int64_t peak = *std::max_element(row + first, row + last + 1);
  return peak + bytes <= problem.usableBytes[level];
}

void AnalyticalModel::Session::refresh(unsigned i) {
  double updated = model.nodeSeconds(current, i);
  total += updated - times[i];
  times[i] = updated;
}

double AnalyticalModel::Session::set(unsigned i, NodePlacement np) {
  NodePlacement old = current[i];
  if (old == np)
    return total;
  const unsigned last = problem.numNodes() - 1;
  current[i] = np;
  if (old.weights != np.weights) {
    addOccupancy(old.weights, -problem.weightBytes[i], 0, last);
    addOccupancy(np.weights, problem.weightBytes[i], 0, last);
    for (unsigned sharer : problem.weightSharers[i])
      refresh(sharer);
  }
  if (old.output != np.output) {
    addOccupancy(old.output, -problem.outputBytes[i], i, problem.lastUse[i]);
    addOccupancy(np.output, problem.outputBytes[i], i, problem.lastUse[i]);
    for (unsigned consumer : problem.consumers[i])
      refresh(consumer);
  }
  refresh(i);
  return total;
}
