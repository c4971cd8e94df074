//===- AnalyticalModel.cpp - Roofline cost model and incremental session --===//

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/EngineRule.h"

#include <algorithm>
#include <optional>

using namespace egrl;

namespace {
/// The target's chip description, or nothing when its sim section does not
/// parse (the pass reports that error itself).
std::optional<SimConfig> chipOf(const Target &target) {
  llvm::Expected<SimConfig> config = SimConfig::fromTarget(target);
  if (config)
    return std::move(*config);
  llvm::consumeError(config.takeError());
  return std::nullopt;
}
} // namespace

AnalyticalModel::AnalyticalModel(const Problem &problem)
    : AnalyticalModel(problem, chipOf(problem.target())) {}

AnalyticalModel::AnalyticalModel(const Problem &problem,
                                 const SimConfig &config)
    : AnalyticalModel(problem, std::optional<SimConfig>(config)) {}

AnalyticalModel::AnalyticalModel(const Problem &problem,
                                 const std::optional<SimConfig> &config)
    : Evaluator(problem) {
  if (!config) {
    // The target's peak figures, as the model was before it read the
    // runtime's description.
    compute = problem.computeSeconds;
    levelSpb = weightSpb = problem.secondsPerByte;
    return;
  }
  const Target &target = problem.target();
  for (double chipSeconds : problem.computeSeconds)
    compute.push_back(engineShare(*config, chipSeconds).seconds);
  // The rate of a transfer alone, the simulator's definition: what the chip
  // sustains, and for the backing store also what the fabric does.
  for (unsigned l = 0; l < problem.numLevels(); ++l)
    levelSpb.push_back(1.0 / config->transferRate(target, l));
  weightSpb = levelSpb;
  const unsigned slowest = problem.slowestLevel();
  prefetch = config->prefetch && config->stagingLevel < slowest;
  if (prefetch) {
    // Streamed weights are read from the ring by their layer.
    weightSpb[slowest] = levelSpb[config->stagingLevel];
    ring = double(config->ringBytes);
    dmaSpb = levelSpb[slowest];
  }
}

AnalyticalModel AnalyticalModel::withoutPrefetch() const {
  AnalyticalModel plain = *this;
  plain.prefetch = false;
  plain.weightSpb = levelSpb;
  plain.ring = plain.dmaSpb = 0;
  return plain;
}

double AnalyticalModel::moveSeconds(const Placement &placement, unsigned i,
                                    double &backingBytes) const {
  const Problem &p = problem();
  const unsigned slowest = p.slowestLevel();
  // With prefetch every byte to or from the backing store goes through the
  // backing-store clock of latencyIgnoringCapacity().
  auto move = [&](unsigned level, int64_t bytes, const double *spb) {
    if (prefetch && level == slowest)
      backingBytes += double(bytes);
    return double(bytes) * spb[level];
  };
  const double *weights = weightSpb.data(), *other = levelSpb.data();
  double seconds = move(placement[i].weights, p.weightReadBytes[i], weights) +
                   move(placement[i].output, p.outputBytes[i], other) +
                   move(slowest, p.hostInputBytes[i], other);
  for (unsigned producer : p.graph().nodes[i].producers)
    seconds += move(placement[producer].output, p.outputBytes[producer], other);
  const std::vector<unsigned> &owners = p.graph().nodes[i].sharedWeights;
  for (size_t k = 0; k < owners.size(); ++k)
    seconds +=
        move(placement[owners[k]].weights, p.sharedReadBytes[i][k], weights);
  return seconds;
}

AnalyticalModel::NodeCost AnalyticalModel::nodeCost(const Placement &placement,
                                                    unsigned i) const {
  double backingBytes = 0;
  double memory = moveSeconds(placement, i, backingBytes);
  return {problem().target().layerOverhead + std::max(compute[i], memory),
          backingBytes};
}

double AnalyticalModel::memorySeconds(const Placement &placement,
                                      unsigned i) const {
  double backingBytes = 0;
  return moveSeconds(placement, i, backingBytes);
}

double
AnalyticalModel::latencyIgnoringCapacity(const Placement &placement) const {
  const unsigned n = problem().numNodes();
  double end = 0;
  if (!prefetch) {
    for (unsigned i = 0; i < n; ++i)
      end += nodeSeconds(placement, i);
    return end;
  }
  // Node i starts when i-1 ends (e_{i-1}). The backing store serves one
  // stream at the DMA's rate: by g_i it has served B_j for all j <= i, and
  // before node i starts at most a ring's worth of it (its prefetched
  // weights) can have been served. Node i ends `overhead` after that, and
  // not before its own T_i (docs/cost-model.md).
  const double overhead = problem().target().layerOverhead;
  double clock = 0;
  for (unsigned i = 0; i < n; ++i) {
    NodeCost cost = nodeCost(placement, i);
    double start = end;
    end += cost.seconds;
    if (cost.backingBytes > 0) {
      clock = std::max(clock + cost.backingBytes * dmaSpb,
                       start + (cost.backingBytes - ring) * dmaSpb);
      end = std::max(end, clock + overhead);
    }
  }
  return end;
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
  backing.resize(n);
  for (unsigned i = 0; i < n; ++i) {
    NodeCost cost = model.nodeCost(current, i);
    times[i] = cost.seconds;
    backing[i] = cost.backingBytes;
    total += times[i];
    if (backing[i] > 0)
      lastBacking = int(i);
    addOccupancy(current[i].weights, problem.weightBytes[i], 0, n - 1);
    addOccupancy(current[i].output, problem.outputBytes[i], i,
                 problem.lastUse[i]);
  }
  if (model.prefetches()) {
    ends.resize(n);
    clocks.resize(n);
    prefix.resize(n);
    replay();
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

double AnalyticalModel::Session::latency() const {
  if (lastBacking < 0)
    return total;
  // After the last node that uses the backing store the recursion only adds
  // times.
  unsigned last = unsigned(lastBacking);
  return ends[last] + (total - prefix[last]);
}

void AnalyticalModel::Session::refresh(unsigned i) {
  NodeCost cost = model.nodeCost(current, i);
  if (cost.seconds == times[i] && cost.backingBytes == backing[i])
    return;
  total += cost.seconds - times[i];
  times[i] = cost.seconds;
  if (cost.backingBytes > 0) {
    lastBacking = std::max(lastBacking, int(i));
  } else if (int(i) == lastBacking) {
    do
      --lastBacking;
    while (lastBacking >= 0 && !(backing[lastBacking] > 0));
  }
  backing[i] = cost.backingBytes;
  replayFrom = std::min(replayFrom, i);
}

void AnalyticalModel::Session::replay() {
  if (lastBacking < 0 || replayFrom > unsigned(lastBacking))
    return;
  const double overhead = problem.target().layerOverhead;
  const double ring = model.ringBytes(), dmaSpb = model.dmaSecondsPerByte();
  unsigned i = replayFrom;
  double end = i ? ends[i - 1] : 0, clock = i ? clocks[i - 1] : 0,
         sum = i ? prefix[i - 1] : 0;
  for (; i <= unsigned(lastBacking); ++i) {
    // As in latencyIgnoringCapacity().
    double start = end;
    end += times[i];
    sum += times[i];
    if (backing[i] > 0) {
      clock = std::max(clock + backing[i] * dmaSpb,
                       start + (backing[i] - ring) * dmaSpb);
      end = std::max(end, clock + overhead);
    }
    ends[i] = end;
    clocks[i] = clock;
    prefix[i] = sum;
  }
  replayFrom = i;
}

double AnalyticalModel::Session::set(unsigned i, NodePlacement np) {
  NodePlacement old = current[i];
  if (old == np)
    return latency();
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
  if (model.prefetches())
    replay();
  return latency();
}
