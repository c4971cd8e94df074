//===- Boltzmann.cpp - Stateless per-node softmax policies for evolution --===//
//
// The paper gives the operators (prior x N(1, 0.1), temperature x
// N(0.95, 0.1), values in [0.1, 10]) but not how many genes one mutation
// touches; for GNN policies it perturbs ~5% of the weights. Perturbing
// every gene would turn a good chromosome into a random one on graphs of
// hundreds of nodes, so a mutation touches each gene with probability
// `geneMutationRate` (10% by default). The temperature's mean factor 0.95
// anneals surviving lineages towards their priors' argmax.
//
//===----------------------------------------------------------------------===//

#include "egrl/Policy/Boltzmann.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace egrl;

BoltzmannChromosome::BoltzmannChromosome(unsigned numNodes, unsigned numLevels,
                                         const BoltzmannConfig &config)
    : nodes(numNodes), levels(numLevels), config(config),
      priorValues(size_t(numNodes) * 2 * numLevels),
      temperatures(size_t(numNodes) * 2) {}

BoltzmannChromosome::BoltzmannChromosome(unsigned numNodes, unsigned numLevels,
                                         const BoltzmannConfig &config,
                                         std::mt19937_64 &rng)
    : BoltzmannChromosome(numNodes, numLevels, config) {
  std::uniform_real_distribution<double> init(config.minValue, config.maxValue);
  for (double &p : priorValues)
    p = init(rng);
  for (double &t : temperatures)
    t = init(rng);
}

BoltzmannChromosome::BoltzmannChromosome(unsigned numNodes, unsigned numLevels,
                                         const BoltzmannConfig &config,
                                         double prior, double temperature)
    : nodes(numNodes), levels(numLevels), config(config),
      priorValues(size_t(numNodes) * 2 * numLevels, prior),
      temperatures(size_t(numNodes) * 2,
                   std::clamp(temperature, config.minValue, config.maxValue)) {}

BoltzmannChromosome BoltzmannChromosome::fromLogProbabilities(
    unsigned numNodes, unsigned numLevels,
    llvm::ArrayRef<float> logProbabilities, const BoltzmannConfig &config,
    double temperature) {
  assert(logProbabilities.size() == size_t(numNodes) * 2 * numLevels);
  BoltzmannChromosome out(numNodes, numLevels, config, 0.0, temperature);
  std::copy(logProbabilities.begin(), logProbabilities.end(),
            out.priorValues.begin());
  return out;
}

BoltzmannChromosome BoltzmannChromosome::centredOn(
    const Placement &placement, const Problem &problem,
    const BoltzmannConfig &config, double expectedChanges) {
  const unsigned n = problem.numNodes(), levels = problem.numLevels();
  BoltzmannChromosome out(n, levels, config);
  unsigned decisions = 0;
  for (unsigned i = 0; i < n; ++i) {
    decisions += 1 + problem.hasWeights(i);
    for (Decision d : {Weights, Output}) {
      unsigned chosen =
          d == Weights ? placement[i].weights : placement[i].output;
      double *p = out.priorValues.data() + size_t(out.gene(i, d)) * levels;
      for (unsigned l = 0; l < levels; ++l)
        p[l] = l == chosen ? config.maxValue : config.minValue;
    }
  }
  // Each decision leaves its level with probability q = changes/decisions:
  // (levels - 1) exp(-gap / T) = q / (1 - q).
  double q = std::clamp(expectedChanges / std::max(1u, decisions), 1e-9, 0.5);
  double odds = double(std::max(1u, levels - 1)) * (1 - q) / q;
  double temperature = (config.maxValue - config.minValue) / std::log(odds);
  if (!(temperature > 0)) // One level, or odds <= 1: nothing to choose.
    temperature = config.maxValue;
  for (double &t : out.temperatures)
    t = std::clamp(temperature, config.minValue, config.maxValue);
  return out;
}

llvm::ArrayRef<double> BoltzmannChromosome::priors(unsigned node,
                                                   Decision decision) const {
  return llvm::ArrayRef<double>(priorValues)
      .slice(size_t(gene(node, decision)) * levels, levels);
}

void BoltzmannChromosome::setPriors(unsigned node, Decision decision,
                                    llvm::ArrayRef<double> values) {
  assert(values.size() == levels && "one prior per level");
  std::copy(values.begin(), values.end(),
            priorValues.begin() + size_t(gene(node, decision)) * levels);
}

void BoltzmannChromosome::setTemperature(unsigned node, Decision decision,
                                         double value) {
  temperatures[gene(node, decision)] =
      std::clamp(value, config.minValue, config.maxValue);
}

Placement BoltzmannChromosome::sample(const Problem &problem,
                                      std::mt19937_64 &rng) const {
  assert(problem.numNodes() == nodes && problem.numLevels() == levels);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> weights(levels);
  auto draw = [&](unsigned g) {
    const double *p = priorValues.data() + size_t(g) * levels;
    const double t = temperatures[g];
    // Softmax by inversion; subtracting the max keeps exp() finite.
    double top = *std::max_element(p, p + levels), sum = 0;
    for (unsigned l = 0; l < levels; ++l)
      sum += weights[l] = std::exp((p[l] - top) / t);
    double u = unit(rng) * sum;
    for (unsigned l = 0; l + 1 < levels; ++l) {
      if (u < weights[l])
        return uint8_t(l);
      u -= weights[l];
    }
    return uint8_t(levels - 1);
  };
  Placement placement(nodes, problem.slowestLevel());
  for (unsigned i = 0; i < nodes; ++i) {
    // Draw both decisions even for weightless nodes so that a node's
    // random stream does not depend on its neighbours' sizes.
    uint8_t w = draw(gene(i, Weights));
    placement[i].weights = problem.hasWeights(i) ? w : problem.slowestLevel();
    placement[i].output = draw(gene(i, Output));
  }
  return placement;
}

Placement BoltzmannChromosome::mostLikely(const Problem &problem) const {
  Placement placement(nodes, problem.slowestLevel());
  auto argmax = [&](unsigned g) {
    const double *p = priorValues.data() + size_t(g) * levels;
    return uint8_t(std::max_element(p, p + levels) - p);
  };
  for (unsigned i = 0; i < nodes; ++i) {
    if (problem.hasWeights(i))
      placement[i].weights = argmax(gene(i, Weights));
    placement[i].output = argmax(gene(i, Output));
  }
  return placement;
}

void BoltzmannChromosome::mutate(std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> priorNoise(config.priorMean,
                                              config.priorStddev);
  std::normal_distribution<double> temperatureNoise(config.temperatureMean,
                                                    config.temperatureStddev);
  for (unsigned g = 0, e = nodes * 2; g < e; ++g) {
    if (unit(rng) >= config.geneMutationRate)
      continue;
    double *p = priorValues.data() + size_t(g) * levels;
    for (unsigned l = 0; l < levels; ++l)
      p[l] *= priorNoise(rng);
    temperatures[g] = std::clamp(temperatures[g] * temperatureNoise(rng),
                                 config.minValue, config.maxValue);
  }
}

BoltzmannChromosome BoltzmannChromosome::crossover(const BoltzmannChromosome &a,
                                                   const BoltzmannChromosome &b,
                                                   std::mt19937_64 &rng) {
  assert(a.nodes == b.nodes && a.levels == b.levels);
  BoltzmannChromosome child = a;
  std::bernoulli_distribution fromB(0.5);
  for (unsigned i = 0; i < a.nodes; ++i) {
    if (!fromB(rng))
      continue;
    for (Decision d : {Weights, Output}) {
      unsigned g = a.gene(i, d);
      std::copy_n(b.priorValues.begin() + size_t(g) * a.levels, a.levels,
                  child.priorValues.begin() + size_t(g) * a.levels);
      child.temperatures[g] = b.temperatures[g];
    }
  }
  return child;
}
