//===- Evolution.cpp - Evolution of Boltzmann chromosomes alone -----------===//
//
// The paper's "EA" baseline: a population of Boltzmann chromosomes
// (egrl/Policy/Boltzmann.h), no GNN and no learner. With `seed-from`, the
// first members are centred on the seed placements (best first); without,
// all start random. Each generation every
// member samples one placement and is scored by the paper's reward
// (speedup^2 - 1 over the native placement when valid, below -1 when
// not); measuring native first costs one evaluation of the budget. The
// best `max(2, 10%)` members survive unchanged (and are re-sampled next
// generation, so that one lucky placement does not keep a bad policy alive:
// the policy must sample well again, though a placement it measured before
// keeps that measurement); the
// rest are offspring of size-3 tournament winners, crossed with a second
// winner with p = 0.3 and mutated with p = 0.85.
//
// All randomness is drawn on the calling thread from the seed (member k of
// generation g samples from its own generator seeded by (seed, g, k)) and
// only evaluations run in parallel, recorded in index order, so the result
// is the same for any thread count. The budget is honoured exactly: the
// last generation is cut short when it runs out.
//
//===----------------------------------------------------------------------===//

#include "egrl/Policy/Boltzmann.h"
#include "egrl/Policy/Population.h"
#include "egrl/Search/Strategy.h"

#include <algorithm>
#include <numeric>

using namespace egrl;

namespace {

const PopulationConfig kConfig;
constexpr unsigned kPopulation = 20;
static_assert(kPopulation == PopulationConfig().size);

class EvolutionStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "ea"; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    const Problem &problem = context.problem;
    const uint64_t seed = context.options.seed;
    EvaluationTracker tracker(context);
    if (problem.numNodes() == 0 || context.options.budget == 0)
      return tracker.finish();
    tracker.rememberMeasurements();
    std::vector<std::string> unmeasuredSeeds;
    llvm::Expected<std::vector<SeedPlacement>> seeds =
        seedPlacements(context, tracker, &unmeasuredSeeds);
    if (!seeds)
      return seeds.takeError();
    NativeReward reward(tracker, problem, *seeds);
    // A native seed the budget left out was measured by the reward after
    // all, if the budget had room for it.
    if (reward.measuredNative())
      llvm::erase_if(unmeasuredSeeds, SeedPlacement::isNative);

    std::mt19937_64 rng(mixSeed(seed, ~0ULL));
    BoltzmannConfig config;
    std::vector<BoltzmannChromosome> population;
    for (unsigned k = 0; k < kPopulation; ++k)
      population.emplace_back(problem.numNodes(), problem.numLevels(), config,
                              rng);
    // Seeded members sample their placement with about one decision
    // changed, best seed first; the rest stay random.
    for (size_t k = 0; k < std::min<size_t>(seeds->size(), kPopulation); ++k)
      population[k] = BoltzmannChromosome::centredOn((*seeds)[k].placement,
                                                     problem, config);
    const unsigned elites = eliteCount(kConfig);
    std::uniform_real_distribution<double> unit(0.0, 1.0);

    uint64_t generation = 0;
    while (!tracker.exhausted()) {
      std::vector<Placement> batch;
      for (unsigned k = 0; k < kPopulation; ++k) {
        std::mt19937_64 sampler(mixSeed(seed, generation * kPopulation + k));
        batch.push_back(population[k].sample(problem, sampler));
      }
      std::vector<EvalResult> results = tracker.evaluateBatchOnce(batch);
      ++generation;
      // Budget spent mid-generation; a generation cut to leave room for
      // re-measurements (repeats) goes on with the members it measured.
      if (results.size() < kPopulation && tracker.exhausted())
        break;
      std::vector<double> fitness;
      for (const EvalResult &r : results)
        fitness.push_back(reward(r));

      std::vector<unsigned> order = rankByFitness(fitness);
      auto tournament = [&] {
        return tournamentSelect(fitness, kConfig.tournamentSize, rng);
      };
      std::vector<BoltzmannChromosome> next;
      next.reserve(kPopulation);
      for (unsigned e = 0; e < elites && e < order.size(); ++e)
        next.push_back(population[order[e]]);
      while (next.size() < kPopulation) {
        BoltzmannChromosome child = population[tournament()];
        if (unit(rng) < kConfig.crossoverProbability)
          child = BoltzmannChromosome::crossover(child,
                                                 population[tournament()], rng);
        if (unit(rng) < kConfig.mutationProbability)
          child.mutate(rng);
        next.push_back(std::move(child));
      }
      population = std::move(next);
    }
    SearchResult result = tracker.finish();
    result.detail = std::to_string(generation) + " generations of " +
                    std::to_string(kPopulation) + tracker.repeatingNote();
    recordSeeds(result, context.options, *seeds, unmeasuredSeeds);
    return result;
  }
};

} // namespace

static RegisterStrategy<EvolutionStrategy> registration("ea");
