//===- Report.h - Summaries of a placement for people and tools ----------===//
//
// One summary, built once, printed as a remark/line by the pass and tools and
// written as JSON by `report=`. Every latency is quoted against `native`.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SEARCH_REPORT_H
#define EGRL_SEARCH_REPORT_H

#include "egrl/Search/Strategy.h"

namespace egrl {

struct PlacementSummary {
  std::string graph;
  std::string target;
  /// The chip measured on when it is not `target` (a sim-target), or empty.
  std::string simTarget;
  std::string strategy;
  std::string evaluator;
  std::string granularity;
  uint64_t seed = 0;
  /// The evaluations the search was given; 0 for a strategy that measures
  /// the placements it plans (no search).
  uint64_t budget = 0;
  /// Each best placement measured this many times (SearchOptions::repeats).
  unsigned repeats = 1;
  unsigned numNodes = 0;
  double latency = 0;
  double nativeLatency = 0;
  /// The chip ran native as given (an external chip may say it cannot):
  /// speed-ups are then quoted against a placement that cannot run.
  bool nativeValid = true;
  bool valid = false;
  int64_t overflowBytes = 0;
  /// The chip refused it (EvalResult::refused): its latency is no time, and
  /// no speed-up is quoted.
  bool refused = false;
  uint64_t evaluations = 0;
  double wallSeconds = 0;
  std::vector<std::string> levels;
  std::vector<int64_t> weightBytes;     ///< Per level.
  std::vector<int64_t> activationBytes; ///< Per level.
  std::vector<int64_t> peakBytes;       ///< Per level.
  std::string detail;
  std::string caveat; ///< SearchResult::caveat.
  std::string seeded; ///< SearchResult::seeded.
  std::string stopped; ///< SearchResult::stopped.
  std::vector<double> measurements; ///< SearchResult::measurements.
  std::string policyFile; ///< SearchResult::policyFile.

  double speedup() const { return latency > 0 ? nativeLatency / latency : 0; }
  /// Quotes the placement against `native` (unmeasured when its latency is
  /// not positive).
  void setNative(const EvalResult &native) {
    nativeLatency = native.latency;
    nativeValid = native.valid || !(native.latency > 0);
  }
  /// The native quoted, as setNative() takes it.
  EvalResult nativeResult() const { return {nativeLatency, nativeValid, 0}; }
};

/// `problem` is the graph on the compiler's target; bytes and capacities are
/// counted on the chip `evaluator` measures (its own problem).
PlacementSummary summarize(const Problem &problem, const Evaluator &evaluator,
                           const SearchResult &result, const EvalResult &native,
                           llvm::StringRef strategy, uint64_t seed,
                           double wallSeconds);

/// "1.5 MiB", "512 B": sizes as people read them.
std::string formatBytes(int64_t bytes);
/// "123.4 us", "1.234 ms": latencies with four significant digits.
std::string formatSeconds(double seconds);
/// "1.026x": a speed-up with three decimals, more when three would print a
/// ratio other than 1 as "1.000x" ("0.9997x": slower than native).
std::string formatSpeedup(double ratio);

/// One line: latency, speed-up vs native, validity, bytes per level.
std::string summaryText(const PlacementSummary &summary);

/// JSON report: the summary, the history and the per-node placement;
/// `problems` are the problems the placements were measured on.
std::string reportJSON(const std::vector<PlacementSummary> &summaries,
                       const std::vector<const Problem *> &problems,
                       const std::vector<const SearchResult *> &results);

} // namespace egrl

#endif // EGRL_SEARCH_REPORT_H
