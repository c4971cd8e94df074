//===- Fixture.h - The graph and placements every benchmark evaluates -----===//
//
// A seeded synthetic graph of the requested size (or a bundled model's graph)
// on nnpi-1000, both evaluators, and 64 fixed random placements (about half
// overflow, so rectification is exercised), so every benchmark does
// comparable work.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_BENCH_FIXTURE_H
#define EGRL_BENCH_FIXTURE_H

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/Graph/SyntheticGraph.h"

#include <benchmark/benchmark.h>

#include <random>

namespace egrl::bench {

struct Fixture {
  WorkloadGraph graph;
  Target target;
  std::unique_ptr<Problem> problem;
  std::unique_ptr<AnalyticalModel> model;
  std::unique_ptr<NnpiSim> sim;
  std::vector<Placement> placements;

  explicit Fixture(unsigned numNodes)
      : Fixture(makeSyntheticGraph(numNodes, 42)) {}

  /// A graph JSON written by --egrl-print-graph=json=true.
  explicit Fixture(const std::string &graphPath)
      : Fixture(loadOrExit(graphPath)) {}

  explicit Fixture(WorkloadGraph workload) : graph(std::move(workload)) {
    const unsigned numNodes = graph.size();
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

private:
  static WorkloadGraph loadOrExit(const std::string &path) {
    auto loaded = WorkloadGraph::load(path);
    if (!loaded) {
      llvm::errs() << llvm::toString(loaded.takeError()) << "\n";
      std::exit(1);
    }
    return std::move(*loaded);
  }
};

/// One evaluation per iteration, cycling through `placements` from `first`.
inline void evaluateEach(benchmark::State &state, const Evaluator &evaluator,
                         const std::vector<Placement> &placements,
                         size_t first = 0) {
  size_t i = first;
  for (auto _ : state) {
    EvalResult r = evaluator.evaluate(placements[i++ % placements.size()]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

} // namespace egrl::bench

#endif // EGRL_BENCH_FIXTURE_H
