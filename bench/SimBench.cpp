//===- SimBench.cpp - Evaluations per second of the nnpi-sim evaluator ----===//
//
// egrl-sim-bench [--benchmark_filter=...]
// The same ~400-node synthetic graph and random placements as
// CostModelBench.cpp, evaluated by the analytical model and by the
// simulator side by side (issue 4 target: >= 20,000 simulator evaluations
// per second per core). BM_SimFigures reports, as counters, the latencies of
// the native and greedy placements on both evaluators and the simulator's
// lower bounds, for the issue note and docs/simulator.md.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/Graph/SyntheticGraph.h"
#include "egrl/Search/Strategy.h"

#include <benchmark/benchmark.h>

#include <random>

using namespace egrl;

namespace {

struct Fixture {
  WorkloadGraph graph;
  Target target;
  std::unique_ptr<Problem> problem;
  std::unique_ptr<AnalyticalModel> model;
  std::unique_ptr<NnpiSim> sim;
  std::vector<Placement> placements;

  explicit Fixture(unsigned numNodes) {
    graph = makeSyntheticGraph(numNodes, 42);
    auto loaded = Target::load(EGRL_TARGETS_DIR "/nnpi-1000.json");
    if (!loaded) {
      llvm::errs() << llvm::toString(loaded.takeError()) << "\n";
      std::exit(1);
    }
    target = std::move(*loaded);
    problem = std::make_unique<Problem>(graph, target);
    model = std::make_unique<AnalyticalModel>(*problem);
    auto created = NnpiSim::create(*problem);
    if (!created) {
      llvm::errs() << llvm::toString(created.takeError()) << "\n";
      std::exit(1);
    }
    sim = std::move(*created);
    std::mt19937 rng(1);
    for (int i = 0; i < 64; ++i) {
      Placement p(numNodes, 0);
      for (NodePlacement &np : p.nodes)
        np = {uint8_t(rng() % 3), uint8_t(rng() % 3)};
      placements.push_back(std::move(p));
    }
  }
};

void BM_AnalyticalFull(benchmark::State &state) {
  Fixture f(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    EvalResult r = f.model->evaluate(f.placements[i++ % f.placements.size()]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnalyticalFull)->Arg(400)->Arg(1000);

void BM_SimFull(benchmark::State &state) {
  Fixture f(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    EvalResult r = f.sim->evaluate(f.placements[i++ % f.placements.size()]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SimFull)->Arg(400)->Arg(1000);

/// The native placement: mostly on chip, fewer DRAM transfers to prefetch.
void BM_SimNative(benchmark::State &state) {
  Fixture f(state.range(0));
  Placement native = nativePlacement(*f.problem);
  for (auto _ : state) {
    EvalResult r = f.sim->evaluate(native);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SimNative)->Arg(400);

/// Evaluations from every core at once: no locks in the hot path.
void BM_SimThreads(benchmark::State &state) {
  static Fixture f(400);
  size_t i = state.thread_index();
  for (auto _ : state) {
    EvalResult r = f.sim->evaluate(f.placements[i++ % f.placements.size()]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SimThreads)->ThreadRange(1, 2)->UseRealTime();

void BM_SimFigures(benchmark::State &state) {
  Fixture f(state.range(0));
  Placement native = nativePlacement(*f.problem);
  auto greedy = createStrategy("greedy");
  if (!greedy) {
    state.SkipWithError(llvm::toString(greedy.takeError()).c_str());
    return;
  }
  SearchContext context{*f.problem, *f.model, *f.model, {}};
  auto greedyResult = (*greedy)->run(context);
  if (!greedyResult) {
    state.SkipWithError(llvm::toString(greedyResult.takeError()).c_str());
    return;
  }
  SimLowerBounds bounds;
  for (auto _ : state)
    bounds = f.sim->lowerBounds();
  auto us = [](double seconds) { return seconds * 1e6; };
  state.counters["native_analytical_us"] =
      us(f.model->evaluate(native).latency);
  state.counters["native_sim_us"] = us(f.sim->evaluate(native).latency);
  state.counters["greedy_analytical_us"] =
      us(f.model->evaluate(greedyResult->placement).latency);
  state.counters["greedy_sim_us"] =
      us(f.sim->evaluate(greedyResult->placement).latency);
  state.counters["bound_all_sram_us"] = us(bounds.allFastest);
  state.counters["bound_compute_us"] = us(bounds.computeBound);
  state.counters["bound_dram_us"] = us(bounds.dramBound);
}
BENCHMARK(BM_SimFigures)
    ->Arg(400)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

} // namespace
