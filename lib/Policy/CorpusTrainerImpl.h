//===- CorpusTrainerImpl.h - CorpusTrainer's state -------------*- C++ -*-===//
//
// Private to lib/Policy: the state behind CorpusTrainer's pimpl, shared by
// the algorithm (CorpusTrainer.cpp) and its checkpoints
// (CorpusCheckpoint.cpp), which write and restore all of it.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_POLICY_CORPUSTRAINERIMPL_H
#define EGRL_LIB_POLICY_CORPUSTRAINERIMPL_H

#include "egrl/Policy/CorpusTrainer.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace egrl {
namespace corpus_training {

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

inline GnnPolicyConfig policyConfig(const CorpusTrainerOptions &options) {
  GnnPolicyConfig config = options.policy;
  config.seed = options.seed;
  return config;
}

/// What a checkpoint records of a graph besides its name, so that a resumed
/// run refuses a graph whose contents changed under the same name.
std::string graphDigest(const WorkloadGraph &graph);

} // namespace corpus_training

struct CorpusTrainer::Impl {
  using CurvePoint = corpus_training::CurvePoint;
  using Elite = corpus_training::Elite;
  using GraphState = corpus_training::GraphState;
  using LossPoint = corpus_training::LossPoint;

  Impl(const CorpusTrainerOptions &options, std::vector<std::string> levels)
      : options(options), levels(std::move(levels)),
        policy(corpus_training::policyConfig(options),
               unsigned(this->levels.size())) {}

  /// Training options a checkpoint must agree with to be resumed.
  nlohmann::json checkpointOptions() const;
  /// The policy's parameters and Adam's state from a checkpoint (read at
  /// `path`), which must place on this run's levels.
  llvm::Error restorePolicy(const nlohmann::json &state, llvm::StringRef path);
  /// One graph's step of a round; returns its losses and mean reward.
  /// Nothing when the batch came back short or unanswered: a stop request
  /// (Ctrl-C) left the graph's tracker no budget, or its evaluator failed
  /// during the batch, so there is nothing to learn from.
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

} // namespace egrl

#endif // EGRL_LIB_POLICY_CORPUSTRAINERIMPL_H
