//===- Random.cpp - Uniform random placements under the budget ------------===//
//
// The floor every search must clear: `budget` placements drawn uniformly
// (each tensor's level independently; weightless nodes get the canonical
// slowest weight level), the best kept. Placement k is drawn from its own
// generator seeded by (seed, k), and batches are recorded in index order,
// so the result is the same for any thread count.
//
//===----------------------------------------------------------------------===//

#include "egrl/Search/Strategy.h"

#include <random>

using namespace egrl;

namespace {

/// SplitMix64 finaliser: decorrelates the streams of neighbouring indices.
uint64_t mixSeed(uint64_t seed, uint64_t index) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

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
    // Large enough to keep threads busy, small enough to bound memory.
    constexpr uint64_t kBatch = 256;
    uint64_t next = 0;
    while (!tracker.exhausted()) {
      uint64_t count = std::min(kBatch, tracker.remaining());
      std::vector<Placement> batch;
      batch.reserve(count);
      for (uint64_t k = 0; k < count; ++k)
        batch.push_back(randomPlacement(context.problem,
                                        mixSeed(context.options.seed, next++)));
      tracker.evaluateBatch(batch);
    }
    SearchResult result = tracker.finish();
    result.detail = std::to_string(tracker.used()) + " random placements";
    return result;
  }
};

} // namespace

std::unique_ptr<Strategy> egrl::createRandomStrategy() {
  return std::make_unique<RandomStrategy>();
}
