//===- CostModelTest.cpp - Analytical model, capacity, rectification ------===//
//
// Latencies here are computed by hand from docs/cost-model.md; see the
// comments next to each expectation.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "TestUtil.h"

using namespace egrl;

namespace {

/// n0: 10 MACs, 100 B weights, 50 B output, 20 B host input.
/// n1: 5 MACs, 200 B weights, 10 B output (graph output), reads n0.
WorkloadGraph chain() {
  WorkloadGraph graph;
  graph.name = "chain";
  graph.nodes = {test::makeNode("n0", 10, 100, 50),
                 test::makeNode("n1", 5, 200, 10, {0})};
  graph.nodes[0].hostInputElements = 20;
  graph.nodes[0].hostInputElementBytes = 4;
  graph.nodes[1].isGraphOutput = true;
  return graph;
}

constexpr unsigned kFast = 0, kSlow = 1;

TEST(AnalyticalModel, AllSlow) {
  WorkloadGraph graph = chain();
  Target target = test::twoLevelTarget(1000);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  // Target element_bytes = 1 overrides the IR's 4 bytes.
  EXPECT_EQ(problem.weightBytes[1], 200);
  // T0 = 1 + max(10, 100/10 + 20/10 + 50/10 = 17) = 18
  // T1 = 1 + max(5, 200/10 + 50/10 + 10/10 = 26) = 27
  EvalResult result = model.evaluate(Placement(2, kSlow));
  EXPECT_TRUE(result.valid);
  EXPECT_DOUBLE_EQ(result.latency, 45.0);
}

TEST(AnalyticalModel, AllFastFits) {
  WorkloadGraph graph = chain();
  Target target = test::twoLevelTarget(400);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  // Weights 300 B + activations at step 1: 50 + 10 = 360 B <= 400 B.
  // T0 = 1 + max(10, 1 + 2 (host input stays in the slow level) + 0.5) = 11
  // T1 = 1 + max(5, 2 + 0.5 + 0.1) = 6
  EvalResult result = model.evaluate(Placement(2, kFast));
  EXPECT_TRUE(result.valid);
  EXPECT_EQ(result.overflowBytes, 0);
  EXPECT_DOUBLE_EQ(result.latency, 17.0);
  EXPECT_EQ(peakResidentBytes(problem, Placement(2, kFast))[kFast], 360);
}

TEST(AnalyticalModel, RectifiesWeightsFirstInProgramOrder) {
  WorkloadGraph graph = chain();
  Target target = test::twoLevelTarget(250);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  // n0's weights take 100 B; n1's 200 B no longer fit and go to the slow
  // level; both activations (50 B, 10 B) then fit beside the 100 B.
  Placement placement(2, kFast);
  EvalResult result = model.evaluateAndRectify(placement);
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(result.overflowBytes, 200);
  EXPECT_EQ(placement[0], (NodePlacement{kFast, kFast}));
  EXPECT_EQ(placement[1], (NodePlacement{kSlow, kFast}));
  // T0 = 11; T1 = 1 + max(5, 200/10 + 0.5 + 0.1) = 21.6
  EXPECT_DOUBLE_EQ(result.latency, 32.6);
}

TEST(AnalyticalModel, ActivationsOnlyOccupyTheirLiveRange) {
  // Three 60 B outputs, each read only by the next node: two are live at
  // once, so 120 B suffice although they add up to 180 B.
  WorkloadGraph graph;
  graph.name = "live";
  graph.nodes = {test::makeNode("a", 1, 0, 60), test::makeNode("b", 1, 0, 60, {0}),
                 test::makeNode("c", 1, 0, 60, {1})};
  Target target = test::twoLevelTarget(120);
  Problem problem(graph, target);
  Placement placement(3, kFast);
  CapacityReport report = rectify(problem, placement);
  EXPECT_TRUE(report.valid);
  // A skip connection from a to c keeps a alive for three steps: c no
  // longer fits and is demoted.
  graph.nodes[2].producers = {0, 1};
  Problem skip(graph, target);
  Placement again(3, kFast);
  report = rectify(skip, again);
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(report.overflowBytes, 60);
  EXPECT_EQ(again[2].output, kSlow);
  EXPECT_EQ(again[1].output, kFast);
}

TEST(AnalyticalModel, SharedWeightsAreReadWhereTheirOwnerPutsThem) {
  WorkloadGraph graph;
  graph.name = "shared";
  graph.nodes = {test::makeNode("a", 0, 100, 0), test::makeNode("b", 0, 0, 0, {})};
  graph.nodes[1].sharedWeights = {0};
  Target target = test::twoLevelTarget(1000);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  // Each node reads 100 B of weights: 10 s from slow, 1 s from fast.
  EXPECT_DOUBLE_EQ(model.evaluate(Placement(2, kSlow)).latency, 2 * (1 + 10.0));
  Placement fast(2, kSlow);
  fast[0].weights = kFast;
  EXPECT_DOUBLE_EQ(model.evaluate(fast).latency, 2 * (1 + 1.0));
  // Counted once for capacity.
  EXPECT_EQ(bytesPerLevel(problem, fast).weights[kFast], 100);
}

TEST(AnalyticalModel, ASharerIsChargedForWhatItReads) {
  // b looks up 10 of the 100 bytes a owns (tied embeddings): 1 s from the
  // slow level, not a's 10 s.
  WorkloadGraph graph;
  graph.name = "tied";
  graph.nodes = {test::makeNode("a", 0, 100, 0), test::makeNode("b", 0, 0, 0)};
  graph.nodes[1].sharedWeights = {0};
  graph.nodes[1].sharedWeightReadElements = {10};
  ASSERT_FALSE(bool(graph.verify()));
  Target target = test::twoLevelTarget(1000);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  EXPECT_DOUBLE_EQ(model.evaluate(Placement(2, kSlow)).latency,
                   (1 + 10.0) + (1 + 1.0));
  auto back = WorkloadGraph::fromJSON(graph.toJSON(), "tied");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->nodes[1].sharedWeightReadElements,
            std::vector<int64_t>{10});
  graph.nodes[1].sharedWeightReadElements = {101};
  llvm::Error tooMuch = graph.verify();
  EXPECT_TRUE(bool(tooMuch)) << "reads more than the owner has";
  llvm::consumeError(std::move(tooMuch));
}

TEST(AnalyticalModel, SessionMatchesFullEvaluation) {
  WorkloadGraph graph = test::randomGraph(200, 3);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  std::mt19937 rng(11);
  Placement start(problem.numNodes(), problem.slowestLevel());
  AnalyticalModel::Session session(model, start);
  for (int step = 0; step < 2000; ++step) {
    unsigned node = rng() % problem.numNodes();
    NodePlacement np{uint8_t(rng() % 3), uint8_t(rng() % 3)};
    session.set(node, np);
    if (step % 50 != 0)
      continue;
    const Placement &current = session.placement();
    EXPECT_NEAR(session.latency(), model.latencyIgnoringCapacity(current),
                1e-9 * session.latency());
    Placement copy = current;
    EXPECT_EQ(session.fits(), rectify(problem, copy).valid) << "step " << step;
  }
}

TEST(AnalyticalModel, RewardFollowsThePaper) {
  EvalResult twiceAsFast{0.5, true, 0};
  EXPECT_DOUBLE_EQ(reward(twiceAsFast, 1.0, 100), 3.0);
  EvalResult invalid{0.5, false, 50};
  EXPECT_DOUBLE_EQ(reward(invalid, 1.0, 100), -1.5);
  EXPECT_LT(reward(invalid, 1.0, 100), reward(EvalResult{10.0, true, 0}, 1.0, 100));
}

TEST(Placement, JsonRoundTripAndErrors) {
  Target target = test::nnpiTarget();
  Placement placement(3, 2);
  placement[1] = {0, 1};
  auto back = Placement::fromJSON(placement.toJSON(target), target, 3);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(*back, placement);
  auto wrongSize = Placement::fromJSON(placement.toJSON(target), target, 4);
  ASSERT_FALSE(bool(wrongSize));
  EXPECT_NE(llvm::toString(wrongSize.takeError()).find("graph has 4"),
            std::string::npos);
  auto badLevel = Placement::fromJSON(
      R"({"nodes": [{"weights": "hbm", "output": "sram"}]})", target, 1);
  ASSERT_FALSE(bool(badLevel));
  EXPECT_NE(llvm::toString(badLevel.takeError()).find("unknown level 'hbm'"),
            std::string::npos);
}

} // namespace
