//===- CorpusCheckpoint.cpp - egrl-train's checkpoints --------------------===//
//
// A checkpoint holds everything a round boundary needs (network, Adam state,
// baselines, elites, curves), so a resumed run ends where the uninterrupted
// one would. It is a file a user can edit: resume() checks every value that
// indexes or counts before using it. docs/training.md.
//
//===----------------------------------------------------------------------===//

#include "CorpusTrainerImpl.h"

#include "egrl/Policy/PolicyFile.h"
#include "egrl/Support/Json.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/xxhash.h"

#include <cmath>
#include <limits>
#include <optional>
#include <set>

using namespace egrl;
using namespace egrl::corpus_training;
using json = nlohmann::json;

namespace {

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

/// Counts a checkpoint may hold: far past any run, short of overflow.
constexpr int64_t kMany = int64_t(1) << 50;

llvm::Error checkpointError(llvm::StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(path + ": " + message);
}

/// Entry `k` of a curve row as a count, or nullopt.
std::optional<uint64_t> countAt(const json &row, size_t k) {
  if (!row.is_array() || k >= row.size())
    return std::nullopt;
  std::optional<int64_t> count = exactInteger(row[k], 0, kMany);
  return count ? std::optional<uint64_t>(uint64_t(*count)) : std::nullopt;
}

/// Entry `k` of a curve row as a number (a NaN was written as null), or
/// nullopt.
std::optional<double> numberAt(const json &row, size_t k) {
  if (!row.is_array() || k >= row.size())
    return std::nullopt;
  if (row[k].is_null())
    return std::numeric_limits<double>::quiet_NaN();
  if (!row[k].is_number())
    return std::nullopt;
  return row[k].get<double>();
}

/// A number, finite and at least `min`.
/// The least latency a checkpoint holds, as an external evaluator's least
/// answer: less is units gone wrong.
constexpr double kLeastLatency = 1e-15;

bool finiteAtLeast(const json &value, double min) {
  return value.is_number() && std::isfinite(value.get<double>()) &&
         value.get<double>() >= min;
}

/// The options `written` and `options` give differently, named (a chip's
/// whole description is too long to show); empty if none.
std::string optionDifferences(const json &written, const json &options) {
  std::set<std::string> keys;
  for (const json *side : {&written, &options})
    if (side->is_object())
      for (auto it = side->begin(); it != side->end(); ++it)
        keys.insert(it.key());
  std::string differences;
  for (const std::string &key : keys) {
    json there = written.value(key, json()), here = options.value(key, json());
    if (there == here)
      continue;
    differences += differences.empty() ? "'" : "; '";
    differences += key + "'";
    differences +=
        llvm::StringRef(key).ends_with("_spec")
            ? " (the chip's description differs)"
            : " is " + there.dump() + " there, " + here.dump() + " here";
  }
  return differences;
}

/// Per-graph state is kept in order: the same graphs in another order are
/// not the same run.
llvm::Error checkSameCorpus(const json &state,
                            const std::vector<std::string> &names,
                            llvm::StringRef path) {
  std::vector<std::string> corpus =
      state.at("corpus").get<std::vector<std::string>>();
  if (corpus == names)
    return llvm::Error::success();
  std::vector<std::string> sortedThere = corpus, sortedHere = names;
  llvm::sort(sortedThere);
  llvm::sort(sortedHere);
  if (sortedThere == sortedHere)
    return checkpointError(
        path, "written for the same graphs in another order: give them in "
              "the checkpoint's order, " +
                  state.at("corpus").dump());
  return checkpointError(
      path, "written for another corpus: " + state.at("corpus").dump() +
                ", this run's " + json(names).dump());
}

/// One graph's baseline, spread, latencies and elites, each checked before
/// it is used: a checkpoint is a file a user can edit.
llvm::Error restoreGraph(const json &entry, unsigned maxElites,
                         corpus_training::GraphState &graph,
                         llvm::StringRef path) {
  auto corrupt = [&](const llvm::Twine &what) {
    return checkpointError(path, "corrupt checkpoint: graph '" + graph.name +
                                     "': " + what);
  };
  // Checkpoints before 2026-12-04 hold no digest: names only.
  if (entry.contains("digest") && entry.at("digest") != json(graph.digest))
    return checkpointError(path, "graph '" + graph.name +
                                     "' is not the graph the checkpoint was "
                                     "written for: its contents changed "
                                     "under the same name");
  auto evaluations = exactInteger(entry.at("evaluations"), 1, kMany);
  if (!evaluations)
    return corrupt("\"evaluations\" must be a positive integer");
  // A femtosecond is units gone wrong, as in an evaluator's answer, and
  // the speed-ups it would make (1e300x) are no measurement's.
  if (!finiteAtLeast(entry.at("native_latency"), kLeastLatency) ||
      !finiteAtLeast(entry.at("best_latency"), 0) ||
      (entry.at("best_latency").get<double>() != 0 &&
       entry.at("best_latency").get<double>() < kLeastLatency) ||
      !finiteAtLeast(entry.at("spread"), 0) ||
      !finiteAtLeast(entry.at("baseline"), -1e300))
    return corrupt("latencies, baseline and spread must be finite, "
                   "native's latency and the best one (0: none yet) at least "
                   "1e-15 s and spread non-negative");
  graph.evaluationsBefore = uint64_t(*evaluations);
  graph.nativeLatency = entry.at("native_latency").get<double>();
  graph.haveBaseline = entry.at("have_baseline").get<bool>();
  graph.baseline = entry.at("baseline").get<double>();
  graph.spread = entry.at("spread").get<double>();
  graph.bestLatency = entry.at("best_latency").get<double>();
  const Problem &problem = graph.context->problem;
  const json &elites = entry.at("elites");
  if (elites.size() > maxElites)
    return corrupt(llvm::Twine(elites.size()) + " elites, --elites is " +
                   llvm::Twine(maxElites));
  for (const json &e : elites) {
    std::optional<Placement> placement =
        placementFrom(e.at("placement"), problem);
    if (!placement)
      return corrupt(
          "an elite placement is not " + llvm::Twine(problem.numNodes()) +
          " pairs of levels below " + llvm::Twine(problem.numLevels()));
    if (!finiteAtLeast(e.at("reward"), -1e300) ||
        !finiteAtLeast(e.at("latency"), kLeastLatency))
      return corrupt("an elite's reward must be a finite number and its "
                     "latency a finite number of at least 1e-15 s");
    graph.elites.push_back({std::move(*placement), e.at("reward").get<double>(),
                            e.at("latency").get<double>()});
  }
  return llvm::Error::success();
}

} // namespace

/// What a checkpoint records of a graph besides its name, so that a resumed
/// run refuses a graph whose contents changed under the same name.
/// Locations are left out: an .mlir file without explicit ones locates its
/// ops by the path it was given, and the same graph may come from elsewhere.
std::string corpus_training::graphDigest(const WorkloadGraph &graph) {
  json contents = json::parse(graph.toJSON(0));
  for (json &node : contents["nodes"])
    node.erase("loc");
  return llvm::utohexstr(llvm::xxh3_64bits(contents.dump()),
                         /*LowerCase=*/true, /*Width=*/16);
}

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

llvm::Error CorpusTrainer::resume(llvm::StringRef text, llvm::StringRef path) {
  auto fail = [&](const llvm::Twine &message) {
    return checkpointError(path, message);
  };
  // Truncated (a copy cut short) or edited: say where.
  llvm::Expected<json> parsed = parseJsonInput(
      text, "not valid JSON (an egrl-train checkpoint cut short?)");
  if (!parsed)
    return fail(llvm::toString(parsed.takeError()));
  json state = std::move(*parsed);
  if (!state.is_object() ||
      state.value("format", "") != "egrl-train-checkpoint")
    return fail("not an egrl-train checkpoint");
  // A field checkpointText() does not write is an edit this build cannot
  // honour.
  if (auto unknown = unknownField(
          state, {"format", "version", "options", "corpus", "policy", "adam",
                  "round", "seconds", "graphs", "curves", "losses"}))
    return fail("corrupt checkpoint: field \"" + unknown->first +
                "\": " + unknown->second);
  Impl &s = *impl;
  // A checkpoint is a file a user can edit: every value that indexes or
  // counts is checked before it is used (an elite with level 7 or too few
  // nodes would index past the network's tensors).
  try {
    if (state.at("version") != 1)
      return fail("checkpoint version " + state.at("version").dump() +
                  ", this build reads version 1");
    const json &written = state.at("options");
    if (const json options = s.checkpointOptions(); written != options) {
      std::string differences = optionDifferences(written, options);
      return fail("written with other training options: " +
                  (differences.empty() ? written.dump() : differences));
    }
    if (llvm::Error err = checkSameCorpus(state, s.names, path))
      return err;
    if (llvm::Error err = s.restorePolicy(state, path))
      return err;
    auto round = exactInteger(state.at("round"), 0, kMany);
    if (!round || !finiteAtLeast(state.at("seconds"), 0))
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
    for (size_t g = 0; g < s.graphs.size(); ++g)
      if (llvm::Error err =
              restoreGraph(saved.at(g), s.options.elites, s.graphs[g], path))
        return err;
    // Every round measures each graph at least once, after its native.
    for (const GraphState &graph : s.graphs)
      if (s.round >= graph.evaluationsBefore)
        return fail("corrupt checkpoint: round " + llvm::Twine(s.round) +
                    " after only " + llvm::Twine(graph.evaluationsBefore) +
                    " evaluations of graph '" + graph.name + "'");
    for (const json &c : state.at("curves")) {
      auto round = countAt(c, 0), evaluations = countAt(c, 1),
           graphEvaluations = countAt(c, 3);
      auto best = numberAt(c, 4), policy = numberAt(c, 5);
      if (!c.is_array() || c.size() != 6 || !c[2].is_string() || !round ||
          !evaluations || !graphEvaluations || !best || !policy)
        return fail("corrupt checkpoint: a row of \"curves\" is not round, "
                    "evaluations, graph, its evaluations and two speed-ups: " +
                    c.dump());
      s.curvePoints.push_back({*round, *evaluations, c[2].get<std::string>(),
                               *graphEvaluations, *best, *policy});
    }
    for (const json &l : state.at("losses")) {
      auto round = countAt(l, 0), evaluations = countAt(l, 1);
      std::optional<double> numbers[4] = {numberAt(l, 2), numberAt(l, 3),
                                          numberAt(l, 4), numberAt(l, 5)};
      if (!l.is_array() || l.size() != 6 || !round || !evaluations ||
          !llvm::all_of(numbers, [](auto x) { return x.has_value(); }))
        return fail("corrupt checkpoint: a row of \"losses\" is not round, "
                    "evaluations and four numbers: " +
                    l.dump());
      s.lossPoints.push_back({*round, *evaluations, *numbers[0], *numbers[1],
                              *numbers[2], *numbers[3]});
    }
    // A round writes one row of losses and one row of curves per graph, in
    // order: rows cut or a round edited would resume into broken curves
    // and, since samples are seeded by round, another policy.
    const uint64_t numGraphs = s.graphs.size();
    bool rowsFit = s.lossPoints.size() == s.round &&
                   s.curvePoints.size() == s.round * numGraphs;
    for (size_t k = 0; rowsFit && k < s.lossPoints.size(); ++k)
      rowsFit = s.lossPoints[k].round == k;
    for (size_t k = 0; rowsFit && k < s.curvePoints.size(); ++k)
      rowsFit = s.curvePoints[k].round == k / numGraphs;
    if (!rowsFit)
      return fail("corrupt checkpoint: round " + llvm::Twine(s.round) + " of " +
                  llvm::Twine(numGraphs) + " graphs needs " +
                  llvm::Twine(s.round) + " rows of \"losses\" and " +
                  llvm::Twine(s.round * numGraphs) +
                  " of \"curves\", one per round (and graph) in order; it "
                  "has " +
                  llvm::Twine(s.lossPoints.size()) + " and " +
                  llvm::Twine(s.curvePoints.size()));
  } catch (const json::exception &e) {
    return fail("corrupt checkpoint: " + describeJsonException(e));
  }
  return llvm::Error::success();
}

llvm::Error CorpusTrainer::Impl::restorePolicy(const json &state,
                                               llvm::StringRef path) {
  Impl &s = *this;
  auto loaded = parsePolicyFile(state.at("policy").dump(), path);
  if (!loaded)
    return loaded.takeError();
  if (loaded->metadata.levels != s.levels)
    return checkpointError(path, "the checkpoint's policy places on levels " +
                                     llvm::join(loaded->metadata.levels, ", ") +
                                     ", this run's target has " +
                                     llvm::join(s.levels, ", "));
  // The options compared above are the run's; the network stored beside
  // them is checked too, since its parameters are copied tensor by tensor.
  const GnnPolicyConfig &config = s.options.policy;
  const PolicyMetadata &stored = loaded->metadata;
  if (stored.hidden != config.hidden || stored.layers != config.layers ||
      stored.conditioned != config.conditioned)
    return checkpointError(
        path, "corrupt checkpoint: its policy has hidden " +
                  llvm::Twine(stored.hidden) + ", " +
                  llvm::Twine(stored.layers) + " layers" +
                  (stored.conditioned ? ", conditioned" : "") +
                  ", its options hidden " + llvm::Twine(config.hidden) + ", " +
                  llvm::Twine(config.layers) + " layers" +
                  (config.conditioned ? ", conditioned" : ""));
  s.policy.copyParametersFrom(*loaded->policy);
  const std::string encodedAdam = state.at("adam").get<std::string>();
  if (encodedAdam.empty())
    return checkpointError(path,
                           "corrupt checkpoint: no optimizer state (\"adam\")");
  std::vector<char> adam;
  if (llvm::Error err = llvm::decodeBase64(encodedAdam, adam))
    return checkpointError(path, "corrupt checkpoint: optimizer state: " +
                                     llvm::toString(std::move(err)));
  if (llvm::Error err =
          s.policy.setOptimizerState(llvm::StringRef(adam.data(), adam.size())))
    return checkpointError(path, llvm::toString(std::move(err)));
  return llvm::Error::success();
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
