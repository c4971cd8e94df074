//===- Random.cpp - Uniform random placements under the budget ------------===//
//
// The floor every search must clear: `budget` placements drawn uniformly
// (each tensor's level independently; weightless nodes get the canonical
// slowest weight level), the best kept, after the seed placements
// `seed-from` allows (none by default). Placement k is drawn from its own
// generator seeded by (seed, k), and batches are recorded in index order,
// so the result is the same for any thread count. A placement drawn again
// (a small graph, or few levels) is not measured again.
//
//===----------------------------------------------------------------------===//

#include "egrl/Search/Strategy.h"

#include <cmath>
#include <random>

using namespace egrl;

namespace {

Placement randomPlacement(const Problem &problem, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<unsigned> level(0, problem.slowestLevel());
  Placement placement(problem.numNodes(), problem.slowestLevel());
  for (unsigned i = 0; i < problem.numNodes(); ++i) {
    uint8_t w = level(rng);
    placement[i].weights = problem.hasWeights(i) ? w : problem.slowestLevel();
    placement[i].output = level(rng);
  }
  return placement;
}

class RandomStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "random"; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    EvaluationTracker tracker(context);
    // Seeds are measured first, so the result is never worse than them.
    tracker.rememberMeasurements();
    std::vector<std::string> unmeasuredSeeds;
    llvm::Expected<std::vector<SeedPlacement>> seeds =
        seedPlacements(context, tracker, &unmeasuredSeeds);
    if (!seeds)
      return seeds.takeError();
    // Large enough to keep threads busy, small enough to bound memory.
    constexpr uint64_t kBatch = 256;
    uint64_t next = 0, drawn = 0;
    while (!tracker.exhausted()) {
      uint64_t count = std::min(kBatch, tracker.remaining());
      std::vector<Placement> batch;
      batch.reserve(count);
      for (uint64_t k = 0; k < count; ++k)
        batch.push_back(randomPlacement(context.problem,
                                        mixSeed(context.options.seed, next++)));
      // After a signal or an evaluator failure the rest of the batch is
      // answered with nothing: drawn, not measured.
      for (const EvalResult &r : tracker.evaluateBatchOnce(batch))
        if (std::isfinite(r.latency) || !tracker.stoppedEarly())
          ++drawn;
    }
    SearchResult result = tracker.finish();
    result.detail = std::to_string(drawn) + " random placements";
    if (uint64_t again = tracker.answeredFromMemory())
      result.detail += " (" + std::to_string(again) + " drawn again)";
    if (!seeds->empty())
      result.detail += " after " + std::to_string(seeds->size()) + " seeds";
    result.detail += tracker.repeatingNote();
    recordSeeds(result, context.options, *seeds, unmeasuredSeeds);
    return result;
  }
};

} // namespace

static RegisterStrategy<RandomStrategy> registration("random");
