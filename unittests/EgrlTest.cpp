//===- EgrlTest.cpp - EGRL: its learning machinery and the strategy -------===//

#include "TestUtil.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/Policy/Boltzmann.h"
#include "egrl/Policy/GnnPolicy.h"
#include "egrl/Policy/Learner.h"
#include "egrl/Policy/Population.h"
#include "egrl/Policy/ReplayBuffer.h"
#include "egrl/Policy/SacLearner.h"
#include "egrl/Search/Report.h"
#include "egrl/Search/Strategy.h"

#include <atomic>
#include <cmath>

using namespace egrl;

namespace {

/// Mean probability the policy puts an output in level 0 (the fastest),
/// over `nodes` nodes of a 3-level target.
double meanOutputFastest(GnnPolicy &actor, unsigned nodes) {
  std::vector<float> logp = actor.logProbabilities();
  double sum = 0;
  for (unsigned i = 0; i < nodes; ++i)
    sum += std::exp(logp[(size_t(i) * 2 + 1) * 3]) / nodes;
  return sum;
}

/// Off-policy data whose best placements are known: `count` uniformly random
/// placements of `nodes` nodes on 3 levels, each rewarded `perOutput` for
/// every output in level 0 (the fastest).
ReplayBuffer uniformPlacements(unsigned nodes, unsigned count,
                               double perOutput) {
  ReplayBuffer buffer(1000);
  std::mt19937_64 data(2);
  std::uniform_int_distribution<int> level(0, 2);
  for (unsigned k = 0; k < count; ++k) {
    Placement p(nodes, 0);
    double r = 0;
    for (unsigned i = 0; i < nodes; ++i) {
      p[i] = {uint8_t(level(data)), uint8_t(level(data))};
      r += (p[i].output == 0) * perOutput;
    }
    buffer.add(p, r);
  }
  return buffer;
}

/// Three levels with capacities that make choices on tiny synthetic graphs
/// (by default; smaller on-chip levels make most placements overflow).
Target tinyTarget(uint64_t llcBytes = 1500000, uint64_t sramBytes = 800000) {
  std::string json = R"({"name": "tiny", "element_bytes": 1,
    "compute": {"mac_per_s": 1e9, "vector_ops_per_s": 1e9,
                "layer_overhead_s": 1e-6},
    "levels": [
      {"name": "dram", "capacity_bytes": 1e12, "bandwidth_bytes_per_s": 1e9},
      {"name": "llc", "capacity_bytes": )" +
                     std::to_string(llcBytes) +
                     R"(, "bandwidth_bytes_per_s": 1e10},
      {"name": "sram", "capacity_bytes": )" +
                     std::to_string(sramBytes) +
                     R"(, "bandwidth_bytes_per_s": 1e11}]})";
  auto target = Target::parse(json, "tiny");
  EXPECT_TRUE(bool(target)) << llvm::toString(target.takeError());
  return std::move(*target);
}

SearchResult runEgrl(const Problem &problem, SearchOptions options) {
  AnalyticalModel model(problem);
  SearchContext context{problem, model, model, std::move(options)};
  return test::runSearch("egrl", context);
}

TEST(ReplayBuffer, RingOverwritesOldestAndSamplesDeterministically) {
  ReplayBuffer buffer(3);
  for (unsigned i = 0; i < 5; ++i)
    buffer.add(Placement(1, uint8_t(i % 3)), double(i));
  EXPECT_EQ(buffer.size(), 3u);
  EXPECT_EQ(buffer.added(), 5u);
  // 3 and 4 overwrote 0 and 1.
  std::vector<double> rewards;
  for (size_t i = 0; i < buffer.size(); ++i)
    rewards.push_back(buffer[i].reward);
  EXPECT_EQ(rewards, (std::vector<double>{3, 4, 2}));
  std::mt19937_64 a(7), b(7);
  std::vector<size_t> picks = buffer.sample(50, a);
  EXPECT_EQ(picks, buffer.sample(50, b));
  for (size_t p : picks)
    EXPECT_LT(p, 3u);
}

TEST(Population, ElitesRankingAndTournament) {
  PopulationConfig config;
  EXPECT_EQ(eliteCount(config), 2u); // max(2, 10% of 20)
  config.size = 50;
  EXPECT_EQ(eliteCount(config), 5u);
  std::vector<double> fitness = {0.5, 2.0, -1.0, 2.0};
  EXPECT_EQ(rankByFitness(fitness), (std::vector<unsigned>{1, 3, 0, 2}));
  std::mt19937_64 rng(1);
  unsigned worstWins = 0;
  for (unsigned i = 0; i < 1000; ++i)
    worstWins += tournamentSelect(fitness, 3, rng) == 2;
  // The worst member wins only when all three draws are it: (1/4)^3.
  EXPECT_LT(worstWins, 40u);
}

TEST(Boltzmann, SeededFromAPlacementOrLogProbabilities) {
  WorkloadGraph graph = test::randomGraph(30, 3);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  Placement seed(problem.numNodes(), 0);
  for (unsigned i = 0; i < seed.size(); ++i)
    seed[i] = {uint8_t(i % 3), uint8_t((i / 3) % 3)};
  BoltzmannConfig config;
  unsigned decisions = 0;
  for (unsigned i = 0; i < problem.numNodes(); ++i)
    decisions += 1 + problem.hasWeights(i);
  BoltzmannChromosome sharp =
      BoltzmannChromosome::centredOn(seed, problem, config, 0.02 * decisions);
  std::mt19937_64 rng(5);
  unsigned kept = 0, total = 0;
  for (unsigned s = 0; s < 50; ++s) {
    Placement p = sharp.sample(problem, rng);
    for (unsigned i = 0; i < p.size(); ++i, ++total)
      kept += p[i].output == seed[i].output;
  }
  EXPECT_NEAR(double(kept) / total, 0.98, 0.02);

  std::vector<float> logp(size_t(30) * 2 * 3);
  for (size_t i = 0; i < logp.size(); ++i)
    logp[i] = std::log(i % 3 == 1 ? 0.8f : 0.1f);
  BoltzmannChromosome fromPolicy =
      BoltzmannChromosome::fromLogProbabilities(30, 3, logp, config);
  EXPECT_DOUBLE_EQ(fromPolicy.priors(4, BoltzmannChromosome::Output)[1],
                   double(logp[(4 * 2 + 1) * 3 + 1]));
  EXPECT_DOUBLE_EQ(fromPolicy.temperature(4, BoltzmannChromosome::Output), 1);
}

TEST(GnnPolicy, CloneMutateCrossover) {
  WorkloadGraph graph = test::randomGraph(20, 4);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  GnnPolicyConfig config;
  GnnPolicy a(config, 3);
  a.bind(problem);
  config.seed = 1;
  GnnPolicy b(config, 3);
  b.bind(problem);
  std::unique_ptr<GnnPolicy> copy = a.clone();
  EXPECT_EQ(copy->logProbabilities(), a.logProbabilities());
  copy->mutate(0.05, 0.2, 9);
  EXPECT_NE(copy->logProbabilities(), a.logProbabilities());
  std::unique_ptr<GnnPolicy> again = a.clone();
  again->mutate(0.05, 0.2, 9);
  EXPECT_EQ(again->logProbabilities(), copy->logProbabilities())
      << "mutation is seeded";
  std::unique_ptr<GnnPolicy> child = GnnPolicy::crossover(a, b, 3);
  std::vector<float> lc = child->logProbabilities();
  EXPECT_NE(lc, a.logProbabilities());
  EXPECT_NE(lc, b.logProbabilities());
  EXPECT_EQ(GnnPolicy::crossover(a, b, 3)->logProbabilities(), lc);
}

TEST(Learner, ImitatesTheBetterPlacementsOfTheBuffer) {
  WorkloadGraph graph = test::randomGraph(20, 6);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  LearnerConfig config;
  config.policy.entropyWeight = 0;
  OffPolicyLearner learner(config, 3);
  learner.bind(problem);
  // Off-policy data: uniform placements, rewarded by outputs in level 0.
  ReplayBuffer buffer = uniformPlacements(20, 200, 1.0);
  auto level0 = [&] { return meanOutputFastest(learner.actor(), 20); };
  double before = level0();
  std::mt19937_64 rng(3);
  for (unsigned g = 0; g < 10; ++g)
    learner.train(buffer, rng);
  EXPECT_EQ(learner.steps(), 40u);
  EXPECT_GT(level0(), before + 0.2);
}

TEST(EgrlStrategy, ExactBudgetDeterministicForSeedAndThreads) {
  WorkloadGraph graph = test::randomGraph(40, 5);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  auto run = [&](unsigned threads, uint64_t seed) {
    SearchOptions options;
    options.budget = 137; // Ends inside a generation.
    options.seed = seed;
    options.threads = threads;
    return runEgrl(problem, options);
  };
  SearchResult one = run(1, 3), again = run(1, 3), two = run(2, 3);
  EXPECT_EQ(one.evaluations, 137u);
  EXPECT_EQ(two.evaluations, 137u);
  EXPECT_EQ(one.placement, again.placement);
  EXPECT_EQ(one.placement, two.placement) << "thread count changes nothing";
  EXPECT_DOUBLE_EQ(one.result.latency, two.result.latency);
  EXPECT_EQ(one.history.size(), two.history.size());
  EXPECT_TRUE(one.result.valid);
  // The history starts at native; the population beats it.
  ASSERT_GE(one.history.size(), 2u);
  EXPECT_LT(one.result.latency, one.history.front().bestLatency);
  // The best is never lost: the result is the history's last point.
  EXPECT_DOUBLE_EQ(one.result.latency, one.history.back().bestLatency);
}

/// egrl with greedy's placement of a 60-node graph given to it through
/// `give` (as a seed or a candidate): 60 evaluations, never worse than that
/// placement, which is the champion (`kind`) when nothing beats it.
/// Returns greedy's latency.
double checkNeverWorseThanGreedysPlacement(
    const Problem &problem,
    llvm::function_ref<void(SearchOptions &, const Placement &)> give,
    llvm::StringRef kind) {
  AnalyticalModel model(problem);
  SearchContext greedyContext{problem, model, model, {}};
  auto greedy = createStrategy("greedy");
  EXPECT_TRUE(bool(greedy));
  auto given = (*greedy)->run(greedyContext);
  EXPECT_TRUE(bool(given));
  SearchOptions options;
  options.budget = 60;
  give(options, given->placement);
  SearchResult result = runEgrl(problem, options);
  EXPECT_EQ(result.evaluations, 60u);
  EXPECT_LE(result.result.latency, given->result.latency * (1 + 1e-12));
  EXPECT_FALSE(result.generations.empty());
  if (!result.generations.empty() &&
      result.result.latency == given->result.latency) {
    EXPECT_EQ(result.generations.back().champion, kind);
  }
  return given->result.latency;
}

TEST(EgrlStrategy, NeverWorseThanItsSeed) {
  WorkloadGraph graph = test::randomGraph(60, 8);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  checkNeverWorseThanGreedysPlacement(
      problem,
      [](SearchOptions &options, const Placement &placement) {
        options.seedPlacements = {placement};
      },
      "seed");
}

TEST(EgrlStrategy, NeverWorseThanItsCandidate) {
  // A candidate (a trained policy's placement when refining) is measured
  // first and can be the result, though the search does not start from it.
  WorkloadGraph graph = test::randomGraph(60, 8);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  double greedyLatency = checkNeverWorseThanGreedysPlacement(
      problem,
      [](SearchOptions &options, const Placement &placement) {
        options.candidatePlacements = {placement};
      },
      "candidate");
  // Cold, the same search does not reach greedy's placement in 60
  // evaluations on this graph: the candidate is what keeps the result.
  SearchOptions cold;
  cold.budget = 60;
  EXPECT_GT(runEgrl(problem, cold).result.latency, greedyLatency * (1 + 1e-9));
}

TEST(EgrlStrategy, KeepsRoomForItsCandidate) {
  // With repeats, native's re-measurements used to spend a budget of 2
  // before the candidate was measured (a review found it through the pass:
  // strategy=policy budget=3 repeats=3 returned native).
  WorkloadGraph graph = test::randomGraph(60, 8);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  SearchContext greedyContext{problem, model, model, {}};
  auto greedy = createStrategy("greedy");
  ASSERT_TRUE(bool(greedy));
  auto given = (*greedy)->run(greedyContext);
  ASSERT_TRUE(bool(given));
  SearchOptions options;
  options.repeats = 3;
  options.candidatePlacements = {given->placement};
  for (uint64_t budget : {2, 3}) {
    options.budget = budget;
    SearchResult result = runEgrl(problem, options);
    EXPECT_LE(result.evaluations, budget);
    EXPECT_LE(result.result.latency, given->result.latency * (1 + 1e-12))
        << "budget " << budget;
  }
}

TEST(EgrlStrategy, NativeMeasuredByTheRewardIsNotListedUnmeasured) {
  // Refining a candidate with seed-from=model and a budget that only has
  // room for it, the seeds went unmeasured, and the caveat listed native among
  // them although the reward had measured it (and it could be the result).
  WorkloadGraph graph = test::randomGraph(30, 4);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  SearchOptions options;
  options.seedFrom = SeedFrom::Model;
  options.timeLimitSeconds = 5;
  options.candidatePlacements = {nativePlacement(problem)};
  options.candidatePlacements.front()[0].output = 0;
  // With repeats=3 the candidate's room (3) takes the whole budget.
  options.repeats = 3;
  options.budget = 3;
  SearchResult result = runEgrl(problem, options);
  EXPECT_LE(result.evaluations, 3u);
  EXPECT_TRUE(llvm::StringRef(result.caveat).contains("not measured: "))
      << result.caveat;
  EXPECT_FALSE(llvm::StringRef(result.caveat).contains("native"))
      << result.caveat;
}

TEST(EgrlStrategy, ReportsTheTrackersChampionUnderRepeats) {
  // With repeats the tracker keeps an incumbent by its median and drops a
  // lucky first measurement; egrl's history and champion must say the same
  // (they used first measurements, and could name a placement the result
  // is not, with a best-so-far the result does not have).
  test::NoisyChip noisy(0.1, 5, 40, 6);
  ASSERT_TRUE(noisy.chip);
  for (uint64_t seed = 0; seed < 6; ++seed) {
    SearchContext context = noisy.context();
    context.options.budget = 120;
    context.options.repeats = 3;
    context.options.seed = seed;
    auto strategy = createStrategy("egrl");
    ASSERT_TRUE(bool(strategy));
    auto result = (*strategy)->run(context);
    ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
    ASSERT_FALSE(result->generations.empty());
    if (result->result.valid) {
      EXPECT_EQ(result->generations.back().bestSoFar, result->result.latency)
          << "seed " << seed;
    }
  }
}

/// egrl given a placement of 7 nodes for a 10-node graph through `give`
/// fails with an error naming `what` ("seed placement 0").
void checkRejectsAPlacementOfAnotherGraph(
    llvm::function_ref<void(SearchOptions &, Placement)> give,
    llvm::StringRef what) {
  WorkloadGraph graph = test::randomGraph(10, 1);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  SearchContext context{problem, model, model, {}};
  give(context.options, Placement(7, 0));
  auto strategy = createStrategy("egrl");
  ASSERT_TRUE(bool(strategy));
  auto result = (*strategy)->run(context);
  ASSERT_FALSE(bool(result));
  EXPECT_NE(llvm::toString(result.takeError()).find(what.str()),
            std::string::npos);
}

TEST(EgrlStrategy, RejectsASeedOfAnotherGraph) {
  checkRejectsAPlacementOfAnotherGraph(
      [](SearchOptions &options, Placement placement) {
        options.seedPlacements = {std::move(placement)};
      },
      "seed placement 0");
}

TEST(EgrlStrategy, RejectsACandidateOfAnotherGraph) {
  checkRejectsAPlacementOfAnotherGraph(
      [](SearchOptions &options, Placement placement) {
        options.candidatePlacements = {std::move(placement)};
      },
      "candidate placement 0");
}

TEST(EgrlStrategy, FindsTheBruteForceOptimumOfTinyGraphs) {
  // Capacities this tight make the optimum a needle (pg stops 27% above it
  // on the 3-node graph): measuring only new placements and raising
  // exploration when a generation repeats itself is what finds it.
  Target target = tinyTarget();
  for (auto [nodes, graphSeed] : {std::pair{3u, 1u}, {4u, 5u}}) {
    WorkloadGraph graph = test::randomGraph(nodes, graphSeed);
    Problem problem(graph, target);
    double optimum = test::bruteForceOptimum(problem);
    SearchOptions options;
    options.budget = 400;
    SearchResult result = runEgrl(problem, options);
    EXPECT_TRUE(result.result.valid);
    EXPECT_NEAR(result.result.latency, optimum, optimum * 1e-9)
        << nodes << " nodes, graph seed " << graphSeed;
    EXPECT_LE(result.evaluations, 400u);
  }
}

TEST(EgrlStrategy, SpendsNoMeasurementOnAPlacementThatOverflows) {
  // Most early samples overflow a chip whose on-chip levels fill up; the
  // capacity rules score them (the paper's penalty) without the chip, so
  // the whole budget goes to placements that fit.
  WorkloadGraph graph = test::randomGraph(60, 8);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  test::CountingEvaluator chip(model);
  SearchContext context{problem, model, chip, {}};
  context.options.budget = 400;
  SearchResult result = test::runSearch("egrl", context);
  EXPECT_EQ(result.evaluations, 400u);
  EXPECT_EQ(chip.calls.load(), 400u);
  EXPECT_EQ(chip.overflowing.load(), 0u);
  EXPECT_TRUE(result.result.valid);
}

TEST(EgrlStrategy, ARunOfPlacementsFittedAlikeIsMeasuredOnce) {
  // On a chip with hardly any room on chip nearly every sample overflows,
  // and past the overflows scored without the chip, samples fitted alike
  // were all measured: an outside tester's chip (s44) ran 200 measurements
  // of 48 placements, and a 3-node graph searched for a minute. What the
  // chip runs is measured once, and a search with nothing new stops.
  Target cramped = tinyTarget(/*llcBytes=*/4096, /*sramBytes=*/16);
  for (const char *name : {"egrl", "egrl-sac"})
    for (uint64_t budget : {100, 2000}) {
      test::RandomGraphOn<test::CountingEvaluator> setup(cramped, 6, 1);
      SearchContext context = setup.context();
      context.options.budget = budget;
      SearchResult result = test::runSearch(name, context);
      EXPECT_EQ(setup.chip.distinctRun(), setup.chip.calls.load())
          << name << ", budget " << budget;
      // Before: 2,000 generations and more of samples fitted alike.
      EXPECT_LT(result.generations.size(), 500u)
          << name << ", budget " << budget;
    }
}

TEST(EgrlStrategy, MeasuresNoPlacementTwice) {
  // Native (the reward's reference), the seeds and the candidate are
  // measured before the first generation; a local step that changes
  // nothing, or a member that samples one of them, costs no measurement.
  // Small graphs, whose reachable space runs out, sample them most.
  Target target = test::nnpiTarget();
  for (uint64_t graphSeed : {1, 2, 3})
    for (SeedFrom from : {SeedFrom::None, SeedFrom::Model}) {
      WorkloadGraph graph = test::randomGraph(8, graphSeed);
      Problem problem(graph, target);
      AnalyticalModel model(problem);
      test::CountingEvaluator chip(model);
      SearchContext context{problem, model, chip, {}};
      context.options.budget = 60;
      context.options.seedFrom = from;
      context.options.candidatePlacements = {nativePlacement(problem)};
      test::runSearch("egrl", context);
      EXPECT_EQ(chip.distinct(), chip.calls.load())
          << "graph " << graphSeed << ", seed-from "
          << seedFromName(from).str();
    }
}

TEST(EgrlStrategy, ACandidateEqualToASeedKeepsTheSeedsMeasurement) {
  // Seeded from the model, on the model: nothing beats greedy's placement
  // (ilp's optimum here), and a candidate equal to it is not measured again
  // but takes its measurement, and so wins the tie as a candidate.
  Target target = test::nnpiTarget();
  WorkloadGraph graph = test::randomGraph(25, 4);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  test::CountingEvaluator chip(model);
  SearchContext context{problem, model, chip, {}};
  auto greedy = (*createStrategy("greedy"))->run(context);
  ASSERT_TRUE(bool(greedy));
  chip.calls = 0;
  context.options.budget = 40;
  context.options.seedFrom = SeedFrom::Model;
  context.options.candidatePlacements = {greedy->placement};
  SearchResult result = test::runSearch("egrl", context);
  EXPECT_EQ(result.result.latency, greedy->result.latency);
  EXPECT_NE(result.detail.find("champion: candidate"), std::string::npos)
      << result.detail;
  EXPECT_EQ(chip.calls.load(), 40u);
}

TEST(EgrlStrategy, StartsSmallAndSearchesAroundTheChampion) {
  // 60 nodes on nnpi-1000: the on-chip levels fill up, so a local step
  // into them has to make room.
  WorkloadGraph graph = test::randomGraph(60, 8);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  SearchOptions options;
  options.budget = 400;
  SearchResult result = runEgrl(problem, options);
  ASSERT_GE(result.generations.size(), 3u);
  // Native, the learner's 8 samples and a first population of 8, less those
  // that overflow (scored unmeasured); then 16.
  EXPECT_LE(result.generations[0].evaluations, 17u);
  EXPECT_GE(result.generations[0].evaluations, 5u); // Native and 4 local.
  EXPECT_LE(result.generations[1].evaluations, 17u + 8 + 16);
  // The population improves on what the learner samples: some champion
  // after the first generation is a population member's. (Members centred
  // on the champion, "local", produced every such champion when this test
  // was written; with feature version 2, which starts the GNN elsewhere,
  // Boltzmann chromosomes produce them on graph seeds 8-11.)
  EXPECT_TRUE(llvm::any_of(result.generations, [](const GenerationPoint &g) {
    return g.champion == "local" || g.champion == "boltzmann" ||
           g.champion == "gnn";
  }));
  // 0.53x native when written (ilp: 0.48x within its 60 s).
  EvalResult native = model.evaluate(nativePlacement(problem));
  EXPECT_LT(result.result.latency, 0.6 * native.latency);
}

TEST(EgrlStrategy, LocalSearchCentreWalksThroughSlowerPlacements) {
  // Most local steps from a good placement are slower; early in the budget,
  // at a high temperature, the centre takes some of them (anneal's
  // Metropolis test), so the local search can leave the first basin it
  // climbs into. The best placement is still the result.
  WorkloadGraph graph = test::randomGraph(60, 8);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  SearchOptions options;
  options.budget = 400;
  SearchResult result = runEgrl(problem, options);
  llvm::StringRef detail(result.detail), prefix("centre walked to ");
  size_t at = detail.find(prefix);
  ASSERT_NE(at, llvm::StringRef::npos) << result.detail;
  unsigned walked = 0;
  ASSERT_FALSE(
      detail.drop_front(at + prefix.size()).consumeInteger(10, walked));
  EXPECT_GT(walked, 0u) << result.detail;
  ASSERT_FALSE(result.history.empty());
  EXPECT_EQ(result.history.back().bestLatency, result.result.latency);
}

TEST(EgrlStrategy, ReportCarriesPerGenerationHistory) {
  WorkloadGraph graph = test::randomGraph(30, 2);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  SearchOptions options;
  options.budget = 100;
  SearchResult result = runEgrl(problem, options);
  ASSERT_GE(result.generations.size(), 3u);
  for (size_t g = 0; g < result.generations.size(); ++g) {
    const GenerationPoint &point = result.generations[g];
    EXPECT_EQ(point.generation, g);
    EXPECT_FALSE(point.champion.empty());
    EXPECT_GT(point.bestSoFar, 0);
    if (g > 0) {
      EXPECT_LE(point.bestSoFar, result.generations[g - 1].bestSoFar);
    }
  }
  EXPECT_EQ(result.generations.back().evaluations, 100u);
  EXPECT_DOUBLE_EQ(result.generations.back().bestSoFar, result.result.latency);
  AnalyticalModel model(problem);
  EvalResult native = model.evaluate(nativePlacement(problem));
  PlacementSummary summary =
      summarize(problem, model, result, native, "egrl", 0, 0.1);
  std::string json = reportJSON({summary}, {&problem}, {&result});
  EXPECT_NE(json.find("\"generations\""), std::string::npos);
  EXPECT_NE(json.find("\"learner_best_latency_s\""), std::string::npos);
  EXPECT_NE(json.find("\"champion\""), std::string::npos);
}

} // namespace

namespace {

TEST(SacLearner, CriticsLearnTheRewardAndTheActorFollows) {
  WorkloadGraph graph = test::randomGraph(20, 6);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  SacConfig config;
  config.alpha = 0;
  SacLearner learner(config, 3);
  learner.bind(problem);
  // Reward: the share of outputs in level 0.
  ReplayBuffer buffer = uniformPlacements(20, 300, 1.0 / 20);
  auto level0 = [&] { return meanOutputFastest(learner.actor(), 20); };
  double before = level0();
  std::mt19937_64 rng(3);
  for (unsigned g = 0; g < 80; ++g)
    learner.train(buffer, rng);
  Placement fast(20, 0), slow(20, 0);
  for (unsigned i = 0; i < 20; ++i)
    slow[i].output = 2;
  std::vector<double> q = learner.predict({fast, slow});
  EXPECT_GT(q[0], q[1] + 0.3) << "critics rank by the reward";
  EXPECT_GT(level0(), before + 0.2) << "the actor climbs the critics";
}

TEST(EgrlSacStrategy, ExactBudgetAndDeterministicForThreads) {
  WorkloadGraph graph = test::randomGraph(30, 5);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  auto strategy = createStrategy("egrl-sac");
  ASSERT_TRUE(bool(strategy)) << llvm::toString(strategy.takeError());
  auto run = [&](unsigned threads) {
    SearchContext context{problem, model, model, {}};
    context.options.budget = 150;
    context.options.seed = 4;
    context.options.threads = threads;
    auto result = (*strategy)->run(context);
    EXPECT_TRUE(bool(result));
    return std::move(*result);
  };
  SearchResult one = run(1), two = run(2);
  EXPECT_EQ(one.evaluations, 150u);
  EXPECT_EQ(one.placement, two.placement);
  EXPECT_NE(one.detail.find("discrete SAC"), std::string::npos) << one.detail;
}

} // namespace
