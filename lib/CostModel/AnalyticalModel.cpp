//===- AnalyticalModel.cpp - Roofline cost model and incremental session --===//

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/EngineRule.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Compiler.h"

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
  for (unsigned i = 0; i < problem.numNodes(); ++i)
    readers.push_back(problem.weightReadBytes[i] > 0 ||
                      !problem.graph().nodes[i].sharedWeights.empty());
  const unsigned numLevels = problem.numLevels();
  weightRates.resize(numLevels);
  activationRates.resize(numLevels);
  latencyOf.assign(1, 0);
  tiles.resize(problem.numNodes());
  if (!config) {
    // The target's peak figures, as the model was before it read the
    // runtime's description.
    compute = problem.computeSeconds;
    for (unsigned l = 0; l < numLevels; ++l)
      weightRates[l].read = activationRates[l].read = problem.secondsPerByte[l];
    return;
  }
  const Target &target = problem.target();
  for (unsigned i = 0; i < problem.numNodes(); ++i) {
    EngineShare share = engineShare(*config, problem.computeSeconds[i]);
    compute.push_back(share.seconds);
    tiles[i] = tilingOf(*config, problem, i, share.engines);
  }
  // The rate of a transfer alone, the simulator's definition: what the chip
  // sustains, and for the backing store also what the fabric does.
  for (unsigned l = 0; l < numLevels; ++l) {
    weightRates[l].read = activationRates[l].read =
        1.0 / config->transferRate(target, l);
    weightRates[l].touches = activationRates[l].touches = 1u << l;
  }
  // A layer's traffic is one job that pays the start-up latency of the
  // slowest level it touches once (simulator.md, rule 6): the largest
  // latency of each set of levels, looked up by the set.
  latencyOf.assign(size_t(1) << numLevels, 0);
  for (uint32_t set = 1; set < latencyOf.size(); ++set)
    for (unsigned l = 0; l < numLevels; ++l)
      if (set & (1u << l))
        latencyOf[set] = std::max(latencyOf[set], config->accessLatency[l]);
  const unsigned slowest = problem.slowestLevel();
  prefetch = config->prefetch && config->stagingLevel < slowest;
  if (!prefetch)
    return;
  // Weights slower than the ring are streamed into it (the engines compute
  // from local memory) and read from there by their layer; a DMA copy reads
  // its level while it writes the ring, so it takes the slower of the two.
  const unsigned staging = config->stagingLevel;
  const double stagingSpb = activationRates[staging].read;
  for (unsigned l = staging + 1; l < numLevels; ++l)
    weightRates[l] = {stagingSpb, std::max(weightRates[l].read, stagingSpb),
                      1.0, 1u << staging};
  // The layers' own traffic to the backing store goes through the stream.
  activationRates[slowest].stream = activationRates[slowest].read;
  activationRates[slowest].ring = 1.0;
  ring = double(config->ringBytes);
  ringSpb = activationRates[slowest].read;
  for (std::vector<Rates> *table : {&weightRates, &activationRates})
    for (Rates &rates : *table) {
      rates.ringStream = rates.ring * rates.stream;
      rates.largeWindow = ring * (rates.ringStream - rates.ring * ringSpb);
    }
}

AnalyticalModel AnalyticalModel::withoutPrefetch() const {
  AnalyticalModel plain = *this;
  plain.prefetch = false;
  for (unsigned l = 0; l < problem().numLevels(); ++l)
    plain.weightRates[l] = plain.activationRates[l] = {
        activationRates[l].read, 0, 0, activationRates[l].touches};
  plain.ring = plain.ringSpb = 0;
  return plain;
}

bool AnalyticalModel::rereads() const {
  return llvm::any_of(tiles, [](const Tiling &tile) { return tile.needed; });
}

AnalyticalModel AnalyticalModel::withoutRereads() const {
  AnalyticalModel plain = *this;
  plain.tiles.assign(tiles.size(), Tiling());
  return plain;
}

AnalyticalModel AnalyticalModel::withFasterCompute(double factor) const {
  AnalyticalModel faster = *this;
  for (double &seconds : faster.compute)
    seconds /= factor;
  return faster;
}

// Inlined into the recursion's loop so that the model's rates stay in
// registers across nodes.
LLVM_ATTRIBUTE_ALWAYS_INLINE double
AnalyticalModel::moveSeconds(const Placement &placement, unsigned i,
                             NodeCost &cost) const {
  const Problem &p = problem();
  // A streamed weight costs its layer a read from the ring and the stream
  // its fetch; the layer's own traffic to the backing store is served by
  // the stream too (latencyIgnoringCapacity()).
  uint32_t touched = 0;
  auto move = [&](const Rates &rates, int64_t bytes) {
    const double b = double(bytes);
    cost.streamSeconds += b * rates.stream;
    // Up to a ring's worth at the backing store's rate, the rest of a larger
    // tensor at its own stream rate (b - 0.0 is b: bit for bit as before
    // for tensors that fit the ring).
    const double excess = b > ring ? b - ring : 0.0;
    cost.streamBytes += (b - excess) * rates.ring;
    cost.excessSeconds += excess * rates.ringStream;
    // In the window term all of such a tensor at its own rate (Y_i): a
    // ring's worth less what B_i counted of it at r (0 for the backing
    // store's, whose rate is r).
    cost.windowSeconds += excess > 0 ? rates.largeWindow : 0.0;
    touched |= bytes > 0 ? rates.touches : 0;
    return b * rates.read;
  };
  const Rates *weights = weightRates.data(),
              *activations = activationRates.data();
  double seconds = move(weights[placement[i].weights], p.weightReadBytes[i]) +
                   move(activations[placement[i].output], p.outputBytes[i]) +
                   move(activations[p.slowestLevel()], p.hostInputBytes[i]);
  for (unsigned producer : p.graph().nodes[i].producers)
    seconds +=
        move(activations[placement[producer].output], p.outputBytes[producer]);
  const std::vector<unsigned> &owners = p.graph().nodes[i].sharedWeights;
  for (size_t k = 0; k < owners.size(); ++k)
    seconds +=
        move(weights[placement[owners[k]].weights], p.sharedReadBytes[i][k]);
  if (LLVM_UNLIKELY(tiles[i].needed))
    seconds += rereadSeconds(placement, i);
  return seconds + latencyOf[touched];
}

double AnalyticalModel::rereadSeconds(const Placement &placement,
                                      unsigned i) const {
  // The layer re-reads an operand from where it lives (a streamed weight
  // from its home level: the ring holds one pass), at the level's own rate,
  // in the cheaper loop order; the levels are ones it touches already, so
  // the start-up latency is unchanged.
  const Problem &p = problem();
  auto spb = [&](unsigned level) { return activationRates[level].read; };
  double inputs = double(p.hostInputBytes[i]) * spb(p.slowestLevel());
  for (unsigned producer : p.graph().nodes[i].producers)
    inputs += double(p.outputBytes[producer]) * spb(placement[producer].output);
  double weights = double(p.weightReadBytes[i]) * spb(placement[i].weights);
  const std::vector<unsigned> &owners = p.graph().nodes[i].sharedWeights;
  for (size_t k = 0; k < owners.size(); ++k)
    weights +=
        double(p.sharedReadBytes[i][k]) * spb(placement[owners[k]].weights);
  return std::min(tiles[i].inputPasses * inputs,
                  tiles[i].weightPasses * weights);
}

AnalyticalModel::NodeCost AnalyticalModel::nodeCost(const Placement &placement,
                                                    unsigned i) const {
  NodeCost cost;
  double memory = moveSeconds(placement, i, cost);
  cost.seconds =
      problem().target().layerOverhead + std::max(compute[i], memory);
  return cost;
}

LLVM_ATTRIBUTE_ALWAYS_INLINE void
AnalyticalModel::step(const NodeCost &cost, unsigned i,
                      Recursion &state) const {
  // Node i starts when i-1 ends. The stream serves one request at a time, in
  // program order: by g_i it has served S_j for all j <= i. Before node i
  // starts at most a ring's worth of its bytes can have been served, and
  // before the previous weight-reading node started, at most a ring's worth
  // of both nodes' bytes (and those in between); both bounds count up to a
  // ring's worth of each tensor at the backing store's rate (B_i), so that
  // ring space taken by faster levels' weights still holds back the slow
  // ones behind them, and the rest of a tensor larger than the ring at its
  // own level's rate (X_i): it passes through while its layer runs. Node i
  // ends `overhead` after g_i, and not before its own T_i
  // (docs/cost-model.md).
  const double start = state.end;
  state.end += cost.seconds;
  if (cost.streamSeconds > 0) {
    state.clock = std::max(state.clock + cost.streamSeconds,
                           start + (cost.streamBytes - ring) * ringSpb +
                               cost.excessSeconds);
    if (readers[i] && state.window)
      state.clock =
          std::max(state.clock,
                   state.windowStart +
                       (state.windowBytes + cost.streamBytes - ring) * ringSpb +
                       (state.windowExcess + cost.excessSeconds) +
                       (state.windowSeconds + cost.windowSeconds));
    state.end =
        std::max(state.end, state.clock + problem().target().layerOverhead);
  }
  if (readers[i]) {
    state.window = true;
    state.windowStart = start;
    state.windowBytes = cost.streamBytes;
    state.windowExcess = cost.excessSeconds;
    state.windowSeconds = cost.windowSeconds;
  } else {
    state.windowBytes += cost.streamBytes;
    state.windowExcess += cost.excessSeconds;
    state.windowSeconds += cost.windowSeconds;
  }
}

MaxPlusMatrix AnalyticalModel::stepMatrix(const NodeCost &cost,
                                          unsigned i) const {
  // Rows and columns: 0 the end e, 1 the stream's clock g, 2 the window W.
  // Term by term what step() computes (its comment says why).
  enum { E = 0, G = 1, W = 2 };
  MaxPlusMatrix m = MaxPlusMatrix::none();
  const double overhead = problem().target().layerOverhead;
  const double ringTerm =
      (cost.streamBytes - ring) * ringSpb + cost.excessSeconds;
  if (cost.streamSeconds > 0) {
    m.at[G][E] = ringTerm;
    m.at[G][G] = cost.streamSeconds;
    m.at[E][E] = std::max(cost.seconds, ringTerm + overhead);
    m.at[E][G] = cost.streamSeconds + overhead;
    if (readers[i]) {
      m.at[G][W] = ringTerm + cost.windowSeconds;
      m.at[E][W] = ringTerm + cost.windowSeconds + overhead;
    }
  } else {
    m.at[E][E] = cost.seconds;
    m.at[G][G] = 0;
  }
  const double ringSeconds =
      cost.streamBytes * ringSpb + cost.excessSeconds + cost.windowSeconds;
  if (readers[i])
    m.at[W][E] = ringSeconds;
  else
    m.at[W][W] = ringSeconds;
  return m;
}

double
AnalyticalModel::latencyIgnoringCapacity(const Placement &placement) const {
  const unsigned n = problem().numNodes();
  if (!prefetch) {
    double end = 0;
    for (unsigned i = 0; i < n; ++i)
      end += nodeSeconds(placement, i);
    return end;
  }
  const double overhead = problem().target().layerOverhead;
  Recursion state;
  for (unsigned i = 0; i < n; ++i) {
    // nodeCost(), spelled out so that moveSeconds() is inlined here.
    NodeCost cost;
    double memory = moveSeconds(placement, i, cost);
    cost.seconds = overhead + std::max(compute[i], memory);
    step(cost, i, state);
  }
  return state.end;
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
    : model(model), problem(model.problem()), current(std::move(initial)),
      chain(problem.numNodes()) {
  const unsigned n = problem.numNodes();
  occupancy.assign(problem.numLevels(), RangeAddMaxTree(n));
  costs.resize(n);
  std::vector<MaxPlusMatrix> steps(n);
  for (unsigned i = 0; i < n; ++i) {
    costs[i] = model.nodeCost(current, i);
    steps[i] = model.stepMatrix(costs[i], i);
    addOccupancy(current[i].weights, problem.weightBytes[i], 0, n - 1);
    addOccupancy(current[i].output, problem.outputBytes[i], i,
                 problem.lastUse[i]);
  }
  chain.assign(steps);
}

void AnalyticalModel::Session::addOccupancy(unsigned level, int64_t bytes,
                                            unsigned first, unsigned last) {
  if (bytes != 0 && !problem.holdsEverything[level])
    occupancy[level].add(first, last, bytes);
}

bool AnalyticalModel::Session::hasRoom(unsigned level, int64_t bytes,
                                       unsigned first, unsigned last) const {
  return problem.holdsEverything[level] ||
         occupancy[level].max(first, last) + bytes <=
             problem.usableBytes[level];
}

int64_t AnalyticalModel::Session::overflow(unsigned level) const {
  if (problem.holdsEverything[level])
    return 0;
  return std::max<int64_t>(0, occupancy[level].max() -
                                  int64_t(problem.usableBytes[level]));
}

bool AnalyticalModel::Session::fits() const {
  for (unsigned level = 0; level < problem.numLevels(); ++level)
    if (overflow(level) > 0)
      return false;
  return true;
}

double AnalyticalModel::Session::latency() const {
  // The recursion starts at e = g = 0 with no window.
  const MaxPlusMatrix &all = chain.product();
  return std::max(all.at[0][0], all.at[0][1]);
}

void AnalyticalModel::Session::refresh(unsigned i) {
  NodeCost cost = model.nodeCost(current, i);
  NodeCost &old = costs[i];
  if (cost.seconds == old.seconds && cost.streamSeconds == old.streamSeconds &&
      cost.streamBytes == old.streamBytes &&
      cost.excessSeconds == old.excessSeconds &&
      cost.windowSeconds == old.windowSeconds)
    return;
  old = cost;
  chain.set(i, model.stepMatrix(cost, i));
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
  return latency();
}
