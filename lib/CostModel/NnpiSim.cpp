//===- NnpiSim.cpp - Discrete-event simulator of an NNP-I-class chip ------===//
//
// The simulator's set-up and entry points: the chip's levels and the graph
// worked out once into the flat per-node tables the event loop reads
// (SimEventLoop.cpp), evaluation with rectification and measurement noise,
// and lower bounds. Modelling choices and their sources are in
// docs/simulator.md.
//
//===----------------------------------------------------------------------===//

#include "NnpiSimRecorder.h"

#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/EngineRule.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace egrl;

//===----------------------------------------------------------------------===//
// Construction
//===----------------------------------------------------------------------===//

llvm::Error NnpiSim::checkLevels(const Target &target) {
  // Checked here, not with the sim section: the limit is the simulator's
  // (fixed-size per-level state in its event loop), not the target's.
  if (target.numLevels() <= SimConfig::kMaxLevels)
    return llvm::Error::success();
  return llvm::createStringError(
      target.describe() + " has " + std::to_string(target.numLevels()) +
      " memory levels: the nnpi-sim simulator (evaluator=nnpi-sim, trace=) "
      "takes at most " +
      std::to_string(SimConfig::kMaxLevels) +
      "; evaluator=analytical takes targets of up to " +
      std::to_string(Target::kMaxLevels));
}

llvm::Expected<std::unique_ptr<NnpiSim>>
NnpiSim::create(const Problem &problem) {
  if (llvm::Error err = checkLevels(problem.target()))
    return std::move(err);
  auto cfg = SimConfig::fromTarget(problem.target());
  if (!cfg)
    return cfg.takeError();
  return std::make_unique<NnpiSim>(problem, std::move(*cfg));
}

NnpiSim::NnpiSim(const Problem &problem, SimConfig config)
    : Evaluator(problem), cfg(std::move(config)) {
  const Target &target = problem.target();
  const unsigned numLevels = problem.numLevels();
  assert(numLevels <= SimConfig::kMaxLevels &&
         "create() checks the level count");
  const unsigned slowest = problem.slowestLevel();
  for (unsigned l = 0; l < numLevels; ++l) {
    capacity.push_back(cfg.sustainedBandwidth(target, l));
    uint32_t mask = 1u << l;
    if (l == slowest && cfg.fabricLevel >= 0)
      mask |= 1u << cfg.fabricLevel;
    levelResources.push_back(mask);
    levelRate.push_back(cfg.transferRate(target, l));
    shareOfByte.push_back(1.0 / capacity.back());
    secondsPerByte.push_back(1.0 / levelRate.back());
  }
  const unsigned n = problem.numNodes();
  auto flatten = [&](Csr &csr, auto &&listOf) {
    csr.start.push_back(0);
    for (unsigned i = 0; i < n; ++i) {
      for (unsigned j : listOf(i))
        csr.list.push_back(j);
      csr.start.push_back(csr.list.size());
    }
  };
  const WorkloadGraph &graph = problem.graph();
  flatten(producers, [&](unsigned i) { return graph.nodes[i].producers; });
  flatten(sharedWeights,
          [&](unsigned i) { return graph.nodes[i].sharedWeights; });
  flatten(consumers, [&](unsigned i) { return problem.consumers[i]; });
  for (unsigned i = 0; i < n; ++i)
    numProducers.push_back(producers[i].size());
  for (unsigned i = 0; i < n; ++i) {
    readBytes.push_back(double(problem.weightReadBytes[i]));
    for (int64_t bytes : problem.sharedReadBytes[i])
      sharedReadBytes.push_back(double(bytes));
    outBytes.push_back(double(problem.outputBytes[i]));
    hostBytes.push_back(double(problem.hostInputBytes[i]));
  }
  nodeEngines.resize(n);
  nodeComputeSeconds.resize(n);
  for (unsigned i = 0; i < n; ++i) {
    // The compiler's split (EngineRule.h), which the model charges too.
    EngineShare share = engineShare(cfg, problem.computeSeconds[i]);
    nodeEngines[i] = share.engines;
    nodeComputeSeconds[i] = share.seconds;
  }
  // A node streaming only its own weights from `level` moves readBytes at
  // this many seconds per byte: the event loop's general formula
  // (SimEventLoop::planStreams: bytes summed over levels, the read time over
  // the bytes, at least the staging write) with one nonzero term, which adds
  // exact zeros. Worked out once, not per run.
  soleSecondsPerByte.assign(size_t(n) * numLevels, 0);
  for (unsigned i = 0; i < n; ++i)
    for (unsigned l = cfg.stagingLevel + 1; l < numLevels; ++l)
      if (readBytes[i] > 0)
        soleSecondsPerByte[size_t(i) * numLevels + l] =
            std::max(readBytes[i] * secondsPerByte[l] / readBytes[i],
                     secondsPerByte[cfg.stagingLevel]);
  // The tiling rule's half that does not depend on the placement, once.
  tiling.resize(n);
  for (unsigned i = 0; i < n; ++i)
    tiling[i] = tilingOf(cfg, problem, i, nodeEngines[i]);
}

//===----------------------------------------------------------------------===//
// Evaluation (the event loop itself is SimEventLoop.cpp)
//===----------------------------------------------------------------------===//

namespace {
/// evaluate()'s rectified copy of the placement, per thread: it keeps its
/// buffer, so an evaluation allocates nothing.
thread_local Placement rectifiedCopy;

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
} // namespace

double NnpiSim::simulate(const Placement &placement) const {
  NullSimRecorder recorder;
  return run(placement, recorder);
}

EvalResult NnpiSim::evaluateRepeat(const Placement &placement,
                                   unsigned repeat) const {
  Placement &copy = rectifiedCopy;
  copy.nodes.assign(placement.nodes.begin(), placement.nodes.end());
  CapacityReport report = rectify(problem(), copy);
  EvalResult result{simulate(copy), report.valid, report.overflowBytes};
  if (cfg.noiseStddev > 0) {
    // Noise is a function of (seed, placement, repeat), not of a shared
    // generator: reproducible and thread-safe.
    uint64_t h = splitmix64(cfg.noiseSeed);
    for (const NodePlacement &np : copy.nodes)
      h = splitmix64(h ^ (uint64_t(np.weights) << 8 | np.output));
    // Measurement 0 keeps the draw it always had; each repeat its own.
    if (repeat > 0)
      h = splitmix64(h ^ (0x9e3779b97f4a7c15ULL * repeat));
    double u1 = (double((h >> 11) | 1) / 9007199254740992.0);
    double u2 = double(splitmix64(h) >> 11) / 9007199254740992.0;
    double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
    result.latency *= std::max(0.05, 1.0 + cfg.noiseStddev * z);
  }
  return result;
}

SimLowerBounds NnpiSim::lowerBounds() const {
  const Problem &p = problem();
  SimLowerBounds bounds;
  bounds.allFastest = simulate(Placement(p.numNodes(), 0));
  double engineSeconds = 0;
  for (unsigned i = 0; i < p.numNodes(); ++i)
    engineSeconds +=
        nodeEngines[i] * (p.target().layerOverhead + nodeComputeSeconds[i]);
  bounds.computeBound = engineSeconds / cfg.engines;
  // Weights of at least `excess` resident bytes must stay in the backing
  // store. The fewest bytes an inference then reads from it is a knapsack;
  // its fractional relaxation (least-read bytes per resident byte first) is
  // a lower bound.
  int64_t resident = 0, onChip = 0;
  double dramBytes = 0;
  // Every reader of a shared weight reads (its part of) it again.
  const std::vector<double> reads = p.weightReadsWithSharers();
  std::vector<std::pair<double, int64_t>> perByte;
  for (unsigned i = 0; i < p.numNodes(); ++i) {
    resident += p.weightBytes[i];
    dramBytes += double(p.hostInputBytes[i]);
    if (p.weightBytes[i] > 0) {
      perByte.push_back(
          {reads[i] / double(p.weightBytes[i]), p.weightBytes[i]});
    }
  }
  for (unsigned l = 0; l < p.slowestLevel(); ++l)
    onChip += p.usableBytes[l];
  double excess = double(std::max<int64_t>(0, resident - onChip));
  std::sort(perByte.begin(), perByte.end());
  for (const auto &[ratio, bytes] : perByte) {
    if (excess <= 0)
      break;
    double taken = std::min(excess, double(bytes));
    dramBytes += ratio * taken;
    excess -= taken;
  }
  bounds.dramBound = dramBytes / capacity[p.slowestLevel()];
  return bounds;
}
