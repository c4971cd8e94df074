//===- egrl-train.cpp - Train one GNN policy on a corpus of graphs --------===//
//
// egrl-train --corpus=corpus --target=nnpi-1000 --evaluator=nnpi-sim \
//     --budget=40000 --output=policies/nnpi-1000.json
//
// Reinforcement learning against the evaluator's measurements: rounds over
// the corpus in a seeded order; on each graph the shared policy samples a
// batch, the evaluator measures it, and the policy takes a REINFORCE step
// with a per-graph baseline (graphs differ in how much placement can gain,
// so one baseline for all would favour the easy ones) on the paper's reward
// (speedup^2 - 1 over native, NativeReward), then a self-imitation step on
// that graph's elite placements found so far (weighted likelihood,
// GnnPolicy::updateOn). The policy's own most likely placement is measured
// every round too: it is what `strategy=policy` uses, and a good one joins
// the elites. Nothing imitates a model-based placement unless
// --seed-from=model makes the measured native, greedy and ilp placements
// each graph's first elites. docs/training.md.
//
// All randomness is seeded per (seed, round, graph) and evaluation batches
// are recorded in index order, so a seed gives the same policy for any
// --threads; checkpoints hold everything a round boundary needs (network,
// Adam state, baselines, elites, curves), so a resumed run ends where the
// uninterrupted one would.
//
//===----------------------------------------------------------------------===//

#include "ToolSupport.h"

#include "egrl/CostModel/Capacity.h"
#include "egrl/Distributed/Mpi.h"
#include "egrl/Policy/GnnPolicy.h"
#include "egrl/Policy/PolicyFile.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Support/Output.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>

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
                       "graphs; corpus/ holds 33 graphs that exclude the "
                       "held-out bert_base, resnet101 and mobilenet_v2"),
              cl::cat(trainCategory));
static cl::opt<std::string>
    exclude("exclude", cl::init(""),
            cl::desc("Comma-separated graph names (file stems) to leave out "
                     "of the corpus (default: none)"),
            cl::cat(trainCategory));
// --target, --sim-target, --evaluator, --granularity, --function.
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
             "policy samples, the default), native, or model (the best of "
             "native, greedy and ilp, planned on --target and measured on "
             "the evaluator like any sample)"),
    cl::cat(trainCategory));
static cl::opt<double>
    timeLimit("time-limit", cl::init(10),
              cl::desc("Seconds ilp may plan each graph with "
                       "--seed-from=model (default: 10)"),
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
             "speed-up so far, the policy's most likely placement, rectified) "
             "and PREFIX-losses.csv (per round: losses, mean reward); "
             "python/plot_training.py plots them"),
    cl::cat(trainCategory));
static cl::opt<std::string> revision(
    "revision", cl::init(""),
    cl::desc("Source revision to record in the policy file (default: git "
             "describe of the configured build)"),
    cl::cat(trainCategory));
static cl::opt<bool>
    progress("progress", cl::init(true),
             cl::desc("Print round, evaluations, mean best speed-up and an "
                      "ETA to stderr, at most once a second (default: true)"),
             cl::cat(trainCategory));

namespace {

[[noreturn]] void die(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "egrl-train") << message << "\n";
  std::exit(1);
}

/// A placement worth imitating, with what it measured.
struct Elite {
  Placement placement; ///< Rectified (canonical: equal placements compare so).
  double reward = 0;
  double latency = 0;
};

/// Everything training keeps per graph.
struct GraphState {
  std::unique_ptr<tools::ModelInstance> model;
  std::unique_ptr<SearchContext> context;
  std::unique_ptr<EvaluationTracker> tracker;
  std::optional<NativeReward> reward;
  /// Evaluations of earlier sessions (a resumed run's tracker starts at 0).
  uint64_t evaluationsBefore = 0;
  double nativeLatency = 0;
  /// Running mean and spread of this graph's rewards: its own baseline.
  bool haveBaseline = false;
  double baseline = 0, spread = 1;
  double bestLatency = 0; ///< Best valid measured, 0 for none.
  std::vector<Elite> elites;

  uint64_t evaluations() const { return evaluationsBefore + tracker->used(); }
  double bestSpeedup() const {
    return bestLatency > 0 ? nativeLatency / bestLatency : 0;
  }
};

struct CurvePoint {
  uint64_t round, evaluations;
  std::string graph;
  uint64_t graphEvaluations;
  double bestSpeedup, policySpeedup;
};
struct LossPoint {
  uint64_t round, evaluations;
  double reinforceLoss, imitationLoss, meanReward, meanBestSpeedup;
};

uint64_t streamSeed(uint64_t base, uint64_t round, uint64_t graph) {
  return mixSeed(mixSeed(base, round), graph);
}

std::vector<std::string> corpusFiles() {
  std::vector<std::string> files(graphArgs.begin(), graphArgs.end());
  if (!corpusDir.empty()) {
    if (!llvm::sys::fs::is_directory(corpusDir))
      die("--corpus: '" + corpusDir + "' is not a directory");
    std::vector<std::string> found;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(corpusDir, ec), end;
         it != end && !ec; it.increment(ec))
      if (llvm::sys::path::extension(it->path()) == ".json")
        found.push_back(it->path());
    if (ec)
      die("--corpus: cannot list '" + corpusDir + "': " + ec.message());
    llvm::sort(found);
    files.insert(files.end(), found.begin(), found.end());
  }
  llvm::SmallVector<llvm::StringRef> excluded;
  llvm::StringRef(exclude).split(excluded, ',', -1, false);
  llvm::erase_if(files, [&](const std::string &file) {
    return llvm::is_contained(excluded, llvm::sys::path::stem(file));
  });
  if (files.empty())
    die("the corpus is empty: name graphs or --corpus=DIR (see --help)");
  return files;
}

json placementJSON(const Placement &placement) {
  json out = json::array();
  for (const NodePlacement &node : placement.nodes)
    out.push_back({node.weights, node.output});
  return out;
}

Placement placementFrom(const json &levels) {
  Placement placement(unsigned(levels.size()), 0);
  for (size_t i = 0; i < levels.size(); ++i) {
    placement[i].weights = levels[i].at(0).get<uint8_t>();
    placement[i].output = levels[i].at(1).get<uint8_t>();
  }
  return placement;
}

/// Training options a checkpoint must agree with to be resumed.
json trainingOptions(const tools::EvaluationSetup &setup) {
  return {{"seed", seed.getValue()},
          {"batch", batch.getValue()},
          {"elites", elites.getValue()},
          {"imitation_weight", imitationWeight.getValue()},
          {"seed_from", seedFrom.getValue()},
          {"hidden", hidden.getValue()},
          {"layers", layers.getValue()},
          {"conditioned", conditioned.getValue()},
          {"learning_rate", learningRate.getValue()},
          {"target", setup.chip.name},
          {"sim_target", setup.simChip ? setup.simChip->name : ""},
          {"evaluator", setup.evaluatorName},
          {"granularity", evaluation.granularity.getValue()}};
}

void writeFile(llvm::StringRef path, llvm::StringRef text) {
  if (llvm::Error err = writeWholeFile(path, text))
    die("cannot write '" + path + "': " + llvm::toString(std::move(err)));
}

/// One training run: the corpus, the shared policy and everything a
/// checkpoint holds.
class Trainer {
public:
  Trainer(const tools::EvaluationSetup &setup, SeedFrom seedFromKind)
      : setup(setup), seedFromKind(seedFromKind),
        policy(policyConfig(), setup.chip.numLevels()) {
    for (const std::string &file : corpusFiles())
      addGraph(file);
  }

  /// Restores a checkpoint written by saveCheckpoint() for this corpus and
  /// these options.
  void resumeFrom(llvm::StringRef path);
  /// Measures each graph's native placement once (the reward's reference),
  /// or takes it from the checkpoint so a resumed run scores alike; with
  /// --seed-from, measures the seeds too and makes them the first elites.
  void measureNative();
  /// One round over the corpus in a seeded order.
  void trainRound();
  void saveCheckpoint(llvm::StringRef path, double seconds) const;
  void savePolicy(double seconds, const std::string &command) const;
  void writeCurves(llvm::StringRef prefix) const;

  uint64_t rounds() const { return round; }
  double secondsBefore() const { return earlierSeconds; }
  size_t numGraphs() const { return graphs.size(); }
  uint64_t totalEvaluations() const {
    uint64_t total = 0;
    for (const GraphState &graph : graphs)
      total += graph.evaluations();
    return total;
  }
  double meanBestSpeedup() const {
    double sum = 0;
    for (const GraphState &graph : graphs)
      sum += graph.bestSpeedup();
    return sum / graphs.size();
  }
  double lastMeanReward() const {
    return lossPoints.empty() ? 0 : lossPoints.back().meanReward;
  }

private:
  static GnnPolicyConfig policyConfig() {
    GnnPolicyConfig config;
    config.hidden = hidden;
    config.layers = layers;
    config.conditioned = conditioned;
    config.learningRate = learningRate;
    config.seed = seed;
    return config;
  }
  void addGraph(const std::string &file);
  /// One graph's step of a round; returns its losses and mean reward.
  LossPoint trainOn(GraphState &graph, unsigned index);
  void updateElites(GraphState &graph, llvm::ArrayRef<Placement> placements,
                    llvm::ArrayRef<EvalResult> results,
                    llvm::ArrayRef<double> rewards);
  std::vector<std::string> levelNames() const {
    std::vector<std::string> names;
    for (const MemoryLevel &level : setup.chip.levels)
      names.push_back(level.name);
    return names;
  }

  const tools::EvaluationSetup &setup;
  const SeedFrom seedFromKind;
  std::vector<GraphState> graphs;
  std::vector<std::string> names;
  GnnPolicy policy;
  uint64_t round = 0;
  double earlierSeconds = 0;
  std::vector<CurvePoint> curvePoints;
  std::vector<LossPoint> lossPoints;
};

void Trainer::addGraph(const std::string &file) {
  auto model = tools::loadModelInstance(file, setup);
  if (!model)
    die(file + ": " + llvm::toString(model.takeError()));
  if (llvm::is_contained(names, (*model)->name))
    die("two corpus graphs are called '" + (*model)->name + "'");
  names.push_back((*model)->name);
  GraphState state;
  state.model = std::move(*model);
  tools::ModelInstance &m = *state.model;
  state.context = std::make_unique<SearchContext>(
      SearchContext{*m.problem, *m.model, *m.evaluator, {}});
  // Training spends the budget over all graphs; each tracker only
  // measures batches in index order on the threads.
  state.context->options.budget = std::numeric_limits<uint64_t>::max();
  state.context->options.threads = threads;
  state.tracker = std::make_unique<EvaluationTracker>(*state.context);
  graphs.push_back(std::move(state));
}

void Trainer::resumeFrom(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    die("cannot read checkpoint '" + path +
        "': " + buffer.getError().message());
  json state = json::parse((*buffer)->getBuffer().begin(),
                           (*buffer)->getBuffer().end(), nullptr, false);
  if (state.is_discarded() ||
      state.value("format", "") != "egrl-train-checkpoint")
    die(path + ": not an egrl-train checkpoint");
  try {
    if (state.at("options") != trainingOptions(setup))
      die(path + ": written with other training options: " +
          state.at("options").dump() +
          ", this run: " + trainingOptions(setup).dump());
    if (state.at("corpus").get<std::vector<std::string>>() != names)
      die(path + ": written for another corpus: " + state.at("corpus").dump());
    auto loaded = parsePolicyFile(state.at("policy").dump(), path);
    if (!loaded)
      die(llvm::toString(loaded.takeError()));
    policy.copyParametersFrom(*loaded->policy);
    std::vector<char> adam;
    if (llvm::Error err =
            llvm::decodeBase64(state.at("adam").get<std::string>(), adam))
      die(path + ": " + llvm::toString(std::move(err)));
    if (llvm::Error err =
            policy.setOptimizerState(llvm::StringRef(adam.data(), adam.size())))
      die(path + ": " + llvm::toString(std::move(err)));
    round = state.at("round").get<uint64_t>();
    earlierSeconds = state.at("seconds").get<double>();
    const json &saved = state.at("graphs");
    for (size_t g = 0; g < graphs.size(); ++g) {
      const json &s = saved.at(g);
      GraphState &graph = graphs[g];
      graph.evaluationsBefore = s.at("evaluations").get<uint64_t>();
      graph.nativeLatency = s.at("native_latency").get<double>();
      graph.haveBaseline = s.at("have_baseline").get<bool>();
      graph.baseline = s.at("baseline").get<double>();
      graph.spread = s.at("spread").get<double>();
      graph.bestLatency = s.at("best_latency").get<double>();
      for (const json &e : s.at("elites"))
        graph.elites.push_back({placementFrom(e.at("placement")),
                                e.at("reward").get<double>(),
                                e.at("latency").get<double>()});
    }
    for (const json &c : state.at("curves"))
      curvePoints.push_back(
          {c.at(0), c.at(1), c.at(2), c.at(3), c.at(4), c.at(5)});
    for (const json &l : state.at("losses"))
      lossPoints.push_back(
          {l.at(0), l.at(1), l.at(2), l.at(3), l.at(4), l.at(5)});
  } catch (const json::exception &e) {
    die(path + ": corrupt checkpoint: " + e.what());
  }
}

void Trainer::measureNative() {
  for (GraphState &graph : graphs) {
    std::vector<SeedPlacement> known;
    if (graph.nativeLatency > 0) {
      EvalResult native;
      native.latency = graph.nativeLatency;
      native.valid = true;
      known.push_back(
          {"native", nativePlacement(*graph.model->problem), native});
    }
    const bool fresh = known.empty();
    if (fresh && seedFromKind != SeedFrom::None) {
      // The seeds join the elites as measured samples would; a resumed run
      // has them in its checkpoint's elites already.
      graph.context->options.seedFrom = seedFromKind;
      graph.context->options.timeLimitSeconds = timeLimit;
      auto seeds = seedPlacements(*graph.context, *graph.tracker);
      if (!seeds)
        die(graph.model->name + ": " + llvm::toString(seeds.takeError()));
      known = std::move(*seeds);
    }
    graph.reward.emplace(*graph.tracker, *graph.model->problem, known);
    graph.nativeLatency = graph.reward->nativeLatency();
    if (fresh && !known.empty()) {
      std::vector<Placement> placements;
      std::vector<EvalResult> results;
      std::vector<double> rewards;
      for (const SeedPlacement &s : known) {
        placements.push_back(s.placement);
        results.push_back(s.result);
        rewards.push_back((*graph.reward)(s.result));
      }
      updateElites(graph, placements, results, rewards);
    }
  }
}

void Trainer::trainRound() {
  std::vector<unsigned> order(graphs.size());
  for (unsigned g = 0; g < order.size(); ++g)
    order[g] = g;
  std::mt19937_64 shuffle(streamSeed(seed, round, ~0ULL));
  std::shuffle(order.begin(), order.end(), shuffle);
  LossPoint sum{round, 0, 0, 0, 0, 0};
  for (unsigned g : order) {
    LossPoint step = trainOn(graphs[g], g);
    sum.reinforceLoss += step.reinforceLoss / graphs.size();
    sum.imitationLoss += step.imitationLoss / graphs.size();
    sum.meanReward += step.meanReward / graphs.size();
  }
  sum.evaluations = totalEvaluations();
  sum.meanBestSpeedup = meanBestSpeedup();
  lossPoints.push_back(sum);
  ++round;
}

LossPoint Trainer::trainOn(GraphState &graph, unsigned index) {
  LossPoint out{round, 0, 0, 0, 0, 0};
  policy.bind(*graph.model->problem);
  // The batch, then the policy's own most likely placement (what
  // strategy=policy would place), measured together.
  std::vector<Placement> placements =
      policy.sample(batch, streamSeed(seed, round, index));
  placements.push_back(policy.mostLikelyFitted(graph.model->measured()));
  std::vector<EvalResult> results = graph.tracker->evaluateBatch(placements);
  std::vector<double> rewards;
  for (const EvalResult &r : results)
    rewards.push_back((*graph.reward)(r));

  // REINFORCE on the samples against this graph's running baseline.
  double mean = 0, var = 0;
  for (unsigned k = 0; k < batch; ++k)
    mean += rewards[k] / batch;
  for (unsigned k = 0; k < batch; ++k)
    var += (rewards[k] - mean) * (rewards[k] - mean) / batch;
  if (!graph.haveBaseline) {
    graph.haveBaseline = true;
    graph.baseline = mean;
    graph.spread = std::sqrt(var);
  }
  const double scale = 1.0 / (graph.spread + 1e-6);
  std::vector<double> advantages;
  for (unsigned k = 0; k < batch; ++k)
    advantages.push_back(
        std::clamp((rewards[k] - graph.baseline) * scale, -3.0, 3.0));
  out.reinforceLoss = policy.update(advantages);
  out.meanReward = mean;

  updateElites(graph, placements, results, rewards);
  // Self-imitation: elites that beat the baseline pull hardest; every
  // elite keeps a small pull so the policy's mode settles on them.
  if (!graph.elites.empty() && imitationWeight > 0) {
    std::vector<Placement> targets;
    std::vector<double> weights;
    for (const Elite &elite : graph.elites) {
      targets.push_back(elite.placement);
      weights.push_back(
          imitationWeight *
          std::clamp((elite.reward - graph.baseline) * scale, 0.1, 3.0));
    }
    out.imitationLoss = policy.updateOn(targets, weights);
    // A conditioned policy also learns each elite's decisions from the
    // rest of it: what mostLikelyFitted()'s later rounds read.
    if (conditioned)
      out.imitationLoss += policy.updateOnMasked(
          targets, weights, streamSeed(seed, round, index) ^ 0x6d61736bULL);
  }
  graph.baseline = 0.9 * graph.baseline + 0.1 * mean;
  graph.spread = 0.9 * graph.spread + 0.1 * std::sqrt(var);

  // What strategy=policy would place: the most likely placement, fitted
  // by confidence (its measured latency).
  curvePoints.push_back({round, totalEvaluations(), graph.model->name,
                         graph.evaluations(), graph.bestSpeedup(),
                         graph.nativeLatency / results.back().latency});
  return out;
}

void Trainer::updateElites(GraphState &graph,
                           llvm::ArrayRef<Placement> placements,
                           llvm::ArrayRef<EvalResult> results,
                           llvm::ArrayRef<double> rewards) {
  // The best distinct valid placements measured on this graph.
  for (size_t k = 0; k < results.size(); ++k) {
    if (!results[k].valid)
      continue;
    if (graph.bestLatency == 0 || results[k].latency < graph.bestLatency)
      graph.bestLatency = results[k].latency;
    if (elites == 0)
      continue;
    Placement canonical = placements[k];
    rectify(graph.model->measured(), canonical);
    if (llvm::any_of(graph.elites,
                     [&](const Elite &e) { return e.placement == canonical; }))
      continue;
    graph.elites.push_back({canonical, rewards[k], results[k].latency});
    std::stable_sort(
        graph.elites.begin(), graph.elites.end(),
        [](const Elite &a, const Elite &b) { return a.reward > b.reward; });
    if (graph.elites.size() > elites)
      graph.elites.pop_back();
  }
}

void Trainer::saveCheckpoint(llvm::StringRef path, double seconds) const {
  json state;
  state["format"] = "egrl-train-checkpoint";
  state["version"] = 1;
  state["options"] = trainingOptions(setup);
  state["corpus"] = names;
  PolicyMetadata metadata;
  metadata.levels = levelNames();
  state["policy"] = json::parse(policyFileText(policy, metadata));
  state["adam"] = llvm::encodeBase64(policy.optimizerState());
  state["round"] = round;
  state["seconds"] = seconds;
  json saved = json::array();
  for (const GraphState &graph : graphs) {
    json e = json::array();
    for (const Elite &elite : graph.elites)
      e.push_back({{"placement", placementJSON(elite.placement)},
                   {"reward", elite.reward},
                   {"latency", elite.latency}});
    saved.push_back({{"evaluations", graph.evaluations()},
                     {"native_latency", graph.nativeLatency},
                     {"have_baseline", graph.haveBaseline},
                     {"baseline", graph.baseline},
                     {"spread", graph.spread},
                     {"best_latency", graph.bestLatency},
                     {"elites", std::move(e)}});
  }
  state["graphs"] = std::move(saved);
  json c = json::array(), l = json::array();
  for (const CurvePoint &p : curvePoints)
    c.push_back({p.round, p.evaluations, p.graph, p.graphEvaluations,
                 p.bestSpeedup, p.policySpeedup});
  for (const LossPoint &p : lossPoints)
    l.push_back({p.round, p.evaluations, p.reinforceLoss, p.imitationLoss,
                 p.meanReward, p.meanBestSpeedup});
  state["curves"] = std::move(c);
  state["losses"] = std::move(l);
  writeFile(path, state.dump() + "\n");
}

void Trainer::savePolicy(double seconds, const std::string &command) const {
  PolicyMetadata metadata;
  metadata.levels = levelNames();
  metadata.target = setup.chip.name;
  if (setup.simChip)
    metadata.simTarget = setup.simChip->name;
  metadata.evaluator = setup.evaluatorName;
  metadata.corpus = names;
  metadata.evaluations = totalEvaluations();
  metadata.trainingSeconds = seconds;
  metadata.seed = seed;
  metadata.date = utcNow();
  metadata.revision =
      revision.empty() ? sourceRevision().str() : revision.getValue();
  metadata.command = command;
  if (llvm::Error err = savePolicyFile(output, policy, metadata))
    die(llvm::toString(std::move(err)));
}

void Trainer::writeCurves(llvm::StringRef prefix) const {
  std::string graphsCsv = "round,evaluations,graph,graph_evaluations,"
                          "best_speedup,policy_speedup\n";
  for (const CurvePoint &p : curvePoints)
    graphsCsv += llvm::formatv("{0},{1},{2},{3},{4:f5},{5:f5}\n", p.round,
                               p.evaluations, p.graph, p.graphEvaluations,
                               p.bestSpeedup, p.policySpeedup)
                     .str();
  std::string lossesCsv = "round,evaluations,reinforce_loss,imitation_loss,"
                          "mean_reward,mean_best_speedup\n";
  for (const LossPoint &p : lossPoints)
    lossesCsv += llvm::formatv("{0},{1},{2:e},{3:e},{4:f5},{5:f5}\n", p.round,
                               p.evaluations, p.reinforceLoss, p.imitationLoss,
                               p.meanReward, p.meanBestSpeedup)
                     .str();
  writeFile((prefix + "-graphs.csv").str(), graphsCsv);
  writeFile((prefix + "-losses.csv").str(), lossesCsv);
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
  std::string command = "egrl-train";
  for (int i = 1; i < argc; ++i)
    command += " " + std::string(argv[i]);
  if (threads == 0)
    die("--threads must be at least 1");
  if (batch < 2)
    die("--batch must be at least 2 (a REINFORCE step needs a baseline)");
  if (hidden == 0 || layers == 0)
    die("--hidden and --layers must be positive");
  const std::string checkpointFile =
      checkpointPath.empty() ? output + ".checkpoint" : checkpointPath;

  llvm::Expected<tools::EvaluationSetup> setup =
      tools::resolveSetup(evaluation);
  if (!setup)
    die(llvm::toString(setup.takeError()));
  llvm::Expected<SeedFrom> seedFromKind = tools::parseSeedFromOption(seedFrom);
  if (!seedFromKind)
    die(llvm::toString(seedFromKind.takeError()));
  Trainer trainer(*setup, *seedFromKind);
  if (!resume.empty())
    trainer.resumeFrom(resume);
  trainer.measureNative();

  llvm::errs() << "egrl-train: " << trainer.numGraphs() << " graphs on "
               << setup->chip.name
               << (setup->simChip ? " (sim-target " + setup->simChip->name + ")"
                                  : std::string())
               << ", " << setup->evaluatorName << ", budget " << budget
               << " evaluations"
               << (resume.empty() ? std::string()
                                  : ", resumed at round " +
                                        std::to_string(trainer.rounds()))
               << "\n";
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return trainer.secondsBefore() +
           std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
               .count();
  };
  auto lastProgress = start;
  const uint64_t startEvaluations = trainer.totalEvaluations();
  // A round needs batch + 1 evaluations per graph; a budget that cannot
  // pay for one whole round more stops, so rounds are all alike.
  const uint64_t roundCost = uint64_t(trainer.numGraphs()) * (batch + 1);
  while (trainer.totalEvaluations() + roundCost <= budget) {
    trainer.trainRound();
    if (checkpointEvery > 0 && trainer.rounds() % checkpointEvery == 0)
      trainer.saveCheckpoint(checkpointFile, seconds());

    auto now = std::chrono::steady_clock::now();
    if (progress && now - lastProgress >= std::chrono::seconds(1)) {
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
  }
  const double total = seconds();
  if (checkpointEvery > 0)
    trainer.saveCheckpoint(checkpointFile, total);
  trainer.savePolicy(total, command);
  if (!curves.empty())
    trainer.writeCurves(curves);
  llvm::errs() << llvm::format(
      "egrl-train: wrote %s: %llu rounds, %llu evaluations, %.1f s, mean "
      "best %.3fx native over %zu graphs\n",
      output.c_str(), (unsigned long long)trainer.rounds(),
      (unsigned long long)trainer.totalEvaluations(), total,
      trainer.meanBestSpeedup(), trainer.numGraphs());
  return 0;
}

// Under mpirun, rank 0 runs the tool and the other ranks measure for it.
int main(int argc, char **argv) {
  return egrl::mpi::runTool(argc, argv, trainMain);
}
