//===- SimBench.cpp - Evaluations per second of the nnpi-sim evaluator ----===//
//
// egrl-sim-bench [--benchmark_filter=...]
// The same ~400-node synthetic graph and random placements as
// CostModelBench.cpp (Fixture.h), and the bundled BERT-base and ResNet-101,
// evaluated by the simulator (issue 4 target: >= 20,000 simulator
// evaluations per second per core; compare with egrl-cost-bench's
// BM_AnalyticalFull). BM_SimFigures reports, as counters, the latencies of
// the native and greedy placements on both evaluators and the simulator's
// lower bounds, for the issue note and docs/simulator.md.
//
//===----------------------------------------------------------------------===//

#include "Fixture.h"
#include "egrl/Search/Strategy.h"

#include <benchmark/benchmark.h>

using namespace egrl;
using egrl::bench::Fixture;

namespace {

void BM_SimFull(benchmark::State &state) {
  Fixture f(state.range(0));
  bench::evaluateEach(state, *f.sim, f.placements);
}
BENCHMARK(BM_SimFull)->Arg(400)->Arg(1000);

/// The bundled models' graphs (written at build time by egrl-opt
/// --egrl-print-graph), random placements: the figure is measured on
/// BERT-base and ResNet-101 at the paper's scale of ~350-400 nodes.
void BM_SimBundled(benchmark::State &state, const char *graph) {
  Fixture f(std::string(EGRL_MODEL_GRAPHS_DIR "/") + graph + ".json");
  state.SetLabel(std::to_string(f.graph.size()) + " nodes");
  bench::evaluateEach(state, *f.sim, f.placements);
}
BENCHMARK_CAPTURE(BM_SimBundled, bert_base_op, "bert_base-op");
BENCHMARK_CAPTURE(BM_SimBundled, resnet101_op, "resnet101-op");
BENCHMARK_CAPTURE(BM_SimBundled, bert_base_fused, "bert_base-fused");
BENCHMARK_CAPTURE(BM_SimBundled, resnet101_fused, "resnet101-fused");

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
  bench::evaluateEach(state, *f.sim, f.placements, state.thread_index());
}
BENCHMARK(BM_SimThreads)->ThreadRange(1, 2)->UseRealTime();

void simFigures(benchmark::State &state, Fixture &f) {
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
void BM_SimFigures(benchmark::State &state) {
  Fixture f(state.range(0));
  simFigures(state, f);
}
BENCHMARK(BM_SimFigures)
    ->Arg(400)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

/// The same figures for every bundled model's graph
/// (--benchmark_filter=BM_SimFiguresBundled, docs/simulator.md).
void BM_SimFiguresBundled(benchmark::State &state, const char *graph) {
  Fixture f(std::string(EGRL_MODEL_GRAPHS_DIR "/") + graph + ".json");
  simFigures(state, f);
}
#define EGRL_SIM_FIGURES(model)                                                \
  BENCHMARK_CAPTURE(BM_SimFiguresBundled, model##_fused, #model "-fused")      \
      ->Iterations(1)                                                          \
      ->Unit(benchmark::kMillisecond);                                         \
  BENCHMARK_CAPTURE(BM_SimFiguresBundled, model##_op, #model "-op")            \
      ->Iterations(1)                                                          \
      ->Unit(benchmark::kMillisecond)
EGRL_SIM_FIGURES(resnet50);
EGRL_SIM_FIGURES(resnet101);
EGRL_SIM_FIGURES(bert_base);
EGRL_SIM_FIGURES(mobilenet_v2);
EGRL_SIM_FIGURES(tiny_cnn);

} // namespace
