//===- CostModelBench.cpp - Evaluations per second of the cost models -----===//
//
// egrl-cost-bench [--benchmark_filter=...]
// A ~400-node graph (BERT-base size at `fused` granularity is of that order).
// Placements are random but fixed per run so every iteration does the same
// work; half of them overflow so rectification is exercised too.
//
//===----------------------------------------------------------------------===//

#include "Fixture.h"
#include "egrl/Search/Strategy.h"

#include <benchmark/benchmark.h>

#include <random>

using namespace egrl;
using egrl::bench::Fixture;

namespace {

void BM_AnalyticalFull(benchmark::State &state) {
  Fixture f(state.range(0));
  bench::evaluateEach(state, *f.model, f.placements);
}
BENCHMARK(BM_AnalyticalFull)->Arg(400)->Arg(1000);

void BM_AnalyticalIncremental(benchmark::State &state) {
  Fixture f(state.range(0));
  AnalyticalModel::Session session(*f.model, nativePlacement(*f.problem));
  std::mt19937 rng(2);
  std::vector<std::pair<unsigned, NodePlacement>> moves;
  for (int i = 0; i < 4096; ++i)
    moves.push_back({unsigned(rng() % f.problem->numNodes()),
                     NodePlacement{uint8_t(rng() % 3), uint8_t(rng() % 3)}});
  size_t i = 0;
  for (auto _ : state) {
    auto [node, np] = moves[i++ % moves.size()];
    benchmark::DoNotOptimize(session.set(node, np));
    benchmark::DoNotOptimize(session.fits());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnalyticalIncremental)->Arg(400)->Arg(1000)->Arg(20000);

void BM_Greedy(benchmark::State &state) {
  Fixture f(state.range(0));
  auto strategy = createStrategy("greedy");
  for (auto _ : state) {
    SearchContext context{*f.problem, *f.model, *f.model, {}};
    auto result = (*strategy)->run(context);
    benchmark::DoNotOptimize(result);
  }
}
// 20,000 nodes: greedy was quadratic (18 s) before the session went to
// segment trees; it took about 0.6 s before its local moves (0.8 s with).
BENCHMARK(BM_Greedy)
    ->Arg(400)
    ->Arg(5000)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond);

} // namespace
