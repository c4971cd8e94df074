//===- TestUtil.h - Small graphs and targets for unit tests ---------------===//

#ifndef EGRL_UNITTESTS_TESTUTIL_H
#define EGRL_UNITTESTS_TESTUTIL_H

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/Graph/SyntheticGraph.h"
#include "egrl/Graph/WorkloadGraph.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Target/Target.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <limits>
#include <mutex>
#include <random>
#include <set>

namespace egrl::test {

/// Two levels, numbers chosen so latencies are easy to compute by hand:
/// fast 100 B/s with `fastCapacity` bytes, slow 10 B/s; 1 MAC/s; 1 s per
/// layer; 1-byte elements.
/// Without `sim`, the simulator's defaults describe its runtime (sustained
/// fractions below 1; prefetch only if `fastReserved` holds a 64 KiB tile);
/// `sim` is the body of a "sim" section.
inline Target twoLevelTarget(int64_t fastCapacity, int64_t fastReserved = 0,
                             const std::string &sim = "") {
  std::string json = R"({"name": "toy", "element_bytes": 1,
    "compute": {"mac_per_s": 1, "vector_ops_per_s": 1, "layer_overhead_s": 1},
    "levels": [
      {"name": "slow", "capacity_bytes": 1000000000, "bandwidth_bytes_per_s": 10},
      {"name": "fast", "capacity_bytes": )" +
                     std::to_string(fastCapacity) + R"(, "reserved_bytes": )" +
                     std::to_string(fastReserved) +
                     R"(, "bandwidth_bytes_per_s": 100}])" +
                     (sim.empty() ? "" : R"(, "sim": {)" + sim + "}") + "}";
  auto target = Target::parse(json, "toy");
  EXPECT_TRUE(bool(target)) << llvm::toString(target.takeError());
  return std::move(*target);
}

/// twoLevelTarget() on an ideal chip, for latencies computed by hand: every
/// level sustains its full bandwidth with no start-up latency, each layer
/// runs on the whole chip, and
/// with `ringBytes` > 0 the runtime streams slow weights through a ring of
/// that size in the fast level, carved out of its reserve (the DMA reads the
/// slow level at 10 B/s, a streamed weight is read from the ring at
/// 100 B/s), in tiles of a byte.
inline Target idealTarget(int64_t fastCapacity, int64_t ringBytes = 0) {
  std::string prefetch = ringBytes > 0 ? R"({"ring_bytes": )" +
                                             std::to_string(ringBytes) +
                                             R"(, "tile_bytes": 1})"
                                       : R"({"enabled": false})";
  return twoLevelTarget(fastCapacity + ringBytes, ringBytes,
                        R"("min_engine_work_s": 0, "prefetch": )" + prefetch +
                            R"(, "levels": {
          "slow": {"sustained_fraction": 1, "access_latency_s": 0},
          "fast": {"sustained_fraction": 1, "access_latency_s": 0}})");
}

inline Node makeNode(std::string name, int64_t macs, int64_t weights,
                     int64_t output, std::vector<unsigned> producers = {}) {
  Node node;
  node.name = std::move(name);
  node.macs = macs;
  node.weightElements = weights;
  node.weightElementBytes = 4;
  node.outputElements = output;
  node.outputElementBytes = 4;
  node.producers = std::move(producers);
  return node;
}

/// Three levels (slow 10 B/s, mid 20 B/s holding 1000 B, fast 100 B/s
/// holding 1000 B) on an ideal chip with a 100 B staging ring: weights in
/// mid and slow are both streamed.
inline Target threeLevelTarget() {
  std::string json = R"({"name": "three", "element_bytes": 1,
    "compute": {"mac_per_s": 1, "vector_ops_per_s": 1, "layer_overhead_s": 1},
    "levels": [
      {"name": "slow", "capacity_bytes": 1000000000, "bandwidth_bytes_per_s": 10},
      {"name": "mid", "capacity_bytes": 1000, "bandwidth_bytes_per_s": 20},
      {"name": "fast", "capacity_bytes": 1100, "reserved_bytes": 100,
       "bandwidth_bytes_per_s": 100}],
    "sim": {"min_engine_work_s": 0, "fabric_level": null,
            "prefetch": {"ring_bytes": 100, "tile_bytes": 1},
            "levels": {
              "slow": {"sustained_fraction": 1, "access_latency_s": 0},
              "mid": {"sustained_fraction": 1, "access_latency_s": 0},
              "fast": {"sustained_fraction": 1, "access_latency_s": 0}}}})";
  auto target = Target::parse(json, "three");
  EXPECT_TRUE(bool(target)) << llvm::toString(target.takeError());
  return std::move(*target);
}

/// A random DAG in program order (egrl/Graph/SyntheticGraph.h).
inline WorkloadGraph randomGraph(unsigned numNodes, uint64_t seed) {
  return makeSyntheticGraph(numNodes, seed);
}

/// Best latency over every placement that fits, by enumeration.
inline double bruteForceOptimum(const Problem &problem) {
  AnalyticalModel model(problem);
  unsigned n = problem.numNodes(), levels = problem.numLevels();
  unsigned choices = levels * levels;
  double best = std::numeric_limits<double>::infinity();
  std::vector<unsigned> digits(n, 0);
  while (true) {
    Placement placement(n, 0);
    for (unsigned i = 0; i < n; ++i)
      placement[i] = {uint8_t(digits[i] / levels), uint8_t(digits[i] % levels)};
    EvalResult result = model.evaluate(placement);
    if (result.valid)
      best = std::min(best, result.latency);
    unsigned i = 0;
    while (i < n && ++digits[i] == choices)
      digits[i++] = 0;
    if (i == n)
      break;
  }
  return best;
}

/// The published-figures NNP-I target of the repository.
inline Target nnpiTarget() {
  auto target = Target::load(EGRL_TARGETS_DIR "/nnpi-1000.json");
  EXPECT_TRUE(bool(target)) << llvm::toString(target.takeError());
  return std::move(*target);
}

/// nnpi-1000 whose nnpi-sim measurements carry multiplicative noise.
inline Target noisyNnpiTarget(double stddev, uint64_t seed) {
  Target target = nnpiTarget();
  nlohmann::json sim = nlohmann::json::parse(target.simSection);
  sim["noise_stddev"] = stddev;
  sim["noise_seed"] = seed;
  target.simSection = sim.dump();
  return target;
}

/// A random graph on nnpi-1000 whose simulator's measurements are noisy:
/// the setup of the tests of repeated measurements. Not copyable: the
/// problem refers to the graph and the target.
struct NoisyChip {
  NoisyChip(double stddev, uint64_t noiseSeed, unsigned numNodes,
            uint64_t graphSeed)
      : target(noisyNnpiTarget(stddev, noiseSeed)),
        graph(randomGraph(numNodes, graphSeed)), problem(graph, target),
        model(problem) {
    auto created = NnpiSim::create(problem);
    if (!created) {
      ADD_FAILURE() << llvm::toString(created.takeError());
      return;
    }
    chip = std::move(*created);
  }
  NoisyChip(const NoisyChip &) = delete;
  NoisyChip &operator=(const NoisyChip &) = delete;
  /// A search context measuring on the noisy chip, default options.
  SearchContext context() const { return {problem, model, *chip, {}}; }

  Target target;
  WorkloadGraph graph;
  Problem problem;
  AnalyticalModel model;
  std::unique_ptr<NnpiSim> chip;
};

/// The analytical model, counting every call and those that overflow, to
/// check budgets against the evaluator itself rather than against the
/// strategy's own bookkeeping, and keeping the placements' keys.
class CountingEvaluator : public Evaluator {
public:
  explicit CountingEvaluator(const AnalyticalModel &model)
      : Evaluator(model.problem()), model(model) {}
  llvm::StringRef name() const override { return "counting"; }
  EvalResult evaluate(const Placement &placement) const override {
    EvalResult result = model.evaluate(placement);
    ++calls;
    if (!result.valid)
      ++overflowing;
    Placement fitted = placement;
    rectify(problem(), fitted);
    std::lock_guard<std::mutex> lock(keysMutex);
    keys.push_back(placementKey(problem(), placement));
    fittedKeys.push_back(placementKey(problem(), fitted));
    return result;
  }
  /// How many distinct placements were measured.
  size_t distinct() const {
    std::lock_guard<std::mutex> lock(keysMutex);
    return std::set<std::string>(keys.begin(), keys.end()).size();
  }
  /// How many distinct placements the chip ran: measured placements after
  /// the capacity rules fitted them.
  size_t distinctRun() const {
    std::lock_guard<std::mutex> lock(keysMutex);
    return std::set<std::string>(fittedKeys.begin(), fittedKeys.end()).size();
  }
  mutable std::atomic<uint64_t> calls{0}, overflowing{0};

private:
  const AnalyticalModel &model;
  mutable std::mutex keysMutex;
  mutable std::vector<std::string> keys, fittedKeys;
};

/// A random graph on nnpi-1000 measured by a `Chip` made from its
/// analytical model: the setup of the tests of what a search measures. Not
/// copyable: the problem refers to the graph and the target.
template <class Chip> struct RandomGraphOn {
  RandomGraphOn(unsigned numNodes, uint64_t graphSeed)
      : RandomGraphOn(nnpiTarget(), numNodes, graphSeed) {}
  RandomGraphOn(Target chipTarget, unsigned numNodes, uint64_t graphSeed)
      : target(std::move(chipTarget)), graph(randomGraph(numNodes, graphSeed)),
        problem(graph, target), model(problem), chip(model) {}
  RandomGraphOn(const RandomGraphOn &) = delete;
  RandomGraphOn &operator=(const RandomGraphOn &) = delete;
  /// A search context measuring on the chip, default options.
  SearchContext context() const { return {problem, model, chip, {}}; }

  Target target;
  WorkloadGraph graph;
  Problem problem;
  AnalyticalModel model;
  Chip chip;
};
/// Measured by a CountingEvaluator.
using CountedGraph = RandomGraphOn<CountingEvaluator>;

/// Runs strategy `name` in `context`; a strategy that cannot be made or run
/// is a test failure (and an empty result).
inline SearchResult runSearch(llvm::StringRef name,
                              const SearchContext &context) {
  auto strategy = createStrategy(name);
  if (!strategy) {
    ADD_FAILURE() << llvm::toString(strategy.takeError());
    return {};
  }
  auto result = (*strategy)->run(context);
  if (!result) {
    ADD_FAILURE() << name.str() << ": " << llvm::toString(result.takeError());
    return {};
  }
  return std::move(*result);
}

} // namespace egrl::test

#endif // EGRL_UNITTESTS_TESTUTIL_H
