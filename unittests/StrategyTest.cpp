//===- StrategyTest.cpp - native, greedy and keep -------------------------===//

#include "egrl/Search/Strategy.h"
#include "TestUtil.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/LocalMoves.h"
#include "egrl/Search/Report.h"

using namespace egrl;

namespace {

SearchResult runStrategy(llvm::StringRef name, const Problem &problem,
                         uint64_t seed = 0) {
  AnalyticalModel model(problem);
  SearchContext context{problem, model, model, {}};
  context.options.seed = seed;
  auto strategy = createStrategy(name);
  EXPECT_TRUE(bool(strategy));
  auto result = (*strategy)->run(context);
  EXPECT_TRUE(bool(result));
  return std::move(*result);
}

TEST(Native, WeightsInTheSlowestOnChipLevelOutputsInTheFastest) {
  WorkloadGraph graph = test::randomGraph(30, 1);
  Target target = test::nnpiTarget(); // sram, llc, dram
  Problem problem(graph, target);
  Placement native = nativePlacement(problem);
  for (unsigned i = 0; i < problem.numNodes(); ++i) {
    if (problem.hasWeights(i)) {
      EXPECT_GE(native[i].weights, 1u) << "native never puts weights in sram";
    }
  }
  Placement copy = native;
  EXPECT_TRUE(rectify(problem, copy).valid);
  EXPECT_EQ(copy, native) << "native placements are already rectified";
}

TEST(Native, FirstFitInProgramOrder) {
  // 1 KiB of fast memory on a two-level target: native puts weights in the
  // fast level (the only on-chip one) until it is full, in program order.
  WorkloadGraph graph;
  graph.name = "g";
  graph.nodes = {test::makeNode("a", 1, 600, 10), test::makeNode("b", 1, 600, 10, {0}),
                 test::makeNode("c", 1, 300, 10, {1})};
  Target target = test::twoLevelTarget(1000);
  Problem problem(graph, target);
  Placement native = nativePlacement(problem);
  EXPECT_EQ(native[0].weights, 0u);
  EXPECT_EQ(native[1].weights, 1u);
  EXPECT_EQ(native[2].weights, 0u);
}

TEST(Greedy, ValidDeterministicAndBeatsNativeOnRandomGraphs) {
  Target target = test::nnpiTarget();
  for (uint64_t seed : {1, 2, 3}) {
    WorkloadGraph graph = test::randomGraph(120, seed);
    Problem problem(graph, target);
    SearchResult greedy = runStrategy("greedy", problem, seed);
    SearchResult again = runStrategy("greedy", problem, seed);
    SearchResult native = runStrategy("native", problem);
    EXPECT_TRUE(greedy.result.valid);
    EXPECT_EQ(greedy.placement, again.placement);
    EXPECT_LE(greedy.result.latency, native.result.latency * (1 + 1e-12))
        << "seed " << seed;
    EXPECT_EQ(greedy.evaluations, 1u);
  }
}

TEST(Greedy, CloseToTheOptimumOnTinyGraphs) {
  // Brute force over 9^4 placements; a capacity that forces choices.
  for (uint64_t seed : {4, 5, 6, 7}) {
    WorkloadGraph graph = test::randomGraph(4, seed);
    std::string json = R"({"name": "tiny", "element_bytes": 1,
      "compute": {"mac_per_s": 1e9, "vector_ops_per_s": 1e9},
      "levels": [
        {"name": "dram", "capacity_bytes": 1e12, "bandwidth_bytes_per_s": 1e9},
        {"name": "llc", "capacity_bytes": 1500000, "bandwidth_bytes_per_s": 1e10},
        {"name": "sram", "capacity_bytes": 800000, "bandwidth_bytes_per_s": 1e11}]})";
    auto target = Target::parse(json, "tiny");
    ASSERT_TRUE(bool(target));
    Problem problem(graph, *target);
    double optimum = test::bruteForceOptimum(problem);
    SearchResult greedy = runStrategy("greedy", problem);
    EXPECT_TRUE(greedy.result.valid);
    EXPECT_GE(greedy.result.latency, optimum * (1 - 1e-12));
    EXPECT_LE(greedy.result.latency, optimum * 1.5) << "seed " << seed;
  }
}

/// Greedy on two layers whose 1000-B or smaller weights compete for the
/// 1010 B of an ideal chip's fast level: the second layer's weights end there
/// and the first's do not, at the brute-force optimum, with `detail` saying
/// how.
static void expectGreedyGivesTheSecondLayerTheRoom(Node first, Node second,
                                                   const char *detail) {
  WorkloadGraph graph;
  graph.name = "g";
  second.producers = {0};
  graph.nodes = {std::move(first), std::move(second)};
  Target target = test::idealTarget(1010);
  Problem problem(graph, target);
  SearchResult greedy = runStrategy("greedy", problem);
  EXPECT_TRUE(greedy.result.valid);
  EXPECT_EQ(greedy.placement[1].weights, 0u) << greedy.detail;
  EXPECT_EQ(greedy.placement[0].weights, 1u) << greedy.detail;
  EXPECT_NEAR(greedy.result.latency, test::bruteForceOptimum(problem), 1e-9);
  EXPECT_NE(greedy.detail.find(detail), std::string::npos) << greedy.detail;
}

TEST(Greedy, ExchangesALargeTensorForTheSmallerOneThatGotThereFirst) {
  // On an ideal chip b's weights (600 B) save 54 s in the fast level, 0.09
  // s per byte; a's (1000 B) save 70 s, since its compute (30 s) hides all
  // but 100 - 30 of its read, 0.07 s per byte. Per-byte savings put b
  // first and then a no longer fits; a alone is the optimum, which only an
  // exchange (a up, b down) reaches.
  expectGreedyGivesTheSecondLayerTheRoom(test::makeNode("b", 1, 600, 1),
                                         test::makeNode("a", 30, 1000, 1),
                                         "1 local move after it");
}

TEST(Greedy, BreaksTheModelsTiesForTheLayerWithLessSlack) {
  // Both layers hide their 1000-B weight read from the slow level (100 s)
  // behind compute, a's 300 s and b's 150 s, so the model rates a in the
  // fast level exactly as b, and program order gives a the room. With
  // compute twice as fast b's read shows (75 s < 100 s) and a's does not:
  // greedy keeps b's weights fast, as fast on the model.
  expectGreedyGivesTheSecondLayerTheRoom(
      test::makeNode("a", 300, 1000, 1), test::makeNode("b", 150, 1000, 1),
      "1 local move after it (1 breaking ties)");
}

/// A graph on test::idealTarget(fastCapacity), for the local moves' tests:
/// `start` is every tensor in the fast level (0) or every one in the slow.
struct LocalMovesCase {
  LocalMovesCase(std::vector<Node> nodes, int64_t fastCapacity, uint8_t start)
      : graph(makeGraph(std::move(nodes))),
        target(test::idealTarget(fastCapacity)), problem(graph, target),
        model(problem), placement(problem.numNodes(), start) {}
  static WorkloadGraph makeGraph(std::vector<Node> nodes) {
    WorkloadGraph graph;
    graph.name = "g";
    graph.nodes = std::move(nodes);
    return graph;
  }
  double latency() const { return model.evaluate(placement).latency; }
  LocalMoves improve() { return improveByLocalMoves(model, placement); }

  WorkloadGraph graph;
  Target target;
  Problem problem;
  AnalyticalModel model;
  Placement placement;
};

TEST(LocalMoves, AlternateLevelsAlongAChainOfLargeActivations) {
  // a -> b -> c -> d, a, b and c each writing 1000 B that the next reads;
  // the fast level holds one of them while two are live. b in it saves 180
  // s (its write and its read, 90 s each), a or c 130 s (a's write and c's
  // read are partly hidden behind 60 s of compute). The optimum holds a and
  // c, never live together. From b alone, a pair (a up, b down) is slower,
  // and only promoting b's consumer c into the room b leaves as well gets
  // there: one move of three tensors.
  LocalMovesCase c({test::makeNode("a", 60, 0, 1000),
                    test::makeNode("b", 1, 0, 1000, {0}),
                    test::makeNode("c", 1, 0, 1000, {1}),
                    test::makeNode("d", 60, 0, 1, {2})},
                   1010, 1);
  c.placement[1].output = c.placement[3].output = 0;
  LocalMoves moves = c.improve();
  EXPECT_EQ(moves.kept, 1u);
  EXPECT_EQ(c.placement[0].output, 0u);
  EXPECT_EQ(c.placement[1].output, 1u);
  EXPECT_EQ(c.placement[2].output, 0u);
  EXPECT_NEAR(c.latency(), test::bruteForceOptimum(c.problem), 1e-9);
}

TEST(LocalMoves, DemoteSeveralResidentsForOneLargeWeight) {
  // Three compute-bound layers' weights (350 B each: 35 s from the slow
  // level behind 30 s of compute) fill the fast level; a memory-bound
  // layer's 1000-B weight (100 s slow, 10 s fast) waits in the slow one.
  // No single resident frees the 950 B it needs, so neither a move nor a
  // pair gets it there: only demoting all three (5 s each) for its 90 s.
  LocalMovesCase c({test::makeNode("s1", 30, 350, 1),
                    test::makeNode("s2", 30, 350, 1, {0}),
                    test::makeNode("s3", 30, 350, 1, {1}),
                    test::makeNode("big", 1, 1000, 1, {2})},
                   1100, 0);
  c.placement[3].weights = 1;
  const double before = c.latency();
  LocalMoves moves = c.improve();
  EXPECT_EQ(moves.kept, 1u);
  EXPECT_EQ(c.placement[3].weights, 0u);
  for (unsigned node : {0u, 1u, 2u})
    EXPECT_EQ(c.placement[node].weights, 1u) << node;
  EXPECT_TRUE(c.model.evaluate(c.placement).valid);
  EXPECT_NEAR(c.latency(), before - 75, 0.1);
  EXPECT_NEAR(c.latency(), test::bruteForceOptimum(c.problem), 1e-9);
}

TEST(LocalMoves, DemoteResidentsOfEachMomentTheLevelIsFullest) {
  // A 600-B weight of a memory-bound layer (60 s slow, 6 s fast) would fill
  // the 900-B fast level beside an early 400-B activation and a late 500-B
  // one, never live together, whose layers hide their traffic (the early
  // one's wholly, the late one's but 5 s a side). The cheaper per byte, the
  // early one, frees nothing while the late moment is the fullest; only
  // after the late one goes is the early moment the fullest, and it must go
  // too.
  LocalMovesCase c({test::makeNode("p1", 300, 0, 400),
                    test::makeNode("c1", 300, 0, 1, {0}),
                    test::makeNode("p2", 45, 0, 500, {1}),
                    test::makeNode("c2", 45, 0, 1, {2}),
                    test::makeNode("big", 1, 600, 1, {3})},
                   900, 0);
  c.placement[4].weights = 1;
  LocalMoves moves = c.improve();
  EXPECT_EQ(moves.kept, 1u);
  EXPECT_EQ(c.placement[4].weights, 0u);
  EXPECT_EQ(c.placement[0].output, 1u);
  EXPECT_EQ(c.placement[2].output, 1u);
  EXPECT_TRUE(c.model.evaluate(c.placement).valid);
  EXPECT_NEAR(c.latency(), test::bruteForceOptimum(c.problem), 1e-9);
}

TEST(LocalMoves, BreakTheTieFromAnyOptimumAndLeaveAnOverflowAlone) {
  // The two layers of BreaksTheModelsTiesForTheLayerWithLessSlack, started
  // from the tied optimum that gives a the room (as CBC may return it to
  // ilp): the local moves hand it to b, and the model's latency stays.
  LocalMovesCase c({test::makeNode("a", 300, 1000, 1),
                    test::makeNode("b", 150, 1000, 1, {0})},
                   1010, 0);
  c.placement[1].weights = 1;
  const double before = c.latency();
  LocalMoves moves = c.improve();
  EXPECT_EQ(moves.kept, 1u);
  EXPECT_EQ(moves.tieBreaks, 1u);
  EXPECT_EQ(c.placement[0].weights, 1u);
  EXPECT_EQ(c.placement[1].weights, 0u);
  EXPECT_NEAR(c.latency(), before, 1e-9);
  EXPECT_EQ(moves.describe(), ", 1 local move after it (1 breaking ties)");

  // Both weights fast overflow the level: not a start to improve.
  Placement overflowing(c.problem.numNodes(), 0);
  LocalMoves none = improveByLocalMoves(c.model, overflowing);
  EXPECT_EQ(none.kept, 0u);
  EXPECT_EQ(overflowing, Placement(c.problem.numNodes(), 0));
  EXPECT_EQ(none.describe(), "");
}

TEST(Keep, MeasuresTheGivenPlacementOnceAndRefusesOneThatDoesNotFit) {
  WorkloadGraph graph;
  graph.name = "g";
  graph.nodes = {test::makeNode("a", 1, 600, 10),
                 test::makeNode("b", 1, 600, 10, {0})};
  Target target = test::twoLevelTarget(1000);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  auto keep = createStrategy("keep");
  ASSERT_TRUE(bool(keep));
  EXPECT_FALSE((*keep)->searches());

  // Not native's placement (which keeps a's weights fast): b's.
  Placement given(problem.numNodes(), 1);
  given[0].output = given[1].output = 0;
  given[1].weights = 0;
  SearchContext context{problem, model, model, {}};
  context.options.givenPlacement = given;
  auto result = (*keep)->run(context);
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_EQ(result->evaluations, 1u);
  EXPECT_EQ(result->placement, given);
  EXPECT_DOUBLE_EQ(result->result.latency, model.evaluate(given).latency);

  // Both weights fast (1200 B) do not fit 1000 B: an error, not a rectified
  // placement measured in its stead.
  given[0].weights = 0;
  context.options.givenPlacement = given;
  auto overflow = (*keep)->run(context);
  ASSERT_FALSE(bool(overflow));
  std::string message = llvm::toString(overflow.takeError());
  EXPECT_NE(message.find("does not fit level 'fast'"), std::string::npos)
      << message;

  context.options.givenPlacement.reset();
  auto none = (*keep)->run(context);
  ASSERT_FALSE(bool(none));
  message = llvm::toString(none.takeError());
  EXPECT_NE(message.find("was given none"), std::string::npos) << message;
}

TEST(Strategy, UnknownNameListsTheKnownOnes) {
  auto strategy = createStrategy("simulated-annealing");
  ASSERT_FALSE(bool(strategy));
  std::string message = llvm::toString(strategy.takeError());
  EXPECT_NE(message.find("(known: anneal, dp, ea, egrl, egrl-sac, greedy"),
            std::string::npos)
      << message;
}

// A placement 0.03% slower than native printed "1.000x vs native" (outside
// tester s40): more decimals until the ratio is not shown as 1.
TEST(Report, SpeedupsOtherThanOneNeverPrintAsOne) {
  EXPECT_EQ(formatSpeedup(1.0264), "1.026x");
  EXPECT_EQ(formatSpeedup(1.0), "1.000x");
  EXPECT_EQ(formatSpeedup(0.99973), "0.9997x");
  EXPECT_EQ(formatSpeedup(1.00004), "1.00004x");
  EXPECT_EQ(formatSpeedup(0.9999999), "1.000000x");
  EXPECT_EQ(formatSpeedup(0.9994), "0.999x");
}

} // namespace
