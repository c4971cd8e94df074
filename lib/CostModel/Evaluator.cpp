//===- Evaluator.cpp - Evaluator registry and the search reward -----------===//

#include "egrl/CostModel/Evaluator.h"
#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/ExternalEvaluator.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/CostModel/SimConfig.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <thread>

using namespace egrl;

Evaluator::~Evaluator() = default;

std::vector<EvalResult>
Evaluator::evaluateBatch(llvm::ArrayRef<Placement> placements,
                         unsigned threads) const {
  size_t count = placements.size();
  std::vector<EvalResult> results(count);
  unsigned workers = std::max<size_t>(1, std::min<size_t>(threads, count));
  if (workers == 1) {
    for (size_t i = 0; i < count; ++i)
      results[i] = evaluate(placements[i]);
    return results;
  }
  // Evaluators are thread-safe; strided work needs no coordination.
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w)
    pool.emplace_back([&, w] {
      for (size_t i = w; i < count; i += workers)
        results[i] = evaluate(placements[i]);
    });
  for (std::thread &t : pool)
    t.join();
  return results;
}

static EvaluatorFactory &evaluatorFactory() {
  static EvaluatorFactory factory;
  return factory;
}

void egrl::setEvaluatorFactory(EvaluatorFactory factory) {
  evaluatorFactory() = std::move(factory);
}

double egrl::reward(const EvalResult &result, double referenceLatency,
                    int64_t totalBytes) {
  if (result.valid) {
    double speedup = referenceLatency / result.latency;
    return speedup * speedup - 1.0;
  }
  // Below -1 so that any valid placement beats any invalid one; overflowing
  // less is still better, which gives a search a gradient back to validity.
  double fraction =
      totalBytes > 0 ? double(result.overflowBytes) / double(totalBytes) : 1.0;
  return -1.0 - std::min(1.0, fraction);
}

llvm::ArrayRef<llvm::StringRef> egrl::evaluatorNames() {
  static const llvm::StringRef names[] = {"analytical", "nnpi-sim"};
  return names;
}

/// The error for an evaluator name createLocalEvaluator does not know.
static llvm::Error unknownEvaluator(llvm::StringRef name) {
  std::string known;
  for (llvm::StringRef n : evaluatorNames())
    known += (known.empty() ? "" : ", ") + n.str();
  known += ", external:COMMAND";
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "unknown evaluator '%s' (known: %s)",
                                 name.str().c_str(), known.c_str());
}

llvm::Expected<std::unique_ptr<Evaluator>>
egrl::createEvaluator(llvm::StringRef name, const Problem &problem,
                      const EvaluatorOptions &options) {
  if (const EvaluatorFactory &factory = evaluatorFactory())
    return factory(name, problem, options);
  return createLocalEvaluator(name, problem, options);
}

llvm::Expected<std::unique_ptr<Evaluator>>
egrl::createLocalEvaluator(llvm::StringRef name, const Problem &problem,
                           const EvaluatorOptions &options) {
  if (name == "analytical")
    return std::make_unique<AnalyticalModel>(problem);
  if (name == "nnpi-sim") {
    auto sim = NnpiSim::create(problem);
    if (!sim)
      return sim.takeError();
    return std::unique_ptr<Evaluator>(std::move(*sim));
  }
  if (name.consume_front(ExternalEvaluator::prefix)) {
    llvm::Expected<double> timeout =
        ExternalEvaluator::timeoutFromEnvironment();
    if (!timeout)
      return timeout.takeError();
    auto external =
        ExternalEvaluator::create(problem, name, *timeout, options.retries);
    if (!external)
      return external.takeError();
    return std::unique_ptr<Evaluator>(std::move(*external));
  }
  return unknownEvaluator(name);
}

llvm::Error egrl::checkEvaluatorName(llvm::StringRef name) {
  if (llvm::is_contained(evaluatorNames(), name))
    return llvm::Error::success();
  // An external evaluator without a command is a bad option, said before
  // anything is placed, as any other.
  if (ExternalEvaluator::names(name))
    return name.drop_front(ExternalEvaluator::prefix.size()).trim().empty()
               ? llvm::createStringError(
                     "evaluator 'external:' needs a command, e.g. "
                     "'external:./measure.py'")
               : llvm::Error::success();
  return unknownEvaluator(name);
}

llvm::Expected<Target> egrl::loadSimTarget(llvm::StringRef nameOrPath,
                                           const Target &target,
                                           llvm::StringRef evaluatorName) {
  if (ExternalEvaluator::names(evaluatorName))
    return llvm::createStringError(
        "sim-target needs a built-in evaluator (analytical or nnpi-sim): an "
        "external evaluator measures its own chip");
  llvm::Expected<Target> chip = loadTarget(nameOrPath);
  if (!chip)
    return llvm::createStringError("sim-target: " +
                                   llvm::toString(chip.takeError()));
  if (auto config = SimConfig::fromTarget(*chip); !config)
    return llvm::createStringError("sim-target: " +
                                   llvm::toString(config.takeError()));
  if (llvm::Error err = checkSimTarget(target, *chip))
    return std::move(err);
  return chip;
}

double egrl::medianOf(std::vector<double> values) {
  if (values.empty())
    return 0;
  llvm::sort(values);
  size_t m = values.size();
  return m % 2 ? values[m / 2] : (values[m / 2 - 1] + values[m / 2]) / 2;
}

EvalResult Evaluator::evaluateMedian(const Placement &placement,
                                     unsigned repeats,
                                     std::vector<double> *measured) const {
  if (measured)
    measured->clear();
  EvalResult result = evaluate(placement);
  if (repeats <= 1 || !std::isfinite(result.latency))
    return result;
  std::vector<double> latencies = {result.latency};
  for (unsigned k = 1; k < repeats; ++k)
    latencies.push_back(evaluateRepeat(placement, k).latency);
  if (measured)
    *measured = latencies;
  result.latency = medianOf(std::move(latencies));
  return result;
}
