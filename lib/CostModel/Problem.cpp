//===- Problem.cpp - Derived sizes and liveness of a graph on a target ----===//

#include "egrl/CostModel/Problem.h"

using namespace egrl;

Problem::Problem(const WorkloadGraph &graph, const Target &target)
    : graphRef(&graph), targetRef(&target) {
  unsigned n = graph.size();
  auto bytes = [&](int64_t elements, double irElementBytes) {
    return tensorBytes(elements, irElementBytes);
  };
  weightBytes.resize(n);
  weightReadBytes.resize(n);
  outputBytes.resize(n);
  hostInputBytes.resize(n);
  computeSeconds.resize(n);
  for (unsigned i = 0; i < n; ++i) {
    const Node &node = graph.nodes[i];
    weightBytes[i] = bytes(node.weightElements, node.weightElementBytes);
    weightReadBytes[i] =
        bytes(node.weightElementsRead(), node.weightElementBytes);
    sharedReadBytes.emplace_back();
    for (size_t k = 0; k < node.sharedWeights.size(); ++k) {
      const Node &owner = graph.nodes[node.sharedWeights[k]];
      int64_t elements = node.sharedWeightReadElements.empty()
                             ? owner.weightElements
                             : node.sharedWeightReadElements[k];
      sharedReadBytes.back().push_back(
          bytes(elements, owner.weightElementBytes));
    }
    outputBytes[i] = bytes(node.outputElements, node.outputElementBytes);
    hostInputBytes[i] =
        bytes(node.hostInputElements, node.hostInputElementBytes);
    computeSeconds[i] = double(node.macs) / target.macRate +
                        double(node.vectorOps) / target.vectorRate;
  }
  lastUse = graph.computeLastUse();
  consumers = graph.computeConsumers();
  weightSharers = graph.computeWeightSharers();
  int64_t allBytes = 0;
  for (unsigned i = 0; i < n; ++i)
    allBytes += weightBytes[i] + outputBytes[i];
  for (const MemoryLevel &level : target.levels) {
    secondsPerByte.push_back(1.0 / level.bandwidth);
    usableBytes.push_back(level.usableBytes());
    holdsEverything.push_back(allBytes <= level.usableBytes());
  }
}

std::vector<double> Problem::weightReadsWithSharers() const {
  std::vector<double> reads(numNodes(), 0);
  for (unsigned i = 0; i < numNodes(); ++i) {
    reads[i] += double(weightReadBytes[i]);
    const std::vector<unsigned> &owners = graph().nodes[i].sharedWeights;
    for (size_t k = 0; k < owners.size(); ++k)
      reads[owners[k]] += double(sharedReadBytes[i][k]);
  }
  return reads;
}
