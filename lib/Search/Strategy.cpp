//===- Strategy.cpp - Strategy registry and evaluation bookkeeping --------===//

#include "egrl/Search/Strategy.h"
#include "egrl/CostModel/Capacity.h"

using namespace egrl;

Strategy::~Strategy() = default;

llvm::ArrayRef<llvm::StringRef> egrl::strategyNames() {
  static const llvm::StringRef names[] = {"native", "greedy"};
  return names;
}

llvm::Expected<std::unique_ptr<Strategy>>
egrl::createStrategy(llvm::StringRef name) {
  if (name == "native")
    return createNativeStrategy();
  if (name == "greedy")
    return createGreedyStrategy();
  std::string known;
  for (llvm::StringRef n : strategyNames())
    known += (known.empty() ? "" : ", ") + n.str();
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "unknown strategy '%s' (known: %s)",
                                 name.str().c_str(), known.c_str());
}

EvaluationTracker::EvaluationTracker(const SearchContext &context)
    : context(context), start(std::chrono::steady_clock::now()) {}

EvalResult EvaluationTracker::evaluate(const Placement &placement) {
  EvalResult result = context.evaluator.evaluate(placement);
  ++evaluations;
  // An invalid placement is only kept until a valid one shows up: the
  // rectified version of it is what the compiler would run.
  bool better = !haveBest || (result.valid && !bestResult.valid) ||
                (result.valid == bestResult.valid &&
                 result.latency < bestResult.latency);
  if (better) {
    haveBest = true;
    best = placement;
    bestResult = result;
    double wall = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - start)
                      .count();
    history.push_back({evaluations, result.latency, wall});
    if (context.options.onImprovement)
      context.options.onImprovement(history.back());
  }
  return result;
}

SearchResult EvaluationTracker::finish() const {
  SearchResult out;
  out.placement = best;
  rectify(context.problem, out.placement);
  out.result = bestResult;
  out.evaluations = evaluations;
  out.history = history;
  return out;
}
