//===- ModelError.cpp - How far the analytical model is from nnpi-sim -----===//
//
// egrl-model-error [MODEL...] [--target=T] [--granularity=G] [--random=N]
//                  [--seed=S] [--ilp]
// For each model (default: every bundled model at `fused` and `op`
// granularity) on a target (default nnpi-1000), prints as a markdown table
// the analytical model's predicted latency against the simulated latency
// (NnpiSim::simulate of the same rectified placement) for the native and
// greedy placements (and with --ilp the exact optimum of the model, whose
// errors the model's own choice amplifies), and over N random valid
// placements (uniform random
// levels, then rectify(); fixed seed) the mean and worst relative error and
// the Kendall rank correlation (tau-b) of predicted and simulated latency.
// Relative error is |predicted - simulated| / simulated. The bars
// (docs/cost-model.md) are checked at the end; the exit code is 0 either
// way, as this measures rather than tests (1 only for bad input).
//
//===----------------------------------------------------------------------===//

#include "ToolSupport.h"

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/Search/Strategy.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace egrl;

static llvm::cl::OptionCategory category("egrl-model-error options");
static llvm::cl::list<std::string> models(llvm::cl::Positional,
                                          llvm::cl::desc("[model...]"),
                                          llvm::cl::cat(category));
static llvm::cl::opt<std::string>
    targetName("target", llvm::cl::init("nnpi-1000"),
               llvm::cl::desc("Target: a bundled name or a target JSON "
                              "(default: nnpi-1000)"),
               llvm::cl::cat(category));
static llvm::cl::opt<std::string> granularityName(
    "granularity", llvm::cl::init("both"),
    llvm::cl::desc("Graph nodes: fused, op or both (the default)"),
    llvm::cl::cat(category));
static llvm::cl::opt<std::string>
    functionName("function", llvm::cl::init(""),
                 llvm::cl::desc("The func.func of each .mlir model to use "
                                "(default: the only one with a body)"),
                 llvm::cl::cat(category));
static llvm::cl::opt<unsigned>
    numRandom("random", llvm::cl::desc("Random valid placements per graph"),
              llvm::cl::init(200), llvm::cl::cat(category));
static llvm::cl::opt<uint64_t>
    seed("seed", llvm::cl::desc("Seed of the random placements"),
         llvm::cl::init(1), llvm::cl::cat(category));
static llvm::cl::opt<bool> withIlp(
    "ilp",
    llvm::cl::desc("Also compare ilp's placement (CBC, 60 s per graph at "
                   "most): the model's optimum goes where the model is most "
                   "wrong in its favour"),
    llvm::cl::init(false), llvm::cl::cat(category));

namespace {

constexpr const char *kBundledModels[] = {"resnet50", "resnet101", "bert_base",
                                          "mobilenet_v2", "tiny_cnn"};

[[noreturn]] void die(const llvm::Twine &message) {
  llvm::errs() << "egrl-model-error: " << message << "\n";
  std::exit(1);
}

double relativeError(double predicted, double simulated) {
  return std::abs(predicted - simulated) / simulated;
}

/// Kendall's tau-b: ties in either ranking are discounted, so a model that
/// predicts equal latencies for placements the chip tells apart (or the
/// reverse) does not get credit for them.
double kendallTauB(const std::vector<double> &a, const std::vector<double> &b) {
  double concordant = 0, discordant = 0, tiesA = 0, tiesB = 0;
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = i + 1; j < a.size(); ++j) {
      double da = a[i] - a[j], db = b[i] - b[j];
      if (da == 0 && db == 0)
        continue;
      if (da == 0)
        ++tiesA;
      else if (db == 0)
        ++tiesB;
      else if ((da > 0) == (db > 0))
        ++concordant;
      else
        ++discordant;
    }
  double denominator = std::sqrt((concordant + discordant + tiesA) *
                                 (concordant + discordant + tiesB));
  return denominator > 0 ? (concordant - discordant) / denominator : 1.0;
}

struct Row {
  std::string graph;
  unsigned nodes = 0;
  double nativePredicted = 0, nativeSimulated = 0;
  double greedyPredicted = 0, greedySimulated = 0;
  double ilpPredicted = 0, ilpSimulated = 0;
  double meanError = 0, worstError = 0, meanBias = 0, tau = 0;
};

std::string us(double seconds) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.1f", seconds * 1e6);
  return s;
}

std::string percent(double fraction) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.2f%%", fraction * 100);
  return s;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::HideUnrelatedOptions(category);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "egrl-model-error: the analytical model against nnpi-sim\n\n"
      "  MODEL is a bundled name, a .mlir or graph .json path, or\n"
      "  synthetic:NODES:SEED (default: every bundled model).\n");
  std::vector<Granularity> granularities;
  if (granularityName == "both")
    granularities = {Granularity::Fused, Granularity::Op};
  else if (std::optional<Granularity> g = parseGranularity(granularityName))
    granularities = {*g};
  else
    die("--granularity must be fused, op or both, not '" + granularityName +
        "'");
  if (numRandom < 2)
    die("--random must be at least 2: the rank correlation compares pairs");
  std::vector<std::string> modelSpecs(models.begin(), models.end());
  if (modelSpecs.empty())
    modelSpecs.assign(std::begin(kBundledModels), std::end(kBundledModels));
  tools::EvaluationSetup setup;
  llvm::Expected<Target> target = loadTarget(targetName);
  if (!target)
    die(llvm::toString(target.takeError()));
  setup.chip = std::move(*target);
  setup.evaluatorName = "analytical";
  setup.function = functionName;
  auto greedy = createStrategy("greedy");
  if (!greedy)
    die(llvm::toString(greedy.takeError()));
  auto ilp = createStrategy("ilp");
  if (!ilp)
    die(llvm::toString(ilp.takeError()));

  std::vector<Row> rows;
  for (Granularity granularity : granularities)
    for (const std::string &spec : modelSpecs) {
      setup.granularity = granularity;
      auto instance = tools::loadModelInstance(spec, setup);
      if (!instance)
        die(llvm::toString(instance.takeError()));
      const Problem &problem = *(*instance)->problem;
      const AnalyticalModel &analytical = *(*instance)->model;
      auto sim = NnpiSim::create(problem);
      if (!sim)
        die((*instance)->name + ": " + llvm::toString(sim.takeError()));
      std::string name = (*instance)->name +
                         (granularity == Granularity::Op ? "-op" : "-fused");
      Row row;
      row.graph = name;
      row.nodes = problem.numNodes();
      // Both evaluators see the same rectified placement.
      auto compare = [&](Placement placement, double &predicted,
                         double &simulated) {
        rectify(problem, placement);
        predicted = analytical.evaluate(placement).latency;
        simulated = (*sim)->simulate(placement);
      };
      compare(nativePlacement(problem), row.nativePredicted,
              row.nativeSimulated);
      // Errors are relative to the simulated latency: a chip that takes no
      // time has none to compare with.
      if (!(row.nativeSimulated > 0))
        die(name + ": native's simulated latency is 0 (a target with no "
                   "layer overhead on a graph with no work?); errors relative "
                   "to it are undefined");
      SearchContext context{problem, analytical, analytical, {}};
      auto greedyResult = (*greedy)->run(context);
      if (!greedyResult)
        die(name + ": " + llvm::toString(greedyResult.takeError()));
      compare(greedyResult->placement, row.greedyPredicted,
              row.greedySimulated);
      if (withIlp) {
        auto ilpResult = (*ilp)->run(context);
        if (!ilpResult)
          die(name + ": " + llvm::toString(ilpResult.takeError()));
        compare(ilpResult->placement, row.ilpPredicted, row.ilpSimulated);
      }

      std::mt19937_64 rng(seed);
      const unsigned levels = problem.numLevels();
      std::vector<double> predicted(numRandom), simulated(numRandom);
      for (unsigned k = 0; k < numRandom; ++k) {
        Placement placement(problem.numNodes(), 0);
        for (NodePlacement &np : placement.nodes)
          np = {uint8_t(rng() % levels), uint8_t(rng() % levels)};
        compare(std::move(placement), predicted[k], simulated[k]);
        double error = relativeError(predicted[k], simulated[k]);
        row.meanError += error / numRandom;
        row.worstError = std::max(row.worstError, error);
        row.meanBias +=
            (predicted[k] - simulated[k]) / simulated[k] / numRandom;
      }
      row.tau = kendallTauB(predicted, simulated);
      rows.push_back(row);
    }

  llvm::outs() << "| graph | nodes | native model | native sim | error | "
                  "greedy model | greedy sim | error | "
               << (withIlp ? "ilp model | ilp sim | error | " : "")
               << "random: mean error | worst | mean bias | Kendall tau-b |\n"
               << "|---|---|---|---|---|---|---|---|"
               << (withIlp ? "---|---|---|" : "") << "---|---|---|---|\n";
  for (const Row &r : rows)
    llvm::outs() << "| " << r.graph << " | " << r.nodes << " | "
                 << us(r.nativePredicted) << " µs | " << us(r.nativeSimulated)
                 << " µs | "
                 << percent(relativeError(r.nativePredicted, r.nativeSimulated))
                 << " | " << us(r.greedyPredicted) << " µs | "
                 << us(r.greedySimulated) << " µs | "
                 << percent(relativeError(r.greedyPredicted, r.greedySimulated))
                 << " | "
                 << (withIlp ? us(r.ilpPredicted) + " µs | " +
                                   us(r.ilpSimulated) + " µs | " +
                                   percent(relativeError(r.ilpPredicted,
                                                         r.ilpSimulated)) +
                                   " | "
                             : std::string())
                 << percent(r.meanError) << " | " << percent(r.worstError)
                 << " | " << percent(r.meanBias) << " | "
                 << llvm::format("%.3f", r.tau) << " |\n";

  // The bars: greedy within 3% everywhere; at `fused`, random
  // placements within 3% on average and ranked with tau-b >= 0.9.
  bool greedyOk = true, randomOk = true, anyFused = false;
  for (const Row &r : rows) {
    greedyOk &= relativeError(r.greedyPredicted, r.greedySimulated) <= 0.03;
    if (llvm::StringRef(r.graph).ends_with("-fused")) {
      anyFused = true;
      randomOk &= r.meanError <= 0.03 && r.tau >= 0.9;
    }
  }
  llvm::outs() << "\nTarget " << setup.chip.name << "; " << numRandom
               << " random placements per graph, seed " << seed
               << ". Bars: greedy within 3% on every graph: "
               << (greedyOk ? "met" : "NOT met")
               << "; at fused, random mean error <= 3% and tau-b >= 0.9: "
               << (!anyFused  ? "no fused graph"
                   : randomOk ? "met"
                              : "NOT met")
               << ".\n";
  return 0;
}
