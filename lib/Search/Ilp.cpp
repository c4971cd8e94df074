//===- Ilp.cpp - The exact optimum of the analytical model via CBC --------===//
//
// The analytical model's MILP (egrl/CostModel/Milp.h, which explains the
// formulation), solved by COIN-OR CBC.
//
// The matrix is assembled in row-major arrays, converted to column-major
// and handed to CBC in one Cbc_loadProblem: CBC copies its matrix on every
// Cbc_addRow/Cbc_addCol, which made row-by-row loading quadratic.
//
// CBC stops when optimality is proven within a relative gap of 1e-4
// (kRelativeGap below explains why not 0); the detail line says which.
// The greedy placement is given to CBC as a MIP start (it fits, so CBC has
// an incumbent from the first second); if CBC stops on its time limit
// without anything better, the result is that incumbent and the detail
// line says so.
//
// timeLimitSeconds bounds the whole run, not only CBC: the greedy start,
// building and loading the model count against it (the building loops check
// a deadline), and CBC gets what is left. A model that cannot be built in
// time yields the greedy placement, and the detail line says so.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/LocalMoves.h"
#include "egrl/CostModel/Milp.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Support/Interrupt.h"

#include "Cbc_C_Interface.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace egrl;

namespace {

/// Whether the model charges a layer no less for any level than for the
/// fastest: its read rates and start-up latencies, for activations and for
/// weights (streamed ones through the ring), none below level 0's.
bool fastestLevelDominates(const AnalyticalModel &model) {
  for (unsigned l = 1; l < model.problem().numLevels(); ++l)
    if (model.secondsPerByte(l) < model.secondsPerByte(0) ||
        model.weightSecondsPerByte(l) < model.weightSecondsPerByte(0) ||
        model.latencySeconds(l) < model.latencySeconds(0) ||
        model.weightLatencySeconds(l) < model.weightLatencySeconds(0))
      return false;
  return true;
}

using Clock = std::chrono::steady_clock;
/// Relative optimality gap (of the MILP objective, which leaves out the
/// constant part of the latency) at which CBC may stop. Many tensors save
/// the same latency per byte (every tensor of a memory-bound node), so the
/// LP bound packs capacity exactly and closing the last ~1e-5 is a
/// subset-sum proof that CBC does not finish in minutes even on 60 nodes,
/// for nanoseconds of latency. The detail line reports the gap proven.
constexpr double kRelativeGap = 1e-4;

/// The matrix in compressed sparse column form (Cbc_loadProblem's).
void columnMajor(const Milp &milp, std::vector<CoinBigIndex> &starts,
                 std::vector<int> &rows, std::vector<double> &values) {
  starts.assign(milp.columns.size() + 1, 0);
  for (int col : milp.rowCols)
    ++starts[col + 1];
  for (size_t c = 0; c < milp.columns.size(); ++c)
    starts[c + 1] += starts[c];
  rows.resize(milp.rowCols.size());
  values.resize(milp.rowCols.size());
  std::vector<CoinBigIndex> next(starts.begin(), starts.end() - 1);
  for (size_t r = 0; r < milp.numRows(); ++r)
    for (size_t k = milp.rowStarts[r]; k < milp.rowStarts[r + 1]; ++k) {
      CoinBigIndex at = next[milp.rowCols[k]]++;
      rows[at] = int(r);
      values[at] = milp.rowCoefs[k];
    }
}

/// CBC's command-line driver (CbcMain1, behind Cbc_solve) keeps global
/// state; solve one model at a time in a process.
std::mutex &cbcMutex() {
  static std::mutex mutex;
  return mutex;
}

struct CbcDeleter {
  void operator()(Cbc_Model *model) const { Cbc_deleteModel(model); }
};

/// Loads `milp` into `m` in one call (see the file comment for why).
void loadMilp(Cbc_Model *m, const Milp &milp) {
  std::vector<CoinBigIndex> starts;
  std::vector<int> rows;
  std::vector<double> values;
  columnMajor(milp, starts, rows, values);
  std::vector<double> lower, upper, objective;
  for (const Milp::Column &c : milp.columns) {
    lower.push_back(c.lower);
    upper.push_back(c.upper);
    objective.push_back(c.objective);
  }
  Cbc_loadProblem(m, int(milp.columns.size()), int(milp.numRows()),
                  starts.data(), rows.data(), values.data(), lower.data(),
                  upper.data(), objective.data(), milp.rowLower.data(),
                  milp.rowUpper.data());
  for (size_t c = 0; c < milp.columns.size(); ++c) {
    // Cbc_setMIPStartI passes the start to CBC's driver by column name.
    Cbc_setColName(m, int(c), milp.columns[c].name.c_str());
    if (milp.columns[c].integer)
      Cbc_setInteger(m, int(c));
  }
  // CBC 2.10's preprocessing maps its solution back through a presolve that
  // reads the original row names and crashes when there are none
  // (coin-or/Cbc#515); the prefetch rows of BERT-base hit it.
  for (size_t r = 0; r < milp.numRows(); ++r)
    Cbc_setRowName(m, int(r), ("r" + std::to_string(r)).c_str());
}

/// What CBC answered (plain data: a child process sends it as bytes).
struct CbcAnswer {
  bool hasSolution = false, provenOptimal = false, secondsLimitReached = false;
  double objective = 0, bestPossible = 0;
  int status = 0, secondaryStatus = 0;
};
static_assert(std::is_trivially_copyable_v<CbcAnswer>);

struct CbcOutcome {
  /// CBC did not answer by the hard deadline and was stopped.
  bool stopped = false;
  /// ... because a signal asked the search to stop (stopSignal()).
  bool interrupted = false;
  CbcAnswer answer;
  std::vector<double> solution;
};

/// Runs `solve` in a child process, so that it can be stopped: CBC does not
/// interrupt its root LP, which on thousands of nodes outlasts any time
/// limit. The child sends its answer and solution through a pipe; if they
/// have not arrived by `hardDeadline`, the child is killed. `whileWaiting`
/// is called about once a second until then (progress lines).
CbcOutcome solveInChild(const std::function<CbcOutcome()> &solve,
                        size_t numColumns, Clock::time_point hardDeadline,
                        const std::function<void()> &whileWaiting) {
  int fds[2];
  if (pipe(fds) != 0)
    return solve(); // No pipe: solve here, unstoppable as before.
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return solve();
  }
  if (pid == 0) {
    // The child has only this thread; it leaves with _exit, so none of the
    // parent's exit handlers or buffered output run twice. It dies with the
    // parent, takes signals as a plain process (not the parent's handler,
    // which only sets a flag the child never reads), and holds no other
    // file: an external evaluator's socket kept open here would keep the
    // evaluator alive after the tool exits.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (getppid() == 1)
      _exit(1); // The parent died before prctl().
    close(fds[0]);
    close_range(3, unsigned(fds[1]) - 1, 0);
    close_range(unsigned(fds[1]) + 1, ~0U, 0);
    CbcOutcome result = solve();
    std::string bytes(reinterpret_cast<const char *>(&result.answer),
                      sizeof(CbcAnswer));
    if (result.answer.hasSolution)
      bytes.append(reinterpret_cast<const char *>(result.solution.data()),
                   numColumns * sizeof(double));
    for (size_t sent = 0; sent < bytes.size();) {
      ssize_t n = write(fds[1], bytes.data() + sent, bytes.size() - sent);
      if (n <= 0)
        _exit(1);
      sent += size_t(n);
    }
    _exit(0);
  }
  close(fds[1]);
  CbcOutcome outcome;
  std::string received;
  char buffer[1 << 16];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    hardDeadline - Clock::now())
                    .count();
    if (left <= 0) {
      outcome.stopped = true;
      break;
    }
    if (stopSignal()) { // Ctrl-C: the other searches stop within a step.
      outcome.stopped = outcome.interrupted = true;
      break;
    }
    whileWaiting();
    pollfd pfd{fds[0], POLLIN, 0};
    // At least once a second, and as often as progress lines are asked for.
    const int64_t wait = std::min<int64_t>(
        {left, 1000,
         std::max<int64_t>(10, int64_t(progressIntervalSeconds() * 1000))});
    int ready = poll(&pfd, 1, int(wait));
    if (ready <= 0)
      continue; // Timeout (checked above) or EINTR.
    ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    received.append(buffer, size_t(n));
  }
  close(fds[0]);
  if (outcome.stopped)
    kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (outcome.stopped)
    return outcome;
  if (received.size() < sizeof(CbcAnswer)) {
    outcome.stopped = true; // The child died without an answer.
    return outcome;
  }
  std::memcpy(&outcome.answer, received.data(), sizeof(CbcAnswer));
  if (outcome.answer.hasSolution) {
    if (received.size() != sizeof(CbcAnswer) + numColumns * sizeof(double)) {
      outcome.answer.hasSolution = false;
      return outcome;
    }
    outcome.solution.resize(numColumns);
    std::memcpy(outcome.solution.data(), received.data() + sizeof(CbcAnswer),
                numColumns * sizeof(double));
  }
  return outcome;
}

std::string formatPercent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3g%%", fraction * 100);
  return buffer;
}

std::string formatSeconds(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3g s", seconds);
  return buffer;
}

/// "; model latency X s": what the model predicts for the answer, to the
/// digits the unit tests compare with its own evaluation.
std::string modelLatencyNote(double seconds) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "; model latency %.9g s", seconds);
  return buffer;
}

/// Solves `milp` with CBC within `solveLimit` seconds from the `warm`
/// start, on `threads` threads (deterministically): CBC's answer and its
/// solution, if any.
CbcOutcome runCbc(const Milp &milp, llvm::ArrayRef<std::pair<int, double>> warm,
                  double solveLimit, unsigned threads) {
  std::unique_ptr<Cbc_Model, CbcDeleter> cbc(Cbc_newModel());
  Cbc_Model *m = cbc.get();
  loadMilp(m, milp);
  Cbc_setObjSense(m, 1);
  // Quiet: CBC's driver prints through its own handlers otherwise.
  Cbc_setLogLevel(m, 0);
  Cbc_setParameter(m, "log", "0");
  Cbc_setParameter(m, "slog", "0");
  Cbc_setMaximumSeconds(m, solveLimit);
  Cbc_setParameter(m, "sec", std::to_string(solveLimit).c_str());
  // Stop when the incumbent is proven within kRelativeGap of the optimum.
  Cbc_setAllowableFractionGap(m, kRelativeGap);
  Cbc_setParameter(m, "ratioGap", std::to_string(kRelativeGap).c_str());
  // Wall time, not CPU time, so threads do not shorten the limit.
  Cbc_setParameter(m, "timeMode", "elapsed");
  // CBC's 100 + n: n threads in deterministic mode, so the placement
  // does not depend on which thread finds what first; n is at most 99
  // (100 + 100 asserts in CBC's threads).
  if (threads > 1)
    Cbc_setParameter(m, "threads",
                     std::to_string(100 + std::min(threads, 99u)).c_str());
  // CBC 2.10's default preprocessing ("sos") turns a one-hot row of six
  // or more levels into an SOS with an extra column, and then looks up
  // that column's name to map the MIP start: "ClpModel::getColumnName,
  // Illegal index", no solution. Plain preprocessing keeps the columns
  // (and measured as fast on the bundled models).
  Cbc_setParameter(m, "preprocess", "on");
  std::vector<int> warmCols;
  std::vector<double> warmValues;
  for (auto [col, value] : warm) {
    warmCols.push_back(col);
    warmValues.push_back(value);
  }
  if (!warmCols.empty())
    Cbc_setMIPStartI(m, int(warmCols.size()), warmCols.data(),
                     warmValues.data());

  Cbc_solve(m);

  CbcOutcome outcome;
  CbcAnswer &answer = outcome.answer;
  const double *best = Cbc_bestSolution(m);
  answer.hasSolution = best != nullptr;
  if (best)
    outcome.solution.assign(best, best + milp.columns.size());
  answer.objective = Cbc_getObjValue(m);
  answer.bestPossible = Cbc_getBestPossibleObjValue(m);
  answer.provenOptimal = Cbc_isProvenOptimal(m);
  answer.secondsLimitReached = Cbc_isSecondsLimitReached(m);
  answer.status = Cbc_status(m);
  answer.secondaryStatus = Cbc_secondaryStatus(m);
  return outcome;
}

/// The placement CBC's outcome gives (greedy's `start` when it found none),
/// its latency on the model, and what the outcome says: proven, a gap, or
/// why there is no solution. `grace` is how long after the limit CBC was
/// stopped; `pastLimit` that the time limit has passed.
std::string readOutcome(const Problem &problem, const AnalyticalModel &model,
                        const Milp &milp, const CbcOutcome &outcome,
                        const Placement &start, double grace, bool pastLimit,
                        Placement &placement, double &predicted) {
  const CbcAnswer &answer = outcome.answer;
  const double toSeconds = 1.0 / Milp::kSecondsToUnits;
  std::string detail;
  if (!answer.hasSolution) {
    placement = start;
    predicted = model.evaluate(start).latency;
    // CBC does not always flag a limit that passed before it had even
    // evaluated the MIP start (its root LP is not interruptible).
    if (outcome.interrupted)
      detail = "interrupted: CBC was stopped, greedy placement";
    else if (outcome.stopped)
      detail = "time limit: CBC was stopped " + formatSeconds(grace) +
               " after the limit, in its root LP, greedy placement";
    else if (answer.secondsLimitReached || pastLimit)
      detail = "time limit: no incumbent from CBC, greedy placement";
    else
      detail = "CBC found no solution, greedy placement";
  } else {
    placement = milpPlacement(problem, milp, outcome.solution.data());
    double objective = answer.objective * toSeconds + milp.constantSeconds;
    double bound = answer.bestPossible * toSeconds + milp.constantSeconds;
    predicted = objective;
    double gap =
        objective > 0 ? std::max(0.0, objective - bound) / objective : 0.0;
    if (answer.provenOptimal)
      detail = gap <= 1e-12
                   ? "optimal, proven (gap 0)"
                   : "optimal within a proven gap of " + formatPercent(gap);
    else if (answer.secondsLimitReached)
      detail = "time limit: incumbent, gap " + formatPercent(gap);
    else
      detail = "stopped (status " + std::to_string(answer.status) + "/" +
               std::to_string(answer.secondaryStatus) + "): incumbent, gap " +
               formatPercent(gap);
  }
  return detail;
}

class IlpStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "ilp"; }
  bool searchesAt(uint64_t) const override { return false; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    const Clock::time_point started = Clock::now();
    const Problem &problem = context.problem;
    const SearchOptions &options = context.options;
    if (options.budget == 0)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "ilp needs a budget of at least one evaluation to measure its "
          "placement");
    if (!(options.timeLimitSeconds > 0))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "ilp: time limit must be positive");
    // Saturate: a huge limit must not overflow the clock's integer ticks.
    const Clock::time_point deadline =
        options.timeLimitSeconds >= 1e9
            ? Clock::time_point::max()
            : started +
                  std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(options.timeLimitSeconds));
    auto elapsed = [&] {
      return std::chrono::duration<double>(Clock::now() - started).count();
    };

    // The greedy placement warm-starts CBC and is the fallback when CBC
    // finds nothing in time. It is computed on the model, not measured.
    SearchContext modelContext{problem, context.model, context.model, {}};
    auto greedy = llvm::cantFail(createStrategy("greedy"))->run(modelContext);
    if (!greedy)
      return greedy.takeError();
    Placement start = greedy->placement;

    const double greedySeconds = elapsed();
    EvaluationTracker tracker(context);
    // Every tensor fits in the fastest level, and that level is no slower
    // than any other in what a layer pays for it (rate and start-up
    // latency, its own and a streamed weight's): then no placement does
    // better, and CBC's root LP of a graph of thousands of nodes took the
    // whole time limit to say so. (A chip whose SRAM starts up slower than
    // its DRAM is no such chip: there a tensor in DRAM can shorten a layer.)
    Placement fastest(problem.numNodes(), 0);
    if (fastestLevelDominates(context.model) &&
        rectify(context.model.problem(), fastest).valid) {
      const double fastestLatency = context.model.evaluate(fastest).latency;
      if (fastestLatency <= context.model.evaluate(start).latency) {
        tracker.evaluate(fastest);
        SearchResult result = tracker.finish();
        result.detail = "optimal, proven (every tensor fits in the fastest "
                        "level; no MILP to solve)" +
                        modelLatencyNote(fastestLatency);
        return result;
      }
    }
    std::optional<Milp> built = buildMilp(context.model, deadline);
    // The model could not be built in time, or building left CBC no time:
    // the greedy placement is the answer (CBC would only return it).
    auto greedyFallback = [&](const std::string &why) {
      tracker.evaluate(start);
      SearchResult result = tracker.finish();
      result.caveat = "time limit: " + why + " within " +
                      formatSeconds(options.timeLimitSeconds) +
                      ", greedy placement";
      result.detail = result.caveat +
                      modelLatencyNote(context.model.evaluate(start).latency);
      return result;
    };
    if (!built)
      return greedyFallback("the MILP was not built");
    const Milp &milp = *built;
    if (llvm::none_of(milp.columns,
                      [](const Milp::Column &c) { return c.integer; })) {
      // Single-level target, nothing to place, or every tensor too large
      // for any faster level: every placement is equal. (CBC does not
      // search a model without integers, and returns no solution.)
      tracker.evaluate(start);
      SearchResult result = tracker.finish();
      result.detail = "optimal, proven (nothing to decide)";
      return result;
    }

    const double readySeconds = elapsed();
    const double solveLimit = options.timeLimitSeconds - readySeconds;
    if (!(solveLimit > 0))
      return greedyFallback("the MILP was built but not solved");
    std::vector<std::pair<int, double>> warm = milpStartValues(milp, start);
    auto solve = [&] {
      return runCbc(milp, warm, solveLimit, options.threads);
    };
    // CBC stops itself at the limit once it branches; the grace covers
    // handing back its incumbent. Past it, the solve is stopped.
    const double grace = std::max(1.0, 0.05 * options.timeLimitSeconds);
    const Clock::time_point hardDeadline =
        deadline == Clock::time_point::max()
            ? deadline
            : deadline + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(grace));
    // CBC measures nothing while it solves, so the tracker's progress lines
    // stop; a line about the solve says the tool is not stuck.
    SearchProgress progress(context, options.progressLabel);
    const std::string solving =
        "CBC solving a MILP of " + std::to_string(milp.columns.size()) +
        " columns and " + std::to_string(milp.numRows()) + " rows";
    auto whileWaiting = [&] {
      progress.waiting(solving, hardDeadline == Clock::time_point::max()
                                    ? HUGE_VAL
                                    : std::chrono::duration<double>(
                                          hardDeadline - Clock::now())
                                          .count());
    };
    CbcOutcome outcome;
    {
      std::lock_guard<std::mutex> lock(cbcMutex());
      outcome =
          solveInChild(solve, milp.columns.size(), hardDeadline, whileWaiting);
    }
    const CbcAnswer &answer = outcome.answer;

    Placement placement;
    double predicted = 0;
    std::string detail = readOutcome(
        problem, context.model, milp, outcome, start, grace,
        elapsed() >= options.timeLimitSeconds, placement, predicted);
    // The placement satisfies the rows; rectify() would only move it if
    // rounding of CBC's values crossed a capacity by a fraction of a byte.
    Placement rectified = placement;
    if (!rectify(problem, rectified).valid)
      detail += "; solution needed rectification";
    // CBC's optimum is one of the many placements the model rates alike;
    // greedy's local moves break its ties the same way (and improve an
    // incumbent), never slowing the model. Greedy's own placement, CBC's
    // start, has none left.
    if (answer.hasSolution) {
      LocalMoves moves = improveByLocalMoves(context.model, placement);
      if (moves.kept) {
        detail += moves.describe();
        predicted = context.model.evaluate(placement).latency;
      }
    }

    tracker.evaluate(placement);
    SearchResult result = tracker.finish();
    char numbers[256];
    std::snprintf(numbers, sizeof(numbers),
                  "; %zu columns, %zu rows (%u capacity), %zu nonzeros; "
                  "greedy start %.3g s, model built in %.3g s",
                  milp.columns.size(), milp.numRows(), milp.capacityRows,
                  milp.numNonzeros(), greedySeconds,
                  readySeconds - greedySeconds);
    result.detail = detail + modelLatencyNote(predicted) + numbers;
    if (!answer.provenOptimal || !answer.hasSolution)
      result.caveat = detail;
    return result;
  }
};

} // namespace

static RegisterStrategy<IlpStrategy> registration("ilp");
