//===- Population.cpp - Selection operators of evolutionary searches ------===//

#include "egrl/Policy/Population.h"

#include <algorithm>
#include <numeric>

using namespace egrl;

unsigned egrl::eliteCount(const PopulationConfig &config) {
  unsigned elites =
      std::max(config.minElites, unsigned(config.eliteFraction * config.size));
  return std::min(elites, config.size);
}

std::vector<unsigned> egrl::rankByFitness(llvm::ArrayRef<double> fitness) {
  std::vector<unsigned> order(fitness.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](unsigned a, unsigned b) {
    return fitness[a] > fitness[b];
  });
  return order;
}

unsigned egrl::tournamentSelect(llvm::ArrayRef<double> fitness, unsigned size,
                                std::mt19937_64 &rng) {
  std::uniform_int_distribution<unsigned> member(0, fitness.size() - 1);
  unsigned winner = member(rng);
  for (unsigned t = 1; t < size; ++t) {
    unsigned challenger = member(rng);
    if (fitness[challenger] > fitness[winner])
      winner = challenger;
  }
  return winner;
}
