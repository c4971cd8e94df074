//===- MemoryPlacement.cpp - The --egrl-memory-placement pass -------------===//

#include "KeptPlacement.h"
#include "ModuleFunctions.h"
#include "PassOutputs.h"
#include "RepeatedOptions.h"
#include "ResidentWeights.h"

#include "egrl/Analysis/GraphBuilder.h"
#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/ExternalEvaluator.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/Search/Report.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Support/Interrupt.h"
#include "egrl/Support/OptionHint.h"
#include "egrl/Support/Output.h"
#include "egrl/Support/Paths.h"
#include "egrl/Transforms/Passes.h"
#include "egrl/Transforms/PlacementAnnotations.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <deque>
#include <limits>

namespace egrl {
#define GEN_PASS_DEF_EGRLMEMORYPLACEMENT
#include "egrl/Transforms/Passes.h.inc"
} // namespace egrl

using namespace mlir;
using namespace egrl;

namespace {

/// The pass's budget option when none is given (Passes.td's default).
constexpr int64_t kBudgetNotGiven = -1;

/// When native is measured after a search that completed: a failure then
/// is not the search's, which measured all it meant to.
std::string afterTheSearch(const SearchResult &result) {
  return " when native, the speed-up's reference, was measured after the "
         "search (which completed its " +
         std::to_string(result.evaluations) +
         (result.evaluations == 1 ? " evaluation)" : " evaluations)");
}

struct MemoryPlacementPass
    : public NotesRepeatedOptions<
          egrl::impl::EGRLMemoryPlacementBase<MemoryPlacementPass>> {
  using NotesRepeatedOptions::NotesRepeatedOptions;
  ~MemoryPlacementPass() override { releasePipelineOutputs(this); }

  /// Options given twice are refused by resolveSettings(), as its other
  /// option errors are.
  const llvm::cl::Option &anyOption() const override { return target; }

  /// The pipeline's passes are all initialized before any runs: a file
  /// another run of the pass in the pipeline writes too (one on a parent or
  /// a nested module, or on this module again) is refused here, before
  /// either searches. Runs of this one on modules side by side are refused
  /// at the module (checkOutputFiles).
  LogicalResult initialize(MLIRContext *context) override {
    for (auto [kind, file] : {std::pair<const char *, const std::string *>{
                                  "report", &report.getValue()},
                              {"trace", &trace.getValue()}}) {
      std::string other =
          claimPipelineOutput(getThreadingSiblingOrThis(), kind, *file);
      if (other.empty())
        continue;
      emitError(UnknownLoc::get(context))
          << "egrl-memory-placement: " << kind << "=" << *file
          << ": another egrl-memory-placement in the pipeline writes that "
             "file too (its "
          << other
          << "=): a run on a module and one on a module nested in it, or "
             "two runs on one module, would write one file, the later "
             "replacing the earlier's; give each run its own file";
      return failure();
    }
    return success();
  }

  /// The options, the chips and the strategy, resolved and checked before
  /// any function is searched.
  struct Settings {
    /// What the strategy is given: 1 for a policy with no budget.
    uint64_t searchBudget = 1;
    bool keep = false;
    /// The module's record of an earlier placement, if any.
    RecordAttr placedRecord;
    std::string granularityName;
    Granularity granularity = Granularity::Fused;
    Target chip;
    /// The chip the evaluator measures on, when it is not the model's target.
    std::optional<Target> simChip;
    SeedFrom seedFrom = SeedFrom::None;
    std::unique_ptr<Strategy> search;
    /// The module has more than one function to place.
    bool severalFunctions = false;
  };

  /// What the loop over the module's functions does after one.
  enum class Next { Continue, Stop, Fail };

  /// An option's value (and the file, chip or tool it names) is nowhere in
  /// the IR: such errors have no location, as upstream's pass-option errors
  /// (a parsed file's module is at `file:0:0`, a location of nothing).
  LogicalResult fail(const llvm::Twine &message) {
    emitError(UnknownLoc::get(&getContext()))
        << "egrl-memory-placement: " << message;
    signalPassFailure();
    return failure();
  }

  /// What the module holds is at the module.
  LogicalResult failOnModule(const llvm::Twine &message) {
    emitError(getOperation().getLoc()) << "egrl-memory-placement: " << message;
    signalPassFailure();
    return failure();
  }

  /// Options not given keep empty (or -1) defaults, not their values, so
  /// that a pipeline printed and parsed again, or built from the options
  /// struct, means what was written: strategy=policy measures once unless
  /// a budget is given, and keep reads the record unless a target is.
  bool budgetGiven() const { return budget != kBudgetNotGiven; }
  /// The budget given, or the searches' default.
  int64_t budgetOrDefault() const {
    return budgetGiven() ? int64_t(budget) : int64_t(SearchOptions().budget);
  }

  /// How a placement is measured, as the options say.
  Measuring measuring() const {
    return {evaluator, unsigned(retries), unsigned(repeats), strategy, seed};
  }

  /// A warning about an option, which has no location either.
  InFlightDiagnostic warn() {
    return emitWarning(UnknownLoc::get(&getContext()));
  }

  void runOnOperation() override {
    FailureOr<Settings> settings = resolveSettings();
    if (failed(settings))
      return;
    settings->severalFunctions = functionsToPlace(*settings) > 1;
    // Ctrl-C or SIGTERM stop the search, not the compiler: the best
    // placement found so far is annotated and reported, then the pass fails.
    InterruptScope interruptible;
    std::string stoppedEarly;
    // A deque: ResidentWeights keeps pointers to the placements.
    std::deque<PlacedFunction> placed;
    ResidentWeights resident;
    ModuleOp module = getOperation();
    warnAboutNestedModules();
    bool sawFunction = false, sawDeadFunction = false;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!isPlacedFunction(func)) {
        if (!func.isExternal()) {
          sawDeadFunction = true;
          emitWarning(func.getLoc())
              << "egrl: @" << func.getSymName()
              << " is private and nothing calls it, so it cannot run: not "
                 "placed (--symbol-dce removes it; make it public to place "
                 "it)";
        }
        continue;
      }
      sawFunction = true;
      Next next =
          placeFunction(func, *settings, placed, resident, stoppedEarly);
      if (next == Next::Fail)
        return signalPassFailure();
      if (next == Next::Stop)
        break;
    }
    if (!sawFunction && module->getParentOp()) {
      // A nested module placed on its own (runtime declarations beside the
      // model's module) holds nothing to place: not a failure of the
      // pipeline that places every module.
      emitRemark(module.getLoc())
          << "egrl: module " << moduleDisplayName(module)
          << " has no func.func with a body: nothing to place";
      return;
    }
    if (!sawFunction && nestedModulesHoldFunctions(module)) {
      // The model lives in nested modules, which the pipeline places by
      // running the pass on them: a pipeline that places every module
      // (builtin.module(egrl-memory-placement,
      // builtin.module(egrl-memory-placement))) must not fail here.
      emitRemark(module.getLoc())
          << "egrl: the module has no func.func with a body of its own; "
             "the functions of the modules nested in it are placed where the "
             "pass runs on them";
      // Its report says it placed nothing, rather than leave an older one.
      (void)writeReportIfAsked(placed, *settings);
      return;
    }
    if (!sawFunction) {
      (void)failOnModule(
          sawDeadFunction
              ? "the module has no func.func with a body to place but "
                "private ones nothing calls"
              : "the module has no func.func with a body to place");
      return;
    }
    const bool stopped = !stoppedEarly.empty() || stopSignal() != 0;
    if (failed(fitFunctionsTogether(module, placed, resident, settings->chip,
                                    settings->simChip, stopped, measuring())))
      return signalPassFailure();
    quoteAgainstNativeModule(module, placed, settings->chip, settings->simChip,
                             stopped, measuring());
    annotateAndSay(placed, *settings, stoppedEarly);
    // Nothing placed (already bufferized, say): the module keeps its record,
    // which the memory spaces in it refer to. The report says so, rather
    // than leave an older run's file in place.
    if (placed.empty()) {
      if (!stoppedEarly.empty())
        return signalPassFailure();
      if (settings->keep) {
        (void)failOnModule(
            "strategy=keep: no function of the module has a graph to measure "
            "(bufferized already?): keep reads placements on tensors, before "
            "--egrl-apply-memory-spaces");
        return;
      }
      (void)writeReportIfAsked(placed, *settings);
      return;
    }
    // A kept placement keeps its record: the strategy, seed and chips it
    // was made with, so that it can still be reproduced.
    if (!settings->keep)
      recordSettings(*settings);
    // Checked before the report is written, so a failing pass leaves no
    // file behind.
    if (!trace.empty() && placed.size() != 1) {
      (void)failOnModule("trace= needs exactly one placed function, the "
                         "module has " +
                         llvm::Twine(placed.size()));
      return;
    }
    if (failed(writeReportIfAsked(placed, *settings)))
      return;
    if (!trace.empty())
      if (llvm::Error err = writeTrace(placed.front())) {
        (void)fail(llvm::toString(std::move(err)));
        return;
      }
    if (!stoppedEarly.empty())
      return signalPassFailure();
  }

  /// Checks the numeric options and the output files, loads the chips and
  /// the record, and makes the strategy: everything that can be refused is
  /// refused here, before a long search.
  FailureOr<Settings> resolveSettings() {
    // "target=a target=b" is ambiguous, as a key twice in a JSON file is.
    if (!givenTwice.empty())
      return fail(givenTwiceMessage(givenTwice));
    if (failed(checkNumericOptions()) || failed(checkOutputFiles()))
      return failure();
    Settings settings;
    // Checked to be at least 1 (checkNumericOptions).
    const uint64_t budgetValue = uint64_t(budgetOrDefault());
    if (strategy == "policy" && policyFile.empty())
      return fail("strategy=policy needs a policy file: set the option "
                  "policy=FILE, or a shipped policy's name (" +
                  llvm::join(shippedPolicyNames(), ", ") + ")");
    // As seed-from= on a strategy without seeds: an option that does
    // nothing says so, rather than look applied.
    if (strategy != "policy" && !policyFile.empty())
      warn() << "egrl: policy=" << policyFile
             << " has no effect with strategy=" << strategy
             << " (only strategy=policy places with a policy)";
    // A trained policy is one forward pass, measured once, unless a budget
    // to refine it with is asked for.
    settings.searchBudget =
        strategy == "policy" && !budgetGiven() ? 1 : budgetValue;
    const bool placesWithoutSearch =
        strategy == "policy" && settings.searchBudget <= 1;
    if (placesWithoutSearch && seed != 0)
      warn() << "egrl: seed=" << uint64_t(seed)
             << " has no effect with strategy=policy and "
             << (budgetGiven() ? "budget=1" : "no budget")
             << " (one forward pass; budget=N above 1 refines it with egrl, "
                "which the seed drives)";
    if (failed(resolveChips(settings)))
      return failure();
    std::optional<SeedFrom> seedFromKind = parseSeedFrom(seedFrom);
    if (!seedFromKind)
      return fail("unknown seed-from '" + seedFrom + "' (expected " +
                  seedFromChoices() + ")");
    settings.seedFrom = *seedFromKind;
    warnAboutUnusedLimits(settings.seedFrom);
    if (!trace.empty() && failed(checkTraceable(settings)))
      return failure();
    auto strategyOr = createStrategy(strategy);
    if (!strategyOr)
      return fail(llvm::toString(strategyOr.takeError()));
    settings.search = std::move(*strategyOr);
    // native, greedy, dp and ilp measure their one placement: a budget or a
    // seed asked for does nothing, and says so.
    if (!settings.search->searches() && (budgetGiven() || seed != 0)) {
      std::string given;
      if (budgetGiven())
        given = "budget=" + std::to_string(budgetValue);
      if (seed != 0)
        given += (given.empty() ? "seed=" : " and seed=") +
                 std::to_string(uint64_t(seed));
      warn() << "egrl: " << given
             << (budgetGiven() && seed != 0 ? " have" : " has")
             << " no effect with strategy=" << strategy
             << (strategy == "keep"
                     ? " (it measures the placement the module carries, not a "
                       "search's; "
                     : " (it measures the placements it plans, not a "
                       "search's; ")
             << "the searches are random, anneal, ea, pg, egrl and egrl-sac, "
                "and policy refines with a budget)";
    }
    // Native's reference is the median of `repeats` measurements: a search
    // whose budget cannot re-measure its best that often says so.
    // (A policy with no search, budget 1, measures its placement K times.)
    settings.searchBudget =
        settings.search->budgetFor(settings.searchBudget, uint64_t(repeats));
    if (settings.search->searchesAt(settings.searchBudget) &&
        settings.searchBudget < uint64_t(repeats))
      warn() << "egrl: budget=" << settings.searchBudget
             << " is below repeats=" << int64_t(repeats)
             << ": the best placement is measured fewer times than native's "
                "reference (the median of "
             << int64_t(repeats) << ")";
    return settings;
  }

  /// A number of seconds as a user would write it: 1e-300 is not 0.00.
  static std::string secondsAsGiven(double seconds) {
    char text[32];
    std::snprintf(text, sizeof(text), "%g", seconds);
    return text;
  }

  /// time-limit= bounds ilp, which only strategy=ilp and the model's seeds
  /// run; retries= restarts external commands. Set elsewhere they do nothing
  /// and say so, as budget= does. Compared with the defaults rather than
  /// asked whether they were given: a printed pipeline spells every option.
  void warnAboutUnusedLimits(SeedFrom seedFromKind) {
    bool solves = strategy == "ilp" || plansModelSeeds(seedFromKind);
    if (double(timeLimit) != SearchOptions().timeLimitSeconds && !solves)
      warn() << "egrl: time-limit=" << secondsAsGiven(timeLimit)
             << " has no effect with strategy=" << strategy
             << " and seed-from=" << seedFrom
             << " (it bounds ilp: strategy=ilp, or the seeds of "
                "seed-from=model or portfolio)";
    if (retries != 0 && !ExternalEvaluator::names(evaluator))
      warn() << "egrl: retries=" << int64_t(retries)
             << " has no effect with evaluator=" << evaluator
             << " (it restarts the command of an external: evaluator)";
  }

  /// Signed 64-bit options, so that a negative number or one past 32 bits
  /// gets this message rather than the option parser's or a wrap.
  LogicalResult checkNumericOptions() {
    struct Range {
      const char *option;
      int64_t value, least, most;
      const char *unit;
    };
    for (const Range &check :
         {Range{"budget", budgetOrDefault(), 1,
                std::numeric_limits<int64_t>::max(), " evaluation"},
          Range{"threads", threads, 1, SearchOptions::kMaxThreads, ""},
          Range{"repeats", repeats, 1, SearchOptions::kMaxRepeats,
                " measurement"},
          Range{"retries", retries, 0, EvaluatorOptions::kMaxRetries, ""}}) {
      if (check.value < check.least)
        return fail(llvm::Twine(check.option) + "=" + llvm::Twine(check.value) +
                    ": must be at least " + llvm::Twine(check.least) +
                    check.unit);
      if (check.value > check.most)
        return fail(llvm::Twine(check.option) + "=" + llvm::Twine(check.value) +
                    ": must be at most " + llvm::Twine(check.most));
    }
    if (!(timeLimit > 0) || !std::isfinite(timeLimit))
      return fail("time-limit=" + secondsAsGiven(timeLimit) +
                  ": must be a positive number of seconds");
    return success();
  }

  /// The files are written after the search: what would make them fail
  /// is said before it, so a long search is not thrown away.
  LogicalResult checkOutputFiles() {
    if (!report.empty() && !trace.empty() && isSameFile(report, trace))
      return fail("report= and trace= name the same file '" + report + "'");
    if ((!report.empty() || !trace.empty()) && !aloneAtItsDepth(getOperation()))
      return failOnModule(
          "report= and trace= with the pass on nested modules: each nested "
          "module's run would write the same file; give them where one run "
          "writes them (the top-level module's own functions, or a nested "
          "module with no other module beside it or its parents)");
    for (auto [kind, file] : {std::pair<const char *, const std::string *>{
                                  "report", &report.getValue()},
                              {"trace", &trace.getValue()}}) {
      // "report=r.json,strategy=dp" would write 'r.json,strategy=dp' and
      // run the default strategy.
      if (joinsOptionsByCommas(*file))
        return fail(llvm::Twine(kind) + "=" + *file +
                    ": a file name with '=' after a ',' is refused" +
                    commaJoinedOptionsHint(*file));
      llvm::StringRef dir = llvm::sys::path::parent_path(*file);
      if (!file->empty() && *file != "-" && !dir.empty() &&
          !llvm::sys::fs::is_directory(dir))
        return fail(llvm::Twine("cannot write ") + kind + " '" + *file +
                    "': no directory '" + dir + "'");
      if (!file->empty() && *file != "-" && llvm::sys::fs::is_directory(*file))
        return fail(llvm::Twine("cannot write ") + kind + " '" + *file +
                    "': it is a directory");
      // stdout already holds a document (the graph, or an earlier
      // module's report): refused now, not after the search.
      if (*file == "-")
        if (std::string holder = stdoutConflict(kind, /*once=*/true);
            !holder.empty())
          return fail(llvm::Twine("cannot write ") + kind +
                      " '-': " + stdoutTaken(kind, holder));
      if (std::string clash = passOutputClash(*file, getOperation());
          !clash.empty())
        return fail(llvm::Twine("cannot write ") + kind + " '" + *file +
                    "': " + clash);
    }
    return success();
  }

  /// The granularity, target and sim-target: the options', or with
  /// strategy=keep the record's where the options say nothing, which the
  /// options and chips given must not contradict.
  LogicalResult resolveChips(Settings &settings) {
    ModuleOp module = getOperation();
    settings.keep = strategy == "keep";
    settings.placedRecord =
        module->getAttrOfType<RecordAttr>(EGRLDialect::getRecordAttrName());
    if (settings.keep && !settings.placedRecord)
      return failOnModule(keepWithoutRecord(module));
    std::string targetName = target, simTargetName = simTarget;
    settings.granularityName = granularity;
    // The record is in the module: what it says that the options or chips
    // contradict is said at the module.
    if (settings.keep)
      if (std::string why =
              keepSettings(settings.placedRecord,
                           {granularity.getValue(), target.getValue(),
                            simTarget.getValue(), evaluator.getValue()},
                           settings.granularityName, targetName, simTargetName);
          !why.empty())
        return failOnModule(why);
    if (settings.granularityName.empty())
      settings.granularityName = "fused";
    if (targetName.empty())
      targetName = kDefaultTargetName;
    auto granularityKind = parseGranularity(settings.granularityName);
    if (!granularityKind)
      return fail("unknown granularity '" + settings.granularityName +
                  "' (expected 'fused' or 'op')" +
                  commaJoinedOptionsHint(settings.granularityName));
    settings.granularity = *granularityKind;
    llvm::Expected<Target> loaded = loadTarget(targetName);
    if (!loaded)
      return fail(llvm::toString(loaded.takeError()));
    settings.chip = std::move(*loaded);
    if (settings.keep) {
      if (std::string why =
              keptLevelsDiffer(settings.placedRecord, settings.chip);
          !why.empty())
        return failOnModule(why);
      if (target.empty())
        if (std::string why =
                keptChipDiffers("target", settings.chip,
                                settings.placedRecord.getTargetDigest());
            !why.empty())
          return failOnModule(why);
    }
    // The simulator section is checked whichever evaluator runs, so a broken
    // target fails the same way everywhere.
    if (auto sim = SimConfig::fromTarget(settings.chip); !sim)
      return fail(llvm::toString(sim.takeError()));
    if (simTargetName.empty())
      return success();
    llvm::Expected<Target> sim =
        loadSimTarget(simTargetName, settings.chip, evaluator);
    if (!sim)
      return fail(llvm::toString(sim.takeError()));
    settings.simChip = std::move(*sim);
    if (settings.keep && simTarget.empty())
      if (std::string why =
              keptChipDiffers("sim-target", *settings.simChip,
                              settings.placedRecord.getSimTargetDigest());
          !why.empty())
        return failOnModule(why);
    return success();
  }

  /// The trace is simulated whichever evaluator runs, of one function: say
  /// before the search, not after it, that the simulator cannot take the
  /// chip or that the module has several (the check after the search
  /// counts those actually placed).
  LogicalResult checkTraceable(const Settings &settings) {
    if (llvm::Error err = NnpiSim::checkLevels(
            settings.simChip ? *settings.simChip : settings.chip))
      return fail(llvm::toString(std::move(err)));
    int64_t placed = functionsToPlace(settings);
    if (placed > 1)
      return failOnModule("trace= needs exactly one placed function, the "
                          "module has " +
                          llvm::Twine(placed) + " that compute something");
    return success();
  }

  /// The module's functions the pass places: a helper that computes nothing
  /// (a version number) is not placed.
  int64_t functionsToPlace(const Settings &settings) {
    return llvm::count_if(getOperation().getOps<func::FuncOp>(), [&](auto f) {
      if (!isPlacedFunction(f))
        return false;
      const WorkloadGraph *graph =
          workloadGraphOf(f, settings.granularity).graph();
      return !graph || graph->size() > 0;
    });
  }

  /// Whether `module` is the only module run at its depth of the pipeline:
  /// no module beside it, nor beside any module holding it. (Only the
  /// blocks of its parents are read: the pass manager may be running on
  /// the modules beside it.)
  static bool aloneAtItsDepth(ModuleOp module) {
    for (Operation *op = module; op->getParentOp(); op = op->getParentOp())
      if (llvm::count_if(*op->getBlock(),
                         [](Operation &o) { return isa<ModuleOp>(o); }) > 1)
        return false;
    return true;
  }

  /// Whether a module nested in `module`, at any depth, holds a function
  /// with a body, placed or not: then the model lives there, and the pass
  /// runs on it (before or after this run) in a pipeline that places it.
  static bool nestedModulesHoldFunctions(ModuleOp module) {
    return module
        .walk([&](ModuleOp nested) {
          return nested != module && llvm::any_of(nested.getOps<func::FuncOp>(),
                                                  [](func::FuncOp f) {
                                                    return !f.isExternal();
                                                  })
                     ? WalkResult::interrupt()
                     : WalkResult::advance();
        })
        .wasInterrupted();
  }

  /// A nested module with functions the pass would place, not placed yet
  /// (one with a record was placed earlier in the pipeline).
  static bool holdsFunctionsToPlace(ModuleOp nested) {
    return !nested->hasAttr(EGRLDialect::getRecordAttrName()) &&
           llvm::any_of(nested.getOps<func::FuncOp>(), isPlacedFunction);
  }

  /// The pass places the functions of the module it runs on; say so for
  /// nested modules' and other containers' functions rather than skip them
  /// silently.
  void warnAboutNestedModules() {
    // At any depth: a module inside a nested module is not placed either.
    getOperation()->walk([&](ModuleOp nested) {
      if (nested == getOperation() || !holdsFunctionsToPlace(nested))
        return;
      // From the top-level module, not the one this run is on: a run on a
      // nested module would suggest its own pipeline.
      std::string pipeline = "egrl-memory-placement";
      for (Operation *op = nested; op->getParentOp(); op = op->getParentOp())
        if (isa<ModuleOp>(op))
          pipeline = "builtin.module(" + pipeline + ")";
      emitWarning(nested.getLoc())
          << "egrl: the functions of nested module "
          << moduleDisplayName(nested)
          << " are not placed by this pass, which places the module it runs "
             "on: unless the pipeline runs it on the nested module too "
             "(builtin.module("
          << pipeline << ")), they stay unplaced";
    });
    // Other containers (a gpu.module) hold kernels the pass does not see,
    // and other functions (ml_program.func, IREE's util.func) compute what
    // it does not place.
    warnAboutComputeOutsideFuncs(getOperation());
  }

  /// Searches (or reads, with keep) one function's placement, in the room
  /// the functions placed before it leave, and adds it to `placed`.
  Next placeFunction(func::FuncOp func, const Settings &settings,
                     std::deque<PlacedFunction> &placed,
                     ResidentWeights &resident, std::string &stoppedEarly) {
    const WorkloadGraphAnalysis &analysis =
        workloadGraphOf(func, settings.granularity);
    const WorkloadGraph *graph = analysis.graph();
    if (!graph)
      return Next::Fail;
    const GraphOpMap &opMap = analysis.opMap();
    if (graph->size() == 0) {
      emitRemark(func.getLoc())
          << "egrl: @" << func.getSymName() << " computes nothing to place";
      return Next::Continue;
    }
    const Target &chip = settings.chip;
    PlacedFunction entry;
    entry.func = func;
    entry.opMap = &opMap;
    entry.graph = std::make_unique<WorkloadGraph>(*graph);
    // The weights of the functions placed before stay resident while this
    // one runs: it is placed in the room they leave. A kept placement is
    // measured as it is, and checked with the others' below.
    std::vector<int64_t> held(chip.numLevels(), 0);
    if (!settings.keep)
      held = resident.heldByOthers(opMap.weights, chip.numLevels());
    entry.setChips(chip, settings.simChip, held);
    // When the backing store is short only beside earlier functions'
    // weights, say so: the target alone would hold the graph.
    std::string besides;
    if (int64_t bytes = held[chip.slowestLevel()])
      besides = ", beside " + formatBytes(bytes) +
                " of weights of the functions placed before it, which stay "
                "resident while it runs";
    if (llvm::Error err = entry.checkFitsRoom()) {
      emitError(func.getLoc())
          << "egrl-memory-placement: " << llvm::toString(std::move(err))
          << besides;
      return Next::Fail;
    }
    AnalyticalModel model(*entry.problem);
    auto evaluatorOr = measuring().evaluatorFor(entry);
    if (!evaluatorOr && placed.empty()) {
      // An unknown name is the option's error; a command that does not
      // start or refuses the graph is said at the function it was to
      // measure.
      std::string why = llvm::toString(evaluatorOr.takeError());
      if (llvm::Error badName = checkEvaluatorName(evaluator)) {
        llvm::consumeError(std::move(badName));
        (void)fail(why);
      } else {
        emitError(func.getLoc()) << "egrl-memory-placement: " << why;
      }
      return Next::Fail;
    }
    if (!evaluatorOr) {
      // A later function's command that does not start, or refuses its
      // graph: said at the function, and the functions placed before it
      // are still annotated and reported, as when a search stops early.
      stoppedEarly = llvm::toString(evaluatorOr.takeError());
      emitError(func.getLoc())
          << "egrl-memory-placement: @" << func.getSymName() << ": "
          << stoppedEarly << "; nothing is annotated for it";
      return Next::Stop;
    }
    const Evaluator &measure = **evaluatorOr;

    SearchContext context{*entry.problem, model, measure, {}};
    context.options.budget = settings.searchBudget;
    context.options.policyFile = policyFile;
    context.options.seed = seed;
    context.options.timeLimitSeconds = timeLimit;
    context.options.threads = unsigned(threads);
    context.options.seedFrom = settings.seedFrom;
    context.options.progress = progress;
    context.options.progressLabel = strategy;
    context.options.repeats = unsigned(repeats);
    if (settings.keep) {
      FailureOr<Placement> given =
          readPlacement(func, opMap, *entry.problem, chip);
      if (failed(given))
        return Next::Fail;
      context.options.givenPlacement = std::move(*given);
    }
    auto start = std::chrono::steady_clock::now();
    llvm::Expected<SearchResult> result = settings.search->run(context);
    if (!result && settings.keep) {
      // What the IR holds does not fit: said at the function.
      emitError(func.getLoc())
          << "egrl-memory-placement: @" << func.getSymName() << ": "
          << llvm::toString(result.takeError());
      return Next::Fail;
    }
    if (!result) {
      (void)fail(llvm::toString(result.takeError()));
      return Next::Fail;
    }
    entry.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    entry.result = std::move(*result);
    // Native as the search measured it, if it did: on a chip whose
    // measurements are scarce, not one more. In a module of several
    // functions, native is measured module-wide once they are all placed
    // (quoteAgainstNativeModule).
    EvalResult native =
        entry.result.native ? *entry.result.native
        : settings.severalFunctions
            ? EvalResult{0, false, 0}
            : measuring().measureNative(entry, measure, nullptr,
                                        afterTheSearch(entry.result));
    if (entry.result.evaluations == 0 && !entry.result.stopped.empty()) {
      // No placement was measured: annotating one would present an
      // unmeasured guess as the best measured placement.
      emitError(func.getLoc())
          << "egrl-memory-placement: search stopped before it measured "
             "any placement: "
          << entry.result.stopped << "; nothing is annotated";
      stoppedEarly = entry.result.stopped;
      return Next::Stop;
    }
    entry.summary = summarize(*entry.problem, measure, entry.result, native,
                              strategy, seed, entry.wallSeconds);
    if (!entry.result.stopped.empty())
      stoppedEarly = entry.result.stopped;
    placed.push_back(std::move(entry));
    PlacedFunction &added = placed.back();
    resident.add(func.getSymName(), *added.wholeProblem, opMap.weights,
                 added.result.placement);
    // After a stop, later functions are not searched.
    return stoppedEarly.empty() ? Next::Continue : Next::Stop;
  }

  /// Annotates each placement and says at its function what it measured,
  /// and what the user should know about it.
  void annotateAndSay(std::deque<PlacedFunction> &placed,
                      const Settings &settings, std::string &stoppedEarly) {
    for (PlacedFunction &entry : placed) {
      func::FuncOp func = entry.func;
      annotatePlacement(func, *entry.opMap, entry.result.placement,
                        settings.chip);
      // Without the op attached: the summary is the message, not the IR.
      emitRemark(func.getLoc()) << "egrl: " << summaryText(entry.summary);
      if (!entry.result.caveat.empty())
        emitWarning(func.getLoc())
            << "egrl: " << strategy << ": " << entry.result.caveat;
      // Ranked after every placement the chip ran: it refused them all.
      if (entry.summary.refused)
        emitWarning(func.getLoc())
            << "egrl: " << strategy
            << ": the chip refused the placement annotated here (and every "
               "other one the search measured); its answer to a refusal is "
               "no time, so no speed-up is quoted";
      if (settings.seedFrom != SeedFrom::None && entry.result.seeded.empty())
        emitWarning(func.getLoc())
            << "egrl: " << strategy
            << (strategy == "policy" ? " with no search (budget=1)" : "")
            << " takes no seeds: seed-from=" << seedFrom << " has no effect";
      if (!entry.result.stopped.empty()) {
        // Left unmeasured after the functions were fitted together, measured
        // but with no native to quote against, or a search stopped early.
        const bool searchStopped =
            !entry.remeasureFailed && !entry.nativeFailed;
        InFlightDiagnostic error = emitError(func.getLoc());
        error << "egrl-memory-placement: "
              << (searchStopped ? "search stopped early: " : "")
              << entry.result.stopped
              << (searchStopped ? "; the best placement measured is annotated"
                                : "; the placement is annotated")
              << (report.empty() ? "" : " and reported");
        if (entry.remeasureFailed)
          error << " unmeasured";
        else
          error << (entry.nativeFailed ? " with no speed-up" : "")
                << " (the pass fails, so egrl-opt or mlir-opt writes no "
                   "output: --mlir-print-ir-after-failure prints the "
                   "annotated module)";
      }
      if (!entry.result.stopped.empty())
        stoppedEarly = entry.result.stopped;
    }
    sayModuleTotal(placed);
  }

  /// A module of several functions: their latencies added up beside
  /// native's, each function run once, when every one was measured.
  void sayModuleTotal(const std::deque<PlacedFunction> &placed) {
    if (placed.size() < 2)
      return;
    double total = 0, nativeTotal = 0;
    for (const PlacedFunction &entry : placed) {
      const PlacementSummary &s = entry.summary;
      if (!entry.nativeOfModule || !(s.latency > 0) ||
          !std::isfinite(s.latency) || s.refused || !(s.nativeLatency > 0) ||
          !s.nativeValid || !entry.result.stopped.empty())
        return;
      total += s.latency;
      nativeTotal += s.nativeLatency;
    }
    emitRemark(getOperation().getLoc())
        << "egrl: the module's " << placed.size() << " functions, each run "
        << "once: " << formatSeconds(total) << ", "
        << formatSpeedup(nativeTotal / total) << " vs native ("
        << formatSeconds(nativeTotal) << ")";
  }

  /// The module's record: the strategy, seed and chips the placement was
  /// made with, so that it can be reproduced (and kept).
  void recordSettings(const Settings &settings) {
    MLIRContext *ctx = &getContext();
    const Target &chip = settings.chip;
    const std::optional<Target> &simChip = settings.simChip;
    SmallVector<Attribute> levelNames;
    SmallVector<int64_t> addressSpaces;
    for (const MemoryLevel &level : chip.levels) {
      levelNames.push_back(StringAttr::get(ctx, level.name));
      addressSpaces.push_back(level.addressSpace);
    }
    getOperation()->setAttr(
        EGRLDialect::getRecordAttrName(),
        RecordAttr::get(
            ctx, StringAttr::get(ctx, chip.name),
            ArrayAttr::get(ctx, levelNames), StringAttr::get(ctx, strategy),
            StringAttr::get(ctx, evaluator),
            StringAttr::get(ctx, settings.granularityName), uint64_t(seed),
            simChip ? StringAttr::get(ctx, simChip->name) : StringAttr(),
            settings.seedFrom != SeedFrom::None ? StringAttr::get(ctx, seedFrom)
                                                : StringAttr(),
            DenseI64ArrayAttr::get(ctx, addressSpaces),
            StringAttr::get(ctx, chip.digest()),
            simChip ? StringAttr::get(ctx, simChip->digest()) : StringAttr(),
            // The budget a search was given; none for one measurement.
            settings.search->searchesAt(settings.searchBudget) &&
                    settings.searchBudget > 1
                ? settings.searchBudget
                : uint64_t(0)));
  }
  llvm::Error writeTrace(const PlacedFunction &entry) {
    auto sim = NnpiSim::create(entry.measured());
    if (!sim)
      return sim.takeError();
    if (trace == "-")
      if (llvm::Error err = claimStdoutFor("trace"))
        return err;
    // A temporary file renamed into place once written whole: a reader (or
    // a concurrent run writing the same path) never sees half a file.
    if (llvm::Error err = writeFileWith(trace, [&](llvm::raw_ostream &os) {
          (*sim)->writeChromeTrace(entry.result.placement, os);
          return llvm::Error::success();
        }))
      return llvm::createStringError("cannot write trace '" + trace +
                                     "': " + llvm::toString(std::move(err)));
    // The trace is the simulator's run; the remark quoted another
    // evaluator's latency, which can differ by tens of percent (the
    // analytical model adds up layers the simulator overlaps).
    std::string simulated =
        formatSeconds((*sim)->evaluate(entry.result.placement).latency);
    std::string quoted = formatSeconds(entry.result.result.latency);
    if (evaluator != "nnpi-sim" && std::isfinite(entry.result.result.latency) &&
        simulated != quoted)
      emitRemark(func::FuncOp(entry.func).getLoc())
          << "egrl: trace=" << trace << " is nnpi-sim's run of this placement, "
          << simulated << "; the latency above is " << evaluator << "'s, "
          << quoted;
    return llvm::Error::success();
  }

  const WorkloadGraphAnalysis &workloadGraphOf(func::FuncOp func,
                                               Granularity granularity) {
    if (granularity == Granularity::Fused)
      return getChildAnalysis<FusedWorkloadGraph>(func);
    return getChildAnalysis<OpWorkloadGraph>(func);
  }

  /// "stdout already holds the graph; give the report a file".
  static std::string stdoutTaken(llvm::StringRef document,
                                 llvm::StringRef holder) {
    return ("stdout already holds " + holder + "; give the " + document +
            " a file")
        .str();
  }

  /// Stdout for the report or the trace, one document per process.
  static llvm::Error claimStdoutFor(llvm::StringRef document) {
    std::string holder = claimStdout(document, /*once=*/true);
    if (holder.empty())
      return llvm::Error::success();
    return llvm::createStringError(stdoutTaken(document, holder));
  }

  /// Writes the report when report= asks for one; a file that cannot be
  /// written fails the pass.
  LogicalResult writeReportIfAsked(const std::deque<PlacedFunction> &placed,
                                   const Settings &settings) {
    if (report.empty())
      return success();
    if (llvm::Error err = writeReport(placed, settings))
      return fail("cannot write report '" + report +
                  "': " + llvm::toString(std::move(err)));
    return success();
  }

  llvm::Error writeReport(const std::deque<PlacedFunction> &placed,
                          const Settings &settings) {
    std::vector<PlacementSummary> summaries;
    std::vector<const Problem *> problems;
    std::vector<const SearchResult *> results;
    // The options as used, the same for every function.
    const uint64_t searched = settings.search->searchesAt(settings.searchBudget)
                                  ? settings.searchBudget
                                  : 0;
    for (const PlacedFunction &entry : placed) {
      summaries.push_back(entry.summary);
      summaries.back().budget = searched;
      summaries.back().repeats = unsigned(repeats);
      problems.push_back(&entry.measured());
      results.push_back(&entry.result);
    }
    if (report == "-")
      if (llvm::Error err = claimStdoutFor("report"))
        return err;
    return writeWholeFile(report,
                          reportJSON(summaries, problems, results) + "\n");
  }
};
} // namespace
