//===- Portfolio.cpp - Greedy on plausible models of the chip, measured ---===//
//
// A compiler's model gets a chip's structure right more often than its
// rates: a DRAM that sustains half its peak under load, a newer part with
// twice the compute (docs/mismatch.md). Measured, the placements search
// finds on such chips are those greedy plans on the model with one rate
// halved or doubled. So this strategy plans greedy on the target and on
// each variant with one rate (the compute rates, or one level's bandwidth)
// halved and doubled, measures each distinct placement once, and keeps the
// fastest: model-based placement for a chip the model may not describe, in
// at most 1 + 2 (levels + 1) measurements. On a chip the model describes it
// is greedy's placement, measured once more than greedy measures it.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Strategy.h"

#include <cstdio>

using namespace egrl;

namespace {

/// A greedy placement and the chip it was planned on: kOnTarget or the
/// rate that differs from it ("compute x2", "dram bandwidth x0.5").
constexpr const char *kOnTarget = "the target";
struct BeliefPlan {
  std::string belief;
  Placement placement;
};

llvm::Expected<std::vector<BeliefPlan>>
planOnBeliefs(const Problem &problem, const AnalyticalModel &model);

/// The target with one rate scaled: the compute rates (`level` none) or one
/// level's bandwidth.
Target scaled(const Target &target, std::optional<unsigned> level,
              double factor) {
  Target variant = target;
  if (level) {
    variant.levels[*level].bandwidth *= factor;
  } else {
    variant.macRate *= factor;
    variant.vectorRate *= factor;
  }
  return variant;
}

class PortfolioStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "portfolio"; }
  bool searchesAt(uint64_t) const override { return false; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    llvm::Expected<std::vector<BeliefPlan>> plans =
        planOnBeliefs(context.problem, context.model);
    if (!plans)
      return plans.takeError();
    std::vector<Placement> placements;
    for (const BeliefPlan &plan : *plans)
      placements.push_back(plan.placement);
    // Every plan is measured, whatever the budget: like greedy's one
    // placement, they are the strategy's answer, not a search's steps.
    SearchContext measuring = context;
    measuring.options.budget =
        std::max<uint64_t>(context.options.budget,
                           placements.size() * context.options.repeats);
    EvaluationTracker tracker(measuring);
    size_t measured = tracker.evaluateBatch(placements).size();
    SearchResult result = tracker.finish();
    // The plan the result is (rectified, as the tracker keeps it): with
    // repeats, the one re-measured, not the fastest single measurement.
    size_t fastest = 0;
    for (size_t i = 0; i < measured; ++i) {
      Placement fitted = placements[i];
      rectify(context.evaluator.problem(), fitted);
      if (fitted == result.placement) {
        fastest = i;
        break;
      }
    }
    // Fewer are measured only when a stop was requested.
    result.detail =
        (measured < placements.size() ? std::to_string(measured) + " of "
                                      : std::string()) +
        std::to_string(placements.size()) +
        " distinct greedy placements measured";
    if (measured > 0)
      result.detail += "; the fastest planned on " + (*plans)[fastest].belief;
    return result;
  }
};

} // namespace

namespace {

llvm::Expected<std::vector<BeliefPlan>>
planOnBeliefs(const Problem &problem, const AnalyticalModel &model) {
  const Target &target = problem.target();
  std::vector<BeliefPlan> plans;
  auto plan = [&](const Problem &believed, const AnalyticalModel &planModel,
                  std::string belief) -> llvm::Error {
    SearchContext modelContext{believed, planModel, planModel, {}};
    auto greedy = llvm::cantFail(createStrategy("greedy"))->run(modelContext);
    if (!greedy)
      return greedy.takeError();
    // Variants that plan the same placement are measured once.
    if (llvm::any_of(plans, [&](const BeliefPlan &earlier) {
          return earlier.placement == greedy->placement;
        }))
      return llvm::Error::success();
    plans.push_back({std::move(belief), std::move(greedy->placement)});
    return llvm::Error::success();
  };
  if (llvm::Error error = plan(problem, model, kOnTarget))
    return std::move(error);
  for (double factor : {0.5, 2.0}) {
    char times[16];
    std::snprintf(times, sizeof(times), " x%g", factor);
    for (unsigned l = 0; l <= target.numLevels(); ++l) {
      std::optional<unsigned> level;
      if (l < target.numLevels())
        level = l;
      Target variant = scaled(target, level, factor);
      Problem believed(problem.graph(), variant);
      AnalyticalModel variantModel(believed);
      std::string belief =
          (level ? target.levels[*level].name + " bandwidth" : "compute") +
          times;
      if (llvm::Error error = plan(believed, variantModel, std::move(belief)))
        return std::move(error);
    }
  }
  return plans;
}

} // namespace

llvm::Expected<std::vector<SeedPlacement>>
egrl::portfolioPlans(const Problem &problem, const AnalyticalModel &model) {
  llvm::Expected<std::vector<BeliefPlan>> plans = planOnBeliefs(problem, model);
  if (!plans)
    return plans.takeError();
  std::vector<SeedPlacement> seeds;
  for (BeliefPlan &plan : *plans)
    seeds.push_back({plan.belief == kOnTarget ? std::string("greedy")
                                              : "greedy on " + plan.belief,
                     std::move(plan.placement),
                     {},
                     {}});
  return seeds;
}

static RegisterStrategy<PortfolioStrategy> registration("portfolio");
