//===- Learner.h - Off-policy learner on a shared replay buffer -----------===//
//
// EGRL's gradient learner: a GNN actor trained from the replay buffer that
// every evaluation feeds (the population's samples and its own), whose
// actor migrates into the population every generation.
//
// One-step episodes over a single state (the graph) make the update a
// weighted maximum likelihood of placements (GnnPolicy::updateOn): rewards
// of a minibatch drawn from the buffer are standardised into advantages A,
// turned into weights (Weighting), and one Adam step is taken with the
// entropy bonus. No importance ratios: a Boltzmann chromosome's sample has
// no probability under the actor. Besides, observeRollouts() takes an
// on-policy REINFORCE step on the actor's own samples. This is not the
// paper's discrete SAC with twin critics (docs/strategies.md, "egrl").
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_POLICY_LEARNER_H
#define EGRL_POLICY_LEARNER_H

#include "egrl/Policy/GnnPolicy.h"
#include "egrl/Policy/ReplayBuffer.h"

#include <random>

namespace egrl {

struct LearnerConfig {
  GnnPolicyConfig policy;
  /// Experiences per gradient step, and steps per call of train().
  unsigned batchSize = 32;
  unsigned stepsPerGeneration = 4;
  /// The likelihood step weighs each placement by its standardised
  /// advantage A, clipped to +-maxAdvantage: an off-policy policy gradient
  /// without importance ratios that also pushes away from worse-than-average
  /// placements. (AWR's exp(A / beta) and self-imitation of the best K
  /// measured worse: docs/strategies.md, "Learner".)
  double maxAdvantage = 3.0;
  /// Share of each minibatch drawn from the `recentWindow` newest
  /// experiences (the last generation), the rest uniformly from all.
  double recentShare = 0;
  unsigned recentWindow = 24;
  /// No step before the buffer holds this many experiences.
  unsigned warmup = 16;
};

/// What EGRL needs of a learner: an actor to sample from and migrate, and
/// training from the shared buffer once a generation.
class Learner {
public:
  virtual ~Learner();
  /// Short name for reports ("off-policy PG", "discrete SAC").
  virtual llvm::StringRef name() const = 0;
  virtual void bind(const Problem &problem) = 0;
  virtual GnnPolicy &actor() = 0;
  /// Rewards of the placements the actor sampled last (actor().sample()).
  virtual double observeRollouts(llvm::ArrayRef<double> rewards) { return 0; }
  /// One generation's training from `buffer`, drawing with `rng`; returns
  /// the mean loss (0 when it did not train).
  virtual double train(const ReplayBuffer &buffer, std::mt19937_64 &rng) = 0;
  /// Gradient steps taken so far.
  virtual uint64_t steps() const = 0;
};

class OffPolicyLearner : public Learner {
public:
  OffPolicyLearner(const LearnerConfig &config, unsigned numLevels);

  llvm::StringRef name() const override { return "off-policy PG"; }
  void bind(const Problem &problem) override { policy.bind(problem); }
  GnnPolicy &actor() override { return policy; }

  /// One on-policy REINFORCE step on the actor's own samples (standardised
  /// advantages).
  double observeRollouts(llvm::ArrayRef<double> rewards) override;
  /// `stepsPerGeneration` steps on minibatches drawn from `buffer`.
  double train(const ReplayBuffer &buffer, std::mt19937_64 &rng) override;
  uint64_t steps() const override { return totalSteps; }

private:
  LearnerConfig config;
  GnnPolicy policy;
  uint64_t totalSteps = 0;
};

} // namespace egrl

#endif // EGRL_POLICY_LEARNER_H
