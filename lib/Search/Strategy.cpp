//===- Strategy.cpp - Strategy registry and evaluation bookkeeping --------===//

#include "egrl/Search/Strategy.h"
#include "PolicyLoader.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Report.h"
#include "egrl/Support/OptionHint.h"
#include "egrl/Support/Paths.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <cassert>
#include <atomic>
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

/// Set when libEGRLPolicy.so loads; the first registration stays, as for
/// strategies.
static std::atomic<PolicyFileCheckRegistration::Check> policyFileCheck;

PolicyFileCheckRegistration::PolicyFileCheckRegistration(Check check) {
  Check none = nullptr;
  policyFileCheck.compare_exchange_strong(none, check);
}

llvm::Error egrl::checkPolicyFile(llvm::StringRef path, const Target &target) {
  if (llvm::Error error = loadPolicyLibrary("policy"))
    return error;
  if (PolicyFileCheckRegistration::Check check = policyFileCheck.load())
    return check(path, target);
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "%s reads no policy files (set EGRL_POLICY_LIBRARY to "
      "libEGRLPolicy.so)",
      policyLibraryPath().c_str());
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

std::string egrl::placementKey(const Problem &problem,
                               const Placement &placement) {
  std::string key(size_t(placement.size()) * 2, '\0');
  for (unsigned i = 0; i < placement.size(); ++i) {
    key[2 * i] = char(problem.hasWeights(i) ? placement[i].weights
                                            : problem.slowestLevel());
    key[2 * i + 1] = char(placement[i].output);
  }
  return key;
}

EvalResult EvaluationTracker::evaluate(const Placement &placement) {
  EvalResult result = context.evaluator.evaluate(placement);
  record(placement, result);
  return result;
}

std::vector<EvalResult>
EvaluationTracker::evaluateBatch(llvm::ArrayRef<Placement> placements) {
  return measureAndRecord(placements, {});
}

std::vector<EvalResult>
EvaluationTracker::measureAndRecord(llvm::ArrayRef<Placement> placements,
                                    llvm::ArrayRef<std::string> keys) {
  size_t count = std::min<uint64_t>(placements.size(), remaining());
  // The evaluator spreads the batch (threads, or an MPI pool's workers);
  // recording in index order keeps the outcome independent of how.
  std::vector<EvalResult> results = context.evaluator.evaluateBatch(
      placements.take_front(count), context.options.threads);
  record(placements.take_front(count), results,
         keys.empty() ? keys : keys.take_front(count));
  return results;
}

EvaluationTracker::MeasurementKey
EvaluationTracker::measurementKey(const Placement &placement) const {
  Placement fitted = placement;
  CapacityReport capacity = rectify(context.evaluator.problem(), fitted);
  MeasurementKey key{placementKey(context.problem, fitted),
                     capacity.overflowBytes, capacity.valid};
  if (context.options.repeats > 1)
    key.key.push_back(capacity.valid ? 'v' : 'f');
  return key;
}

/// What EvaluationTracker remembers a placement by: a collision of two
/// of a search's placements is as likely as none matters (2^-128 a pair).
static std::pair<uint64_t, uint64_t> digestOf(llvm::StringRef key) {
  llvm::XXH128_hash_t hash =
      llvm::xxh3_128bits(llvm::arrayRefFromStringRef(key));
  return {hash.high64, hash.low64};
}

std::vector<EvalResult>
EvaluationTracker::evaluateBatchOnce(llvm::ArrayRef<Placement> placements) {
  rememberMeasurements();
  // The longest prefix whose new placements the budget can measure; a
  // placement twice in it is measured once.
  const uint64_t room = remaining();
  constexpr size_t kRemembered = ~size_t(0);
  // Per placement kept: its index in `fresh`, or kRemembered.
  std::vector<size_t> freshIndex;
  std::vector<Placement> fresh;
  std::vector<std::string> freshKeys;
  // Per placement kept, what it is remembered by, and its own fit: answered
  // from a measurement of another placement fitted alike, it keeps its own
  // overflow and validity.
  std::vector<MeasurementKey> own;
  for (const Placement &placement : placements) {
    MeasurementKey mine = measurementKey(placement);
    size_t index = kRemembered;
    if (!remembered.count(digestOf(mine.key))) {
      index = llvm::find(freshKeys, mine.key) - freshKeys.begin();
      if (index == freshKeys.size()) {
        if (fresh.size() == room)
          break;
        fresh.push_back(placement);
        freshKeys.push_back(mine.key);
      }
    }
    freshIndex.push_back(index);
    own.push_back(std::move(mine));
  }
  std::vector<EvalResult> measured, judgedFresh;
  if (!fresh.empty()) {
    measured = measureAndRecord(fresh, freshKeys);
    judgedFresh = judged;
  }

  std::vector<EvalResult> results;
  std::vector<EvalResult> judgedAll;
  auto answerFromMemory = [&](EvalResult result, size_t i) {
    // A copy of a placement the evaluator did not answer (it failed, or a
    // signal) is unanswered too: nothing of its own to add.
    if (std::isfinite(result.latency)) {
      bool fitsNow = own[i].fits && !result.valid && !result.refused;
      result.overflowBytes = own[i].overflowBytes;
      result.valid = own[i].fits && !result.refused;
      // The chip ran this placement when it ran an overflowing one fitted
      // to it: proposed as it is, it fits, and may be the best so far (with
      // repeats K > 1 the two have keys of their own).
      if (fitsNow && beatsBest(result))
        crown(placements[i], result, {});
      // Native's measurement, the speed-up's reference, as record() keeps
      // it (with repeats K > 1 it is measured as proposed).
      if (!nativeResult && context.options.repeats <= 1 &&
          placements[i] == native)
        nativeResult = result;
    }
    results.push_back(result);
    judgedAll.push_back(result);
    ++fromMemory;
    ++repeatsInARow;
  };
  size_t next = 0; // The next of `fresh` to come up in `own`.
  for (size_t i = 0; i < own.size(); ++i) {
    if (size_t index = freshIndex[i]; index != kRemembered) {
      if (index >= measured.size())
        break; // New, and not measured: the evaluator stopped.
      if (index == next) {
        results.push_back(measured[index]);
        judgedAll.push_back(judgedFresh[index]);
        ++next;
        repeatsInARow = 0;
        continue;
      }
      // A copy of a placement measured earlier in this batch is answered as
      // that one was judged: with repeats, one judged no faster than the
      // incumbent is not remembered, and must not read as unanswered.
      answerFromMemory(judgedFresh[index], i);
      continue;
    }
    // Remembered when the batch was cut, and nothing is forgotten.
    auto known = remembered.find(digestOf(own[i].key));
    assert(known != remembered.end());
    // Judged by its median once it has one (repeats).
    auto median = confirmed.find(own[i].key);
    answerFromMemory(median != confirmed.end() ? median->second : known->second,
                     i);
  }
  judged = std::move(judgedAll);
  return results;
}

std::string EvaluationTracker::repeatingNote() const {
  if (!onlyRepeating())
    return "";
  return "; stopped: the last " + std::to_string(kMaxRepeatsInARow) +
         " placements proposed had all been measured before (as the chip "
         "runs them, fitted to its capacity)";
}

bool EvaluationTracker::countAnswered(const EvalResult &result) {
  ++evaluations;
  // A failed or interrupted evaluator answers what it did not measure with
  // an infinite latency: not a measurement. There is nothing left to search
  // with. (Batches are recorded after they are measured, so the first
  // infinite answer says which one failed; an MPI pool's later items may
  // still have been answered, by other workers.)
  // (A model's own infinity, on rates too small to compute with, is a
  // measurement.)
  if (std::isfinite(result.latency))
    return true;
  std::string failure = context.evaluator.failure();
  if (stopSignal() == 0 && failure.empty())
    return true;
  ++unanswered;
  if (failedAt == 0) {
    evaluatorFailure = failure;
    failedAt = evaluations;
  }
  return false;
}

// An invalid placement is only kept until a valid one shows up: the
// rectified version of it is what the compiler would run. One the chip
// refused ranks after every one it ran.
static int standing(const EvalResult &e) {
  return e.valid ? 0 : e.refused ? 2 : 1;
}

bool egrl::measuredBetter(const EvalResult &r, const EvalResult &than) {
  return standing(r) < standing(than) ||
         (standing(r) == standing(than) && r.latency < than.latency);
}

bool EvaluationTracker::beatsBest(const EvalResult &r) const {
  return !haveBest || measuredBetter(r, bestResult) ||
         (tiesWin && !measuredBetter(bestResult, r));
}

void EvaluationTracker::record(llvm::ArrayRef<Placement> placements,
                               llvm::ArrayRef<EvalResult> results,
                               llvm::ArrayRef<std::string> knownKeys) {
  judged.assign(results.begin(), results.end());
  unsigned repeats = context.options.repeats;
  std::vector<std::string> keys(knownKeys.begin(), knownKeys.end());
  if (keys.empty() && (repeats > 1 || remembering))
    for (const Placement &placement : placements)
      keys.push_back(measurementKey(placement).key);
  std::vector<bool> answered(results.size(), false);
  // What was answered, as it was judged (after any re-measurement); with
  // repeats, not a placement judged no faster than the incumbent after one
  // faster measurement: proposed again, it is measured again, so that it
  // can still be confirmed.
  auto remember = [&] {
    if (!remembering)
      return;
    for (size_t i = 0; i < results.size(); ++i)
      if (answered[i] &&
          (judged[i].latency == results[i].latency || confirmed.count(keys[i])))
        remembered.try_emplace(digestOf(keys[i]), judged[i]);
  };
  if (repeats <= 1) {
    // Every measurement at face value, in order.
    for (size_t i = 0; i < results.size(); ++i) {
      answered[i] = countAnswered(results[i]);
      if (!nativeResult && answered[i] && std::isfinite(results[i].latency) &&
          placements[i] == native)
        nativeResult = results[i];
      if (answered[i] && beatsBest(results[i]))
        crown(placements[i], results[i], {});
      else
        progress.update(evaluations, haveBest ? bestResult.latency : 0);
    }
    remember();
    return;
  }
  // Repeats K > 1: one measurement does not crown a placement. A placement
  // measured K times before is judged by that median; of the others, the
  // batch's fastest is measured until it has K and crowned if its median
  // beats the incumbent. (Re-measuring every placement that was fastest so
  // far in index order spent a small budget on the first seeds, and an
  // incumbent sampled again started a new median each time it was lucky.)
  std::optional<size_t> fastest;
  for (size_t i = 0; i < results.size(); ++i) {
    answered[i] = countAnswered(results[i]);
    if (!answered[i])
      continue;
    auto known = confirmed.find(keys[i]);
    if (known != confirmed.end()) {
      judged[i] = known->second;
      continue;
    }
    if (!fastest || measuredBetter(judged[i], judged[*fastest]))
      fastest = i;
  }
  if (fastest && beatsBest(judged[*fastest]))
    confirm(placements[*fastest], keys[*fastest], judged[*fastest]);
  // The others: the same placement as the one just measured K times is
  // judged by its median; any other that measured faster than the
  // incumbent once is judged no faster than it, as the result judges it.
  for (size_t i = 0; i < judged.size(); ++i) {
    if (!fastest || i == *fastest || !std::isfinite(judged[i].latency))
      continue;
    auto known = confirmed.find(keys[i]);
    if (known != confirmed.end())
      judged[i] = known->second;
    else if (haveBest && beatsBest(judged[i]) &&
             standing(judged[i]) == standing(bestResult))
      judged[i].latency = bestResult.latency;
  }
  remember();
  progress.update(evaluations, haveBest ? bestResult.latency : 0);
}

void EvaluationTracker::confirm(const Placement &placement,
                                const std::string &key,
                                EvalResult &judgedResult) {
  unsigned repeats = context.options.repeats;
  EvalResult candidate = judgedResult;
  std::vector<double> measured;
  if (std::isfinite(candidate.latency)) {
    // Measured again, in the budget (less what reserve() holds back).
    measured.push_back(candidate.latency);
    for (unsigned k = 1;
         k < repeats && evaluations + reserved < context.options.budget &&
         !stoppedEarly();
         ++k) {
      EvalResult again = context.evaluator.evaluateRepeat(placement, k);
      if (!countAnswered(again))
        break;
      measured.push_back(again.latency);
      // Valid only if every measurement says so: a chip that could not run
      // it once (an external command's "valid": false) cannot be trusted to.
      candidate.valid = candidate.valid && again.valid;
      candidate.refused = candidate.refused || again.refused;
      candidate.overflowBytes =
          std::max(candidate.overflowBytes, again.overflowBytes);
    }
    candidate.latency = medianOf(measured);
    judgedResult = candidate;
    if (measured.size() == repeats) {
      confirmed.emplace(key, candidate);
      if (!nativeResult && placement == native &&
          llvm::all_of(measured, [](double l) { return std::isfinite(l); }))
        nativeResult = candidate;
    }
    if (!beatsBest(candidate))
      return; // A lucky first measurement.
    // Out of budget before its K measurements: it may be lucky, and an
    // incumbent that had its K stays (judged no better than it).
    if (haveBest && measured.size() < repeats &&
        bestMeasurements.size() == repeats &&
        standing(candidate) == standing(bestResult)) {
      judgedResult.latency = bestResult.latency;
      return;
    }
  }
  crown(placement, candidate, std::move(measured));
}

void EvaluationTracker::crown(const Placement &placement,
                              const EvalResult &result,
                              std::vector<double> measured) {
  haveBest = true;
  best = placement;
  bestResult = result;
  bestMeasurements = std::move(measured);
  double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  // The history (plots, evaluations-to-target) holds valid placements
  // only, so best-so-far never rises when a valid placement replaces a
  // rectified one that measured faster.
  if (result.valid) {
    history.push_back({used(), result.latency, wall});
    if (context.options.onImprovement)
      context.options.onImprovement(history.back());
  }
  progress.update(evaluations, bestResult.latency);
}

NativeReward::NativeReward(EvaluationTracker &tracker, const Problem &problem,
                           llvm::ArrayRef<SeedPlacement> seeds) {
  auto native = llvm::find_if(seeds, [](const SeedPlacement &s) {
    return SeedPlacement::isNative(s.source);
  });
  if (native != seeds.end()) {
    reference = native->result;
  } else if (tracker.remaining() == 0 && !seeds.empty()) {
    // Measured past the budget, native cost a chip measurement the budget
    // did not have (outside tester s44: budget=3 repeats=2 sent 4).
    reference = seeds.front().result;
    nativeMeasured = false;
  } else {
    tracker.evaluate(nativePlacement(problem));
    // As the tracker judged it: with repeats K > 1 the first placement
    // measured is the incumbent, measured K times, and the median is a
    // steadier reference on a noisy chip than its first measurement.
    reference = tracker.judgedLast().front();
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
  // With repeats K > 1 a result measured fewer times (the budget had no
  // room for the rest) is one noisy draw, not a median: against native's
  // median its speed-up is partly noise. An invalid result's latency is
  // one draw too; a refused one (no latency) had nothing to repeat.
  const unsigned repeats = context.options.repeats;
  if (repeats > 1 && haveBest && std::isfinite(bestResult.latency) &&
      bestMeasurements.size() < repeats)
    out.caveat = "the result was measured " +
                 std::to_string(bestMeasurements.size()) +
                 " of repeats=" + std::to_string(repeats) +
                 " times (the budget left no room for more): its latency is "
                 "not a median";
  out.native = nativeResult;
  // A tracker without a budget (egrl-train's, per graph) counts alone.
  auto ofBudget = [&](uint64_t count) {
    if (context.options.budget == std::numeric_limits<uint64_t>::max())
      return std::to_string(count);
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

bool SearchProgress::dueByTime(std::chrono::steady_clock::time_point &now,
                               double &elapsed) {
  now = std::chrono::steady_clock::now();
  if (!enabled ||
      now - last < std::chrono::duration<double>(progressIntervalSeconds()))
    return false;
  elapsed = std::chrono::duration<double>(now - start).count();
  return true;
}

bool SearchProgress::due(uint64_t evaluations, double &elapsed, double &eta) {
  // One measurement gives no rate to estimate the rest from, and strategies
  // that measure one placement (ilp after a long solve) have no rest.
  std::chrono::steady_clock::time_point now;
  if (evaluations < 2 || !dueByTime(now, elapsed))
    return false;
  // The rate since the last line, once there is one: evaluations of a
  // large graph's search grow slower as it runs (a fuller replay buffer,
  // more to train on), and the average since the start ran 20-40% low.
  double perEvaluation = elapsed / double(evaluations);
  if (lastEvaluations > 0 && evaluations > lastEvaluations)
    perEvaluation = std::chrono::duration<double>(now - last).count() /
                    double(evaluations - lastEvaluations);
  eta = perEvaluation * double(budget - std::min(budget, evaluations));
  last = now;
  lastEvaluations = evaluations;
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

void SearchProgress::waiting(llvm::StringRef activity,
                             double secondsLeftAtMost) {
  std::chrono::steady_clock::time_point now;
  double elapsed;
  if (!dueByTime(now, elapsed))
    return;
  last = now;
  llvm::errs() << llvm::format("%s: %s, %.1f s elapsed", strategy.c_str(),
                               activity.str().c_str(), elapsed);
  if (std::isfinite(secondsLeftAtMost))
    llvm::errs() << llvm::format(", at most %.1f s left",
                                 std::max(0.0, secondsLeftAtMost));
  llvm::errs() << "\n";
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
