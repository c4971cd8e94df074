//===- Boltzmann.h - Stateless per-node softmax policies for evolution ----===//
//
// A Boltzmann chromosome (Khadka et al., ICLR 2021, section 3) is a policy
// with no network: for every node and each of its two decisions (weight
// level, output level) a prior vector over the memory levels and a
// temperature; an action is drawn from softmax(prior / T). Sampling costs
// O(nodes x levels), so a population of them is cheap to evaluate. The
// `ea` strategy evolves them alone; `egrl` mixes them with GNN policies and
// seeds their priors from a GNN's log-probabilities.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_POLICY_BOLTZMANN_H
#define EGRL_POLICY_BOLTZMANN_H

#include "egrl/CostModel/Placement.h"
#include "egrl/CostModel/Problem.h"

#include "llvm/ADT/ArrayRef.h"

#include <random>
#include <vector>

namespace egrl {

/// Hyper-parameters of Boltzmann chromosomes and their variation operators
/// (defaults from the paper; `geneMutationRate` is ours, see Boltzmann.cpp).
struct BoltzmannConfig {
  /// Range of initial priors and temperatures, and the clip range of
  /// temperatures.
  double minValue = 0.1;
  double maxValue = 10.0;
  /// Multiplicative mutation: prior x N(priorMean, priorStddev),
  /// temperature x N(temperatureMean, temperatureStddev).
  double priorMean = 1.0, priorStddev = 0.1;
  double temperatureMean = 0.95, temperatureStddev = 0.1;
  /// Probability that mutate() perturbs a given (node, decision) gene.
  double geneMutationRate = 0.1;
};

class BoltzmannChromosome {
public:
  /// The two decisions of a node.
  enum Decision : unsigned { Weights = 0, Output = 1 };

  /// Priors and temperatures drawn from U(minValue, maxValue).
  BoltzmannChromosome(unsigned numNodes, unsigned numLevels,
                      const BoltzmannConfig &config, std::mt19937_64 &rng);
  /// Every prior `prior`, every temperature `temperature` (clipped).
  BoltzmannChromosome(unsigned numNodes, unsigned numLevels,
                      const BoltzmannConfig &config, double prior,
                      double temperature);

  /// Seeded from a policy's log-probabilities, row-major
  /// [node][decision][level] (GnnPolicy::logProbabilities()), at
  /// temperature `temperature`: at 1 it samples what the policy samples.
  static BoltzmannChromosome
  fromLogProbabilities(unsigned numNodes, unsigned numLevels,
                       llvm::ArrayRef<float> logProbabilities,
                       const BoltzmannConfig &config, double temperature = 1);
  /// A chromosome whose samples are `placement` with about
  /// `expectedChanges` decisions changed (a population seeded from a known
  /// placement): the placement's level gets prior maxValue, the others
  /// minValue, and one temperature for all genes sets how often the
  /// decisions that matter (weights of nodes that have them, every output)
  /// leave it.
  static BoltzmannChromosome centredOn(const Placement &placement,
                                       const Problem &problem,
                                       const BoltzmannConfig &config,
                                       double expectedChanges = 1);

  unsigned numNodes() const { return nodes; }
  unsigned numLevels() const { return levels; }

  /// Prior vector (numLevels entries) of one decision of one node.
  llvm::ArrayRef<double> priors(unsigned node, Decision decision) const;
  /// Replaces the priors of one decision (e.g. with a GNN's logits).
  void setPriors(unsigned node, Decision decision,
                 llvm::ArrayRef<double> values);
  double temperature(unsigned node, Decision decision) const {
    return temperatures[gene(node, decision)];
  }
  /// Clipped to the configured range.
  void setTemperature(unsigned node, Decision decision, double value);

  /// Draws a placement: every decision from softmax(prior / T). Nodes
  /// without weights get the slowest weight level (the canonical form).
  Placement sample(const Problem &problem, std::mt19937_64 &rng) const;
  /// The most likely placement (argmax of the priors).
  Placement mostLikely(const Problem &problem) const;

  /// Perturbs each gene with probability `geneMutationRate`: its priors
  /// times N(priorMean, priorStddev), its temperature times
  /// N(temperatureMean, temperatureStddev), clipped.
  void mutate(std::mt19937_64 &rng);
  /// Uniform crossover at node granularity: each node's genes (both
  /// decisions) come from `a` or `b` with probability 1/2.
  static BoltzmannChromosome crossover(const BoltzmannChromosome &a,
                                       const BoltzmannChromosome &b,
                                       std::mt19937_64 &rng);

private:
  BoltzmannChromosome(unsigned numNodes, unsigned numLevels,
                      const BoltzmannConfig &config);
  unsigned gene(unsigned node, Decision decision) const {
    return node * 2 + decision;
  }
  unsigned nodes, levels;
  BoltzmannConfig config;
  /// priorValues[gene * levels + level]; temperatures[gene].
  std::vector<double> priorValues;
  std::vector<double> temperatures;
};

} // namespace egrl

#endif // EGRL_POLICY_BOLTZMANN_H
