//===- Features.cpp - Node features for graph policies --------------------===//

#include "egrl/Policy/Features.h"

#include <algorithm>
#include <cmath>

using namespace egrl;

// The kind one-hot columns follow NodeKind's order.
static_assert(unsigned(Feature::KindUnknown) - unsigned(Feature::KindConv) ==
              unsigned(NodeKind::Unknown));

llvm::ArrayRef<FeatureInfo> egrl::featureList() {
  static const FeatureInfo list[] = {
#define EGRL_FEATURE(Name, Description) {#Name, Description},
#include "egrl/Policy/Features.def"
  };
  return list;
}

std::vector<float> egrl::computeNodeFeatures(const Problem &problem) {
  const unsigned n = problem.numNodes();
  const WorkloadGraph &graph = problem.graph();
  std::vector<float> features(size_t(n) * kNumNodeFeatures, 0.0f);
  const unsigned slowest = problem.slowestLevel();
  const double slowSpb = problem.secondsPerByte[slowest];
  const double fastest = double(problem.usableBytes[0]);
  const double second = double(problem.usableBytes[std::min(1u, slowest)]);
  double maxCompute = 1e-30;
  for (double c : problem.computeSeconds)
    maxCompute = std::max(maxCompute, c);
  auto log2p = [](double x) { return std::log2(1.0 + x); };
  // Whether fast memory is scarce is a property of the graph, not of a
  // node: the same layer belongs on chip in a small model and may not in
  // a large one.
  double allWeights = 0, fasterBytes = 0;
  for (unsigned i = 0; i < n; ++i)
    allWeights += double(problem.weightBytes[i]);
  for (unsigned level = 0; level < slowest; ++level)
    fasterBytes += double(problem.usableBytes[level]);
  const double weightPressure =
      std::min(1.0, log2p(allWeights / std::max(fasterBytes, 1.0)) / 4);

  // Bytes of weights each node reads (own and shared): what the runtime's
  // stream fetches for it.
  std::vector<double> fetchBytes(n, 0.0);
  for (unsigned i = 0; i < n; ++i) {
    fetchBytes[i] = double(problem.weightReadBytes[i]);
    for (int64_t bytes : problem.sharedReadBytes[i])
      fetchBytes[i] += double(bytes);
  }
  // Whether a weight's fetch from a slower level hides depends on the compute
  // it can overlap: the node's own and that of the nodes since the previous
  // one whose fetch competes with it (a tenth as long or more; tiny weights
  // such as a norm's scale do not hold the stream). A placement-free proxy of
  // the stream in docs/cost-model.md, which the per-node time shares miss: an
  // attention projection after the attention's batched matmuls hides where an
  // FFN weight right after another FFN weight does not.
  constexpr unsigned kMaxWindowNodes = 256;
  auto fetchHidden = [&](unsigned i, unsigned level) {
    if (fetchBytes[i] <= 0)
      return -1.0;
    double window = problem.computeSeconds[i];
    for (unsigned j = i; j > 0 && i - j < kMaxWindowNodes; --j) {
      if (fetchBytes[j - 1] >= 0.1 * fetchBytes[i])
        break;
      window += problem.computeSeconds[j - 1];
    }
    double fetch = fetchBytes[i] * problem.secondsPerByte[level];
    return std::tanh(std::log((fetch + 1e-30) / (window + 1e-30)));
  };

  for (unsigned i = 0; i < n; ++i) {
    const Node &node = graph.nodes[i];
    float *row = features.data() + size_t(i) * kNumNodeFeatures;
    auto set = [&](Feature f, double value) {
      row[unsigned(f)] = float(value);
    };
    double weights = double(problem.weightBytes[i]);
    double weightsRead = double(problem.weightReadBytes[i]);
    double output = double(problem.outputBytes[i]);
    double inputs = double(problem.hostInputBytes[i]);
    for (unsigned p : node.producers)
      inputs += double(problem.outputBytes[p]);
    double compute = problem.computeSeconds[i];
    // Byte counts are exact in a double, so the order of the sum is moot.
    double slowMemory = (fetchBytes[i] + output + inputs) * slowSpb;
    double slowTime = std::max(compute, slowMemory) + 1e-30;

    set(Feature::LogMacs, log2p(double(node.macs)) / 40);
    set(Feature::LogVectorOps, log2p(double(node.vectorOps)) / 40);
    set(Feature::LogWeightBytes, log2p(weights) / 32);
    set(Feature::LogOutputBytes, log2p(output) / 32);
    set(Feature::LogInputBytes, log2p(inputs) / 32);
    set(Feature::WeightShareOfFastest, std::min(1.0, weights / fastest));
    set(Feature::OutputShareOfFastest, std::min(1.0, output / fastest));
    set(Feature::WeightShareOfSecond, std::min(1.0, weights / second));
    set(Feature::ComputeShare, compute / maxCompute);
    set(Feature::MemoryBoundness,
        std::tanh(std::log((slowMemory + 1e-30) / (compute + 1e-30))));
    set(Feature::WeightTimeShare, weightsRead * slowSpb / slowTime);
    set(Feature::SecondLevelFetchHidden, fetchHidden(i, std::min(1u, slowest)));
    set(Feature::SlowestLevelFetchHidden, fetchHidden(i, slowest));
    set(Feature::OutputTimeShare, output * slowSpb / slowTime);
    set(Feature::WeightPressure, weightPressure);
    set(Feature::LiveRange, double(problem.lastUse[i] - i) / n);
    set(Feature::FanIn, std::min(1.0, node.producers.size() / 4.0));
    set(Feature::FanOut, std::min(1.0, problem.consumers[i].size() / 4.0));
    set(Feature::IsGraphOutput, node.isGraphOutput);
    set(Feature::HasWeights, weights > 0);
    set(Feature::ReadsSharedWeights, !node.sharedWeights.empty());
    set(Feature(unsigned(Feature::KindConv) + unsigned(node.kind)), 1.0);
  }
  return features;
}
