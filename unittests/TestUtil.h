//===- TestUtil.h - Small graphs and targets for unit tests ---------------===//

#ifndef EGRL_UNITTESTS_TESTUTIL_H
#define EGRL_UNITTESTS_TESTUTIL_H

#include "egrl/Graph/WorkloadGraph.h"
#include "egrl/Target/Target.h"

#include <gtest/gtest.h>

#include <random>

namespace egrl::test {

/// Two levels, numbers chosen so latencies are easy to compute by hand:
/// fast 100 B/s with `fastCapacity` bytes, slow 10 B/s; 1 MAC/s; 1 s per
/// layer; 1-byte elements.
inline Target twoLevelTarget(int64_t fastCapacity) {
  std::string json = R"({"name": "toy", "element_bytes": 1,
    "compute": {"mac_per_s": 1, "vector_ops_per_s": 1, "layer_overhead_s": 1},
    "levels": [
      {"name": "slow", "capacity_bytes": 1000000000, "bandwidth_bytes_per_s": 10},
      {"name": "fast", "capacity_bytes": )" +
                     std::to_string(fastCapacity) +
                     R"(, "bandwidth_bytes_per_s": 100}]})";
  auto target = Target::parse(json, "toy");
  EXPECT_TRUE(bool(target)) << llvm::toString(target.takeError());
  return std::move(*target);
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

/// A random DAG in program order: chains with skip connections, shared
/// weights now and then. Sizes in the hundreds of bytes to megabytes.
inline WorkloadGraph randomGraph(unsigned numNodes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  WorkloadGraph graph;
  graph.name = "random" + std::to_string(seed);
  for (unsigned i = 0; i < numNodes; ++i) {
    std::vector<unsigned> producers;
    if (i > 0)
      producers.push_back(i - 1);
    if (i > 2 && uniform(0, 3) == 0)
      producers.insert(producers.begin(), unsigned(uniform(0, i - 2)));
    Node node = makeNode("n" + std::to_string(i), int64_t(1) << uniform(10, 24),
                         uniform(0, 4) == 0 ? 0 : uniform(1000, 3000000),
                         uniform(1000, 1000000), producers);
    node.vectorOps = uniform(0, 100000);
    if (i == 0)
      node.hostInputElements = 150528, node.hostInputElementBytes = 4;
    if (i > 4 && uniform(0, 9) == 0 && graph.nodes[i - 3].weightElements > 0)
      node.sharedWeights.push_back(i - 3);
    graph.nodes.push_back(std::move(node));
  }
  graph.nodes.back().isGraphOutput = true;
  return graph;
}

/// The published-figures NNP-I target of the repository.
inline Target nnpiTarget() {
  auto target = Target::load(EGRL_TARGETS_DIR "/nnpi-1000.json");
  EXPECT_TRUE(bool(target)) << llvm::toString(target.takeError());
  return std::move(*target);
}

} // namespace egrl::test

#endif // EGRL_UNITTESTS_TESTUTIL_H
