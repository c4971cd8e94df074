//===- CorpusTrainer.cpp - Train one GNN policy on a corpus of graphs -----===//
//
// All randomness is seeded per (seed, round, graph) and evaluation batches
// are recorded in index order, so a seed gives the same policy for any
// thread count; a checkpoint holds everything a round boundary needs
// (network, Adam state, baselines, elites, curves), so a resumed run ends
// where the uninterrupted one would. docs/training.md.
//
//===----------------------------------------------------------------------===//

#include "egrl/Policy/CorpusTrainer.h"

#include "egrl/CostModel/Capacity.h"
#include "egrl/Policy/PolicyFile.h"
#include "egrl/Support/Json.h"
#include "egrl/Support/Output.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/xxhash.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <set>

using namespace egrl;
using json = nlohmann::json;

namespace {

/// A placement worth imitating, with what it measured.
struct Elite {
  Placement placement; ///< Rectified (canonical: equal placements compare so).
  double reward = 0;
  double latency = 0;
};

/// Everything training keeps per graph.
struct GraphState {
  std::string name;
  const Problem *measured = nullptr;
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
  /// graphDigest() of the graph, which does not change while it trains.
  std::string digest;

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

json placementJSON(const Placement &placement) {
  json out = json::array();
  for (const NodePlacement &node : placement.nodes)
    out.push_back({node.weights, node.output});
  return out;
}

/// The placement placementJSON() wrote for `problem`, or nothing when it is
/// not one pair of `problem`'s levels per node (an edited checkpoint).
std::optional<Placement> placementFrom(const json &levels,
                                       const Problem &problem) {
  if (!levels.is_array() || levels.size() != problem.numNodes())
    return std::nullopt;
  const int64_t top = problem.numLevels() - 1;
  Placement placement(problem.numNodes(), 0);
  for (unsigned i = 0; i < problem.numNodes(); ++i) {
    if (!levels[i].is_array() || levels[i].size() != 2)
      return std::nullopt;
    std::optional<int64_t> weights = exactInteger(levels[i][0], 0, top);
    std::optional<int64_t> output = exactInteger(levels[i][1], 0, top);
    if (!weights || !output)
      return std::nullopt;
    placement[i].weights = uint8_t(*weights);
    placement[i].output = uint8_t(*output);
  }
  return placement;
}

GnnPolicyConfig policyConfig(const CorpusTrainerOptions &options) {
  GnnPolicyConfig config = options.policy;
  config.seed = options.seed;
  return config;
}

} // namespace

struct CorpusTrainer::Impl {
  Impl(const CorpusTrainerOptions &options, std::vector<std::string> levels)
      : options(options), levels(std::move(levels)),
        policy(policyConfig(options), unsigned(this->levels.size())) {}

  /// Training options a checkpoint must agree with to be resumed.
  json checkpointOptions() const;
  /// One graph's step of a round; returns its losses and mean reward.
  /// Nothing when the batch came back short: a stop request (Ctrl-C) left
  /// the graph's tracker no budget, so there is nothing to learn from.
  std::optional<LossPoint> trainOn(GraphState &graph, unsigned index);
  void updateElites(GraphState &graph, llvm::ArrayRef<Placement> placements,
                    llvm::ArrayRef<EvalResult> results,
                    llvm::ArrayRef<double> rewards);
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

  const CorpusTrainerOptions options;
  const std::vector<std::string> levels;
  std::vector<GraphState> graphs;
  std::vector<std::string> names;
  GnnPolicy policy;
  uint64_t round = 0;
  double earlierSeconds = 0;
  std::vector<CurvePoint> curvePoints;
  std::vector<LossPoint> lossPoints;
  std::vector<std::string> caveats;
};

json CorpusTrainer::Impl::checkpointOptions() const {
  json out = json::parse(options.runDescription, nullptr, false);
  if (!out.is_object())
    out = json::object();
  const GnnPolicyConfig &config = options.policy;
  out.update({{"seed", options.seed},
              {"batch", options.batch},
              {"elites", options.elites},
              {"imitation_weight", options.imitationWeight},
              {"seed_from", seedFromName(options.seedFrom).str()},
              {"hidden", config.hidden},
              {"layers", config.layers},
              {"conditioned", config.conditioned},
              {"learning_rate", config.learningRate}});
  return out;
}

CorpusTrainer::CorpusTrainer(const CorpusTrainerOptions &options,
                             std::vector<std::string> levels)
    : impl(std::make_unique<Impl>(options, std::move(levels))) {
  assert(options.batch >= 2 && "a REINFORCE step needs a baseline");
}

CorpusTrainer::~CorpusTrainer() = default;

/// What a checkpoint records of a graph besides its name, so that a resumed
/// run refuses a graph whose contents changed under the same name.
/// Locations are left out: an .mlir file without explicit ones locates its
/// ops by the path it was given, and the same graph may come from elsewhere.
static std::string graphDigest(const WorkloadGraph &graph) {
  json contents = json::parse(graph.toJSON(0));
  for (json &node : contents["nodes"])
    node.erase("loc");
  return llvm::utohexstr(llvm::xxh3_64bits(contents.dump()),
                         /*LowerCase=*/true, /*Width=*/16);
}

llvm::Error CorpusTrainer::addGraph(std::string name, const Problem &problem,
                                    const Problem &measured,
                                    const AnalyticalModel &model,
                                    const Evaluator &evaluator) {
  if (llvm::is_contained(impl->names, name))
    return llvm::createStringError("two corpus graphs are called '" + name +
                                   "'");
  impl->names.push_back(name);
  GraphState state;
  state.name = std::move(name);
  state.measured = &measured;
  state.digest = graphDigest(problem.graph());
  state.context = std::make_unique<SearchContext>(
      SearchContext{problem, model, evaluator, {}});
  // Training spends the budget over all graphs; each tracker only
  // measures batches in index order on the threads.
  state.context->options.budget = std::numeric_limits<uint64_t>::max();
  state.context->options.threads = impl->options.threads;
  state.tracker = std::make_unique<EvaluationTracker>(*state.context);
  impl->graphs.push_back(std::move(state));
  return llvm::Error::success();
}

llvm::Error CorpusTrainer::resume(llvm::StringRef text, llvm::StringRef path) {
  auto fail = [&](const llvm::Twine &message) {
    return llvm::createStringError(path + ": " + message);
  };
  json state;
  try {
    state = json::parse(text.begin(), text.end());
  } catch (const json::parse_error &e) {
    // Truncated (a copy cut short) or edited: say where.
    return fail(llvm::Twine("not valid JSON (an egrl-train checkpoint cut "
                            "short?): ") +
                e.what());
  }
  if (!state.is_object() ||
      state.value("format", "") != "egrl-train-checkpoint")
    return fail("not an egrl-train checkpoint");
  Impl &s = *impl;
  // A checkpoint is a file a user can edit: every value that indexes or
  // counts is checked before it is used (an elite with level 7 or too few
  // nodes would index past the network's tensors).
  auto finite = [](const json &value, double min) {
    return value.is_number() && std::isfinite(value.get<double>()) &&
           value.get<double>() >= min;
  };
  try {
    if (state.at("version") != 1)
      return fail("checkpoint version " + state.at("version").dump() +
                  ", this build reads version 1");
    const json options = s.checkpointOptions();
    const json &written = state.at("options");
    if (written != options) {
      // Name what differs; a chip's whole description is too long to show.
      std::set<std::string> keys;
      for (const json *side : {&written, &options})
        if (side->is_object())
          for (auto it = side->begin(); it != side->end(); ++it)
            keys.insert(it.key());
      std::string differences;
      for (const std::string &key : keys) {
        json there = written.value(key, json()),
             here = options.value(key, json());
        if (there == here)
          continue;
        differences += differences.empty() ? "'" : "; '";
        differences += key + "'";
        differences +=
            llvm::StringRef(key).ends_with("_spec")
                ? " (the chip's description differs)"
                : " is " + there.dump() + " there, " + here.dump() + " here";
      }
      return fail("written with other training options: " +
                  (differences.empty() ? written.dump() : differences));
    }
    std::vector<std::string> corpus =
        state.at("corpus").get<std::vector<std::string>>();
    if (corpus != s.names) {
      std::vector<std::string> sortedThere = corpus, sortedHere = s.names;
      llvm::sort(sortedThere);
      llvm::sort(sortedHere);
      // Per-graph state is kept in order: the same graphs in another order
      // are not the same run.
      if (sortedThere == sortedHere)
        return fail("written for the same graphs in another order: give "
                    "them in the checkpoint's order, " +
                    state.at("corpus").dump());
      return fail("written for another corpus: " + state.at("corpus").dump());
    }
    auto loaded = parsePolicyFile(state.at("policy").dump(), path);
    if (!loaded)
      return loaded.takeError();
    if (loaded->metadata.levels != s.levels)
      return fail("the checkpoint's policy places on levels " +
                  llvm::join(loaded->metadata.levels, ", ") +
                  ", this run's target has " + llvm::join(s.levels, ", "));
    s.policy.copyParametersFrom(*loaded->policy);
    const std::string encodedAdam = state.at("adam").get<std::string>();
    if (encodedAdam.empty())
      return fail("corrupt checkpoint: no optimizer state (\"adam\")");
    std::vector<char> adam;
    if (llvm::Error err = llvm::decodeBase64(encodedAdam, adam))
      return fail("corrupt checkpoint: optimizer state: " +
                  llvm::toString(std::move(err)));
    if (llvm::Error err = s.policy.setOptimizerState(
            llvm::StringRef(adam.data(), adam.size())))
      return fail(llvm::toString(std::move(err)));
    constexpr int64_t kMany = int64_t(1) << 50;
    auto round = exactInteger(state.at("round"), 0, kMany);
    if (!round || !finite(state.at("seconds"), 0))
      return fail("corrupt checkpoint: \"round\" and \"seconds\" must be "
                  "non-negative");
    s.round = uint64_t(*round);
    s.earlierSeconds = state.at("seconds").get<double>();
    const json &saved = state.at("graphs");
    if (!saved.is_array() || saved.size() != s.graphs.size())
      return fail("corrupt checkpoint: " +
                  llvm::Twine(saved.is_array() ? saved.size() : 0) +
                  " graph states for a corpus of " +
                  llvm::Twine(s.graphs.size()));
    for (size_t g = 0; g < s.graphs.size(); ++g) {
      const json &entry = saved.at(g);
      GraphState &graph = s.graphs[g];
      auto corrupt = [&](const llvm::Twine &what) {
        return fail("corrupt checkpoint: graph '" + graph.name + "': " + what);
      };
      // Checkpoints before 2026-12-04 hold no digest: names only.
      if (entry.contains("digest") && entry.at("digest") != json(graph.digest))
        return fail("graph '" + graph.name +
                    "' is not the graph the checkpoint was written for: its "
                    "contents changed under the same name");
      auto evaluations = exactInteger(entry.at("evaluations"), 1, kMany);
      if (!evaluations)
        return corrupt("\"evaluations\" must be a positive integer");
      if (!finite(entry.at("native_latency"), 0) ||
          entry.at("native_latency").get<double>() <= 0 ||
          !finite(entry.at("best_latency"), 0) ||
          !finite(entry.at("spread"), 0) ||
          !finite(entry.at("baseline"), -1e300))
        return corrupt("latencies, baseline and spread must be finite, "
                       "latencies positive and spread non-negative");
      graph.evaluationsBefore = uint64_t(*evaluations);
      graph.nativeLatency = entry.at("native_latency").get<double>();
      graph.haveBaseline = entry.at("have_baseline").get<bool>();
      graph.baseline = entry.at("baseline").get<double>();
      graph.spread = entry.at("spread").get<double>();
      graph.bestLatency = entry.at("best_latency").get<double>();
      const Problem &problem = graph.context->problem;
      const json &elites = entry.at("elites");
      if (elites.size() > s.options.elites)
        return corrupt(llvm::Twine(elites.size()) + " elites, --elites is " +
                       llvm::Twine(s.options.elites));
      for (const json &e : elites) {
        std::optional<Placement> placement =
            placementFrom(e.at("placement"), problem);
        if (!placement)
          return corrupt(
              "an elite placement is not " + llvm::Twine(problem.numNodes()) +
              " pairs of levels below " + llvm::Twine(problem.numLevels()));
        if (!finite(e.at("reward"), -1e300) || !finite(e.at("latency"), 0))
          return corrupt("an elite's reward and latency must be finite");
        graph.elites.push_back({std::move(*placement),
                                e.at("reward").get<double>(),
                                e.at("latency").get<double>()});
      }
    }
    // Every round measures each graph at least once, after its native.
    for (const GraphState &graph : s.graphs)
      if (s.round >= graph.evaluationsBefore)
        return fail("corrupt checkpoint: round " + llvm::Twine(s.round) +
                    " after only " + llvm::Twine(graph.evaluationsBefore) +
                    " evaluations of graph '" + graph.name + "'");
    for (const json &c : state.at("curves"))
      s.curvePoints.push_back(
          {c.at(0), c.at(1), c.at(2), c.at(3), c.at(4), c.at(5)});
    for (const json &l : state.at("losses"))
      s.lossPoints.push_back(
          {l.at(0), l.at(1), l.at(2), l.at(3), l.at(4), l.at(5)});
  } catch (const json::exception &e) {
    return fail(llvm::Twine("corrupt checkpoint: ") + e.what());
  }
  return llvm::Error::success();
}

llvm::Error CorpusTrainer::measureNative() {
  for (GraphState &graph : impl->graphs) {
    std::vector<SeedPlacement> known;
    if (graph.nativeLatency > 0) {
      EvalResult native;
      native.latency = graph.nativeLatency;
      native.valid = true;
      known.push_back(
          {"native", nativePlacement(graph.context->problem), native});
    }
    const bool fresh = known.empty();
    if (fresh && impl->options.seedFrom != SeedFrom::None) {
      // The seeds join the elites as measured samples would; a resumed run
      // has them in its checkpoint's elites already.
      graph.context->options.seedFrom = impl->options.seedFrom;
      graph.context->options.timeLimitSeconds = impl->options.timeLimitSeconds;
      auto seeds = seedPlacements(*graph.context, *graph.tracker);
      if (!seeds)
        return llvm::createStringError(graph.name + ": " +
                                       llvm::toString(seeds.takeError()));
      known = std::move(*seeds);
      for (const SeedPlacement &seed : known)
        if (!seed.caveat.empty())
          impl->caveats.push_back(graph.name + ": " + seed.source + ": " +
                                  seed.caveat);
    }
    graph.reward.emplace(*graph.tracker, graph.context->problem, known);
    graph.nativeLatency = graph.reward->nativeLatency();
    // Rewards are speed-ups over native.
    if (!(graph.nativeLatency > 0))
      return llvm::createStringError(
          graph.name + ": native's latency is 0: nothing to measure speed-ups "
                       "against (a graph with no work, on a target with no "
                       "layer overhead?)");
    if (fresh && !known.empty()) {
      std::vector<Placement> placements;
      std::vector<EvalResult> results;
      std::vector<double> rewards;
      for (const SeedPlacement &seed : known) {
        placements.push_back(seed.placement);
        results.push_back(seed.result);
        rewards.push_back((*graph.reward)(seed.result));
      }
      impl->updateElites(graph, placements, results, rewards);
    }
  }
  return llvm::Error::success();
}

llvm::Error CorpusTrainer::trainRound() {
  Impl &s = *impl;
  std::vector<unsigned> order(s.graphs.size());
  for (unsigned g = 0; g < order.size(); ++g)
    order[g] = g;
  std::mt19937_64 shuffle(streamSeed(s.options.seed, s.round, ~0ULL));
  std::shuffle(order.begin(), order.end(), shuffle);
  LossPoint sum{s.round, 0, 0, 0, 0, 0};
  for (unsigned g : order) {
    std::optional<LossPoint> trained = s.trainOn(s.graphs[g], g);
    if (!trained)
      return llvm::createStringError("round " + std::to_string(s.round) +
                                     " was cut short (a stop request)");
    const LossPoint &step = *trained;
    if (!std::isfinite(step.reinforceLoss) ||
        !std::isfinite(step.imitationLoss))
      return llvm::createStringError(
          "training diverged in round " + std::to_string(s.round) +
          " on graph '" + s.graphs[g].name +
          "': a loss is not finite (a smaller learning rate may help)");
    sum.reinforceLoss += step.reinforceLoss / s.graphs.size();
    sum.imitationLoss += step.imitationLoss / s.graphs.size();
    sum.meanReward += step.meanReward / s.graphs.size();
  }
  sum.evaluations = s.totalEvaluations();
  sum.meanBestSpeedup = s.meanBestSpeedup();
  s.lossPoints.push_back(sum);
  ++s.round;
  return llvm::Error::success();
}

std::optional<LossPoint> CorpusTrainer::Impl::trainOn(GraphState &graph,
                                                      unsigned index) {
  const unsigned batch = options.batch;
  LossPoint out{round, 0, 0, 0, 0, 0};
  policy.bind(graph.context->problem);
  // The batch, then the policy's own most likely placement (what
  // strategy=policy would place), measured together.
  std::vector<Placement> placements =
      policy.sample(batch, streamSeed(options.seed, round, index));
  placements.push_back(policy.mostLikelyFitted(*graph.measured));
  std::vector<EvalResult> results = graph.tracker->evaluateBatch(placements);
  if (results.size() < placements.size())
    return std::nullopt;
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
  if (!graph.elites.empty() && options.imitationWeight > 0) {
    std::vector<Placement> targets;
    std::vector<double> weights;
    for (const Elite &elite : graph.elites) {
      targets.push_back(elite.placement);
      weights.push_back(
          options.imitationWeight *
          std::clamp((elite.reward - graph.baseline) * scale, 0.1, 3.0));
    }
    out.imitationLoss = policy.updateOn(targets, weights);
    // A conditioned policy also learns each elite's decisions from the
    // rest of it: what mostLikelyFitted()'s later rounds read.
    if (options.policy.conditioned)
      out.imitationLoss += policy.updateOnMasked(
          targets, weights,
          streamSeed(options.seed, round, index) ^ 0x6d61736bULL);
  }
  graph.baseline = 0.9 * graph.baseline + 0.1 * mean;
  graph.spread = 0.9 * graph.spread + 0.1 * std::sqrt(var);

  // What strategy=policy would place: the most likely placement, fitted
  // by confidence (its measured latency).
  curvePoints.push_back({round, totalEvaluations(), graph.name,
                         graph.evaluations(), graph.bestSpeedup(),
                         graph.nativeLatency / results.back().latency});
  return out;
}

void CorpusTrainer::Impl::updateElites(GraphState &graph,
                                       llvm::ArrayRef<Placement> placements,
                                       llvm::ArrayRef<EvalResult> results,
                                       llvm::ArrayRef<double> rewards) {
  // The best distinct valid placements measured on this graph.
  for (size_t k = 0; k < results.size(); ++k) {
    if (!results[k].valid)
      continue;
    if (graph.bestLatency == 0 || results[k].latency < graph.bestLatency)
      graph.bestLatency = results[k].latency;
    if (options.elites == 0)
      continue;
    Placement canonical = placements[k];
    rectify(*graph.measured, canonical);
    if (llvm::any_of(graph.elites,
                     [&](const Elite &e) { return e.placement == canonical; }))
      continue;
    graph.elites.push_back({canonical, rewards[k], results[k].latency});
    std::stable_sort(
        graph.elites.begin(), graph.elites.end(),
        [](const Elite &a, const Elite &b) { return a.reward > b.reward; });
    if (graph.elites.size() > options.elites)
      graph.elites.pop_back();
  }
}

std::string CorpusTrainer::checkpointText(double seconds) const {
  const Impl &s = *impl;
  json state;
  state["format"] = "egrl-train-checkpoint";
  state["version"] = 1;
  state["options"] = s.checkpointOptions();
  state["corpus"] = s.names;
  PolicyMetadata metadata;
  metadata.levels = s.levels;
  state["policy"] = json::parse(policyFileText(s.policy, metadata));
  state["adam"] = llvm::encodeBase64(s.policy.optimizerState());
  state["round"] = s.round;
  state["seconds"] = seconds;
  json saved = json::array();
  for (const GraphState &graph : s.graphs) {
    json e = json::array();
    for (const Elite &elite : graph.elites)
      e.push_back({{"placement", placementJSON(elite.placement)},
                   {"reward", elite.reward},
                   {"latency", elite.latency}});
    saved.push_back({{"digest", graph.digest},
                     {"evaluations", graph.evaluations()},
                     {"native_latency", graph.nativeLatency},
                     {"have_baseline", graph.haveBaseline},
                     {"baseline", graph.baseline},
                     {"spread", graph.spread},
                     {"best_latency", graph.bestLatency},
                     {"elites", std::move(e)}});
  }
  state["graphs"] = std::move(saved);
  json c = json::array(), l = json::array();
  for (const CurvePoint &p : s.curvePoints)
    c.push_back({p.round, p.evaluations, p.graph, p.graphEvaluations,
                 p.bestSpeedup, p.policySpeedup});
  for (const LossPoint &p : s.lossPoints)
    l.push_back({p.round, p.evaluations, p.reinforceLoss, p.imitationLoss,
                 p.meanReward, p.meanBestSpeedup});
  state["curves"] = std::move(c);
  state["losses"] = std::move(l);
  return state.dump() + "\n";
}

std::string CorpusTrainer::graphCurvesCsv() const {
  std::string csv = "round,evaluations,graph,graph_evaluations,"
                    "best_speedup,policy_speedup\n";
  for (const CurvePoint &p : impl->curvePoints)
    csv += llvm::formatv("{0},{1},{2},{3},{4:f5},{5:f5}\n", p.round,
                         p.evaluations, csvField(p.graph), p.graphEvaluations,
                         p.bestSpeedup, p.policySpeedup)
               .str();
  return csv;
}

std::string CorpusTrainer::lossCurvesCsv() const {
  std::string csv = "round,evaluations,reinforce_loss,imitation_loss,"
                    "mean_reward,mean_best_speedup\n";
  for (const LossPoint &p : impl->lossPoints)
    csv += llvm::formatv("{0},{1},{2:e},{3:e},{4:f5},{5:f5}\n", p.round,
                         p.evaluations, p.reinforceLoss, p.imitationLoss,
                         p.meanReward, p.meanBestSpeedup)
               .str();
  return csv;
}

const GnnPolicy &CorpusTrainer::policy() const { return impl->policy; }
const std::vector<std::string> &CorpusTrainer::graphNames() const {
  return impl->names;
}
const std::vector<std::string> &CorpusTrainer::seedCaveats() const {
  return impl->caveats;
}
const std::vector<std::string> &CorpusTrainer::levelNames() const {
  return impl->levels;
}
uint64_t CorpusTrainer::rounds() const { return impl->round; }
double CorpusTrainer::secondsBefore() const { return impl->earlierSeconds; }
size_t CorpusTrainer::numGraphs() const { return impl->graphs.size(); }
uint64_t CorpusTrainer::totalEvaluations() const {
  return impl->totalEvaluations();
}
double CorpusTrainer::meanBestSpeedup() const {
  return impl->meanBestSpeedup();
}
double CorpusTrainer::lastMeanReward() const {
  return impl->lossPoints.empty() ? 0 : impl->lossPoints.back().meanReward;
}
