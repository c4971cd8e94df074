//===- GraphFuzzer.cpp - Graph JSON, then placing it ----------------------===//
//
// A graph that loads must be placeable: native and greedy on the analytical
// model, native on the simulator.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Target/Target.h"

using namespace egrl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<WorkloadGraph> graph = WorkloadGraph::fromJSON(text, "fuzz");
  if (!graph) {
    llvm::consumeError(graph.takeError());
    return 0;
  }
  static const Target target = cantFail(loadTarget("nnpi-1000"));
  Problem problem(*graph, target);
  if (llvm::Error err = checkFitsTarget(problem)) {
    llvm::consumeError(std::move(err));
    return 0;
  }
  AnalyticalModel model(problem);
  model.evaluate(nativePlacement(problem));
  SearchContext context{problem, model, model, {}};
  if (auto result = llvm::cantFail(createStrategy("greedy"))->run(context);
      !result)
    llvm::consumeError(result.takeError());
  if (auto chip = NnpiSim::create(problem))
    (*chip)->evaluate(nativePlacement(problem));
  else
    llvm::consumeError(chip.takeError());
  return 0;
}
