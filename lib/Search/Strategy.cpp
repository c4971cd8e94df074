//===- Strategy.cpp - Strategy registry and evaluation bookkeeping --------===//

#include "egrl/Search/Strategy.h"
#include "egrl/CostModel/Capacity.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <thread>

using namespace egrl;

Strategy::~Strategy() = default;

llvm::ArrayRef<llvm::StringRef> egrl::strategyNames() {
  static const llvm::StringRef names[] = {
      "native", "greedy", "dp",       "random", "ea",    "anneal",
      "pg",     "egrl",   "egrl-sac", "ilp",    "policy"};
  return names;
}

llvm::Expected<std::unique_ptr<Strategy>>
egrl::createStrategy(llvm::StringRef name) {
  if (name == "native")
    return createNativeStrategy();
  if (name == "greedy")
    return createGreedyStrategy();
  if (name == "pg" || name == "egrl" || name == "egrl-sac" || name == "policy")
    return createPolicyStrategy(name);
  if (name == "ilp")
    return createIlpStrategy();
  if (name == "dp")
    return createDpStrategy();
  if (name == "random")
    return createRandomStrategy();
  if (name == "ea")
    return createEvolutionStrategy();
  if (name == "anneal")
    return createAnnealStrategy();
  std::string known;
  for (llvm::StringRef n : strategyNames())
    known += (known.empty() ? "" : ", ") + n.str();
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "unknown strategy '%s' (known: %s)",
                                 name.str().c_str(), known.c_str());
}

std::optional<SeedFrom> egrl::parseSeedFrom(llvm::StringRef name) {
  if (name == "none")
    return SeedFrom::None;
  if (name == "native")
    return SeedFrom::Native;
  if (name == "model")
    return SeedFrom::Model;
  return std::nullopt;
}

llvm::StringRef egrl::seedFromName(SeedFrom from) {
  switch (from) {
  case SeedFrom::None:
    return "none";
  case SeedFrom::Native:
    return "native";
  case SeedFrom::Model:
    return "model";
  }
  llvm_unreachable("unknown SeedFrom");
}

EvaluationTracker::EvaluationTracker(const SearchContext &context)
    : context(context), start(std::chrono::steady_clock::now()) {}

EvalResult EvaluationTracker::evaluate(const Placement &placement) {
  EvalResult result = context.evaluator.evaluate(placement);
  record(placement, result);
  return result;
}

std::vector<EvalResult>
EvaluationTracker::evaluateBatch(llvm::ArrayRef<Placement> placements) {
  size_t count = std::min<uint64_t>(placements.size(), remaining());
  std::vector<EvalResult> results(count);
  unsigned workers =
      std::max(1u, std::min<unsigned>(context.options.threads, count));
  if (workers == 1) {
    for (size_t i = 0; i < count; ++i)
      results[i] = context.evaluator.evaluate(placements[i]);
  } else {
    // Evaluators are thread-safe; strided work needs no coordination.
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < workers; ++w)
      pool.emplace_back([&, w] {
        for (size_t i = w; i < count; i += workers)
          results[i] = context.evaluator.evaluate(placements[i]);
      });
    for (std::thread &t : pool)
      t.join();
  }
  for (size_t i = 0; i < count; ++i)
    record(placements[i], results[i]);
  return results;
}

void EvaluationTracker::record(const Placement &placement,
                               const EvalResult &result) {
  ++evaluations;
  // An invalid placement is only kept until a valid one shows up: the
  // rectified version of it is what the compiler would run.
  bool better = !haveBest || (result.valid && !bestResult.valid) ||
                (result.valid == bestResult.valid &&
                 result.latency < bestResult.latency);
  if (!better)
    return;
  haveBest = true;
  best = placement;
  bestResult = result;
  double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  history.push_back({evaluations, result.latency, wall});
  if (context.options.onImprovement)
    context.options.onImprovement(history.back());
}

NativeReward::NativeReward(EvaluationTracker &tracker, const Problem &problem,
                           llvm::ArrayRef<SeedPlacement> seeds) {
  auto native = llvm::find_if(seeds, [](const SeedPlacement &s) {
    return llvm::StringRef(s.source).split('=').first == "native";
  });
  referenceLatency = native != seeds.end()
                         ? native->result.latency
                         : tracker.evaluate(nativePlacement(problem)).latency;
  for (unsigned i = 0; i < problem.numNodes(); ++i)
    totalBytes += problem.weightBytes[i] + problem.outputBytes[i];
}

SearchResult EvaluationTracker::finish() const {
  SearchResult out;
  // Nothing measured (no budget, or nothing to place): the backing store is
  // the placement that needs no decision, reported as unmeasured.
  out.placement = haveBest ? best
                           : Placement(context.problem.numNodes(),
                                       context.problem.slowestLevel());
  // The chip's capacity rules: what the evaluator rectified and measured.
  rectify(context.evaluator.problem(), out.placement);
  out.result = bestResult;
  out.evaluations = evaluations;
  out.history = history;
  return out;
}

SearchProgress::SearchProgress(const SearchContext &context,
                               llvm::StringRef strategy)
    : enabled(context.options.progress), strategy(strategy.str()),
      budget(context.options.budget), start(std::chrono::steady_clock::now()),
      last(start) {}

void SearchProgress::update(uint64_t generation, uint64_t evaluations,
                            double speedup) {
  if (!enabled)
    return;
  auto now = std::chrono::steady_clock::now();
  if (now - last < std::chrono::seconds(1))
    return;
  last = now;
  double elapsed = std::chrono::duration<double>(now - start).count();
  double eta = evaluations > 0
                   ? elapsed / double(evaluations) *
                         double(budget - std::min(budget, evaluations))
                   : 0;
  llvm::errs() << llvm::format(
      "%s: generation %llu, %llu/%llu evaluations, best %.3fx native, "
      "%.1f s elapsed, ETA %.1f s\n",
      strategy.c_str(), (unsigned long long)generation,
      (unsigned long long)evaluations, (unsigned long long)budget, speedup,
      elapsed, eta);
}
