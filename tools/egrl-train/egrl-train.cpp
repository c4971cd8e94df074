//===- egrl-train.cpp - Train one GNN policy on a corpus of graphs --------===//
//
// egrl-train --corpus=corpus --target=nnpi-1000 --evaluator=nnpi-sim \
//     --budget=40000 --output=policies/nnpi-1000.json
//
// The command line, the budget loop, progress, checkpoint and curve files
// around egrl::CorpusTrainer (egrl/Policy/CorpusTrainer.h), which holds the
// training algorithm. docs/training.md.
//
//===----------------------------------------------------------------------===//

#include "ToolSupport.h"

#include "egrl/Distributed/Mpi.h"
#include "egrl/Policy/CorpusTrainer.h"
#include "egrl/Policy/PolicyFile.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Support/Interrupt.h"
#include "egrl/Support/Output.h"
#include "egrl/Support/ReadFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

using namespace egrl;
namespace cl = llvm::cl;
using json = nlohmann::json;

static cl::OptionCategory trainCategory("egrl-train options");
static cl::list<std::string>
    graphArgs(cl::Positional, cl::ZeroOrMore,
              cl::desc("<graph.json | model.mlir | bundled model name>..."),
              cl::cat(trainCategory));
static cl::opt<std::string>
    corpusDir("corpus", cl::init(""),
              cl::desc("A directory of graph JSON files (every *.json in it, "
                       "sorted by name) to train on, besides the positional "
                       "graphs; corpus/ holds 36 graphs that exclude the "
                       "held-out bert_base, resnet101 and mobilenet_v2"),
              cl::cat(trainCategory));
static cl::opt<std::string>
    exclude("exclude", cl::init(""),
            cl::desc("Comma-separated graph names (file stems) to leave out "
                     "of the corpus (default: none)"),
            cl::cat(trainCategory));
// --target, --sim-target, --evaluator, --granularity, --function, --retries.
static tools::EvaluationOptions evaluation(trainCategory);
static cl::opt<uint64_t>
    budget("budget", cl::init(40000),
           cl::desc("Evaluations to spend in all, over every graph, native "
                    "measurements included (default: 40000)"),
           cl::cat(trainCategory));
static cl::opt<uint64_t> seed("seed", cl::init(0),
                              cl::desc("Random seed (default: 0)"),
                              cl::cat(trainCategory));
// Renamed to --threads (the pass's threads=) in main(): libLLVM registers
// that name already.
static cl::opt<unsigned>
    threads("eval-threads", cl::init(1),
            cl::desc("Threads to measure placements on; the policy is the "
                     "same for any count (default: 1)"),
            cl::cat(trainCategory));
static cl::opt<unsigned>
    batch("batch", cl::init(8),
          cl::desc("Placements sampled per graph and round (default: 8)"),
          cl::cat(trainCategory));
static cl::opt<unsigned>
    elites("elites", cl::init(4),
           cl::desc("Best placements kept per graph for self-imitation "
                    "(default: 4; 0 turns self-imitation off)"),
           cl::cat(trainCategory));
static cl::opt<double> imitationWeight(
    "imitation-weight", cl::init(1.0),
    cl::desc("Scale of the self-imitation step's weights (default: 1)"),
    cl::cat(trainCategory));
static cl::opt<std::string> seedFrom(
    "seed-from", cl::init("none"),
    cl::desc("What each graph's elites start from: none (only what the "
             "policy samples, the default), native, model (the best of "
             "native, greedy, ilp and dp, planned on --target and measured on "
             "the evaluator like any sample), or portfolio (those and "
             "strategy=portfolio's plans)"),
    cl::cat(trainCategory));
static cl::opt<double>
    timeLimit("time-limit", cl::init(10),
              cl::desc("Seconds ilp may plan each graph with "
                       "--seed-from=model or portfolio (default: 10)"),
              cl::cat(trainCategory));
static cl::opt<unsigned> hidden("hidden", cl::init(64),
                                cl::desc("GNN hidden units (default: 64)"),
                                cl::cat(trainCategory));
static cl::opt<unsigned> layers("layers", cl::init(3),
                                cl::desc("GNN graph-convolution layers "
                                         "(default: 3)"),
                                cl::cat(trainCategory));
static cl::opt<bool> conditioned(
    "conditioned", cl::init(false),
    cl::desc("Train a conditioned policy: it also reads the decisions made "
             "so far, learns them by masked imitation of each graph's "
             "elites, and strategy=policy decodes it in rounds "
             "(docs/policy.md; default: false)"),
    cl::cat(trainCategory));
static cl::opt<double> learningRate("learning-rate", cl::init(3e-3),
                                    cl::desc("Adam step size (default: 3e-3)"),
                                    cl::cat(trainCategory));
static cl::opt<std::string>
    output("output", cl::Required,
           cl::desc("The policy file to write (JSON, docs/policy.md)"),
           cl::cat(trainCategory));
static cl::opt<unsigned> checkpointEvery(
    "checkpoint-every", cl::init(0),
    cl::desc("Write a checkpoint every N rounds over the corpus to "
             "--checkpoint (default 0: never)"),
    cl::cat(trainCategory));
static cl::opt<std::string>
    checkpointPath("checkpoint", cl::init(""),
                   cl::desc("Checkpoint file (default: <output>.checkpoint)"),
                   cl::cat(trainCategory));
static cl::opt<std::string> resume(
    "resume", cl::init(""),
    cl::desc("Continue from this checkpoint; the corpus, target, evaluator "
             "and training options must be those it was written with "
             "(--budget may grow)"),
    cl::cat(trainCategory));
static cl::opt<std::string> curves(
    "curves", cl::init(""),
    cl::desc("Write PREFIX-graphs.csv (per graph and round: evaluations, best "
             "speed-up so far, the policy's most likely placement, fitted) "
             "and PREFIX-losses.csv (per round: losses, mean reward); "
             "python/plot_training.py plots them"),
    cl::cat(trainCategory));
static cl::opt<std::string> revision(
    "revision", cl::init(""),
    cl::desc("Source revision to record in the policy file (default: git "
             "describe of the source when egrl-train was built)"),
    cl::cat(trainCategory));
static cl::opt<bool>
    progress("progress", cl::init(true),
             cl::desc("Print round, evaluations, mean best speed-up and an "
                      "ETA to stderr, once a second on a terminal, every ten "
                      "seconds into a file (EGRL_PROGRESS_SECONDS=S sets it) "
                      "(default: true)"),
             cl::cat(trainCategory));

namespace {

[[noreturn]] void die(const llvm::Twine &message) {
  tools::die("egrl-train", message);
}

/// The graphs named and those --corpus holds, before --exclude.
std::vector<std::string> listedGraphFiles() {
  std::vector<std::string> files(graphArgs.begin(), graphArgs.end());
  if (!corpusDir.empty()) {
    if (!llvm::sys::fs::is_directory(corpusDir))
      die("--corpus: '" + corpusDir + "' is not a directory");
    std::vector<std::string> found;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(corpusDir, ec), end;
         it != end && !ec; it.increment(ec))
      // Hidden files (an editor's, macOS's ._x.json) are no graphs, as a
      // shell's *.json leaves them out.
      if (llvm::sys::path::extension(it->path()) == ".json" &&
          !llvm::sys::path::filename(it->path()).starts_with("."))
        found.push_back(it->path());
    if (ec)
      die("--corpus: cannot list '" + corpusDir + "': " + ec.message());
    llvm::sort(found);
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::vector<std::string> corpusFiles() {
  std::vector<std::string> files = listedGraphFiles();
  llvm::SmallVector<llvm::StringRef> excluded;
  llvm::StringRef(exclude).split(excluded, ',', -1, false);
  // A misspelt name would leave a held-out model in the corpus unnoticed.
  for (llvm::StringRef name : excluded)
    if (llvm::none_of(files, [&](const std::string &file) {
          return llvm::sys::path::stem(file) == name;
        }))
      die("--exclude: no graph of the corpus is called '" + name + "'");
  llvm::erase_if(files, [&](const std::string &file) {
    return llvm::is_contained(excluded, llvm::sys::path::stem(file));
  });
  if (files.empty())
    die(excluded.empty()
            ? "the corpus is empty: name graphs or --corpus=DIR (see --help)"
            : "the corpus is empty: --exclude left out every graph");
  return files;
}

/// What else a checkpoint must agree with besides the training options.
std::string runDescription(const tools::EvaluationSetup &setup) {
  // The chips' whole descriptions, not only their names: a resumed run on a
  // target edited under the same name would train on stale elites.
  json run = {{"target", setup.chip.name},
              {"target_spec", json::parse(setup.chip.toJSON())},
              {"sim_target", setup.simChip ? setup.simChip->name : ""},
              {"sim_target_spec",
               setup.simChip ? json::parse(setup.simChip->toJSON()) : json()},
              {"evaluator", setup.evaluatorName},
              {"granularity", evaluation.granularity.getValue()}};
  return run.dump();
}

void writeFile(llvm::StringRef path, llvm::StringRef text) {
  if (llvm::Error err = writeWholeFile(path, text))
    die("cannot write '" + path + "': " + llvm::toString(std::move(err)));
}

/// The models behind the corpus, which the trainer only refers to.
using Corpus = std::vector<std::unique_ptr<tools::ModelInstance>>;

Corpus loadCorpus(const tools::EvaluationSetup &setup) {
  Corpus corpus;
  std::map<std::string, std::string> fileOf; // Graph name -> its file.
  for (const std::string &file : corpusFiles()) {
    auto model = tools::loadModelInstance(file, setup);
    if (!model) {
      // Most loader errors name the file already.
      std::string why = llvm::toString(model.takeError());
      die(llvm::StringRef(why).starts_with(file) ? why : file + ": " + why);
    }
    // The policy file records --granularity, so the graphs must agree.
    if (llvm::Error err = tools::checkGraphGranularity(
            **model, file, evaluation,
            "a policy learns one granularity, which its file records"))
      die(llvm::toString(std::move(err)));
    // A checkpoint and the policy file name graphs, so two of one name
    // (a.json in --corpus and a.mlir given too) are one too many.
    auto [earlier, added] = fileOf.try_emplace((*model)->name, file);
    if (!added)
      die("two corpus graphs are called '" + (*model)->name +
          "': " + earlier->second + " and " + file);
    corpus.push_back(std::move(*model));
  }
  return corpus;
}

void savePolicy(const CorpusTrainer &trainer,
                const tools::EvaluationSetup &setup, double seconds,
                const std::string &command) {
  PolicyMetadata metadata;
  metadata.levels = trainer.levelNames();
  metadata.target = setup.chip.name;
  metadata.targetDigest = setup.chip.digest();
  if (setup.simChip) {
    metadata.simTarget = setup.simChip->name;
    metadata.simTargetDigest = setup.simChip->digest();
  }
  metadata.evaluator = setup.evaluatorName;
  metadata.granularity = evaluation.granularity;
  metadata.corpus = trainer.graphNames();
  metadata.evaluations = trainer.totalEvaluations();
  metadata.trainingSeconds = seconds;
  metadata.seed = seed;
  metadata.date = utcNow();
  metadata.revision =
      revision.empty() ? sourceRevision().str() : revision.getValue();
  metadata.command = command;
  if (llvm::Error err = savePolicyFile(output, trainer.policy(), metadata))
    die(llvm::toString(std::move(err)));
}

/// The numeric options and their combinations; dies on the first wrong one.
void checkOptions() {
  if (threads == 0 || threads > SearchOptions::kMaxThreads)
    die("--threads must be between 1 and " +
        llvm::Twine(SearchOptions::kMaxThreads));
  // Samples of one graph are held together, as are its elites.
  constexpr unsigned maxBatch = 1 << 16;
  if (batch < 2 || batch > maxBatch)
    die("--batch must be between 2 (a REINFORCE step needs a baseline) "
        "and " +
        llvm::Twine(maxBatch));
  if (elites > maxBatch)
    die("--elites must be at most " + llvm::Twine(maxBatch));
  // A policy file holds at most these (what strategy=policy loads).
  if (std::string problem = policyShapeProblem(hidden, layers);
      !problem.empty())
    die("--hidden and --layers: " + problem);
  // Adam runs in float: a larger step overflows inside LibTorch.
  if (!std::isfinite(learningRate) || learningRate <= 0 ||
      learningRate > std::numeric_limits<float>::max())
    die("--learning-rate must be a positive float (at most 3.4e38), not " +
        llvm::formatv("{0}", learningRate.getValue()).str());
  if (!std::isfinite(imitationWeight) || imitationWeight < 0)
    die("--imitation-weight must be a number at least 0, not " +
        llvm::formatv("{0}", imitationWeight.getValue()).str());
  if (output.empty())
    die("--output must name the policy file to write");
  if (!(timeLimit > 0) || !std::isfinite(timeLimit))
    die("--time-limit must be a positive number of seconds");
  if (!checkpointPath.empty() && checkpointEvery == 0)
    die("--checkpoint names a file, but no checkpoint is written without "
        "--checkpoint-every=N");
}

/// The files are written after training: make their directories now, so a
/// path that cannot be written fails before hours of training, not after.
void checkOutputFiles(const std::string &checkpointFile) {
  std::vector<std::string> files = {output};
  if (checkpointEvery > 0)
    files.push_back(checkpointFile);
  // A prefix, not a directory: 'out/' would write 'out/-graphs.csv'.
  if (!curves.empty() &&
      llvm::sys::path::is_separator(curves.getValue().back()))
    die("--curves takes a file prefix (out/run writes out/run-graphs.csv), "
        "not a directory: '" +
        curves + "'");
  if (!curves.empty())
    files.push_back(curves + "-graphs.csv");
  if (!curves.empty())
    files.push_back(curves + "-losses.csv");
  // No output may overwrite another or a graph of the corpus (left out or
  // not), nor may any but the checkpoint (which training resumes and goes on
  // writing) overwrite the checkpoint resumed from.
  const std::vector<std::string> graphFiles = listedGraphFiles();
  for (size_t a = 0; a < files.size(); ++a) {
    for (size_t b = a + 1; b < files.size(); ++b)
      if (isSameFile(files[a], files[b]))
        die("'" + files[a] +
            "' would be written twice (--output, --checkpoint and --curves "
            "name different files)");
    std::vector<std::string> inputs = graphFiles;
    if (!resume.empty() && files[a] != checkpointFile)
      inputs.push_back(resume);
    for (const std::string &input : inputs)
      if (isSameFile(files[a], input))
        die("'" + files[a] +
            "' is an input of this run and would be "
            "overwritten");
  }
  for (llvm::StringRef file : files)
    if (std::error_code ec = tools::checkOutputFile(file))
      die("cannot write '" + file + "': " + ec.message());
}

/// The trainer with the corpus's graphs, resumed from --resume if given.
std::unique_ptr<CorpusTrainer> makeTrainer(const tools::EvaluationSetup &setup,
                                           SeedFrom seedFromKind,
                                           const Corpus &corpus) {
  CorpusTrainerOptions options;
  options.policy.hidden = hidden;
  options.policy.layers = layers;
  options.policy.conditioned = conditioned;
  options.policy.learningRate = learningRate;
  options.seed = seed;
  options.batch = batch;
  options.elites = elites;
  options.imitationWeight = imitationWeight;
  options.seedFrom = seedFromKind;
  options.timeLimitSeconds = timeLimit;
  options.threads = threads;
  options.runDescription = runDescription(setup);
  auto trainer =
      std::make_unique<CorpusTrainer>(options, setup.chip.levelNameList());
  for (const auto &m : corpus)
    if (llvm::Error err = trainer->addGraph(m->name, *m->problem, m->measured(),
                                            *m->model, *m->evaluator))
      die(llvm::toString(std::move(err)));
  if (resume.empty())
    return trainer;
  // The largest network with its Adam state is under 400 MB of base64.
  llvm::Expected<std::string> text =
      readFileAtMost(resume, uint64_t(2) << 30, "checkpoint");
  if (!text)
    die(llvm::toString(text.takeError()));
  if (llvm::Error err = trainer->resume(*text, resume))
    die(llvm::toString(std::move(err)));
  return trainer;
}

/// Trains round after round while the budget pays for one more; says how
/// it goes every progress interval. False if a signal cut it short (under
/// the caller's InterruptScope).
bool trainRounds(CorpusTrainer &trainer, uint64_t roundCost,
                 const std::string &checkpointFile,
                 const std::function<double()> &seconds) {
  auto lastProgress = std::chrono::steady_clock::now();
  const uint64_t startEvaluations = trainer.totalEvaluations();
  // What holds this run's state: the checkpoint it resumed from, then the
  // last one it wrote (a file at the checkpoint path may be another run's).
  std::string lastCheckpoint = resume;
  uint64_t lastCheckpointRound = trainer.rounds();
  while (trainer.totalEvaluations() + roundCost <= budget) {
    llvm::Error err = trainer.trainRound();
    if (int signal = stopSignal()) {
      llvm::consumeError(std::move(err));
      llvm::errs() << "egrl-train: interrupted by " << signalName(signal)
                   << " in round " << trainer.rounds() << "; no policy written";
      if (!lastCheckpoint.empty())
        llvm::errs() << "; resume from round " << lastCheckpointRound
                     << " with --resume=" << lastCheckpoint;
      else if (checkpointEvery > 0)
        llvm::errs() << "; no checkpoint was written (the first comes after "
                        "round "
                     << checkpointEvery << ")";
      llvm::errs() << "\n";
      return false;
    }
    if (err) {
      std::string message = llvm::toString(std::move(err));
      // The evaluator failed (or training diverged): the last checkpoint
      // is where a run with the cause fixed goes on from.
      if (!lastCheckpoint.empty())
        message += "; no policy written; resume from round " +
                   std::to_string(lastCheckpointRound) +
                   " with --resume=" + lastCheckpoint;
      die(message);
    }
    if (checkpointEvery > 0 && trainer.rounds() % checkpointEvery == 0) {
      writeFile(checkpointFile, trainer.checkpointText(seconds()));
      lastCheckpoint = checkpointFile;
      lastCheckpointRound = trainer.rounds();
    }

    auto now = std::chrono::steady_clock::now();
    if (!progress || now - lastProgress < std::chrono::duration<double>(
                                              progressIntervalSeconds()))
      continue;
    lastProgress = now;
    uint64_t used = trainer.totalEvaluations();
    double session = seconds() - trainer.secondsBefore();
    double rate = (used - startEvaluations) / std::max(session, 1e-9);
    llvm::errs() << llvm::format(
        "egrl-train: round %llu, %llu/%llu evaluations, mean best %.3fx "
        "native, mean reward %.3f, %.0f s elapsed, ETA %.0f s\n",
        (unsigned long long)trainer.rounds(), (unsigned long long)used,
        (unsigned long long)budget.getValue(), trainer.meanBestSpeedup(),
        trainer.lastMeanReward(), seconds(),
        double(budget - std::min<uint64_t>(budget, used)) / rate);
  }
  return true;
}

} // namespace

static int trainMain(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  tools::renameOption(threads, "threads", trainCategory);
  cl::HideUnrelatedOptions(trainCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "egrl-train: train one GNN placement policy on a corpus of graphs by "
      "reinforcement learning against an evaluator\n");
  tools::refuseRepeatedOptions("egrl-train", trainCategory);
  std::string command = "egrl-train";
  for (int i = 1; i < argc; ++i)
    command += " " + std::string(argv[i]);
  checkOptions();
  const std::string checkpointFile =
      checkpointPath.empty() ? output + ".checkpoint" : checkpointPath;
  checkOutputFiles(checkpointFile);

  llvm::Expected<tools::EvaluationSetup> setup =
      tools::resolveSetup(evaluation, "egrl-train");
  if (!setup)
    die(llvm::toString(setup.takeError()));
  llvm::Expected<SeedFrom> seedFromKind = tools::parseSeedFromOption(seedFrom);
  if (!seedFromKind)
    die(llvm::toString(seedFromKind.takeError()));
  // As egrl-bench's: ilp runs only to plan the seeds of model or portfolio.
  if (timeLimit.getNumOccurrences() > 0 && !plansModelSeeds(*seedFromKind))
    llvm::WithColor::warning(llvm::errs(), "egrl-train")
        << "--time-limit has no effect: it bounds ilp, which only "
           "--seed-from=model or portfolio runs (here --seed-from="
        << seedFrom << ")\n";
  const Corpus corpus = loadCorpus(*setup);
  std::unique_ptr<CorpusTrainer> trainerOwner =
      makeTrainer(*setup, *seedFromKind, corpus);
  CorpusTrainer &trainer = *trainerOwner;
  // A round needs batch + 1 evaluations per graph; a budget that cannot
  // pay for one whole round more stops, so rounds are all alike.
  const uint64_t roundCost =
      uint64_t(trainer.numGraphs()) * (uint64_t(batch) + 1);
  if (resume.empty() && budget < trainer.numGraphs() + roundCost)
    die("--budget=" + llvm::Twine(budget.getValue()) +
        " cannot pay for one round: " + llvm::Twine(trainer.numGraphs()) +
        " graphs need one native measurement each and " +
        llvm::Twine(roundCost) + " evaluations a round (--batch + 1 each)");
  // Training time counts native's measurements and the seeds' planning.
  const auto start = std::chrono::steady_clock::now();
  // Ctrl-C or SIGTERM cut the round short (its searches stop at their next
  // evaluation, a seed's CBC solve at its next check): nothing of it is
  // kept, and the last checkpoint is what a --resume goes on from. A second
  // signal ends the process at once.
  InterruptScope interruptible;
  // The seeds are planned on the model before anything is measured, so a
  // budget that cannot pay for measuring them and one round is refused
  // with nothing spent.
  llvm::Expected<uint64_t> firstMeasurements = trainer.planSeeds();
  if (int signal = stopSignal()) {
    llvm::consumeError(firstMeasurements.takeError());
    llvm::errs() << "egrl-train: interrupted by " << signalName(signal)
                 << " while planning the seeds; no policy written\n";
    return 1;
  }
  if (!firstMeasurements)
    die(llvm::toString(firstMeasurements.takeError()));
  if (resume.empty() && budget < *firstMeasurements + roundCost)
    die("--budget=" + llvm::Twine(budget.getValue()) + " cannot pay for the " +
        llvm::Twine(*firstMeasurements) +
        " measurements of native and the seeds --seed-from=" + seedFrom +
        " planned (each distinct placement once, over " +
        llvm::Twine(trainer.numGraphs()) +
        (trainer.numGraphs() == 1 ? " graph" : " graphs") +
        ") and one round of " + llvm::Twine(roundCost) +
        " evaluations (--batch + 1 for each graph): it needs at least " +
        llvm::Twine(*firstMeasurements + roundCost) + "; nothing was measured");
  llvm::Error measured = trainer.measureNative();
  if (int signal = stopSignal()) {
    llvm::consumeError(std::move(measured));
    llvm::errs() << "egrl-train: interrupted by " << signalName(signal)
                 << " while measuring native and the seeds; no policy "
                    "written\n";
    return 1;
  }
  if (measured)
    die(llvm::toString(std::move(measured)));
  for (const std::string &caveat : trainer.seedCaveats())
    llvm::WithColor::warning(llvm::errs(), "egrl-train")
        << caveat
        << "; that seed depends on timing and --threads, and so may the "
           "policy (a longer --time-limit may prove it)\n";
  if (!resume.empty() && budget < trainer.totalEvaluations())
    die("--budget=" + llvm::Twine(budget.getValue()) + " is below the " +
        llvm::Twine(trainer.totalEvaluations()) +
        " evaluations the checkpoint has spent; a resumed run's budget may "
        "only grow");

  llvm::errs() << "egrl-train: " << trainer.numGraphs()
               << (trainer.numGraphs() == 1 ? " graph on " : " graphs on ")
               << setup->chip.name
               << (setup->simChip ? " (sim-target " + setup->simChip->name + ")"
                                  : std::string())
               << ", " << setup->evaluatorName << ", budget " << budget
               << " evaluations"
               << (resume.empty() ? std::string()
                                  : ", resumed at round " +
                                        std::to_string(trainer.rounds()))
               << "\n";
  auto seconds = [&] {
    return trainer.secondsBefore() +
           std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
               .count();
  };
  if (!trainRounds(trainer, roundCost, checkpointFile, seconds))
    return 1;
  // planSeeds() counted what measureNative() spends, so this is only a
  // guard: a policy of no round would be the untrained network.
  if (trainer.rounds() == 0)
    die("--budget=" + llvm::Twine(budget.getValue()) + " left " +
        llvm::Twine(budget -
                    std::min<uint64_t>(budget, trainer.totalEvaluations())) +
        " evaluations after the " + llvm::Twine(trainer.totalEvaluations()) +
        " measurements of native and the seeds, and a round needs " +
        llvm::Twine(roundCost) + "; no policy written");
  // A chip that refused (or could not fit) every sample of a graph taught
  // the policy nothing about it: said, not hidden in a mean of 0.000x.
  if (std::vector<std::string> unlearned = trainer.graphsWithNothingValid();
      !unlearned.empty())
    llvm::WithColor::warning(llvm::errs(), "egrl-train")
        << "no valid placement was measured on " << unlearned.size() << " of "
        << trainer.numGraphs() << " graphs (" << llvm::join(unlearned, ", ")
        << "): the chip refused or could not fit every sample, so the policy "
           "learned nothing from them\n";
  const double total = seconds();
  if (checkpointEvery > 0)
    writeFile(checkpointFile, trainer.checkpointText(total));
  savePolicy(trainer, *setup, total, command);
  if (!curves.empty()) {
    writeFile(curves + "-graphs.csv", trainer.graphCurvesCsv());
    writeFile(curves + "-losses.csv", trainer.lossCurvesCsv());
  }
  llvm::errs() << llvm::format(
      "egrl-train: wrote %s: %llu round%s, %llu evaluations, %.1f s, mean "
      "best %.3fx native over %zu graph%s\n",
      output.c_str(), (unsigned long long)trainer.rounds(),
      trainer.rounds() == 1 ? "" : "s",
      (unsigned long long)trainer.totalEvaluations(), total,
      trainer.meanBestSpeedup(), trainer.numGraphs(),
      trainer.numGraphs() == 1 ? "" : "s");
  return 0;
}

// Under mpirun, rank 0 runs the tool and the other ranks measure for it.
int main(int argc, char **argv) {
  return egrl::mpi::runTool(argc, argv, trainMain);
}
