//===- Report.cpp - Placement summaries and JSON reports ------------------===//

#include "egrl/Search/Report.h"
#include "egrl/CostModel/Capacity.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <cmath>

using namespace egrl;
using json = nlohmann::json;

PlacementSummary
egrl::summarize(const Problem &problem, const Evaluator &evaluator,
                const SearchResult &result, const EvalResult &native,
                llvm::StringRef strategy, uint64_t seed, double wallSeconds) {
  const Problem &chip = evaluator.problem();
  PlacementSummary s;
  s.graph = problem.graph().name;
  s.target = problem.target().name;
  if (&chip.target() != &problem.target())
    s.simTarget = chip.target().name;
  s.strategy = strategy.str();
  s.evaluator = evaluator.name().str();
  s.granularity = problem.graph().granularity;
  s.seed = seed;
  s.numNodes = problem.numNodes();
  s.latency = result.result.latency;
  s.setNative(native);
  s.valid = result.result.valid;
  s.overflowBytes = result.result.overflowBytes;
  s.refused = result.result.refused;
  s.evaluations = result.evaluations;
  s.wallSeconds = wallSeconds;
  s.levels = chip.target().levelNameList();
  LevelBytes bytes = bytesPerLevel(chip, result.placement);
  s.weightBytes = bytes.weights;
  s.activationBytes = bytes.activations;
  s.peakBytes = peakResidentBytes(chip, result.placement);
  s.detail = result.detail;
  s.caveat = result.caveat;
  s.seeded = result.seeded;
  s.stopped = result.stopped;
  s.measurements = result.measurements;
  s.policyFile = result.policyFile;
  return s;
}

std::string egrl::formatBytes(int64_t bytes) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = double(bytes);
  unsigned unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  if (unit == 0)
    os << bytes << " B";
  else
    os << llvm::format("%.2f %s", value, units[unit]);
  return out;
}

std::string egrl::formatSpeedup(double ratio) {
  for (int decimals = 3;; ++decimals) {
    std::string text =
        llvm::formatv(("{0:F" + std::to_string(decimals) + "}").c_str(), ratio)
            .str();
    bool looksLikeOne = ratio != 1 && llvm::StringRef(text).rtrim('0') == "1.";
    if (!looksLikeOne || decimals == 6)
      return text + "x";
  }
}

std::string egrl::formatSeconds(double seconds) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (seconds >= 1)
    os << llvm::format("%.4g s", seconds);
  else if (seconds >= 1e-3)
    os << llvm::format("%.4g ms", seconds * 1e3);
  else
    os << llvm::format("%.4g us", seconds * 1e6);
  return out;
}

std::string egrl::summaryText(const PlacementSummary &s) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "placed " << s.numNodes << (s.numNodes == 1 ? " node" : " nodes")
     << " of @" << s.graph << " on " << s.target << " with " << s.strategy
     << " (" << s.evaluator << (s.simTarget.empty() ? "" : " on " + s.simTarget)
     << "): latency "
     << (std::isfinite(s.latency) ? formatSeconds(s.latency)
         // The remark's "stopped: ..." says why (an evaluator that failed, a
         // signal, a function not measured again after a stop).
         : !s.stopped.empty()
             ? std::string("unmeasured")
             : std::string("unmeasured (the evaluator failed)"));
  if (s.measurements.size() > 1) {
    auto [low, high] =
        std::minmax_element(s.measurements.begin(), s.measurements.end());
    os << " (median of " << s.measurements.size() << ", "
       << formatSeconds(*low) << " to " << formatSeconds(*high) << ")";
  }
  os << ", ";
  if (s.nativeLatency > 0 && (!std::isfinite(s.latency) || s.refused))
    os << "native " << formatSeconds(s.nativeLatency) << ", ";
  else if (s.nativeLatency > 0)
    os << formatSpeedup(s.speedup()) << " vs native ("
       << formatSeconds(s.nativeLatency)
       << (s.nativeValid ? "" : ", which the chip could not run as given")
       << "), ";
  else
    os << "native unmeasured, ";
  // A placement the evaluator never answered for was rectified, so it
  // fits, but the evaluator did not say so.
  if (!std::isfinite(s.latency))
    os << "validity unmeasured";
  else
    os << (s.valid ? "valid"
           // The evaluator refused it (an external command's "valid":
           // false), rectified or not.
           : s.refused || s.overflowBytes == 0
               ? "INVALID (the evaluator says the chip cannot run it as given)"
               : "INVALID (rectified, " + formatBytes(s.overflowBytes) +
                     " overflowed)");
  os << "; weights:";
  for (size_t l = 0; l < s.levels.size(); ++l)
    os << " " << s.levels[l] << " " << formatBytes(s.weightBytes[l]);
  os << "; activations:";
  for (size_t l = 0; l < s.levels.size(); ++l)
    os << " " << s.levels[l] << " " << formatBytes(s.activationBytes[l]);
  // The totals above sum every tensor ever placed in a level; what must fit
  // is the most resident at once.
  os << "; peak resident:";
  for (size_t l = 0; l < s.levels.size(); ++l)
    os << " " << s.levels[l] << " " << formatBytes(s.peakBytes[l]);
  if (!s.seeded.empty())
    os << "; seed-from " << s.seeded;
  // Not "stopped early": a measurement after a completed search (native's)
  // can fail too, and `stopped` says which.
  if (!s.stopped.empty())
    os << "; stopped: " << s.stopped;
  if (!s.policyFile.empty())
    os << "; policy " << s.policyFile;
  return out;
}

std::string egrl::reportJSON(const std::vector<PlacementSummary> &summaries,
                             const std::vector<const Problem *> &problems,
                             const std::vector<const SearchResult *> &results) {
  json functions = json::array();
  for (size_t f = 0; f < summaries.size(); ++f) {
    const PlacementSummary &s = summaries[f];
    const Problem &problem = *problems[f];
    const SearchResult &result = *results[f];
    json levels = json::array();
    for (size_t l = 0; l < s.levels.size(); ++l)
      levels.push_back({{"name", s.levels[l]},
                        {"weight_bytes", s.weightBytes[l]},
                        {"activation_bytes", s.activationBytes[l]},
                        {"peak_resident_bytes", s.peakBytes[l]},
                        {"usable_bytes", problem.usableBytes[l]}});
    json nodes = json::array();
    for (unsigned i = 0; i < problem.numNodes(); ++i) {
      const Node &node = problem.graph().nodes[i];
      json entry = {{"index", i},
                    {"name", node.name},
                    {"loc", node.location},
                    {"output", s.levels[result.placement[i].output]},
                    {"output_bytes", problem.outputBytes[i]}};
      if (problem.hasWeights(i)) {
        entry["weights"] = s.levels[result.placement[i].weights];
        entry["weight_bytes"] = problem.weightBytes[i];
      }
      nodes.push_back(std::move(entry));
    }
    auto measuredOrNull = [](double value) {
      return std::isfinite(value) && value > 0 ? json(value) : json();
    };
    json history = json::array();
    for (const HistoryPoint &point : result.history)
      history.push_back({{"evaluations", point.evaluations},
                         {"best_latency_s", point.bestLatency},
                         {"wall_s", point.wallSeconds}});
    json entry = {
        {"function", s.graph},
        {"target", s.target},
        {"strategy", s.strategy},
        {"evaluator", s.evaluator},
        {"granularity", s.granularity},
        {"seed", s.seed},
        // What a stop or a caveat is read against: an egrl run that stopped
        // early, a result measured fewer than `repeats` times.
        {"budget", s.budget ? json(s.budget) : json()},
        {"repeats", s.repeats},
        {"nodes", s.numNodes},
        {"latency_s", s.latency},
        // Unmeasured (an evaluator that failed): null, not 0.
        {"native_latency_s", measuredOrNull(s.nativeLatency)},
        {"native_valid", s.nativeLatency > 0 ? json(s.nativeValid) : json()},
        // Unmeasured, or refused by the chip: no time to compare.
        {"speedup_vs_native", std::isfinite(s.latency) && !s.refused
                                  ? measuredOrNull(s.speedup())
                                  : json()},
        // Unmeasured: the evaluator did not say.
        {"valid", std::isfinite(s.latency) ? json(s.valid) : json()},
        {"overflow_bytes", s.overflowBytes},
        {"refused", s.refused},
        {"evaluations", s.evaluations},
        {"wall_s", s.wallSeconds},
        {"detail", s.detail},
        {"caveat", s.caveat},
        {"levels", std::move(levels)},
        {"history", std::move(history)},
        {"placement", std::move(nodes)}};
    if (!s.simTarget.empty())
      entry["sim_target"] = s.simTarget;
    if (!s.seeded.empty())
      entry["seeded"] = s.seeded;
    if (!s.stopped.empty())
      entry["stopped"] = s.stopped;
    if (!s.measurements.empty())
      entry["measurements_s"] = s.measurements;
    if (!s.policyFile.empty())
      entry["policy"] = s.policyFile;
    // Population searches (egrl): who produced what, generation by
    // generation. Latencies of 0 (nothing valid) are written as null.
    if (!result.generations.empty()) {
      auto latency = [](double value) {
        return value > 0 ? json(value) : json();
      };
      json generations = json::array();
      for (const GenerationPoint &g : result.generations)
        generations.push_back(
            {{"generation", g.generation},
             {"evaluations", g.evaluations},
             {"population_best_latency_s", latency(g.populationBest)},
             {"learner_best_latency_s", latency(g.learnerBest)},
             {"best_latency_s", latency(g.bestSoFar)},
             {"champion", g.champion}});
      entry["generations"] = std::move(generations);
    }
    functions.push_back(std::move(entry));
  }
  return json{{"format", "egrl-placement-report"},
              {"version", 1},
              {"functions", std::move(functions)}}
      .dump(2, ' ', false, json::error_handler_t::replace);
}
