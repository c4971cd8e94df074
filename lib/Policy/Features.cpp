//===- Features.cpp - Node features for graph policies --------------------===//

#include "egrl/Policy/Features.h"

#include "llvm/ADT/StringExtras.h"

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

  for (unsigned i = 0; i < n; ++i) {
    const Node &node = graph.nodes[i];
    float *row = features.data() + size_t(i) * kNumNodeFeatures;
    auto set = [&](Feature f, double value) { row[unsigned(f)] = float(value); };
    double weights = double(problem.weightBytes[i]);
    double weightsRead = double(problem.weightReadBytes[i]);
    double output = double(problem.outputBytes[i]);
    double inputs = double(problem.hostInputBytes[i]);
    for (unsigned p : node.producers)
      inputs += double(problem.outputBytes[p]);
    double shared = 0;
    for (int64_t bytes : problem.sharedReadBytes[i])
      shared += double(bytes);
    double compute = problem.computeSeconds[i];
    double slowMemory = (weightsRead + output + inputs + shared) * slowSpb;
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

llvm::Error egrl::checkPolicyLevels(llvm::ArrayRef<std::string> policyLevels,
                                    const Target &target,
                                    llvm::StringRef origin) {
  // Heads are levels by speed rank, fastest first, whatever the levels are
  // named: only their count must agree (names in another order are a
  // transfer across chips, said when it places).
  if (policyLevels.size() == target.numLevels())
    return llvm::Error::success();
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      (origin + ": the policy places on " + llvm::Twine(policyLevels.size()) +
       " levels (" + llvm::join(policyLevels, ", ") + "), target '" +
       target.name + "' has " + llvm::Twine(target.numLevels()) + " (" +
       target.levelNames() + ")")
          .str());
}
