//===- Native.cpp - The vendor-compiler stand-in (1.0x reference) ---------===//
//
// A conventional accelerator compiler keeps activations on chip, because
// they are produced and consumed back to back, and spills weights to the
// large shared cache, leaving the fastest memory to the working set. It
// allocates first-fit in program order. That is exactly: ask for outputs in
// the fastest level and weights in the shared cache, then rectify. The
// shared cache is the chip's fabric level (`sim.fabric_level`, the LLC on
// NNP-I, by default the level above the backing store; never the fastest
// level, which stays the working set's): on a chip with HBM between the LLC
// and DRAM, the level above the backing store is the HBM, off chip, and
// every weight would start there.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/SimConfig.h"
#include "egrl/Search/Strategy.h"

using namespace egrl;

Placement egrl::nativePlacement(const Problem &problem) {
  unsigned slowest = problem.slowestLevel();
  // With a single level everything lives there; with two (no fabric level),
  // the on-chip level is the fastest one.
  unsigned weightLevel = slowest == 0 ? 0 : slowest - 1;
  // A target's sim section was checked when it was read.
  llvm::Expected<SimConfig> sim = SimConfig::fromTarget(problem.target());
  if (!sim)
    llvm::consumeError(sim.takeError());
  else if (sim->fabricLevel >= 1 && unsigned(sim->fabricLevel) < slowest)
    weightLevel = unsigned(sim->fabricLevel);
  Placement placement(problem.numNodes(), slowest);
  for (NodePlacement &np : placement.nodes) {
    np.weights = weightLevel;
    np.output = 0;
  }
  rectify(problem, placement);
  return placement;
}

namespace {
class NativeStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "native"; }
  bool searchesAt(uint64_t) const override { return false; }
  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    EvaluationTracker tracker(context);
    tracker.evaluate(nativePlacement(context.problem));
    return tracker.finish();
  }
};
} // namespace

static RegisterStrategy<NativeStrategy> registration("native");
