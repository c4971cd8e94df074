//===- SyntheticGraph.cpp - Seeded random workload graphs -----------------===//

#include "egrl/Graph/SyntheticGraph.h"

#include <random>

using namespace egrl;

WorkloadGraph egrl::makeSyntheticGraph(unsigned numNodes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  // Our own mapping from raw draws keeps graphs identical across standard
  // libraries (uniform_int_distribution is implementation-defined).
  auto uniform = [&](int64_t lo, int64_t hi) {
    return lo + int64_t(rng() % uint64_t(hi - lo + 1));
  };
  WorkloadGraph graph;
  graph.name = "synthetic" + std::to_string(seed);
  for (unsigned i = 0; i < numNodes; ++i) {
    Node node;
    node.name = "n" + std::to_string(i);
    if (i > 2 && uniform(0, 3) == 0)
      node.producers.push_back(unsigned(uniform(0, i - 2)));
    if (i > 0)
      node.producers.push_back(i - 1);
    node.kind = NodeKind::Conv;
    node.macs = int64_t(1) << uniform(10, 24);
    node.vectorOps = uniform(0, 100000);
    node.weightElements = uniform(0, 4) == 0 ? 0 : uniform(1000, 3000000);
    node.weightElementBytes = 4;
    node.outputElements = uniform(1000, 1000000);
    node.outputElementBytes = 4;
    if (i == 0) {
      node.hostInputElements = 150528;
      node.hostInputElementBytes = 4;
    }
    if (i > 4 && uniform(0, 9) == 0 && graph.nodes[i - 3].weightElements > 0)
      node.sharedWeights.push_back(i - 3);
    graph.nodes.push_back(std::move(node));
  }
  if (!graph.nodes.empty())
    graph.nodes.back().isGraphOutput = true;
  return graph;
}
