//===- Learner.cpp - Off-policy learner on a shared replay buffer ---------===//

#include "egrl/Policy/Learner.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace egrl;

Learner::~Learner() = default;

OffPolicyLearner::OffPolicyLearner(const LearnerConfig &config,
                                   unsigned numLevels)
    : config(config), policy(config.policy, numLevels) {}

double OffPolicyLearner::observeRollouts(llvm::ArrayRef<double> rewards) {
  if (rewards.empty())
    return 0;
  double mean = 0, var = 0;
  for (double r : rewards)
    mean += r / rewards.size();
  for (double r : rewards)
    var += (r - mean) * (r - mean) / rewards.size();
  if (rewards.size() < 2 || var <= 1e-12)
    return 0;
  double scale = 1.0 / std::sqrt(var);
  std::vector<double> advantages;
  for (double r : rewards)
    advantages.push_back((r - mean) * scale);
  ++totalSteps;
  return policy.update(advantages);
}

double OffPolicyLearner::train(const ReplayBuffer &buffer,
                               std::mt19937_64 &rng) {
  if (buffer.size() < std::max(2u, config.warmup))
    return 0;
  double lossSum = 0;
  for (unsigned step = 0; step < config.stepsPerGeneration; ++step) {
    unsigned recent =
        unsigned(std::lround(config.recentShare * config.batchSize));
    std::vector<size_t> picks =
        buffer.sampleRecent(recent, config.recentWindow, rng);
    for (size_t index : buffer.sample(config.batchSize - recent, rng))
      picks.push_back(index);
    std::vector<Placement> placements;
    std::vector<double> rewards;
    for (size_t index : picks) {
      placements.push_back(buffer[index].placement);
      rewards.push_back(buffer[index].reward);
    }
    double mean = 0, var = 0;
    for (double r : rewards)
      mean += r / rewards.size();
    for (double r : rewards)
      var += (r - mean) * (r - mean) / rewards.size();
    // A minibatch of equal rewards carries no preference: no step.
    if (var <= 1e-12)
      continue;
    double scale = 1.0 / std::sqrt(var);
    std::vector<double> weights;
    for (double r : rewards)
      weights.push_back(std::clamp((r - mean) * scale, -config.maxAdvantage,
                                   config.maxAdvantage));
    lossSum += policy.updateOn(placements, weights);
    ++totalSteps;
  }
  return lossSum / std::max(1u, config.stepsPerGeneration);
}
