//===- Population.h - Selection operators of evolutionary searches --------===//
//
// The parts of the paper's evolution that do not depend on what a member is
// (Boltzmann chromosome or GNN policy): how many elites survive, ranking by
// fitness, and tournament selection. Shared by `ea` and `egrl`.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_POLICY_POPULATION_H
#define EGRL_POLICY_POPULATION_H

#include "llvm/ADT/ArrayRef.h"

#include <random>
#include <vector>

namespace egrl {

/// The paper's defaults (Khadka et al., ICLR 2021; docs/strategies.md, "egrl").
struct PopulationConfig {
  unsigned size = 20;
  double eliteFraction = 0.1;
  unsigned minElites = 2;
  unsigned tournamentSize = 3;
  double crossoverProbability = 0.3;
  double mutationProbability = 0.85;
};

/// max(minElites, eliteFraction x size), at most size.
unsigned eliteCount(const PopulationConfig &config);

/// Member indices, fittest first; ties keep index order.
std::vector<unsigned> rankByFitness(llvm::ArrayRef<double> fitness);

/// The fittest of `size` members drawn uniformly with replacement (the
/// first drawn wins ties).
unsigned tournamentSelect(llvm::ArrayRef<double> fitness, unsigned size,
                          std::mt19937_64 &rng);

} // namespace egrl

#endif // EGRL_POLICY_POPULATION_H
