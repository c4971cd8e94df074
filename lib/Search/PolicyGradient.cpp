//===- PolicyGradient.cpp - A GNN policy trained by REINFORCE alone -------===//
//
// The paper's `pg` baseline: no population. Each round samples a batch of
// placements from the GNN policy (egrl/Policy/GnnPolicy.h), measures them on
// the evaluator, and takes one REINFORCE step with the batch-mean reward as
// baseline and normalised advantages; a sample measured before gets its
// remembered reward without a measurement. The reward is the paper's
// (speedup^2 - 1 over native when valid, below -1 when not). Measuring the
// native placement first costs one evaluation of the budget.
//
//===----------------------------------------------------------------------===//

#include "egrl/Policy/GnnPolicy.h"
#include "egrl/Search/Strategy.h"

#include "llvm/Support/Compiler.h"

#include <cmath>
#include <numeric>

using namespace egrl;

namespace {

class PolicyGradientStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "pg"; }
  /// A GNN trained from scratch on the graph: a placement is not a policy.
  bool takesSeeds() const override { return false; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    const Problem &problem = context.problem;
    EvaluationTracker tracker(context);
    if (problem.numNodes() == 0 || context.options.budget == 0)
      return tracker.finish();
    tracker.rememberMeasurements();
    NativeReward reward(tracker, problem);

    GnnPolicyConfig config;
    config.seed = context.options.seed;
    GnnPolicy policy(config, problem.numLevels());
    policy.bind(problem);

    constexpr unsigned kBatch = 8;
    unsigned round = 0, updates = 0;
    double lastLoss = 0;
    while (tracker.remaining() > 0) {
      unsigned count = unsigned(std::min<uint64_t>(kBatch, tracker.remaining()));
      std::vector<Placement> batch = policy.sample(
          count, context.options.seed * 1000003ULL + round++);
      std::vector<EvalResult> results = tracker.evaluateBatchOnce(batch);
      if (results.size() < 2)
        continue; // One sample has no baseline to learn from.
      std::vector<double> rewards;
      for (const EvalResult &r : results)
        rewards.push_back(reward(r));
      double mean = std::accumulate(rewards.begin(), rewards.end(), 0.0) /
                    rewards.size();
      double var = 0;
      for (double r : rewards)
        var += (r - mean) * (r - mean);
      double scale = 1.0 / (std::sqrt(var / rewards.size()) + 1e-8);
      std::vector<double> advantages;
      for (double r : rewards)
        advantages.push_back((r - mean) * scale);
      lastLoss = policy.update(advantages);
      ++updates;
    }
    SearchResult result = tracker.finish();
    result.detail = std::to_string(updates) + " policy updates, last loss " +
                    std::to_string(lastLoss) + tracker.repeatingNote();
    return result;
  }
};

} // namespace

static RegisterStrategy<PolicyGradientStrategy> registration("pg");
