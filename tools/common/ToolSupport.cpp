//===- ToolSupport.cpp - What egrl-bench and egrl-train share -------------===//

#include "ToolSupport.h"

#include "egrl/Analysis/ModelLoader.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/ExternalEvaluator.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/CostModel/SimConfig.h"
#include "egrl/Graph/SyntheticGraph.h"
#include "egrl/Support/Paths.h"
#include "egrl/Support/RepeatedOptions.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/StringSaver.h"
#include "llvm/Support/WithColor.h"

using namespace egrl;
using namespace egrl::tools;
namespace cl = llvm::cl;

namespace {
llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

llvm::Expected<std::string> resolveModel(llvm::StringRef name) {
  std::string modelsDir =
      bundledDataDir("models", "EGRL_MODELS_DIR", EGRL_MODELS_DIR);
  std::string path = resolveBundledName(name, modelsDir, ".mlir");
  if (path != name || llvm::sys::fs::exists(name))
    return path;
  std::vector<std::string> names;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(modelsDir, ec), end;
       it != end && !ec; it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".mlir")
      names.push_back(llvm::sys::path::stem(it->path()).str());
  llvm::sort(names);
  return error("no model '" + name +
               "' (not a file, and not a bundled model: " +
               llvm::join(names, ", ") + ")");
}
} // namespace

EvaluationOptions::EvaluationOptions(cl::OptionCategory &category)
    : target("target", cl::init(kDefaultTargetName),
             cl::desc("Target: a bundled name (targets/*.json: nnpi-1000, "
                      "the default, nnpi-1000-*, edge-small) or a JSON path"),
             cl::cat(category)),
      simTarget("sim-target", cl::init(""),
                cl::desc("The chip the evaluator measures on when it is not "
                         "--target: a bundled name or a JSON path with the "
                         "target's levels (default: the target)"),
                cl::cat(category)),
      evaluator("evaluator", cl::init("analytical"),
                cl::desc("Evaluator every placement is measured on: "
                         "analytical (the default), nnpi-sim or "
                         "external:COMMAND"),
                cl::cat(category)),
      granularity("granularity", cl::init("fused"),
                  cl::desc("Graph nodes of .mlir models: 'fused' (the "
                           "default) or 'op'; a graph JSON must have been "
                           "printed at it"),
                  cl::cat(category)),
      function(
          "function", cl::init(""),
          cl::desc(
              "The function to use in every MLIR model (each must have it; "
              "needed for a module of several; a graph JSON holds "
              "one graph)"),
          cl::cat(category)),
      retries("retries", cl::init(0),
              cl::desc("external: evaluators: restart a command that died or "
                       "timed out, and send the placement again, up to N "
                       "times (default: 0)"),
              cl::cat(category)) {}

llvm::Expected<EvaluationSetup>
egrl::tools::resolveSetup(const EvaluationOptions &options,
                          llvm::StringRef tool) {
  EvaluationSetup setup;
  auto granularityKind = parseGranularity(options.granularity);
  if (!granularityKind)
    return error("--granularity must be 'fused' or 'op'");
  setup.granularity = *granularityKind;
  llvm::Expected<Target> loaded = loadTarget(options.target);
  if (!loaded)
    return loaded.takeError();
  setup.chip = std::move(*loaded);
  // The simulator section is checked whichever evaluator runs, so a broken
  // target fails the same way everywhere.
  if (auto sim = SimConfig::fromTarget(setup.chip); !sim)
    return sim.takeError();
  setup.evaluatorName = options.evaluator;
  if (llvm::Error err = checkEvaluatorName(setup.evaluatorName))
    return error("--evaluator: " + llvm::toString(std::move(err)));
  if (options.retries > EvaluatorOptions::kMaxRetries)
    return error("--retries must be at most " +
                 llvm::Twine(EvaluatorOptions::kMaxRetries));
  setup.evaluatorOptions.retries = options.retries;
  // As the pass's retries=: only a command can be restarted.
  if (options.retries != 0 && !ExternalEvaluator::names(setup.evaluatorName))
    llvm::WithColor::warning(llvm::errs(), tool)
        << "--retries=" << options.retries
        << " has no effect with --evaluator=" << setup.evaluatorName
        << " (it restarts the command of an external: evaluator)\n";
  if (!options.simTarget.empty()) {
    llvm::Expected<Target> sim =
        loadSimTarget(options.simTarget, setup.chip, setup.evaluatorName);
    if (!sim)
      return sim.takeError();
    setup.simChip = std::move(*sim);
  }
  // The simulator's own limits are the chip's, not any one model's: said
  // once, before the models load.
  if (setup.evaluatorName == "nnpi-sim")
    if (llvm::Error err =
            NnpiSim::checkLevels(setup.simChip ? *setup.simChip : setup.chip))
      return std::move(err);
  setup.function = options.function;
  return std::move(setup);
}

llvm::Expected<std::string> egrl::tools::modelName(llvm::StringRef spec) {
  llvm::StringRef synthetic = spec;
  if (synthetic.consume_front("synthetic:")) {
    auto [nodesText, seedText] = synthetic.split(':');
    return "synthetic" + nodesText.str() + "-" + seedText.str();
  }
  llvm::Expected<std::string> path = resolveModel(spec);
  if (!path)
    return path.takeError();
  return llvm::sys::path::stem(*path).str();
}

llvm::Expected<std::unique_ptr<ModelInstance>>
egrl::tools::loadModelInstance(llvm::StringRef spec,
                               const EvaluationSetup &setup) {
  auto instance = loadModelGraph(spec, setup);
  if (!instance)
    return instance.takeError();
  if (llvm::Error err = attachEvaluator(**instance, setup))
    return std::move(err);
  return instance;
}

/// The graph `spec` names: synthetic:NODES:SEED, or a model file or bundled
/// name loaded at the setup's granularity.
static llvm::Expected<WorkloadGraph>
loadGraphSpec(llvm::StringRef spec, const EvaluationSetup &setup) {
  llvm::StringRef synthetic = spec;
  if (synthetic.consume_front("synthetic:")) {
    auto [nodesText, seedText] = synthetic.split(':');
    unsigned nodes;
    uint64_t seed;
    if (nodesText.getAsInteger(10, nodes) || seedText.getAsInteger(10, seed))
      return error("'" + spec + "': expected synthetic:NODES:SEED");
    if (nodes == 0)
      return error("'" + spec + "': a synthetic graph needs at least 1 node");
    // Far beyond real graphs (thousands of nodes): larger ones only ran out
    // of memory (10^8 nodes) or minutes (10^6).
    constexpr unsigned kMaxSyntheticNodes = 100000;
    if (nodes > kMaxSyntheticNodes)
      return error("'" + spec + "': at most " +
                   llvm::Twine(kMaxSyntheticNodes) + " synthetic nodes");
    return makeSyntheticGraph(nodes, seed);
  }
  llvm::Expected<std::string> path = resolveModel(spec);
  if (!path)
    return path.takeError();
  return loadWorkloadGraph(*path, setup.granularity, setup.function);
}

llvm::Expected<std::unique_ptr<ModelInstance>>
egrl::tools::loadModelGraph(llvm::StringRef spec,
                            const EvaluationSetup &setup) {
  auto instance = std::make_unique<ModelInstance>();
  llvm::Expected<std::string> name = modelName(spec);
  if (!name)
    return name.takeError();
  instance->name = std::move(*name);
  llvm::Expected<WorkloadGraph> graph = loadGraphSpec(spec, setup);
  if (!graph)
    return graph.takeError();
  if (graph->size() == 0)
    return error(instance->name +
                 ": nothing to place (the graph has no compute ops)");
  instance->graph = std::make_unique<WorkloadGraph>(std::move(*graph));
  instance->problem = std::make_unique<Problem>(*instance->graph, setup.chip);
  if (llvm::Error err = checkFitsTarget(*instance->problem))
    return error(instance->name + ": " + llvm::toString(std::move(err)));
  // The model believes `chip`; the evaluator measures the sim-target.
  if (setup.simChip) {
    instance->chipProblem =
        std::make_unique<Problem>(*instance->graph, *setup.simChip);
    if (llvm::Error err = checkFitsTarget(*instance->chipProblem))
      return error(instance->name +
                   ": sim-target: " + llvm::toString(std::move(err)));
  }
  return std::move(instance);
}

llvm::Error egrl::tools::attachEvaluator(ModelInstance &instance,
                                         const EvaluationSetup &setup) {
  instance.model = std::make_unique<AnalyticalModel>(*instance.problem);
  auto evaluator = createEvaluator(setup.evaluatorName, instance.measured(),
                                   setup.evaluatorOptions);
  if (!evaluator)
    return evaluator.takeError();
  instance.evaluator = std::move(*evaluator);
  return llvm::Error::success();
}

llvm::Error egrl::tools::checkGraphGranularity(const ModelInstance &instance,
                                               llvm::StringRef spec,
                                               const EvaluationOptions &options,
                                               llvm::StringRef why) {
  const std::string &own = instance.graph->granularity;
  const std::string &asked = options.granularity.getValue();
  if (own == asked)
    return llvm::Error::success();
  // A synthetic graph has no MLIR to print again at the other granularity.
  if (spec.starts_with("synthetic:"))
    return error(spec + ": a synthetic graph is at '" + own +
                 "' granularity, and --granularity=" + asked + ": " + why +
                 " (give --granularity=" + own + ")");
  return error(spec + ": a graph at '" + own +
               "' granularity (its JSON), and --granularity=" + asked + ": " +
               why + " (print the graph again with --egrl-print-graph=\"" +
               "granularity=" + asked +
               " json=true\", or give --granularity=" + own + ")");
}

llvm::Expected<SeedFrom>
egrl::tools::parseSeedFromOption(llvm::StringRef value) {
  if (std::optional<SeedFrom> from = parseSeedFrom(value))
    return *from;
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "--seed-from must be " + seedFromChoices() +
                                     ", not '" + value + "'");
}

/// The aliases renameOption() made: an option's former name, which counts
/// its occurrences besides the option's own count.
static std::vector<std::unique_ptr<cl::alias>> &formerNames() {
  static std::vector<std::unique_ptr<cl::alias>> aliases;
  return aliases;
}

void egrl::tools::renameOption(cl::Option &option, llvm::StringRef name,
                               cl::OptionCategory &category) {
  // Option names and descriptions are StringRefs: they must outlive main.
  static llvm::BumpPtrAllocator allocator;
  static llvm::StringSaver saver(allocator);
  std::vector<std::unique_ptr<cl::alias>> &aliases = formerNames();
  auto &registered = cl::getRegisteredOptions();
  auto taken = registered.find(name);
  if (taken != registered.end() && taken->second != &option) {
    taken->second->setArgStr(saver.save("library-" + name));
    taken->second->setHiddenFlag(cl::ReallyHidden);
  }
  llvm::StringRef oldName = saver.save(option.ArgStr);
  option.setArgStr(name);
  aliases.push_back(std::make_unique<cl::alias>(
      oldName, cl::aliasopt(option),
      cl::desc(saver.save("The same as --" + name + " (its former name)")),
      cl::cat(category)));
}

void tools::refuseRepeatedOptions(llvm::StringRef tool,
                                  cl::OptionCategory &category) {
  std::vector<std::string> repeated;
  for (const auto &entry : cl::getRegisteredOptions()) {
    const cl::Option *option = entry.second;
    // An option given by its former name counts there too: named once, by
    // its own name.
    if (llvm::any_of(formerNames(),
                     [&](const auto &alias) { return alias.get() == option; }))
      continue;
    // cl::list options (the models, the graphs) are meant to repeat.
    if (takesOneValue(*option) && option->getNumOccurrences() > 1 &&
        llvm::is_contained(option->Categories, &category))
      repeated.push_back("--" + option->ArgStr.str());
  }
  if (repeated.empty())
    return;
  llvm::sort(repeated);
  die(tool, givenTwiceMessage(repeated));
}

std::error_code tools::makeOutputDirectory(llvm::StringRef dir) {
  // As mkdir -p makes them: what the umask leaves (LLVM's default is
  // owner and group only).
  if (std::error_code ec = llvm::sys::fs::create_directories(
          dir, /*IgnoreExisting=*/true, llvm::sys::fs::all_all))
    return ec;
  if (!llvm::sys::fs::is_directory(dir))
    return std::make_error_code(std::errc::not_a_directory);
  // A read-only file system, a directory not ours, or one no file can be
  // made in (/proc, even for root, whom access() lets through): try.
  int fd;
  llvm::SmallString<256> probe;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          dir + "/.egrl-write-test-%%%%%%", fd, probe))
    return ec;
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  return llvm::sys::fs::remove(probe);
}

std::error_code tools::checkOutputFile(llvm::StringRef file) {
  if (file == "-")
    return {};
  // Files are written to a temporary one renamed into place
  // (writeWholeFile): what must be writable is the directory.
  llvm::StringRef dir = llvm::sys::path::parent_path(file);
  if (std::error_code ec = makeOutputDirectory(dir.empty() ? "." : dir))
    return ec;
  if (llvm::sys::fs::is_directory(file))
    return std::make_error_code(std::errc::is_a_directory);
  return {};
}

void egrl::tools::printError(llvm::StringRef tool, const llvm::Twine &message) {
  std::string text = message.str();
  llvm::StringRef firstLine = llvm::StringRef(text).split('\n').first;
  if (firstLine.contains(": error: "))
    llvm::errs() << tool << ": " << text << "\n";
  else
    llvm::WithColor::error(llvm::errs(), tool) << text << "\n";
}

void egrl::tools::die(llvm::StringRef tool, const llvm::Twine &message) {
  printError(tool, message);
  // std::exit runs no destructor of the tool's evaluators.
  ExternalEvaluator::stopAll();
  std::exit(1);
}
