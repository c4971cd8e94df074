//===- Seeding.cpp - What a search may start from -------------------------===//
//
// One helper serves every search that takes seeds (anneal, ea, random, and
// egrl later), so `seed-from` means the same to all of them. The
// model-based placements are planned on the compiler's model, which costs
// no measurement, and each distinct one is then measured once on the
// evaluator, which counts in the budget like any other measurement.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Strategy.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace egrl;

llvm::Expected<std::vector<SeedPlacement>>
egrl::distinctSeeds(const SearchContext &context) {
  std::vector<SeedPlacement> candidates;
  SeedFrom from = context.options.seedFrom;
  if (from == SeedFrom::None || context.problem.numNodes() == 0)
    return candidates;
  candidates.push_back({"native", nativePlacement(context.problem), {}});
  if (plansModelSeeds(from)) {
    if (const auto &planned = context.options.modelPlans) {
      candidates.insert(candidates.end(), planned->begin(), planned->end());
    } else {
      llvm::Expected<std::vector<SeedPlacement>> plans =
          planModelSeeds(context);
      if (!plans)
        return plans.takeError();
      for (SeedPlacement &plan : *plans)
        candidates.push_back(std::move(plan));
    }
  }

  // As the chip would run them; a placement equal to an earlier one (greedy
  // is often ilp's optimum) is one seed, named by both.
  std::vector<SeedPlacement> seeds;
  std::vector<Placement> distinct;
  for (SeedPlacement &candidate : candidates) {
    rectify(context.evaluator.problem(), candidate.placement);
    auto same = llvm::find(distinct, candidate.placement);
    if (same != distinct.end()) {
      SeedPlacement &earlier = seeds[same - distinct.begin()];
      earlier.source += "=" + candidate.source;
      if (earlier.caveat.empty())
        earlier.caveat = candidate.caveat;
      continue;
    }
    distinct.push_back(candidate.placement);
    seeds.push_back(std::move(candidate));
  }
  return seeds;
}

llvm::Expected<std::vector<SeedPlacement>>
egrl::seedPlacements(const SearchContext &context, EvaluationTracker &tracker,
                     std::vector<std::string> *unmeasured) {
  llvm::Expected<std::vector<SeedPlacement>> planned = distinctSeeds(context);
  if (!planned)
    return planned.takeError();
  std::vector<SeedPlacement> seeds = std::move(*planned);
  if (seeds.empty())
    return seeds;
  // Each measured once, as the chip would run it.
  std::vector<Placement> distinct;
  for (const SeedPlacement &seed : seeds)
    distinct.push_back(seed.placement);
  // A budget that cannot measure every seed measures those the model rates
  // fastest first (native among them), not native first: with repeats K a
  // budget of K measured native alone, K times, where budgets of K - 1 and
  // K + 1 measured greedy's placement (outside tester s41).
  if (tracker.remaining() < distinct.size()) {
    std::vector<double> predicted;
    for (const Placement &placement : distinct) {
      EvalResult onModel = context.model.evaluate(placement);
      predicted.push_back(onModel.valid && std::isfinite(onModel.latency)
                              ? onModel.latency
                              : std::numeric_limits<double>::infinity());
    }
    std::vector<size_t> order(distinct.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return predicted[a] < predicted[b];
    });
    std::vector<SeedPlacement> byModel;
    std::vector<Placement> distinctByModel;
    for (size_t k : order) {
      byModel.push_back(std::move(seeds[k]));
      distinctByModel.push_back(std::move(distinct[k]));
    }
    seeds = std::move(byModel);
    distinct = std::move(distinctByModel);
    // Native among those measured, whatever the model thinks of it: it is
    // the reward's reference, which the search measures anyway, so left
    // out it cost a measurement past the budget, or one kept for a
    // trained policy's placement (outside tester s43: seeded egrl at
    // budget 2 measured 3; refined, a policy returned greedy's placement,
    // 27% slower than its own). Not with repeats K > 1: there a seed is
    // crowned by K measurements, and a budget of K would measure native
    // alone where the model's best seed was wanted (outside tester s41).
    size_t room = context.options.repeats <= 1 ? tracker.remaining() : 0;
    auto native = llvm::find_if(seeds, [](const SeedPlacement &seed) {
      return SeedPlacement::isNative(seed.source);
    });
    if (room > 0 && native != seeds.end() &&
        size_t(native - seeds.begin()) >= room) {
      size_t at = native - seeds.begin();
      std::rotate(seeds.begin() + room - 1, seeds.begin() + at,
                  seeds.begin() + at + 1);
      std::rotate(distinct.begin() + room - 1, distinct.begin() + at,
                  distinct.begin() + at + 1);
    }
  }
  tracker.evaluateBatch(distinct);
  // As the tracker judged them: with repeats K > 1 a seed that became the
  // incumbent is the median of its K measurements, so seeds rank, and
  // native serves as the reward's reference, as the result will.
  llvm::ArrayRef<EvalResult> judged = tracker.judgedLast();
  if (unmeasured)
    for (size_t k = judged.size(); k < seeds.size(); ++k)
      unmeasured->push_back(seeds[k].source);
  seeds.resize(judged.size());
  for (size_t k = 0; k < judged.size(); ++k)
    seeds[k].result = judged[k];
  std::stable_sort(seeds.begin(), seeds.end(),
                   [](const SeedPlacement &a, const SeedPlacement &b) {
                     return measuredBetter(a.result, b.result);
                   });
  return seeds;
}

llvm::Expected<std::vector<SeedPlacement>>
egrl::planModelSeeds(const SearchContext &context) {
  // Planned on the model alone: its one evaluation is the model's own.
  SearchContext modelContext{context.problem, context.model, context.model, {}};
  modelContext.options.budget = 1;
  modelContext.options.threads = context.options.threads;
  modelContext.options.timeLimitSeconds = context.options.timeLimitSeconds;
  // ilp's solve can take its whole time limit: its progress line says so,
  // under the search's name (a one-evaluation plan prints no other line).
  modelContext.options.progress = context.options.progress;
  modelContext.options.progressLabel =
      context.options.progressLabel +
      ": planning seed-from=" + seedFromName(context.options.seedFrom).str();
  // With portfolio, its first plan is greedy's own: planned once.
  std::vector<SeedPlacement> variants;
  if (context.options.seedFrom == SeedFrom::Portfolio) {
    llvm::Expected<std::vector<SeedPlacement>> portfolio =
        portfolioPlans(context.problem, context.model);
    if (!portfolio)
      return portfolio.takeError();
    variants = std::move(*portfolio);
  }
  std::vector<SeedPlacement> plans;
  // dp last: ilp's optimum of the model is often greedy's placement, and
  // dp's per-tensor knapsack a different one, which on a chip the model
  // describes wrongly has measured faster than both (docs/mismatch.md).
  for (llvm::StringRef name : {"greedy", "ilp", "dp"}) {
    if (name == "greedy" && !variants.empty()) {
      plans.push_back(std::move(variants.front()));
      continue;
    }
    llvm::Expected<std::unique_ptr<Strategy>> strategy = createStrategy(name);
    if (!strategy)
      return strategy.takeError();
    llvm::Expected<SearchResult> planned = (*strategy)->run(modelContext);
    if (!planned)
      return planned.takeError();
    plans.push_back(
        {name.str(), std::move(planned->placement), {}, planned->caveat});
  }
  for (size_t k = 1; k < variants.size(); ++k)
    plans.push_back(std::move(variants[k]));
  return plans;
}

std::string egrl::describeSeeds(SeedFrom from,
                                llvm::ArrayRef<SeedPlacement> seeds) {
  std::string out = seedFromName(from).str();
  if (seeds.empty())
    return out;
  out += ": " + seeds.front().source;
  if (seeds.size() > 1) {
    out += " (best of";
    for (const SeedPlacement &seed : seeds)
      out += " " + seed.source + (&seed == &seeds.back() ? ")" : ",");
  }
  return out;
}

void egrl::recordSeeds(SearchResult &result, const SearchOptions &options,
                       llvm::ArrayRef<SeedPlacement> seeds,
                       llvm::ArrayRef<std::string> unmeasured,
                       size_t alsoMeasured) {
  const SeedFrom from = options.seedFrom;
  result.seeded = describeSeeds(from, seeds);
  auto addCaveat = [&](const std::string &text) {
    result.caveat += (result.caveat.empty() ? "" : "; ") + text;
  };
  for (const SeedPlacement &seed : seeds)
    if (!seed.caveat.empty()) {
      addCaveat("the seed " + seed.source + " (" + seed.caveat +
                ") depends on time and threads, and so may the result");
      break;
    }
  // Seeds asked for and planned, but cut by the budget, say so: the result
  // may be slower than one of them.
  if (!unmeasured.empty()) {
    std::string planned = std::to_string(seeds.size() + unmeasured.size());
    addCaveat(
        "the budget measured " + std::to_string(seeds.size()) + " of the " +
        planned + " distinct placements seed-from=" + seedFromName(from).str() +
        " planned; not measured: " + llvm::join(unmeasured, ", ") +
        " (a budget of at least " +
        // The best seed is measured `repeats` times to be crowned, and
        // so is each candidate.
        std::to_string(seeds.size() + unmeasured.size() +
                       (options.repeats - 1) + alsoMeasured * options.repeats) +
        " measures them all" +
        (alsoMeasured ? " beside the candidate placements" : "") + ")");
  }
}
