//===- GnnPolicy.h - A graph neural network placement policy -------------===//
//
// Per node, two distributions over the target's levels (weights, output)
// computed by a graph convolutional network from the node features. LibTorch
// stays behind this header (pimpl): including torch costs ~20 s of compile
// time per file, so only GnnPolicy.cpp pays it.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_POLICY_GNNPOLICY_H
#define EGRL_POLICY_GNNPOLICY_H

#include "egrl/CostModel/Placement.h"
#include "egrl/CostModel/Problem.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace egrl {

struct GnnPolicyConfig {
  unsigned hidden = 64;
  unsigned layers = 3;
  double learningRate = 3e-3;
  /// Weight of the entropy bonus in the policy-gradient loss.
  double entropyWeight = 0.01;
  uint64_t seed = 0;
  /// A conditioned policy also reads the decisions made so far (each
  /// tensor's level where decided, and how full each faster level is with
  /// decided weights), so that one decision can depend on the others:
  /// mostLikelyFitted() decodes it in rounds, most confident decisions
  /// first, and updateOnMasked() trains it. Sampling (and so pg and egrl)
  /// reads it with nothing decided.
  bool conditioned = false;
};

/// One parameter tensor by name, row-major: what a policy file stores
/// (egrl/Policy/PolicyFile.h).
struct ParameterTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
};

class GnnPolicy {
public:
  GnnPolicy(const GnnPolicyConfig &config, unsigned numLevels);
  ~GnnPolicy();
  GnnPolicy(const GnnPolicy &) = delete;
  GnnPolicy &operator=(const GnnPolicy &) = delete;

  unsigned numLevels() const;
  const GnnPolicyConfig &config() const;

  /// Builds the features and the normalised adjacency of `problem`; every
  /// other call works on the last bound graph.
  void bind(const Problem &problem);

  /// Draws `count` placements from the policy with a seeded generator, and
  /// remembers them for update(). With `epsilon`, each decision is instead
  /// a uniform level with that probability (the paper's per-node
  /// epsilon-greedy exploration).
  std::vector<Placement> sample(unsigned count, uint64_t seed,
                                double epsilon = 0);
  /// The most likely level of every tensor.
  Placement mostLikely();
  /// mostLikely() made to fit `chip`: when it does not, the decisions that
  /// cost the policy the least log-likelihood per byte are demoted first,
  /// rather than the last in program order as rectify() would; a second fit
  /// by the log-likelihood each decision loses whole is kept instead when it
  /// demotes less traffic (bytes an inference reads or writes, times
  /// levels). Then room its faster levels have
  /// left takes the tensors the policy most wants there
  /// (promoteIntoSpareRoom). A conditioned policy decides in rounds
  /// instead of at once: each round fixes the most confident of the
  /// undecided decisions, and the next round reads them (MaskGIT's
  /// decoding); the fit uses each decision's distribution from the round
  /// that fixed it. This is what `strategy=policy` places.
  Placement mostLikelyFitted(const Problem &chip);
  /// Log-probabilities, row-major [node][decision (0 weights, 1 output)]
  /// [level]: the prior a Boltzmann chromosome can be seeded from.
  std::vector<float> logProbabilities();

  /// One REINFORCE step on the last sampled placements with these
  /// advantages (one per placement); returns the loss.
  double update(llvm::ArrayRef<double> advantages);
  /// One step of weighted maximum likelihood on any placements (off-policy:
  /// they need not come from this policy): maximises
  /// mean(weight x log pi(placement)) plus the entropy bonus; returns the
  /// loss.
  double updateOn(llvm::ArrayRef<Placement> placements,
                  llvm::ArrayRef<double> weights);
  /// One step of masked imitation for a conditioned policy (no-op
  /// otherwise): each placement has a random share of its decisions hidden
  /// (cosine schedule, seeded), the rest given as decided, and the step
  /// maximises weight x the log-likelihood of the hidden ones. Returns the
  /// loss.
  double updateOnMasked(llvm::ArrayRef<Placement> placements,
                        llvm::ArrayRef<double> weights, uint64_t seed);
  /// Columns of the decisions-so-far input of a conditioned policy on
  /// `numLevels` levels.
  static unsigned contextColumns(unsigned numLevels);

  /// A copy with the same parameters and bound graph (a fresh optimiser).
  std::unique_ptr<GnnPolicy> clone() const;
  /// Overwrites this policy's parameters with `other`'s (same shapes).
  void copyParametersFrom(const GnnPolicy &other);
  /// Adds N(0, (scale x rms of its tensor)^2) to each parameter with
  /// probability `fraction` (the paper perturbs ~5% of the weights).
  void mutate(double fraction, double scale, uint64_t seed);
  /// Each output row of every parameter tensor (a unit's incoming weights)
  /// from `a` or `b` with probability 1/2.
  static std::unique_ptr<GnnPolicy>
  crossover(const GnnPolicy &a, const GnnPolicy &b, uint64_t seed);
  /// Number of scalar parameters.
  size_t numParameters() const;

  /// Every parameter tensor, in registration order.
  std::vector<ParameterTensor> exportParameters() const;
  /// Overwrites the parameters from `tensors`, which must name every
  /// parameter of this network once with its shape; the error names the
  /// first that does not.
  llvm::Error importParameters(llvm::ArrayRef<ParameterTensor> tensors);
  /// The Adam optimiser's state (moments, step counts) as opaque bytes, so
  /// that a resumed training run continues exactly; empty before the first
  /// step.
  std::string optimizerState() const;
  llvm::Error setOptimizerState(llvm::StringRef bytes);

  /// Opaque (LibTorch, lib/Policy/GnnPolicyImpl.h): for the learners in
  /// lib/Policy that train the network directly (SacLearner).
  struct Impl;
  Impl &internals() { return *impl; }

private:
  std::unique_ptr<Impl> impl;
};

} // namespace egrl

#endif // EGRL_POLICY_GNNPOLICY_H
