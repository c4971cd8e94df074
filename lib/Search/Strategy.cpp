//===- Strategy.cpp - Strategy registry and evaluation bookkeeping --------===//

#include "egrl/Search/Strategy.h"
#include "PolicyLoader.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Report.h"
#include "egrl/Support/OptionHint.h"
#include "egrl/Support/Paths.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>

using namespace egrl;

Strategy::~Strategy() = default;

namespace {
/// Name -> factory, filled by StrategyRegistration objects when the core
/// (and later libEGRLPolicy.so) is loaded. A map keeps the names sorted.
struct Registry {
  std::mutex mutex;
  std::map<std::string, StrategyRegistration::Factory, std::less<>> factories;
};
Registry &registry() {
  static Registry instance;
  return instance;
}
StrategyRegistration::Factory registered(llvm::StringRef name) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.factories.find(name);
  return it == r.factories.end() ? nullptr : it->second;
}
} // namespace

StrategyRegistration::StrategyRegistration(llvm::StringRef name,
                                           Factory factory) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  // The first registration stays: the policy library loaded twice (linked,
  // and again by path) registers the same strategies again.
  r.factories.emplace(name.str(), factory);
}

llvm::ArrayRef<llvm::StringRef> egrl::policyLibraryStrategyNames() {
  static const llvm::StringRef names[] = {"egrl", "egrl-sac", "pg", "policy"};
  return names;
}

std::vector<std::string> egrl::strategyNames() {
  std::set<std::string> names;
  {
    Registry &r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (const auto &entry : r.factories)
      names.insert(entry.first);
  }
  for (llvm::StringRef name : policyLibraryStrategyNames())
    names.insert(name.str());
  return {names.begin(), names.end()};
}

llvm::Expected<std::unique_ptr<Strategy>>
egrl::createStrategy(llvm::StringRef name) {
  if (StrategyRegistration::Factory factory = registered(name))
    return factory();
  if (llvm::is_contained(policyLibraryStrategyNames(), name)) {
    if (llvm::Error error = loadPolicyLibrary(name))
      return std::move(error);
    if (StrategyRegistration::Factory factory = registered(name))
      return factory();
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "strategy '%s' needs the LibTorch policy library, and %s registered "
        "no such strategy (set EGRL_POLICY_LIBRARY to libEGRLPolicy.so)",
        name.str().c_str(), policyLibraryPath().c_str());
  }
  std::string known;
  for (llvm::StringRef n : strategyNames())
    known += (known.empty() ? "" : ", ") + n.str();
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(), "unknown strategy '%s' (known: %s)%s",
      name.str().c_str(), known.c_str(), commaJoinedOptionsHint(name));
}

EvaluationTracker::EvaluationTracker(const SearchContext &context)
    : context(context), start(std::chrono::steady_clock::now()),
      progress(context, context.options.progressLabel),
      native(nativePlacement(context.problem)) {}

EvalResult EvaluationTracker::evaluate(const Placement &placement) {
  EvalResult result = context.evaluator.evaluate(placement);
  judged.clear();
  record(placement, result);
  return result;
}

std::vector<EvalResult>
EvaluationTracker::evaluateBatch(llvm::ArrayRef<Placement> placements) {
  size_t count = std::min<uint64_t>(placements.size(), remaining());
  // The evaluator spreads the batch (threads, or an MPI pool's workers);
  // recording in index order keeps the outcome independent of how.
  std::vector<EvalResult> results = context.evaluator.evaluateBatch(
      placements.take_front(count), context.options.threads);
  unrecorded = count;
  judged.clear();
  for (size_t i = 0; i < count; ++i) {
    --unrecorded;
    record(placements[i], results[i]);
  }
  return results;
}

void EvaluationTracker::record(const Placement &placement,
                               const EvalResult &result) {
  ++evaluations;
  // A failed or interrupted evaluator answers what it did not measure with
  // an infinite latency: not a measurement. There is nothing left to search
  // with. (Batches are recorded after they are measured, so the first
  // infinite answer says which one failed; an MPI pool's later items may
  // still have been answered, by other workers.)
  // (A model's own infinity, on rates too small to compute with, is a
  // measurement.)
  if (!std::isfinite(result.latency)) {
    std::string failure = context.evaluator.failure();
    if (stopSignal() != 0 || !failure.empty()) {
      ++unanswered;
      if (failedAt == 0) {
        evaluatorFailure = failure;
        failedAt = evaluations;
      }
    }
  }
  // An invalid placement is only kept until a valid one shows up: the
  // rectified version of it is what the compiler would run.
  auto beatsBest = [&](const EvalResult &r) {
    return !haveBest || (r.valid && !bestResult.valid) ||
           (r.valid == bestResult.valid && r.latency < bestResult.latency);
  };
  judged.push_back(result);
  // Native measured once is its measurement when repeats is 1; otherwise
  // only a new best is measured `repeats` times (below).
  bool isNative =
      !nativeResult && std::isfinite(result.latency) && placement == native;
  if (isNative && context.options.repeats <= 1)
    nativeResult = result;
  if (!beatsBest(result)) {
    progress.update(evaluations, haveBest ? bestResult.latency : 0);
    return;
  }
  EvalResult candidate = result;
  std::vector<double> measured;
  if (context.options.repeats > 1 && std::isfinite(result.latency)) {
    // Measured again, in the budget, leaving room for the rest of a batch.
    measured.push_back(result.latency);
    for (unsigned k = 1;
         k < context.options.repeats &&
         evaluations + unrecorded + reserved < context.options.budget &&
         !stoppedEarly();
         ++k) {
      ++evaluations;
      measured.push_back(context.evaluator.evaluateRepeat(placement, k).latency);
    }
    candidate.latency = medianOf(measured);
    judged.back() = candidate;
    if (isNative && measured.size() == context.options.repeats &&
        llvm::all_of(measured, [](double l) { return std::isfinite(l); }))
      nativeResult = candidate;
    if (!beatsBest(candidate))
      return; // A lucky first measurement.
    // Out of budget before its K measurements: it may be lucky, and an
    // incumbent that had its K stays (judged no better than it).
    if (haveBest && measured.size() < context.options.repeats &&
        bestMeasurements.size() == context.options.repeats &&
        candidate.valid == bestResult.valid) {
      judged.back().latency = bestResult.latency;
      return;
    }
  }
  haveBest = true;
  best = placement;
  bestResult = candidate;
  bestMeasurements = std::move(measured);
  double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  // The history (plots, evaluations-to-target) holds valid placements
  // only, so best-so-far never rises when a valid placement replaces a
  // rectified one that measured faster.
  if (candidate.valid) {
    history.push_back({evaluations, candidate.latency, wall});
    if (context.options.onImprovement)
      context.options.onImprovement(history.back());
  }
  progress.update(evaluations, bestResult.latency);
}

NativeReward::NativeReward(EvaluationTracker &tracker, const Problem &problem,
                           llvm::ArrayRef<SeedPlacement> seeds) {
  auto native = llvm::find_if(seeds, [](const SeedPlacement &s) {
    return llvm::StringRef(s.source).split('=').first == "native";
  });
  if (native != seeds.end()) {
    referenceLatency = native->result.latency;
  } else {
    tracker.evaluate(nativePlacement(problem));
    // As the tracker judged it: with repeats K > 1 the first placement
    // measured is the incumbent, measured K times, and the median is a
    // steadier reference on a noisy chip than its first measurement.
    referenceLatency = tracker.judgedLast().front().latency;
  }
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
  // What was measured: after an evaluator failed or a signal, the rest of
  // its batch (or what no MPI worker answered) was answered with nothing.
  out.evaluations = evaluations - unanswered;
  out.history = history;
  out.measurements = bestMeasurements;
  out.native = nativeResult;
  auto ofBudget = [&](uint64_t count) {
    return std::to_string(count) + " of " +
           std::to_string(context.options.budget) + " evaluations";
  };
  // A signal first: it also breaks off an external evaluator's wait.
  if (int signal = stopSignal())
    out.stopped = "interrupted by " + signalName(signal) + " after " +
                  ofBudget(out.evaluations);
  else if (!evaluatorFailure.empty()) {
    out.stopped = "the evaluator failed at evaluation " + ofBudget(failedAt) +
                  ": " + evaluatorFailure;
    out.evaluatorFailed = true;
  }
  return out;
}

SearchProgress::SearchProgress(const SearchContext &context,
                               llvm::StringRef strategy)
    : enabled(context.options.progress), strategy(strategy.str()),
      budget(context.options.budget), start(std::chrono::steady_clock::now()),
      last(start) {}

double egrl::progressIntervalSeconds() {
  static const double interval = [] {
    double otherwise = llvm::errs().is_displayed() ? 1 : 10;
    const char *text = std::getenv("EGRL_PROGRESS_SECONDS");
    if (!text || !*text)
      return otherwise;
    char *end = nullptr;
    double seconds = std::strtod(text, &end);
    if (*end == '\0' && seconds >= 0 && seconds <= 86400)
      return seconds;
    llvm::errs() << "warning: EGRL_PROGRESS_SECONDS must be a number of "
                    "seconds from 0 to 86400, not '"
                 << text << "'; progress lines come every "
                 << llvm::format("%g", otherwise) << " s\n";
    return otherwise;
  }();
  return interval;
}

bool SearchProgress::due(uint64_t evaluations, double &elapsed, double &eta) {
  // One measurement gives no rate to estimate the rest from, and strategies
  // that measure one placement (ilp after a long solve) have no rest.
  if (!enabled || evaluations < 2)
    return false;
  auto now = std::chrono::steady_clock::now();
  if (now - last < std::chrono::duration<double>(progressIntervalSeconds()))
    return false;
  last = now;
  elapsed = std::chrono::duration<double>(now - start).count();
  eta = evaluations > 0 ? elapsed / double(evaluations) *
                              double(budget - std::min(budget, evaluations))
                        : 0;
  return true;
}

void SearchProgress::update(uint64_t generation, uint64_t evaluations,
                            double speedup) {
  double elapsed, eta;
  if (!due(evaluations, elapsed, eta))
    return;
  llvm::errs() << llvm::format(
      "%s: generation %llu, %llu/%llu evaluations, best %.3fx native, "
      "%.1f s elapsed, ETA %.1f s\n",
      strategy.c_str(), (unsigned long long)generation,
      (unsigned long long)evaluations, (unsigned long long)budget, speedup,
      elapsed, eta);
}

void SearchProgress::update(uint64_t evaluations, double bestLatency) {
  double elapsed, eta;
  if (!due(evaluations, elapsed, eta))
    return;
  llvm::errs() << llvm::format(
      "%s: %llu/%llu evaluations, best %s, %.1f s elapsed, ETA %.1f s\n",
      strategy.c_str(), (unsigned long long)evaluations,
      (unsigned long long)budget,
      // Infinite: what a failed evaluator answered, not a measurement.
      bestLatency > 0 && std::isfinite(bestLatency)
          ? formatSeconds(bestLatency).c_str()
          : "none yet",
      elapsed, eta);
}
