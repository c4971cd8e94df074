//===- TargetFuzzer.cpp - Target JSON, then the models built on it --------===//
//
// A target that parses must also give a simulator configuration or an
// error, and both cost models must evaluate a small graph on it.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/Graph/SyntheticGraph.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Target/Target.h"

using namespace egrl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<Target> target = Target::parse(text, "fuzz.json");
  if (!target) {
    llvm::consumeError(target.takeError());
    return 0;
  }
  llvm::Expected<SimConfig> sim = SimConfig::fromTarget(*target);
  if (!sim) {
    llvm::consumeError(sim.takeError());
    return 0;
  }
  static const WorkloadGraph graph = makeSyntheticGraph(12, 1);
  Problem problem(graph, *target);
  if (llvm::Error err = checkFitsTarget(problem)) {
    llvm::consumeError(std::move(err));
    return 0;
  }
  AnalyticalModel model(problem);
  Placement native = nativePlacement(problem);
  model.evaluate(native);
  if (auto chip = NnpiSim::create(problem))
    (*chip)->evaluate(native);
  else
    llvm::consumeError(chip.takeError());
  return 0;
}
