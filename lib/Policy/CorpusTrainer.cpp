//===- CorpusTrainer.cpp - Train one GNN policy on a corpus of graphs -----===//
//
// All randomness is seeded per (seed, round, graph) and evaluation batches
// are recorded in index order, so a seed gives the same policy for any
// thread count. Checkpoints: CorpusCheckpoint.cpp. docs/training.md.
//
//===----------------------------------------------------------------------===//

#include "CorpusTrainerImpl.h"

#include "egrl/CostModel/Capacity.h"
#include "egrl/Support/Output.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <memory>
#include <random>

using namespace egrl;
using namespace egrl::corpus_training;

namespace {

uint64_t streamSeed(uint64_t base, uint64_t round, uint64_t graph) {
  return mixSeed(mixSeed(base, round), graph);
}

} // namespace

CorpusTrainer::CorpusTrainer(const CorpusTrainerOptions &options,
                             std::vector<std::string> levels)
    : impl(std::make_unique<Impl>(options, std::move(levels))) {
  assert(options.batch >= 2 && "a REINFORCE step needs a baseline");
}

CorpusTrainer::~CorpusTrainer() = default;

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

llvm::Expected<uint64_t> CorpusTrainer::planSeeds() {
  uint64_t measurements = 0;
  for (GraphState &graph : impl->graphs) {
    // A checkpoint restored native's latency and the seeds, as elites.
    if (graph.nativeLatency > 0)
      continue;
    SearchContext &context = *graph.context;
    context.options.seedFrom = impl->options.seedFrom;
    context.options.timeLimitSeconds = impl->options.timeLimitSeconds;
    if (plansModelSeeds(impl->options.seedFrom) &&
        context.problem.numNodes() > 0 && !context.options.modelPlans) {
      llvm::Expected<std::vector<SeedPlacement>> plans =
          planModelSeeds(context);
      if (!plans)
        return llvm::createStringError(graph.name + ": " +
                                       llvm::toString(plans.takeError()));
      // seedPlacements() measures these rather than plan them again.
      context.options.modelPlans =
          std::make_shared<const std::vector<SeedPlacement>>(std::move(*plans));
    }
    // What seedPlacements() measures; without seeds, native alone.
    llvm::Expected<std::vector<SeedPlacement>> seeds = distinctSeeds(context);
    if (!seeds)
      return llvm::createStringError(graph.name + ": " +
                                     llvm::toString(seeds.takeError()));
    measurements += std::max<size_t>(1, seeds->size());
  }
  return measurements;
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
    // A failed evaluator (or a signal) ends training here: the other graphs'
    // commands measure nothing more that would be thrown away.
    if (graph.tracker->stoppedEarly()) {
      std::string stopped = graph.tracker->finish().stopped;
      return llvm::createStringError(
          graph.name + ": before the first round, measuring native" +
          (fresh && impl->options.seedFrom != SeedFrom::None ? " and the seeds"
                                                             : "") +
          ": " + (stopped.empty() ? std::string("a stop request") : stopped));
    }
    graph.nativeLatency = graph.reward->nativeLatency();
    // Rewards are speed-ups over native: a chip that will not run native's
    // placement gives none (an evaluator that refuses everything trained a
    // policy quietly, at 0.000x), nor does a latency of 0.
    if (graph.reward->nativeResult().refused)
      return llvm::createStringError(
          graph.name + ": the evaluator refused native's placement (\"valid\": "
                       "false): training needs native's latency on the chip, "
                       "the reference of every reward");
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
    if (!trained) {
      // An evaluator that failed says why (its command, its exit); else a
      // signal stopped the round.
      std::string stopped = s.graphs[g].tracker->finish().stopped;
      return llvm::createStringError(
          "round " + std::to_string(s.round) + " was cut short on graph '" +
          s.graphs[g].name +
          "': " + (stopped.empty() ? std::string("a stop request") : stopped));
    }
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
  // An evaluator that failed mid-batch answers the rest with no time: the
  // round ends here, before the policy learns from those answers or another
  // graph's command measures more placements that will be thrown away.
  if (results.size() < placements.size() || graph.tracker->stoppedEarly())
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
  // A placement the chip refused has no time, so no speed-up (0, as
  // bestSpeedup() has none before a valid placement).
  const EvalResult &placed = results.back();
  curvePoints.push_back(
      {round, totalEvaluations(), graph.name, graph.evaluations(),
       graph.bestSpeedup(),
       placed.refused ? 0.0 : graph.nativeLatency / placed.latency});
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
std::vector<std::string> CorpusTrainer::graphsWithNothingValid() const {
  std::vector<std::string> names;
  for (const GraphState &graph : impl->graphs)
    if (graph.bestLatency <= 0)
      names.push_back(graph.name);
  return names;
}
double CorpusTrainer::lastMeanReward() const {
  return impl->lossPoints.empty() ? 0 : impl->lossPoints.back().meanReward;
}
