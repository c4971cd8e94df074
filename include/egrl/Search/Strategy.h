//===- Strategy.h - One interface for every placement strategy -----------===//
//
// graph + evaluator + budget + seed -> placement + history. Strategies only
// propose: capacity rules live in the evaluator (egrl/CostModel/Capacity.h).
// A new strategy is one new file that registers it (StrategyRegistration).
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SEARCH_STRATEGY_H
#define EGRL_SEARCH_STRATEGY_H

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Evaluator.h"
#include "egrl/Search/SeedFrom.h"
#include "egrl/Support/Interrupt.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>

namespace egrl {

struct HistoryPoint {
  uint64_t evaluations = 0;
  double bestLatency = 0;
  double wallSeconds = 0;
};

struct SeedPlacement {
  /// "native", "greedy" or "ilp"; "greedy=ilp" when they agree.
  std::string source;
  /// Whether `source` names native's placement (named first when it agrees
  /// with others: "native=greedy").
  static bool isNative(llvm::StringRef source) {
    return source.split('=').first == "native";
  }
  Placement placement; ///< Rectified by the evaluator's capacity rules.
  /// As the tracker judged it: with repeats K > 1, the median of K
  /// measurements if it was a new best when measured.
  EvalResult result;
  /// The planning strategy's caveat (ilp stopped at its time limit).
  std::string caveat;
};

struct SearchOptions {
  /// Limits of the options below that users set: more threads than any
  /// machine of this kind has cores, or a median over more measurements
  /// than noise needs, is a typo (repeats=10^9 measured native for minutes).
  static constexpr unsigned kMaxThreads = 256;
  static constexpr unsigned kMaxRepeats = 1000;

  /// Evaluations of the black-box evaluator a search may spend.
  uint64_t budget = 1000;
  uint64_t seed = 0;
  unsigned threads = 1;
  /// Wall-time limit of solvers (ilp); searches stop on their budget.
  double timeLimitSeconds = 60;
  /// Starting points a search may use (seedPlacements()).
  SeedFrom seedFrom = SeedFrom::None;
  /// With seedFrom model (or portfolio): greedy's and ilp's placements (and
  /// portfolio's) already planned on this context's model (planModelSeeds()),
  /// so that several runs on one model solve the MILP once (egrl-bench).
  /// Null: each run plans them.
  std::shared_ptr<const std::vector<SeedPlacement>> modelPlans;
  /// Called whenever the best placement improves (progress output).
  std::function<void(const HistoryPoint &)> onImprovement;
  /// Names the search in progress lines (the strategy's name).
  std::string progressLabel = "search";
  /// Population searches (egrl) print generation, evaluations, best
  /// speed-up and an ETA to stderr, one line per progressIntervalSeconds().
  bool progress = false;
  /// Measurements of each new incumbent (1: one). With K > 1 a placement
  /// that measures best is measured K - 1 more times (in the budget) and
  /// kept only if the median still beats the incumbent's median, so noise
  /// does not crown a lucky measurement; the result's latency is that
  /// median. One the budget has no room left to measure K times never
  /// displaces an incumbent measured K times.
  unsigned repeats = 1;
  /// Placements a population search starts from (model-based seeds); each
  /// is measured first (one evaluation) and seeds a sharp Boltzmann member.
  /// Empty: model-free.
  std::vector<Placement> seedPlacements;
  /// Placements `egrl` measures first as candidates for its result (a
  /// trained policy's, when refining), so the result is never slower than
  /// them, without starting its search from them.
  std::vector<Placement> candidatePlacements;
  /// The placement `keep` measures as given (the IR's #egrl.placement).
  std::optional<Placement> givenPlacement;
  /// The policy file `policy` places with (egrl/Policy/PolicyFile.h).
  std::string policyFile;
};

/// What a strategy works with. Model-based strategies (native, greedy, dp,
/// ilp) reason on `model` and are measured on `evaluator`, which may be the
/// same. `problem` is the graph on the compiler's target (what the model and
/// the features believe); the evaluator measures on its own problem, which may
/// describe another chip with the same levels (a sim-target), and whose
/// capacity rules are the ones placements must meet.
struct SearchContext {
  const Problem &problem;
  const AnalyticalModel &model;
  const Evaluator &evaluator;
  SearchOptions options;
};

/// One generation of a population search (egrl). Latencies are of valid
/// placements only, 0 when that part measured none.
struct GenerationPoint {
  uint64_t generation = 0;
  uint64_t evaluations = 0;  ///< Used after this generation.
  double populationBest = 0; ///< Best of the population's samples.
  double learnerBest = 0;    ///< Best of the learner's samples.
  double bestSoFar = 0;
  /// Which kind of member produced the best placement so far: native,
  /// seed, candidate (SearchOptions::candidatePlacements), gnn, boltzmann,
  /// local or learner.
  std::string champion;
};

struct SearchResult {
  Placement placement; ///< Rectified: it fits.
  EvalResult result;   ///< As measured by the context's evaluator.
  uint64_t evaluations = 0;
  /// Each improvement of the best valid placement (a rectified one kept as
  /// the result while nothing valid is found is not in it): never rises.
  std::vector<HistoryPoint> history;
  std::vector<GenerationPoint> generations; ///< Population searches only.
  std::string detail; ///< One line a strategy may add to reports.
  /// Set when the result falls short of what the strategy promises (ilp
  /// stopped before proving optimality): the pass warns, egrl-bench marks it.
  std::string caveat;
  /// What a search that takes seeds started from ("model: greedy=ilp (best
  /// of native, greedy=ilp)", "none"); empty for strategies that ignore
  /// seedFrom.
  std::string seeded;
  /// With SearchOptions::repeats > 1: every measurement of the placement
  /// (`result.latency` is their median).
  std::vector<double> measurements;
  /// The native placement as the search measured it, when it did so as
  /// often as its best (`repeats` times, the median kept): the speed-up's
  /// reference, which a caller then need not measure again on a scarce chip.
  std::optional<EvalResult> native;
  /// Why the search ended before its budget: a signal (SIGINT, SIGTERM) or
  /// the evaluator failing; empty when it did not. The placement is still
  /// the best one measured.
  std::string stopped;
  /// The evaluator failed (not a signal): it is not asked again.
  bool evaluatorFailed = false;
  /// The policy file a trained-policy strategy placed with; else empty.
  std::string policyFile;
};

/// Seconds between progress lines on stderr: EGRL_PROGRESS_SECONDS if set (0
/// prints every update), else one on a terminal and ten into a file, so that
/// short searches print nothing and logs stay short. A value that is not a
/// number of seconds from 0 to 86400 is said once and the default kept.
double progressIntervalSeconds();

/// Throttled progress of a long search on stderr (SearchOptions::progress),
/// at most one line per progressIntervalSeconds().
class SearchProgress {
public:
  SearchProgress(const SearchContext &context, llvm::StringRef strategy);
  /// `speedup` is the best so far over native (0: none yet).
  void update(uint64_t generation, uint64_t evaluations, double speedup);
  /// Any search, from EvaluationTracker: evaluations and the best latency.
  void update(uint64_t evaluations, double bestLatency);
  /// A step that measures nothing while it runs (ilp's solver): what it
  /// does, and how long it may still take at most.
  void waiting(llvm::StringRef activity, double secondsLeftAtMost);
  void disable() { enabled = false; }

private:
  /// Whether a line is due (one per interval); then the elapsed
  /// seconds and the ETA.
  bool due(uint64_t evaluations, double &elapsed, double &eta);
  /// Whether a line is due by time alone; then the time and the elapsed
  /// seconds.
  bool dueByTime(std::chrono::steady_clock::time_point &now, double &elapsed);

  bool enabled;
  std::string strategy;
  uint64_t budget;
  /// The start, and the last line printed with its evaluation count.
  std::chrono::steady_clock::time_point start, last;
  uint64_t lastEvaluations = 0;
};

/// Counts evaluations, keeps the best valid placement and its history, and
/// enforces the budget. Shared by every search so all report alike.
class EvaluationTracker {
public:
  explicit EvaluationTracker(const SearchContext &context);

  /// Evaluates on the context's evaluator (counts one evaluation).
  EvalResult evaluate(const Placement &placement);
  /// Evaluates up to the remaining budget of `placements` on
  /// `options.threads` threads and records them in index order, so the
  /// outcome is the same for any thread count. Returns one result per
  /// evaluated placement (fewer than given when the budget runs out).
  std::vector<EvalResult> evaluateBatch(llvm::ArrayRef<Placement> placements);
  /// evaluateBatch() for searches that may propose a placement again (pg's
  /// and ea's sampled policies, random draws on a small graph, anneal's walk
  /// coming back): what an earlier call or this one measured is answered
  /// with the result the tracker judged it by, without an evaluation, so
  /// that a repeat costs no measurement (as in egrl, which keeps its own
  /// cache). A repeat is what the chip would run again (measurementKey()):
  /// overflowing placements that the capacity rules fit alike are one
  /// measurement, each answered with its own overflow. Returns one result
  /// per placement of the longest prefix whose new placements fit
  /// remaining(); judgedLast() matches it.
  std::vector<EvalResult>
  evaluateBatchOnce(llvm::ArrayRef<Placement> placements);
  /// From now on every measured placement is remembered for
  /// evaluateBatchOnce() (call it before measuring native and the seeds, so
  /// that they are known too). Off by default: egrl-train's trackers have
  /// no budget, and egrl keeps a cache of its own.
  void rememberMeasurements() { remembering = true; }
  /// evaluateBatchOnce() answered the last kMaxRepeatsInARow placements
  /// from memory: the sampler proposes nothing new (it converged, or the
  /// space is that small), and exhausted() ends the search.
  bool onlyRepeating() const { return repeatsInARow >= kMaxRepeatsInARow; }
  /// Placements evaluateBatchOnce() answered from memory.
  uint64_t answeredFromMemory() const { return fromMemory; }
  /// For a strategy's detail line: "; stopped: ..." after onlyRepeating(),
  /// else empty.
  std::string repeatingNote() const;
  static constexpr uint64_t kMaxRepeatsInARow = 1000;

  /// What evaluateBatch() may still measure: the budget left, less what
  /// reserve() holds back, and with repeats K > 1 less the K - 1
  /// re-measurements the batch's new incumbent needs (while more than that
  /// is left), so that the last batch can crown one; a search whose batch
  /// was cut goes on while the budget is not exhausted.
  uint64_t remaining() const {
    if (exhausted())
      return 0;
    uint64_t left = context.options.budget - evaluations;
    uint64_t confirmRoom = context.options.repeats - 1;
    if (left > confirmRoom)
      left -= confirmRoom;
    return left - std::min(reserved, left);
  }
  /// Holds `count` evaluations back from batches and from re-measurements
  /// of new incumbents until release(): for placements a search measures
  /// after others but must not lose to them (egrl's candidates, when seeds
  /// and repeats would otherwise spend a small budget first).
  void reserve(uint64_t count) { reserved = count; }
  void release() { reserved = 0; }
  /// While on, a placement that measures as fast as the best (and as valid)
  /// becomes the best: for a placement the caller prefers to whatever it
  /// ties with (egrl's candidates: a trained policy's placement over native,
  /// which differs where the two tie, and decides the level a weight another
  /// function shares gets).
  void preferOnTies(bool on) { tiesWin = on; }
  /// The budget is spent, or the search must stop early (stoppedEarly()).
  bool exhausted() const {
    return evaluations >= context.options.budget || stoppedEarly() ||
           onlyRepeating();
  }
  /// For searches that print progress of their own (egrl's generations):
  /// the tracker's line (evaluations, best latency, ETA) is off.
  void reportProgressElsewhere() { progress.disable(); }
  /// A signal asked to stop (egrl/Support/Interrupt.h) or the evaluator
  /// failed: every search ends at its next check of exhausted().
  bool stoppedEarly() const {
    return stopSignal() != 0 || !evaluatorFailure.empty();
  }
  /// Evaluations measured so far (answered: a failed evaluator's unanswered
  /// requests are not measurements).
  uint64_t used() const { return evaluations - unanswered; }
  /// The results of the last evaluate() or evaluateBatch() as the tracker
  /// judged them. With repeats K > 1: a placement measured K times is its
  /// median, whenever it is measured again; the one placement of a batch
  /// re-measured to K is its median; any other placement that measured
  /// faster than the incumbent is judged no faster than it (one
  /// measurement does not displace K). A search that keeps its own best
  /// compares these, so that it agrees with the result on which placement
  /// won.
  llvm::ArrayRef<EvalResult> judgedLast() const { return judged; }
  /// Result with the best placement seen (rectified), its evaluation and
  /// the history.
  SearchResult finish() const;

private:
  /// Records a batch's measurements in index order (the outcome does not
  /// depend on threads) into `judged`.
  void record(llvm::ArrayRef<Placement> placements,
              llvm::ArrayRef<EvalResult> results,
              llvm::ArrayRef<std::string> knownKeys = {});
  /// evaluateBatch() of placements whose measurementKey()s the caller
  /// knows (`keys`, or empty to compute them when needed).
  std::vector<EvalResult> measureAndRecord(llvm::ArrayRef<Placement> placements,
                                           llvm::ArrayRef<std::string> keys);
  /// Counts one evaluation; false when it was not answered (the evaluator
  /// failed, or a signal), which stops the search.
  bool countAnswered(const EvalResult &result);
  bool beatsBest(const EvalResult &result) const;
  /// With repeats K > 1: measures `placement` until it has K measurements
  /// (in the budget), judges it by their median, and crowns it if that
  /// beats the incumbent. `key` is its measurementKey().
  void confirm(const Placement &placement, const std::string &key,
               EvalResult &judgedResult);
  void crown(const Placement &placement, const EvalResult &result,
             std::vector<double> measured);
  /// What a measurement of a placement is remembered by: the placementKey of
  /// what the chip runs (every evaluator fits a placement to the chip's
  /// capacity before measuring it: lib/CostModel/Capacity.cpp); with
  /// repeats K > 1 also whether it had to be fitted, since a median judges
  /// one placement as proposed. Beside it, what is the placement's own: the
  /// bytes it overflows by, and whether it fits.
  struct MeasurementKey {
    std::string key;
    int64_t overflowBytes = 0;
    bool fits = true;
  };
  MeasurementKey measurementKey(const Placement &placement) const;

  const SearchContext &context;
  std::chrono::steady_clock::time_point start;
  SearchProgress progress;
  uint64_t evaluations = 0;
  std::string evaluatorFailure;
  uint64_t failedAt = 0; ///< The evaluation that failed, counting from 1.
  /// Evaluations a failed or interrupted evaluator did not answer.
  uint64_t unanswered = 0;
  uint64_t reserved = 0;          ///< reserve()
  bool tiesWin = false;           ///< preferOnTies()
  std::vector<EvalResult> judged; ///< judgedLast()
  /// The native placement, and its measurement once it has `repeats`
  /// (SearchResult::native).
  Placement native;
  std::optional<EvalResult> nativeResult;
  bool haveBest = false;
  Placement best;
  EvalResult bestResult;
  std::vector<double> bestMeasurements;
  std::vector<HistoryPoint> history;
  /// With repeats K > 1: the placements measured K times (measurementKey),
  /// judged by their median from then on. A search that samples its
  /// incumbent again (ea's elites) does not get to crown a lucky new median
  /// of the same placement.
  std::map<std::string, EvalResult> confirmed;
  /// rememberMeasurements(): what each placement measured since was judged
  /// by, under a 128-bit digest of its measurementKey (the key is 2 bytes a
  /// node: 16 KB a measurement on an 8,000-node graph); how many placements
  /// evaluateBatchOnce() answered from here, and how many of its last ones
  /// in a row.
  bool remembering = false;
  std::map<std::pair<uint64_t, uint64_t>, EvalResult> remembered;
  uint64_t fromMemory = 0;
  uint64_t repeatsInARow = 0;
};

/// Whether measurement `r` ranks before `than`: valid first, then placements
/// the chip ran once rectified, then those it refused (EvalResult::refused:
/// the latency that came with a refusal is no time); faster first within
/// each. The one order of the tracker's result and of a search's champion.
bool measuredBetter(const EvalResult &r, const EvalResult &than);

/// A placement as bytes (each node's weights level, or the slowest level for
/// nodes without weights, and output level): equal for placements every
/// evaluator measures alike.
std::string placementKey(const Problem &problem, const Placement &placement);

/// The placements `options.seedFrom` lets a search start from, planned but
/// not measured: fitted to the evaluator's chip, each distinct placement
/// once (named by every source that planned it: "greedy=ilp"), native first.
/// What seedPlacements() measures, and what a caller counts its budget
/// against before measuring anything (egrl-train).
llvm::Expected<std::vector<SeedPlacement>>
distinctSeeds(const SearchContext &context);
/// The placements `options.seedFrom` lets a search start from, each measured
/// once through `tracker` (counted in the budget), best first: nothing for
/// none; the native placement for native; native, greedy, ilp and dp
/// (planned on `context.model`, ilp within `timeLimitSeconds`) for model,
/// measuring a placement equal to an earlier one only once. Fewer when the
/// budget runs out: the sources of those it could not measure go to
/// `unmeasured`. Every search that takes seeds gets them here.
llvm::Expected<std::vector<SeedPlacement>>
seedPlacements(const SearchContext &context, EvaluationTracker &tracker,
               std::vector<std::string> *unmeasured = nullptr);
/// The placements seed-from=model adds to native: greedy's, ilp's and dp's,
/// planned on `context.model` (ilp within `timeLimitSeconds`, on
/// `threads`), not measured and not rectified for the evaluator's chip.
llvm::Expected<std::vector<SeedPlacement>>
planModelSeeds(const SearchContext &context);
/// Greedy planned on `model` and on it with one rate (the compute rates, or
/// one level's bandwidth) halved and doubled, each distinct placement once,
/// greedy's own first (source "greedy", then "greedy on dram bandwidth x0.5"
/// and so on): what strategy=portfolio measures and seed-from=portfolio adds.
/// Not measured and not rectified for the evaluator's chip.
llvm::Expected<std::vector<SeedPlacement>>
portfolioPlans(const Problem &problem, const AnalyticalModel &model);
/// SearchResult::seeded for a search that started from `seeds`.
std::string describeSeeds(SeedFrom from, llvm::ArrayRef<SeedPlacement> seeds);
/// Says in `result` what a search started from: `seeded`
/// (describeSeeds()), and a `caveat` when a seed was planned with one (ilp
/// stopped at its time limit, so the seed, and what the search finds from
/// it, depend on time and threads), or when the budget left seeds
/// `unmeasured`; that caveat names the budget that measures them all, with
/// `alsoMeasured` placements the search measures besides them (egrl's
/// candidates) and `options.repeats`' re-measurements. Every search that
/// takes seeds calls it.
void recordSeeds(SearchResult &result, const SearchOptions &options,
                 llvm::ArrayRef<SeedPlacement> seeds,
                 llvm::ArrayRef<std::string> unmeasured = {},
                 size_t alsoMeasured = 0);

/// The paper's reward for black-box searches: the native placement is
/// measured first (one evaluation of the budget, and with repeats K > 1 the
/// K - 1 re-measurements of a first incumbent, unless `seeds` measured it
/// already), its median is the reference, and every result is scored as
/// speedup^2 - 1 against it, below -1 when invalid (egrl::reward). When the
/// seeds spent the budget (with repeats K > 1 the best is crowned by K
/// measurements) native is not measured past it: the fastest seed is the
/// reference, and nothing is left to score against it.
class NativeReward {
public:
  NativeReward(EvaluationTracker &tracker, const Problem &problem,
               llvm::ArrayRef<SeedPlacement> seeds = {});
  double operator()(const EvalResult &result) const {
    return reward(result, reference.latency, totalBytes);
  }
  double nativeLatency() const { return reference.latency; }
  /// Native's measurement as the tracker judged it: the reference.
  const EvalResult &nativeResult() const { return reference; }
  /// Whether the reference is native's measurement (a seed's, or this
  /// one's), not the fastest seed's standing in for it.
  bool measuredNative() const { return nativeMeasured; }

private:
  EvalResult reference;
  int64_t totalBytes = 0;
  bool nativeMeasured = true;
};

class Strategy {
public:
  virtual ~Strategy();
  virtual llvm::StringRef name() const = 0;
  virtual llvm::Expected<SearchResult> run(const SearchContext &context) = 0;
  /// Whether a run with `budget` evaluations searches, so that its result
  /// depends on the seed. False for strategies that measure the placements
  /// they plan (native, greedy, dp, ilp, portfolio, keep) and for a trained
  /// policy with no search (budget 1): benchmarks run those once, not once
  /// per seed.
  virtual bool searchesAt(uint64_t /*budget*/) const { return true; }
  /// Whether some budget makes it search; false: the same result for every
  /// seed and budget.
  bool searches() const {
    return searchesAt(std::numeric_limits<uint64_t>::max());
  }
  /// Whether it starts from SearchOptions::seedFrom's placements when it
  /// searches (pg learns from scratch and does not).
  virtual bool takesSeeds() const { return searches(); }
  /// The evaluations a run gets for `budget` when each best placement is
  /// measured `repeats` times: a strategy that measures one placement gets
  /// room for all of them, so that its latency is a median of as many
  /// measurements as native's reference. (A trained policy measures its
  /// placement that often itself at budget 1.)
  uint64_t budgetFor(uint64_t budget, uint64_t repeats) const {
    return searches() ? budget : std::max(budget, repeats);
  }
};

/// Every strategy's name, sorted: those registered, and those of
/// libEGRLPolicy.so before it is loaded.
std::vector<std::string> strategyNames();
/// The strategy registered as `name`, loading libEGRLPolicy.so first for
/// the strategies that live there.
llvm::Expected<std::unique_ptr<Strategy>> createStrategy(llvm::StringRef name);

/// A strategy file registers its strategy with one static object:
///   static RegisterStrategy<AnnealStrategy> registration("anneal");
/// (or a StrategyRegistration with a factory of its own), so a new strategy
/// is one new file (and its line in lib/CMakeLists.txt).
/// Strategies that need LibTorch live in libEGRLPolicy.so, which the core
/// loads on first use (its registrations run then; EGRL_POLICY_LIBRARY in
/// the environment overrides its path): their names must also be in
/// policyLibraryStrategyNames(), so that the core knows them unloaded.
class StrategyRegistration {
public:
  using Factory = std::unique_ptr<Strategy> (*)();
  StrategyRegistration(llvm::StringRef name, Factory factory);
};
/// Registers a strategy made by T's default constructor.
template <typename T> struct RegisterStrategy : StrategyRegistration {
  explicit RegisterStrategy(llvm::StringRef name)
      : StrategyRegistration(name, [] {
          return std::unique_ptr<Strategy>(std::make_unique<T>());
        }) {}
};
llvm::ArrayRef<llvm::StringRef> policyLibraryStrategyNames();

/// Loads policy file `path` as strategy=policy does (its format, feature
/// version and network shapes) and checks that it places on `target`'s
/// levels, loading libEGRLPolicy.so, which reads policy files: so that a
/// tool refuses a file it cannot use before its first search, not when the
/// policy's turn comes.
llvm::Error checkPolicyFile(llvm::StringRef path, const Target &target);
/// libEGRLPolicy.so provides checkPolicyFile() with one static object.
class PolicyFileCheckRegistration {
public:
  using Check = llvm::Error (*)(llvm::StringRef path, const Target &target);
  explicit PolicyFileCheckRegistration(Check check);
};

/// SplitMix64 finaliser: a generator seed for stream `index` of `seed`,
/// decorrelated from its neighbours' (searches draw per-index streams so
/// that their results do not depend on the thread count).
inline uint64_t mixSeed(uint64_t seed, uint64_t index) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// The native placement (docs/strategies.md): what the 1.0x reference is.
Placement nativePlacement(const Problem &problem);

} // namespace egrl

#endif // EGRL_SEARCH_STRATEGY_H
