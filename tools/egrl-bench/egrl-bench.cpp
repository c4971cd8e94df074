//===- egrl-bench.cpp - Strategies side by side on models and seeds -------===//
//
// egrl-bench models/resnet50.mlir models/bert_base.mlir \
//     --strategies=native,greedy,ilp,ea --seeds=3 --budgets=1000,5000 \
//     --out=results/ --plot
//
// --sim-target=CHIP measures on another chip than the target the model and
// the model-based strategies believe (docs/mismatch.md); --seed-from says
// what searches may start from (docs/strategies.md, "Seeding").
//
// Every run is quoted against `native` (as the paper did) and, when `ilp` is
// among the strategies, against the ilp placement measured on the same
// evaluator. Prints a summary table (medians over seeds) and writes every
// run with its history to bench.json and bench.csv.
//
//===----------------------------------------------------------------------===//

#include "ToolSupport.h"
#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/Distributed/Mpi.h"
#include "egrl/Search/Report.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Support/Interrupt.h"
#include "egrl/Support/Output.h"
#include "egrl/Support/Paths.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

using namespace egrl;
namespace cl = llvm::cl;
using json = nlohmann::json;

static cl::OptionCategory benchCategory("egrl-bench options");
static cl::list<std::string>
    models(cl::Positional, cl::OneOrMore,
           cl::desc("<model.mlir | graph.json | bundled model name | "
                    "synthetic:NODES:SEED>..."),
           cl::cat(benchCategory));
static cl::opt<std::string>
    strategies("strategies", cl::init("native,greedy"),
               cl::desc("Comma-separated strategies to compare (default: "
                        "native,greedy; all: native, greedy, dp, ilp, "
                        "portfolio, random, ea, anneal, pg, egrl, egrl-sac, "
                        "policy)"),
               cl::cat(benchCategory));
static cl::opt<unsigned>
    seeds("seeds", cl::init(3),
          cl::desc("Seeds 0..N-1 for each search (default: 3)"),
          cl::cat(benchCategory));
static cl::opt<std::string>
    budgets("budgets", cl::init("1000"),
            cl::desc("Comma-separated evaluation budgets (default: 1000)"),
            cl::cat(benchCategory));
static cl::opt<std::string> seedFrom(
    "seed-from", cl::init("none"),
    cl::desc("What searches (anneal, ea, random, egrl, egrl-sac) may start "
             "from: "
             "none (model-free, the default), native, model "
             "(the best of native, greedy, ilp and dp), or portfolio (those "
             "and strategy=portfolio's plans)"),
    cl::cat(benchCategory));
// --target, --sim-target, --evaluator, --granularity, --function, --retries.
static tools::EvaluationOptions evaluation(benchCategory);
static cl::opt<unsigned>
    repeats("repeats", cl::init(1),
            cl::desc("Measure each new best placement K times in all (in the "
                     "budget) and keep it by the median: for noisy evaluators "
                     "(default: 1)"),
            cl::cat(benchCategory));
static cl::opt<std::string>
    policyFile("policy", cl::init(""),
               cl::desc("Policy file the 'policy' strategy places with "
                        "(trained by egrl-train), or a shipped policy's "
                        "name (nnpi-1000: policies/*.json); budget 1 "
                        "is its placement with no search"),
               cl::cat(benchCategory));
// Renamed to --threads in main(): libLLVM registers that name already.
static cl::opt<unsigned>
    threads("search-threads", cl::init(1),
            cl::desc("Threads a search may evaluate on (and CBC may use), "
                     "the pass's threads=; the same placements for any "
                     "count (default: 1)"),
            cl::cat(benchCategory));
static cl::opt<double> timeLimit(
    "time-limit", cl::init(60),
    cl::desc("Seconds a solver (ilp) may run each time it runs: once per "
             "model for the ilp strategy, and once more per model for the "
             "placements --seed-from=model starts searches from (default: "
             "60)"),
    cl::cat(benchCategory));
static cl::opt<std::string>
    outDir("out", cl::init(""),
           cl::desc("Directory for bench.json and bench.csv (and bench.png); "
                    "without it only the table is printed"),
           cl::cat(benchCategory));
static cl::opt<bool>
    progress("progress", cl::init(false),
             cl::desc("Print the progress of long searches (egrl's "
                      "generations, every other search's evaluations) to "
                      "stderr, once a second on a terminal, every ten seconds "
                      "into a file (EGRL_PROGRESS_SECONDS=S sets it)"),
             cl::cat(benchCategory));
static cl::opt<bool> placements(
    "placements", cl::init(false),
    cl::desc("Write each run's best placement to bench.json (needs --out): "
             "the level of every node's weights and output, and each "
             "model's node names and sizes once; "
             "python/placement_diff.py compares two runs"),
    cl::cat(benchCategory));
static cl::opt<bool> plot("plot", cl::init(false),
                          cl::desc("Plot best-so-far latency against "
                                   "evaluations to <out>/bench.png (needs "
                                   "--out; without it, an earlier run's "
                                   "bench.png there is removed)"),
                          cl::cat(benchCategory));

namespace {

struct Run {
  std::string model, strategy;
  uint64_t seed = 0, budget = 0;
  bool seedless = false; ///< Run once: its result ignores seed and budget.
  SearchResult result;
  double wall = 0;
  /// On a noisy nnpi-sim: the placement's latency without noise (what the
  /// search really found), 0 otherwise.
  double noiseFree = 0;
};

[[noreturn]] void die(const llvm::Twine &message) {
  tools::die("egrl-bench", message);
}

/// Whether a run has a measurement to show: one whose evaluator failed
/// before answering has none (a model-based strategy's result is then its
/// plan, with no latency).
bool measuredAnything(const Run &run) {
  return run.result.evaluations > 0 && std::isfinite(run.result.result.latency);
}

std::vector<uint64_t> parseBudgets() {
  std::vector<uint64_t> out;
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(budgets).split(parts, ',', -1, /*KeepEmpty=*/true);
  for (llvm::StringRef part : parts) {
    uint64_t value;
    llvm::StringRef digits = part.trim();
    if (!digits.empty() && llvm::all_of(digits, llvm::isDigit) &&
        digits.getAsInteger(10, value))
      die("--budgets: '" + part + "' is too large (at most " +
          llvm::Twine(std::numeric_limits<uint64_t>::max()) + ")");
    if (digits.getAsInteger(10, value) || value == 0)
      die("--budgets: '" + part + "' is not a positive integer");
    if (llvm::is_contained(out, value))
      die("--budgets: " + llvm::Twine(value) + " is named twice");
    out.push_back(value);
  }
  if (out.empty())
    die("--budgets is empty");
  return out;
}

} // namespace

namespace {
/// Every run so far, with the references its rows are quoted against.
struct Results {
  std::vector<Run> runs;
  std::map<std::string, double> nativeLatency, ilpLatency;
  /// With --placements, per model: its levels and nodes (names, sizes).
  std::map<std::string, json> graphs;
  /// Why the benchmark stopped before its end (Ctrl-C, a dead evaluator).
  std::string stoppedEarly;
};

/// Checks the options that need no model, so that a mistake fails before
/// any search runs.
void checkOptions() {
  if (threads == 0 || threads > SearchOptions::kMaxThreads)
    die("--threads must be between 1 and " +
        llvm::Twine(SearchOptions::kMaxThreads));
  if (repeats == 0 || repeats > SearchOptions::kMaxRepeats)
    die("--repeats must be between 1 and " +
        llvm::Twine(SearchOptions::kMaxRepeats) + " (the pass's repeats=)");
  if (!(timeLimit > 0) || !std::isfinite(timeLimit))
    die("--time-limit must be a positive number of seconds");
  // The files are written after every search: a path that cannot be a
  // directory fails now, not after hours of searching.
  if (!outDir.empty())
    if (std::error_code ec = tools::makeOutputDirectory(outDir))
      die("cannot write into directory '" + outDir + "': " + ec.message());
  if (plot && outDir.empty())
    die("--plot needs --out=DIR to write bench.png into");
  if (placements && outDir.empty())
    die("--placements needs --out=DIR to write them into bench.json");
  if (seeds == 0)
    die("--seeds must be at least 1");
}

/// The strategies --strategies names, with the policy file checked before
/// any search, not when the policy's turn comes.
std::vector<std::unique_ptr<Strategy>>
resolveStrategies(const Target &chip) {
  if (llvm::StringRef(strategies).trim().empty())
    die("--strategies names none (see --help for the list)");
  // Empty items are kept, and refused as unknown names, as --budgets
  // refuses them: "greedy,,native" may have lost a name.
  llvm::SmallVector<llvm::StringRef> names;
  llvm::StringRef(strategies).split(names, ',', -1, /*KeepEmpty=*/true);
  std::vector<std::unique_ptr<Strategy>> searches;
  for (llvm::StringRef name : names) {
    if (name.trim() == "keep")
      die("--strategies names keep, which measures the placement a placed "
          "module carries: use egrl-opt --egrl-memory-placement=strategy=keep "
          "on it (egrl-bench places models itself)");
    auto strategy = createStrategy(name.trim());
    // A known name that could not be made (its library did not load) says
    // why; an unknown one lists the names.
    if (!strategy && llvm::is_contained(strategyNames(), name.trim().str()))
      die(llvm::toString(strategy.takeError()));
    if (!strategy) {
      llvm::consumeError(strategy.takeError());
      std::string known;
      for (llvm::StringRef n : strategyNames())
        if (n != "keep") // The pass's; refused above.
          known += (known.empty() ? "" : ", ") + n.str();
      die("unknown strategy '" + name.trim() + "' (known: " + known + ")");
    }
    // Rows are keyed by strategy: a second one would merge into the first.
    if (llvm::any_of(searches, [&](const std::unique_ptr<Strategy> &search) {
          return search->name() == (*strategy)->name();
        }))
      die("--strategies: " + name.trim() + " is named twice");
    searches.push_back(std::move(*strategy));
  }
  if (llvm::any_of(searches, [](const std::unique_ptr<Strategy> &search) {
        return search->name() == "policy";
      })) {
    if (policyFile.empty())
      die("--strategies names policy: give its file with --policy=FILE, or "
          "a shipped policy's name (" +
          llvm::join(shippedPolicyNames(), ", ") + ")");
    std::string path = resolvePolicyFile(policyFile);
    if (!llvm::sys::fs::exists(path))
      die("--policy: no policy file '" + policyFile +
          "', nor a shipped policy (" + llvm::join(shippedPolicyNames(), ", ") +
          ")");
    // Loaded as the policy strategy loads it (which --strategies made
    // available), so that a file it cannot use stops the benchmark before
    // the first search. A pipe (a shell's <(...)) can be read once: the
    // strategy's load reads it.
    if (llvm::sys::fs::is_regular_file(path))
      if (llvm::Error err = checkPolicyFile(path, chip))
        die(llvm::toString(std::move(err)));
  } else if (!policyFile.empty()) {
    // As the pass warns about policy= without strategy=policy.
    llvm::WithColor::warning(llvm::errs(), "egrl-bench")
        << "--policy has no effect: no strategy in --strategies places with "
           "it (add policy)\n";
  }
  return searches;
}

/// What a run's placement in bench.json refers to (--placements): the
/// levels, and per node its name, location and sizes, in the graph's order.
json graphJson(const Problem &problem) {
  json levels = json::array(), nodes = json::array();
  for (const MemoryLevel &level : problem.target().levels)
    levels.push_back(level.name);
  for (unsigned i = 0; i < problem.numNodes(); ++i) {
    const Node &node = problem.graph().nodes[i];
    nodes.push_back({{"name", node.name},
                     {"loc", node.location},
                     {"weight_bytes", problem.weightBytes[i]},
                     {"output_bytes", problem.outputBytes[i]}});
  }
  return {{"levels", std::move(levels)}, {"nodes", std::move(nodes)}};
}

/// Runs every strategy, budget and seed on one model, adding to `results`;
/// stops at the first search that was stopped early. Returns an error that
/// ends the benchmark (the runs so far are kept), or an empty string.
std::string benchModel(tools::ModelInstance &instance,
                       const tools::EvaluationSetup &setup,
                       llvm::ArrayRef<std::unique_ptr<Strategy>> searches,
                       llvm::ArrayRef<uint64_t> budgetList,
                       SeedFrom seedFromKind, Results &results) {
  if (llvm::Error err = tools::attachEvaluator(instance, setup))
    return instance.name + ": " + llvm::toString(std::move(err));
  const std::string &model = instance.name;
  const Problem &problem = *instance.problem;
  const AnalyticalModel &analytical = *instance.model;
  auto evaluatorFailure = [&](const std::string &during) -> std::string {
    std::string why = instance.evaluator->failure();
    return why.empty() ? why : model + during + ": " + why;
  };
  // The simulator, for noise-free latencies; under the MPI pool
  // (docs/scale-out.md) the measuring ones run on the workers, so a local
  // one is made for this.
  const NnpiSim *sim = dynamic_cast<const NnpiSim *>(instance.evaluator.get());
  std::unique_ptr<NnpiSim> localSim;
  if (!sim && instance.evaluator->name() == "nnpi-sim") {
    auto created = NnpiSim::create(instance.measured());
    if (!created)
      return model + ": " + llvm::toString(created.takeError());
    localSim = std::move(*created);
    sim = localSim.get();
  }
  // One run of `search` with `budget` and `seed`, timed.
  auto runOnce =
      [&](Strategy &search, uint64_t budget, uint64_t seed,
          const std::shared_ptr<const std::vector<SeedPlacement>> &modelPlans)
      -> llvm::Expected<Run> {
    SearchContext context{problem, analytical, *instance.evaluator, {}};
    // Native's reference is the median of --repeats measurements.
    context.options.budget = search.budgetFor(budget, repeats);
    context.options.seed = seed;
    context.options.threads = threads;
    context.options.timeLimitSeconds = timeLimit;
    context.options.seedFrom = seedFromKind;
    context.options.modelPlans = modelPlans;
    context.options.progress = progress;
    // Several models, strategies and seeds print progress: say whose.
    context.options.progressLabel = model + " " + search.name().str() +
                                    " budget " + std::to_string(budget) +
                                    " seed " + std::to_string(seed);
    context.options.policyFile = policyFile;
    context.options.repeats = std::max(1u, unsigned(repeats));
    auto start = std::chrono::steady_clock::now();
    auto result = search.run(context);
    if (!result)
      return result.takeError();
    Run run{model,  search.name().str(), seed,
            budget, !search.searches(),  std::move(*result),
            0};
    run.wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    return run;
  };
  // Native, measured as often as a search's incumbent (--repeats), is the
  // reference every speed-up is quoted against, and native's row: measured
  // once, so that on a noisy chip the row reads 1.000x (a second
  // measurement read 1.107x "vs native").
  llvm::Expected<std::unique_ptr<Strategy>> nativeStrategy =
      createStrategy("native");
  if (!nativeStrategy)
    return model + ": " + llvm::toString(nativeStrategy.takeError());
  llvm::Expected<Run> nativeRun =
      runOnce(**nativeStrategy, budgetList.front(), 0, nullptr);
  if (!nativeRun)
    return model + " / native: " + llvm::toString(nativeRun.takeError());
  // Native is measured before any search: say so, or the failure reads as
  // the model's, or as the first search's.
  if (std::string failed = evaluatorFailure(
          " / native (every speed-up's reference, measured before the "
          "searches)");
      !failed.empty())
    return failed;
  if (!nativeRun->result.stopped.empty())
    return model + " / native: " + nativeRun->result.stopped;
  const double native = nativeRun->result.result.latency;
  // Every speed-up is quoted against it.
  if (!(native > 0))
    return model + ": native's latency is 0 on " + setup.chip.name +
           ": nothing to quote speed-ups against (a graph with no work, on a "
           "target with no layer overhead?)";
  results.nativeLatency[model] = native;
  if (placements)
    results.graphs[model] = graphJson(problem);
  llvm::errs() << "egrl-bench: " << model << ": " << problem.numNodes()
               << " nodes, native " << formatSeconds(native) << " on "
               << instance.evaluator->name()
               << (setup.simChip ? " (sim-target " + setup.simChip->name + ")"
                                 : "")
               << "\n";

  // --seed-from=model: greedy, ilp and dp planned once for every seeded run of
  // the model, outside their wall times (the MILP alone can take the whole
  // --time-limit).
  std::shared_ptr<const std::vector<SeedPlacement>> modelPlans;
  if (plansModelSeeds(seedFromKind) &&
      llvm::any_of(searches, [](const std::unique_ptr<Strategy> &search) {
        return search->takesSeeds();
      })) {
    SearchContext context{problem, analytical, *instance.evaluator, {}};
    context.options.threads = threads;
    context.options.timeLimitSeconds = timeLimit;
    context.options.seedFrom = seedFromKind;
    context.options.progress = progress;
    context.options.progressLabel = instance.name;
    auto start = std::chrono::steady_clock::now();
    llvm::Expected<std::vector<SeedPlacement>> plans = planModelSeeds(context);
    const std::string mode = seedFromName(seedFromKind).str();
    if (!plans)
      return model + " / seed-from " + mode + ": " +
             llvm::toString(plans.takeError());
    modelPlans =
        std::make_shared<const std::vector<SeedPlacement>>(std::move(*plans));
    llvm::errs() << "egrl-bench: " << model << ": planned greedy, ilp and dp"
                 << (seedFromKind == SeedFrom::Portfolio
                         ? " and portfolio's variants"
                         : "")
                 << " for --seed-from=" << mode << " in "
                 << llvm::format("%.2f",
                                 std::chrono::duration<double>(
                                     std::chrono::steady_clock::now() - start)
                                     .count())
                 << " s\n";
  }

  std::string &stoppedEarly = results.stoppedEarly;
  for (const std::unique_ptr<Strategy> &search : searches) {
    for (uint64_t budget : budgetList) {
      const bool searching = search->searchesAt(budget);
      unsigned numSeeds = searching ? seeds : 1;
      for (uint64_t seed = 0; seed < numSeeds; ++seed) {
        llvm::Expected<Run> measured =
            search->name() == "native"
                ? Run(*nativeRun)
                : runOnce(*search, budget, seed, modelPlans);
        if (!measured)
          return model + " / " + search->name().str() + ": " +
                 llvm::toString(measured.takeError());
        Run run = std::move(*measured);
        run.budget = budget;
        if (!run.result.stopped.empty())
          stoppedEarly =
              model + " / " + search->name().str() + ": " + run.result.stopped;
        else if (std::string failed =
                     evaluatorFailure(" / " + search->name().str());
                 !failed.empty())
          return failed;
        if (sim && sim->config().noiseStddev > 0)
          run.noiseFree = sim->simulate(run.result.placement);
        if (run.strategy == "ilp" && !results.ilpLatency.count(model))
          results.ilpLatency[model] = run.result.result.latency;
        const EvalResult &outcome = run.result.result;
        llvm::errs() << llvm::format(
            "  %-8s budget %-6llu seed %llu: %s (%s) "
            "%s in %llu evaluations, %.2f s%s%s%s%s\n",
            run.strategy.c_str(), (unsigned long long)budget,
            (unsigned long long)seed, formatSeconds(outcome.latency).c_str(),
            outcome.refused
                ? "refused by the chip: no time"
                : llvm::formatv("{0:f3}x vs native", native / outcome.latency)
                      .str()
                      .c_str(),
            outcome.valid ? "valid" : "INVALID",
            (unsigned long long)run.result.evaluations, run.wall,
            run.result.detail.empty() ? "" : "; ", run.result.detail.c_str(),
            run.result.seeded.empty() ? "" : "; seed-from ",
            run.result.seeded.c_str());
        results.runs.push_back(std::move(run));
        if (!searching || !stoppedEarly.empty())
          break;
      }
      // One that never searches gives the same answer for every budget.
      if (!search->searches() || !stoppedEarly.empty())
        break;
    }
    if (!stoppedEarly.empty())
      break;
  }
  return "";
}

/// Latency's relative gap to ilp's placement of the same model, or NaN
/// without an ilp run.
double gapToIlp(const Results &results, const std::string &model,
                double latency) {
  auto ilp = results.ilpLatency.find(model);
  return ilp == results.ilpLatency.end()
             ? std::numeric_limits<double>::quiet_NaN()
             : latency / ilp->second - 1;
}

/// The table on stdout: medians over seeds per (model, strategy, budget).
void printTable(const Results &results, const tools::EvaluationSetup &setup,
                SeedFrom seedFromKind) {
  if (setup.simChip || seedFromKind != SeedFrom::None)
    llvm::outs() << "\ntarget " << setup.chip.name
                 << (setup.simChip ? ", sim-target " + setup.simChip->name : "")
                 << ", evaluator " << setup.evaluatorName << ", seed-from "
                 << seedFrom << "\n";
  // Columns are at least these wide and widen for what they hold (a long
  // model name, a budget of 1e8), so rows stay aligned; the first two are
  // left-aligned.
  using Row = std::array<std::string, 9>;
  std::vector<Row> rows = {{"model", "strategy", "budget", "latency",
                            "vs native", "gap to ilp", "valid", "evals",
                            "wall s"}};
  const std::array<size_t, 9> minWidths = {14, 10, 6, 12, 9, 11, 6, 8, 9};
  const std::vector<Run> &runs = results.runs;
  std::vector<std::string> footnotes;
  for (size_t i = 0; i < runs.size();) {
    size_t j = i;
    std::vector<double> latency, evals, wall;
    unsigned valid = 0, refused = 0;
    std::string caveat, stopped;
    while (j < runs.size() && runs[j].model == runs[i].model &&
           runs[j].strategy == runs[i].strategy &&
           runs[j].budget == runs[i].budget) {
      // A refused placement's answer is no time (EvalResult::refused); a
      // run that measured nothing has none either.
      if (measuredAnything(runs[j])) {
        if (runs[j].result.result.refused)
          ++refused;
        else
          latency.push_back(runs[j].result.result.latency);
      }
      evals.push_back(double(runs[j].result.evaluations));
      wall.push_back(runs[j].wall);
      valid += runs[j].result.result.valid;
      if (caveat.empty())
        caveat = runs[j].result.caveat;
      if (stopped.empty())
        stopped = runs[j].result.stopped;
      ++j;
    }
    const Run &first = runs[i];
    const bool timed = !latency.empty();
    double med = medianOf(latency);
    std::string gap = "-";
    if (double ratio = gapToIlp(results, first.model, med);
        timed && !std::isnan(ratio)) {
      double percent = 100 * ratio;
      // Rounding noise of equal latencies is not a gap (no "-0.00%").
      if (std::abs(percent) < 0.005)
        percent = 0;
      gap = llvm::formatv("{0:+0.00;-0.00}%", percent).str();
    }
    std::string budgetText =
        first.seedless ? "-" : std::to_string(first.budget);
    // A strategy that fell short of its promise (ilp at its time limit) is
    // starred, with the reason below the table.
    std::string strategyText = first.strategy;
    if (!caveat.empty()) {
      strategyText += "*";
      std::string footnote = first.model + " " + first.strategy + ": " + caveat;
      // One per reason: a caveat of every budget's row is said once.
      if (!llvm::is_contained(footnotes, footnote))
        footnotes.push_back(std::move(footnote));
    }
    // So is a run cut short (Ctrl-C, a failed evaluator): its row is what
    // it measured before.
    if (!stopped.empty()) {
      strategyText += strategyText.back() == '*' ? "" : "*";
      footnotes.push_back(first.model + " " + first.strategy +
                          ": stopped early: " + stopped);
    }
    // Placements the chip refused: the row is the median of the others.
    if (refused > 0) {
      strategyText += strategyText.back() == '*' ? "" : "*";
      footnotes.push_back(first.model + " " + first.strategy + ": the chip " +
                          "refused the result of " + std::to_string(refused) +
                          " of " + std::to_string(j - i) +
                          " runs (its answer is no time, left out)");
    }
    rows.push_back(
        {first.model, strategyText, budgetText,
         timed         ? formatSeconds(med)
         : refused > 0 ? "refused"
                       : "-",
         timed ? llvm::formatv("{0:f3}x",
                               results.nativeLatency.at(first.model) / med)
                     .str()
               : "-",
         gap, llvm::formatv("{0,3}/{1,-2}", valid, j - i).str(),
         llvm::formatv("{0:f0}", medianOf(evals)).str(),
         llvm::formatv("{0:f3}", medianOf(wall)).str()});
    i = j;
  }
  std::array<size_t, 9> widths = minWidths;
  for (const Row &row : rows)
    for (size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  llvm::outs() << "\n";
  for (const Row &row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0)
        llvm::outs() << " ";
      if (c < 2)
        llvm::outs() << llvm::left_justify(row[c], widths[c]);
      else
        llvm::outs() << llvm::right_justify(row[c], widths[c]);
    }
    llvm::outs() << "\n";
  }
  for (const std::string &note : footnotes)
    llvm::outs() << "* " << note << "\n";
}

/// Each run's history and generations are written as rows (compact: long
/// runs have thousands), whose columns bench.json names with these lists;
/// the rows below follow them. A generation's latency of 0 is none
/// (nothing valid, or no learner sample): null, as in the pass's report.
const json kHistoryFields = {"evaluations", "best_latency_s", "wall_s"};
json historyRow(const HistoryPoint &p) {
  return {p.evaluations, p.bestLatency, p.wallSeconds};
}
const json kGenerationFields = {"generation",
                                "evaluations",
                                "population_best_latency_s",
                                "learner_best_latency_s",
                                "best_latency_s",
                                "champion"};
json generationRow(const GenerationPoint &g) {
  auto latency = [](double value) { return value > 0 ? json(value) : json(); };
  return {
      g.generation,           g.evaluations,        latency(g.populationBest),
      latency(g.learnerBest), latency(g.bestSoFar), g.champion};
}

/// bench.json (every run, with its history), bench.csv and, with --plot,
/// bench.png in --out.
void writeFiles(const Results &results, const tools::EvaluationSetup &setup) {
  json all = json::array();
  std::string csv = "model,strategy,budget,seed,latency_s,native_latency_s,"
                    "speedup_vs_native,gap_to_ilp,valid,evaluations,wall_s,"
                    "stopped\n";
  for (const Run &run : results.runs) {
    const double latency = run.result.result.latency;
    const double native = results.nativeLatency.at(run.model);
    // A run that measured nothing (its evaluator failed at once): no
    // latency, speed-up or validity, null and empty rather than inf and 0.
    const bool measured = measuredAnything(run);
    // A placement the chip refused was answered, but with no time.
    const bool timed = measured && !run.result.result.refused;
    const double gap = timed ? gapToIlp(results, run.model, latency)
                             : std::numeric_limits<double>::quiet_NaN();
    json history = json::array();
    for (const HistoryPoint &p : run.result.history)
      history.push_back(historyRow(p));
    // Per generation of a population search.
    json generations = json::array();
    for (const GenerationPoint &g : run.result.generations)
      generations.push_back(generationRow(g));
    all.push_back(
        {{"model", run.model},
         {"strategy", run.strategy},
         {"budget", run.budget},
         {"seed", run.seed},
         {"latency_s", measured ? json(latency) : json()},
         {"native_latency_s", native},
         {"speedup_vs_native", timed ? json(native / latency) : json()},
         {"gap_to_ilp", std::isnan(gap) ? json() : json(gap)},
         {"valid", measured ? json(run.result.result.valid) : json()},
         {"refused", run.result.result.refused},
         {"evaluations", run.result.evaluations},
         {"wall_s", run.wall},
         {"detail", run.result.detail},
         {"caveat", run.result.caveat},
         {"seeded", run.result.seeded},
         {"history", std::move(history)},
         {"generations", std::move(generations)}});
    // A run cut short by Ctrl-C or a dead evaluator says so, as the
    // pass's report does.
    if (!run.result.stopped.empty())
      all.back()["stopped"] = run.result.stopped;
    if (!run.result.measurements.empty())
      all.back()["measurements"] = run.result.measurements;
    if (run.noiseFree > 0)
      all.back()["noise_free_latency_s"] = run.noiseFree;
    if (placements)
      all.back()["placement"] =
          json::parse(run.result.placement.toJSON(setup.chip))["nodes"];
    csv += llvm::formatv(
               "{0},{1},{2},{3},{4},{5:e},{6},{7},{8},{9},"
               "{10:f4},{11}\n",
               csvField(run.model), run.strategy, run.budget, run.seed,
               measured ? llvm::formatv("{0:e}", latency).str() : "", native,
               timed ? llvm::formatv("{0:f4}", native / latency).str() : "",
               std::isnan(gap) ? std::string()
                               : llvm::formatv("{0:f6}", gap).str(),
               measured ? (run.result.result.valid ? "1" : "0") : "",
               run.result.evaluations, run.wall,
               run.result.stopped.empty() ? std::string()
                                          : csvField(run.result.stopped))
               .str();
  }
  json document = {
      {"format", "egrl-bench"},
      {"version", 1},
      {"target", setup.chip.name},
      {"sim_target", setup.simChip ? json(setup.simChip->name) : json()},
      {"seed_from", seedFrom.getValue()},
      {"evaluator", setup.evaluatorName},
      {"granularity", evaluation.granularity.getValue()},
      // What the runs' results are read against (medians of `repeats`,
      // ilp's limit); threads change no result.
      {"repeats", unsigned(repeats)},
      {"time_limit_s", double(timeLimit)},
      {"threads", unsigned(threads)},
      {"history_fields", kHistoryFields},
      {"generation_fields", kGenerationFields},
      {"runs", std::move(all)}};
  if (placements)
    document["graphs"] = results.graphs;
  // Which policy file the policy runs placed with, as the pass's report says.
  if (llvm::any_of(results.runs,
                   [](const Run &run) { return run.strategy == "policy"; }))
    document["policy"] = policyFile.getValue();
  llvm::SmallString<256> jsonPath(outDir), csvPath(outDir), pngPath(outDir);
  llvm::sys::path::append(jsonPath, "bench.json");
  llvm::sys::path::append(csvPath, "bench.csv");
  llvm::sys::path::append(pngPath, "bench.png");
  for (auto [path, text] :
       {std::pair<llvm::StringRef, std::string>{
            jsonPath,
            document.dump(1, ' ', false, json::error_handler_t::replace)},
        {csvPath, csv}}) {
    if (llvm::Error err = writeWholeFile(path, text))
      die("cannot write '" + path + "': " + llvm::toString(std::move(err)));
  }
  llvm::errs() << "egrl-bench: wrote " << jsonPath << " and " << csvPath
               << "\n";
  // An earlier run's plot would pass for this run's: it goes (a failed
  // plot leaves none either). Only a file: remove() would take an empty
  // directory of that name too.
  llvm::sys::fs::file_status pngStatus;
  bool earlierPlot =
      !llvm::sys::fs::status(pngPath, pngStatus, /*follow=*/false) &&
      pngStatus.type() != llvm::sys::fs::file_type::directory_file;
  if (earlierPlot)
    if (std::error_code ec = llvm::sys::fs::remove(pngPath); ec && !plot)
      llvm::WithColor::warning(llvm::errs(), "egrl-bench")
          << "cannot remove " << pngPath
          << ", an earlier run's plot: " << ec.message() << "\n";
  if (plot) {
    llvm::SmallString<256> script(
        bundledDataDir("python", nullptr, EGRL_SOURCE_DIR "/python"));
    llvm::sys::path::append(script, "plot_bench.py");
    llvm::StringRef args[] = {"/usr/bin/python3", script, jsonPath, pngPath};
    std::string error;
    int rc = llvm::sys::ExecuteAndWait(args[0], args, std::nullopt, {}, 0, 0,
                                       &error);
    if (rc != 0)
      die("plotting failed (" + script.str() +
          "): " + (error.empty() ? "exit code " + std::to_string(rc) : error));
    llvm::errs() << "egrl-bench: wrote " << pngPath << "\n";
  }
}
} // namespace

static int benchMain(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  tools::renameOption(threads, "threads", benchCategory);
  cl::HideUnrelatedOptions(benchCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "egrl-bench: compare placement strategies\n");
  tools::refuseRepeatedOptions("egrl-bench", benchCategory);
  checkOptions();
  llvm::Expected<tools::EvaluationSetup> setup =
      tools::resolveSetup(evaluation, "egrl-bench");
  if (!setup)
    die(llvm::toString(setup.takeError()));
  llvm::Expected<SeedFrom> seedFromKind = tools::parseSeedFromOption(seedFrom);
  if (!seedFromKind)
    die(llvm::toString(seedFromKind.takeError()));
  std::vector<uint64_t> budgetList = parseBudgets();
  std::vector<std::unique_ptr<Strategy>> searches =
      resolveStrategies(setup->chip);
  // As the pass's seed-from=: strategies that take no seeds ignore it.
  const bool seedsUsed =
      llvm::any_of(searches, [](const std::unique_ptr<Strategy> &search) {
        return search->takesSeeds();
      });
  if (*seedFromKind != SeedFrom::None && !seedsUsed)
    llvm::WithColor::warning(llvm::errs(), "egrl-bench")
        << "--seed-from=" << seedFrom
        << " has no effect: no strategy in --strategies takes seeds (random, "
           "ea, anneal, egrl and egrl-sac do; pg and the model-based "
           "strategies do not)\n";
  // As the pass's time-limit=: it bounds ilp, run as a row or for seeds.
  if (timeLimit != SearchOptions().timeLimitSeconds &&
      !(plansModelSeeds(*seedFromKind) && seedsUsed) &&
      llvm::none_of(searches, [](const std::unique_ptr<Strategy> &search) {
        return search->name() == "ilp";
      }))
    llvm::WithColor::warning(llvm::errs(), "egrl-bench")
        << "--time-limit has no effect: it bounds ilp, which neither "
           "--strategies nor --seed-from="
        << seedFrom << " runs\n";

  // Rows are keyed by model name: two models of one name would merge.
  std::map<std::string, std::string> modelNames;
  for (const std::string &modelArg : models) {
    llvm::Expected<std::string> name = tools::modelName(modelArg);
    if (!name)
      die(llvm::toString(name.takeError()));
    auto [known, added] = modelNames.try_emplace(*name, modelArg);
    if (!added)
      die(known->second == modelArg
              ? "model '" + modelArg + "' is named twice"
              : "models '" + known->second + "' and '" + modelArg +
                    "' are both named '" + *name +
                    "', and rows are keyed by name: rename one");
  }

  // Every model's graph is built and checked against the chips before any
  // is measured: a model that cannot load (dynamic shapes, too large for the
  // chip, a graph JSON at another granularity) fails the run before the
  // others' searches, not after them. (Ctrl-C while loading ends the process
  // at once: nothing is measured yet.)
  std::vector<std::unique_ptr<tools::ModelInstance>> instances;
  for (const std::string &modelArg : models) {
    auto instance = tools::loadModelGraph(modelArg, *setup);
    if (!instance)
      die(llvm::toString(instance.takeError()));
    if (llvm::Error err = tools::checkGraphGranularity(
            **instance, modelArg, evaluation,
            "a benchmark runs at one granularity, which bench.json records"))
      die(llvm::toString(std::move(err)));
    instances.push_back(std::move(*instance));
  }

  // Ctrl-C or SIGTERM end the current search with its best placement; the
  // table and files then hold the runs so far, and the exit code is 1.
  InterruptScope interruptible;
  Results results;
  std::string failed;
  for (std::unique_ptr<tools::ModelInstance> &instance : instances) {
    failed = benchModel(*instance, *setup, searches, budgetList, *seedFromKind,
                        results);
    instance.reset(); // Its graph, model and evaluator are done with.
    if (!failed.empty() || !results.stoppedEarly.empty())
      break;
  }
  // An error after some runs (a policy that does not fit, an evaluator that
  // does not start) keeps them, as a stop does.
  if (!failed.empty() && results.runs.empty())
    die(failed);
  printTable(results, *setup, *seedFromKind);
  if (!outDir.empty())
    writeFiles(results, *setup);
  if (!failed.empty()) {
    tools::printError("egrl-bench", failed);
    llvm::errs() << "egrl-bench: the table and files hold the runs so far\n";
    return 1;
  }
  if (results.stoppedEarly.empty())
    return 0;
  llvm::errs() << "egrl-bench: stopped early: " << results.stoppedEarly
               << "; the table and files hold the runs so far\n";
  return 1;
}

// Under mpirun, rank 0 runs the tool and the other ranks measure for it.
int main(int argc, char **argv) {
  return egrl::mpi::runTool(argc, argv, benchMain);
}
