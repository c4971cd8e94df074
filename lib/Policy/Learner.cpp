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
  haveBaseline = true;
  baseline = mean;
  if (!config.onPolicyStep || rewards.size() < 2 || var <= 1e-12)
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
  std::vector<size_t> best;
  if (config.topK) {
    best.resize(buffer.size());
    std::iota(best.begin(), best.end(), 0);
    size_t k = std::min<size_t>(config.topK, best.size());
    std::partial_sort(best.begin(), best.begin() + k, best.end(),
                      [&](size_t a, size_t b) {
                        return buffer[a].reward > buffer[b].reward ||
                               (buffer[a].reward == buffer[b].reward && a < b);
                      });
    best.resize(k);
  }
  double lossSum = 0;
  for (unsigned step = 0; step < config.stepsPerGeneration; ++step) {
    unsigned recent =
        unsigned(std::lround(config.recentShare * config.batchSize));
    std::vector<size_t> picks =
        buffer.sampleRecent(recent, config.recentWindow, rng);
    if (best.empty()) {
      for (size_t index : buffer.sample(config.batchSize - recent, rng))
        picks.push_back(index);
    } else {
      std::uniform_int_distribution<size_t> pick(0, best.size() - 1);
      for (unsigned i = recent; i < config.batchSize; ++i)
        picks.push_back(best[pick(rng)]);
    }
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
    for (double r : rewards) {
      double advantage = (r - mean) * scale;
      switch (config.weighting) {
      case LearnerConfig::Weighting::Exponential:
        weights.push_back(
            std::min(std::exp(advantage / config.beta), config.maxWeight));
        break;
      case LearnerConfig::Weighting::Signed:
        weights.push_back(
            std::clamp(advantage, -config.maxAdvantage, config.maxAdvantage));
        break;
      case LearnerConfig::Weighting::SelfImitation:
        weights.push_back(haveBaseline ? std::clamp((r - baseline) * scale, 0.0,
                                                    config.maxAdvantage)
                                       : 0.0);
        break;
      }
    }
    // Nothing better than the learner in this minibatch: nothing to imitate.
    if (std::all_of(weights.begin(), weights.end(),
                    [](double w) { return w == 0; }))
      continue;
    lossSum += policy.updateOn(placements, weights);
    ++totalSteps;
  }
  return lossSum / std::max(1u, config.stepsPerGeneration);
}
