//===- Evaluator.h - The black box every strategy measures against -------===//
//
// A strategy sees only evaluate(placement) -> {latency, valid, overflow}.
// Backends: the analytical model (AnalyticalModel.h), the chip simulator
// (NnpiSim.h) and a user's command (ExternalEvaluator.h); more are added by
// implementing this interface and one line in createEvaluator().
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_EVALUATOR_H
#define EGRL_COSTMODEL_EVALUATOR_H

#include "egrl/CostModel/Placement.h"
#include "egrl/CostModel/Problem.h"

#include "llvm/ADT/ArrayRef.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace egrl {

struct EvalResult {
  double latency = 0; ///< Seconds for one inference (after rectification).
  bool valid = false; ///< The placement fitted as given.
  int64_t overflowBytes = 0;
  /// The evaluator said the chip cannot run it (an external command's
  /// "valid": false): its latency is no time, and it ranks after every
  /// placement the chip ran, rectified or not.
  bool refused = false;
};

/// The median of `values` (the mean of the middle two for an even count);
/// 0 for none.
double medianOf(std::vector<double> values);

class Evaluator {
public:
  explicit Evaluator(const Problem &problem) : problemRef(problem) {}
  virtual ~Evaluator();

  virtual llvm::StringRef name() const = 0;
  /// Must be safe to call from several threads at once.
  virtual EvalResult evaluate(const Placement &placement) const = 0;
  /// The `repeat`-th measurement of `placement` (evaluate() is the 0th): a
  /// search re-measuring its incumbent (SearchOptions::repeats). A noisy
  /// evaluator draws independent noise for each repeat; a chip simply
  /// measures again, and so does this default.
  virtual EvalResult evaluateRepeat(const Placement &placement,
                                    unsigned repeat) const {
    return evaluate(placement);
  }
  /// Measures every placement, results in index order. This default spreads
  /// them over `threads` threads of this process; a pool of evaluator
  /// processes (egrl/Distributed/Mpi.h) over its workers instead.
  virtual std::vector<EvalResult>
  evaluateBatch(llvm::ArrayRef<Placement> placements, unsigned threads) const;
  /// Why measurements stopped, or empty. Backends that can fail (an external
  /// command) answer later calls with an infinite latency; callers check
  /// this after a search and report it.
  virtual std::string failure() const { return {}; }

  const Problem &problem() const { return problemRef; }
  /// `placement` measured `repeats` times (evaluate(), then
  /// evaluateRepeat(1..)), with the median latency: a reference (native) as
  /// trustworthy as incumbents kept by the median of as many. `measured`,
  /// if given, gets every latency the median was taken of (none for one
  /// measurement, or when the first failed).
  EvalResult evaluateMedian(const Placement &placement, unsigned repeats,
                            std::vector<double> *measured = nullptr) const;

private:
  const Problem &problemRef;
};

/// The paper's reward: speedup^2 - 1 over `referenceLatency` when valid; an
/// invalid placement scores below -1, lower the more bytes overflowed.
double reward(const EvalResult &result, double referenceLatency,
              int64_t totalBytes);

/// Names accepted by createEvaluator(), besides `external:COMMAND`.
llvm::ArrayRef<llvm::StringRef> evaluatorNames();

/// An error naming the known evaluators unless createEvaluator() knows
/// `name`: tools check their option once, before any model loads.
llvm::Error checkEvaluatorName(llvm::StringRef name);
/// How an evaluator copes with a flaky device.
struct EvaluatorOptions {
  /// `external:` only: how many times a command that died or did not answer
  /// in time is restarted (the graph sent again) before the evaluator fails.
  unsigned retries = 0;
  /// Beyond this a flaky device is a broken one.
  static constexpr unsigned kMaxRetries = 100;
};
/// Creates the evaluator called `name` for `problem`: the hook's when one is
/// set (setEvaluatorFactory), else createLocalEvaluator's.
llvm::Expected<std::unique_ptr<Evaluator>>
createEvaluator(llvm::StringRef name, const Problem &problem,
                const EvaluatorOptions &options = {});
/// Creates the evaluator called `name` in this process.
llvm::Expected<std::unique_ptr<Evaluator>>
createLocalEvaluator(llvm::StringRef name, const Problem &problem,
                     const EvaluatorOptions &options = {});
/// A process-wide replacement for createEvaluator. The MPI pool installs one
/// on rank 0 (egrl/Distributed/Mpi.h), so that the tools and the pass
/// measure on worker processes without knowing it. Empty: no hook.
using EvaluatorFactory =
    std::function<llvm::Expected<std::unique_ptr<Evaluator>>(
        llvm::StringRef name, const Problem &problem,
        const EvaluatorOptions &options)>;
void setEvaluatorFactory(EvaluatorFactory factory);

/// Loads the chip evaluator `evaluatorName` measures on when it is not the
/// compiler's `target` (a sim-target, docs/mismatch.md): a bundled name or a
/// path, checked like any target (its sim section too) and against `target`
/// (checkSimTarget). Only built-in evaluators take one.
llvm::Expected<Target> loadSimTarget(llvm::StringRef nameOrPath,
                                     const Target &target,
                                     llvm::StringRef evaluatorName);

} // namespace egrl

#endif // EGRL_COSTMODEL_EVALUATOR_H
