//===- SacLearner.h - Discrete soft actor-critic over the graph -----------===//
//
// The paper's learner (Khadka et al., ICLR 2021): twin Q critics, each a GNN
// over the node features concatenated with the one-hot levels a placement
// chose, pooled over the graph (max and mean) into an MLP that predicts the
// placement's reward; a GNN actor (GnnPolicy) trained to maximise the
// smaller critic plus alpha times its entropy. Episodes are one step, so a
// critic's target is the reward itself: no bootstrapping, so no target
// networks and no discount (the paper's soft target updates and portfolio
// of discounts have nothing to act on here). The expectation over the joint
// placement (3^(2N) actions) is estimated with straight-through
// Gumbel-softmax samples of the actor, through which the critics'
// gradients reach it.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_POLICY_SACLEARNER_H
#define EGRL_POLICY_SACLEARNER_H

#include "egrl/Policy/Learner.h"

#include <memory>

namespace egrl {

struct SacConfig {
  /// The actor (its learning rate is the actor's).
  GnnPolicyConfig policy;
  /// Small: the critics run on every buffer draw, and LibTorch here uses
  /// the reference BLAS.
  unsigned criticHidden = 32;
  unsigned criticLayers = 2;
  double criticLearningRate = 1e-3;
  /// Entropy weight, on the mean entropy per decision (paper: 0.05).
  double alpha = 0.05;
  double gumbelTemperature = 1.0;
  /// Critic minibatch, uniform over the whole buffer.
  unsigned batchSize = 32;
  /// Gumbel-softmax samples per actor step.
  unsigned actorSamples = 4;
  unsigned criticSteps = 2;
  unsigned actorSteps = 1;
  /// No step before the buffer holds this many experiences.
  unsigned warmup = 28;
};

class SacLearner : public Learner {
public:
  SacLearner(const SacConfig &config, unsigned numLevels);
  ~SacLearner() override;

  llvm::StringRef name() const override { return "discrete SAC"; }
  void bind(const Problem &problem) override;
  GnnPolicy &actor() override { return policy; }
  double train(const ReplayBuffer &buffer, std::mt19937_64 &rng) override;
  uint64_t steps() const override { return totalSteps; }

  /// The smaller critic's prediction for each placement (tests).
  std::vector<double> predict(llvm::ArrayRef<Placement> placements);

private:
  struct Critics;
  SacConfig config;
  GnnPolicy policy;
  std::unique_ptr<Critics> critics;
  uint64_t totalSteps = 0;
};

} // namespace egrl

#endif // EGRL_POLICY_SACLEARNER_H
