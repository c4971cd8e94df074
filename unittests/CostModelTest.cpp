//===- CostModelTest.cpp - Analytical model, capacity, rectification ------===//
//
// Latencies here are computed by hand from docs/cost-model.md; see the
// comments next to each expectation.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/NnpiSim.h"
#include "egrl/CostModel/SimConfig.h"

#include <random>

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
  Target target = test::idealTarget(1000);
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
  Target target = test::idealTarget(400);
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
  Target target = test::idealTarget(250);
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

/// Every tensor of `nodes` nodes: weights in `weightOrder`, then outputs
/// in `outputOrder` (empty: program order).
std::vector<TensorRef> tensorsInOrder(unsigned nodes,
                                      std::vector<unsigned> weightOrder,
                                      std::vector<unsigned> outputOrder,
                                      bool outputsFirst = false) {
  auto fill = [&](std::vector<unsigned> &order) {
    if (order.empty())
      for (unsigned i = 0; i < nodes; ++i)
        order.push_back(i);
  };
  fill(weightOrder);
  fill(outputOrder);
  std::vector<TensorRef> tensors;
  for (bool weights : {!outputsFirst, outputsFirst})
    for (unsigned i : weights ? weightOrder : outputOrder)
      tensors.push_back({i, weights});
  return tensors;
}

TEST(AnalyticalModel, FitInOrderKeepsWhatItVisitsFirst) {
  WorkloadGraph graph = chain();
  Target target = test::idealTarget(250);
  Problem problem(graph, target);
  // Visiting n1's weights first keeps its 200 B and demotes n0's 100 B,
  // the reverse of program order (RectifiesWeightsFirstInProgramOrder).
  Placement reversed(2, kFast);
  CapacityReport report =
      fitInOrder(problem, reversed, tensorsInOrder(2, {1, 0}, {1, 0}));
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(report.demotedTensors, 2u);
  EXPECT_EQ(report.overflowBytes, 150);
  EXPECT_EQ(reversed[0].weights, kSlow);
  EXPECT_EQ(reversed[1].weights, kFast);
  // n1's 10 B output fits beside the 200 B; n0's 50 B, live with it, no
  // longer does.
  EXPECT_EQ(reversed[1].output, kFast);
  EXPECT_EQ(reversed[0].output, kSlow);
  // Activations first: both outputs (60 B at once) keep the fast level, and
  // then only n0's 100 B of weights fit beside them (n1's would make 260 B).
  Placement outputsFirst(2, kFast);
  fitInOrder(problem, outputsFirst, tensorsInOrder(2, {}, {}, true));
  EXPECT_EQ(outputsFirst[0], (NodePlacement{kFast, kFast}));
  EXPECT_EQ(outputsFirst[1], (NodePlacement{kSlow, kFast}));
  // Program order with the weights first is rectify(), report included.
  Placement inOrder(2, kFast), plain(2, kFast);
  CapacityReport ordered =
      fitInOrder(problem, inOrder, tensorsInOrder(2, {}, {}));
  CapacityReport rectified = rectify(problem, plain);
  EXPECT_EQ(inOrder, plain);
  EXPECT_EQ(ordered.valid, rectified.valid);
  EXPECT_EQ(ordered.overflowBytes, rectified.overflowBytes);
  EXPECT_EQ(ordered.demotedTensors, rectified.demotedTensors);
  EXPECT_EQ(plain[0].weights, kFast);
}

TEST(AnalyticalModel, FitInOrderIsRectifyInProgramOrderOnRandomGraphs) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    WorkloadGraph graph = test::randomGraph(40, seed);
    Target target = test::nnpiTarget();
    Problem problem(graph, target);
    std::mt19937_64 rng(seed);
    Placement random(problem.numNodes(), 0);
    for (NodePlacement &node : random.nodes)
      node = {uint8_t(rng() % 3), uint8_t(rng() % 3)};
    Placement ordered = random, plain = random;
    CapacityReport a = fitInOrder(problem, ordered,
                                  tensorsInOrder(problem.numNodes(), {}, {}));
    CapacityReport b = rectify(problem, plain);
    EXPECT_EQ(ordered, plain) << "seed " << seed;
    EXPECT_EQ(a.valid, b.valid) << "seed " << seed;
    EXPECT_EQ(a.overflowBytes, b.overflowBytes) << "seed " << seed;
  }
}

TEST(AnalyticalModel, PromoteIntoSpareRoomFillsInTheGivenOrder) {
  WorkloadGraph graph = chain();
  Target target = test::idealTarget(250);
  Problem problem(graph, target);
  // From all-slow, n1's 200 B of weights go first and fill the fast level
  // beyond n0's 100 B; n1's 10 B output fits beside them, n0's 50 B output
  // (live with n1's) does not: 200 + 50 + 10 > 250.
  Placement byN1(2, kSlow);
  EXPECT_EQ(
      promoteIntoSpareRoom(problem, byN1, tensorsInOrder(2, {1, 0}, {1, 0})),
      2u);
  EXPECT_EQ(byN1[1], (NodePlacement{kFast, kFast}));
  EXPECT_EQ(byN1[0], (NodePlacement{kSlow, kSlow}));
  // In program order n0's 100 B go first, n1's 200 B no longer fit, and
  // both outputs fit beside n0's weights: 100 + 50 + 10 <= 250.
  Placement inOrder(2, kSlow);
  EXPECT_EQ(promoteIntoSpareRoom(problem, inOrder, tensorsInOrder(2, {}, {})),
            3u);
  EXPECT_EQ(inOrder[0], (NodePlacement{kFast, kFast}));
  EXPECT_EQ(inOrder[1], (NodePlacement{kSlow, kFast}));
  // Tensors the order leaves out stay where they are.
  Placement onlyN0(2, kSlow);
  EXPECT_EQ(promoteIntoSpareRoom(problem, onlyN0, {{0, true}}), 1u);
  EXPECT_EQ(onlyN0[0], (NodePlacement{kFast, kSlow}));
  EXPECT_EQ(onlyN0[1], (NodePlacement{kSlow, kSlow}));
  // Every result fits as it is.
  for (const Placement &promoted : {byN1, inOrder, onlyN0}) {
    Placement check = promoted;
    EXPECT_TRUE(rectify(problem, check).valid);
    EXPECT_EQ(check, promoted);
  }
  // Nothing to gain: a placement already in the fastest level stays.
  Target roomy = test::idealTarget(1000);
  Problem roomyProblem(graph, roomy);
  Placement fast(2, kFast);
  EXPECT_EQ(promoteIntoSpareRoom(roomyProblem, fast, tensorsInOrder(2, {}, {})),
            0u);
  EXPECT_EQ(fast, Placement(2, kFast));
}

TEST(AnalyticalModel, UseSpareRoomFillsInRandomOrdersAndLeavesOverflowAlone) {
  WorkloadGraph graph = chain();
  Target target = test::idealTarget(250);
  Problem problem(graph, target);
  std::vector<Placement> seen;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    std::mt19937_64 rng(seed);
    Placement filled(2, kSlow);
    EXPECT_GT(useSpareRoom(problem, filled, rng), 0u);
    // It fits, and nothing more does.
    Placement check = filled;
    EXPECT_TRUE(rectify(problem, check).valid);
    EXPECT_EQ(check, filled);
    Placement more = filled;
    EXPECT_EQ(promoteIntoSpareRoom(problem, more, tensorsInOrder(2, {}, {})),
              0u);
    if (!llvm::is_contained(seen, filled))
      seen.push_back(filled);
  }
  // The order decides who gets the room: n1's 200 B of weights or n0's.
  EXPECT_GE(seen.size(), 2u);
  // A placement that does not fit is the capacity rules' business: unchanged.
  std::mt19937_64 rng(0);
  Placement overflowing(2, kFast);
  EXPECT_EQ(useSpareRoom(problem, overflowing, rng), 0u);
  EXPECT_EQ(overflowing, Placement(2, kFast));
}

TEST(AnalyticalModel, ActivationsOnlyOccupyTheirLiveRange) {
  // Three 60 B outputs, each read only by the next node: two are live at
  // once, so 120 B suffice although they add up to 180 B.
  WorkloadGraph graph;
  graph.name = "live";
  graph.nodes = {test::makeNode("a", 1, 0, 60),
                 test::makeNode("b", 1, 0, 60, {0}),
                 test::makeNode("c", 1, 0, 60, {1})};
  Target target = test::idealTarget(120);
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
  graph.nodes = {test::makeNode("a", 0, 100, 0),
                 test::makeNode("b", 0, 0, 0, {})};
  graph.nodes[1].sharedWeights = {0};
  Target target = test::idealTarget(1000);
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
  Target target = test::idealTarget(1000);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  EXPECT_DOUBLE_EQ(model.evaluate(Placement(2, kSlow)).latency,
                   (1 + 10.0) + (1 + 1.0));
  auto back = WorkloadGraph::fromJSON(graph.toJSON(), "tied");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->nodes[1].sharedWeightReadElements, std::vector<int64_t>{10});
  graph.nodes[1].sharedWeightReadElements = {101};
  llvm::Error tooMuch = graph.verify();
  EXPECT_TRUE(bool(tooMuch)) << "reads more than the owner has";
  llvm::consumeError(std::move(tooMuch));
}

/// n0 computes for 10 s, n1 for 4 s, n2 for 1 s; weights 100, 100 and
/// 300 B; 10 B outputs, which stay fast below. On idealTarget(1000, 100)
/// (fast 100 B/s, slow 10 B/s, 1 s overhead, a 100 B ring):
///   T0 = 1 + max(10, 100/100 + 0.1) = 11
///   T1 = 1 + max(4, 100/100 + 0.1 + 0.1) = 5
///   T2 = 1 + max(1, 300/100 + 0.1 + 0.1) = 4.2
/// and a streamed weight is read from the ring at the fast level's 100 B/s,
/// so T_i does not change when a weight moves to the slow level: only the
/// prefetch recursion does.
WorkloadGraph prefetchChain() {
  WorkloadGraph graph;
  graph.name = "prefetch";
  graph.nodes = {test::makeNode("n0", 10, 100, 10),
                 test::makeNode("n1", 4, 100, 10, {0}),
                 test::makeNode("n2", 1, 300, 10, {1})};
  graph.nodes[2].isGraphOutput = true;
  return graph;
}

Placement fastExceptWeights(std::initializer_list<unsigned> slowWeights) {
  Placement placement(3, kFast);
  for (unsigned i : slowWeights)
    placement[i].weights = kSlow;
  return placement;
}

TEST(AnalyticalModel, PrefetchHidesAFetchBehindEarlierCompute) {
  WorkloadGraph graph = prefetchChain();
  Target target = test::idealTarget(1000, 100);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  ASSERT_TRUE(model.prefetches());
  EXPECT_DOUBLE_EQ(model.ringBytes(), 100);
  EXPECT_DOUBLE_EQ(model.ringSecondsPerByte(), 0.1);
  EXPECT_DOUBLE_EQ(model.streamSecondsPerByte(kSlow), 0.1);
  // Everything fast: 11 + 5 + 4.2.
  EvalResult allFast = model.evaluate(Placement(3, kFast));
  EXPECT_TRUE(allFast.valid);
  EXPECT_DOUBLE_EQ(allFast.latency, 20.2);
  // n1's weights slow: the DMA fetches them (100 B at 10 B/s) while n0
  // computes. g1 = max(0 + 100/10, s1 + (100 - 100)/10) = max(10, 11) = 11,
  // e1 = max(s1 + T1, g1 + 1) = max(16, 12) = 16: hidden, still 20.2.
  EXPECT_DOUBLE_EQ(model.evaluate(fastExceptWeights({1})).latency, 20.2);
  // The same without prefetch: n1 reads them itself,
  // T1 = 1 + max(4, 100/10 + 0.2) = 11.2.
  Target plain = test::idealTarget(1000);
  Problem plainProblem(graph, plain);
  AnalyticalModel plainModel(plainProblem);
  EXPECT_FALSE(plainModel.prefetches());
  EXPECT_DOUBLE_EQ(plainModel.evaluate(fastExceptWeights({1})).latency,
                   11 + 11.2 + 4.2);
}

TEST(AnalyticalModel, PrefetchExposesWhatTheDmaCannotFetchInTime) {
  WorkloadGraph graph = prefetchChain();
  Target target = test::idealTarget(1000, 100);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  // n0's and n1's weights slow. n0's stream from t = 0 while it runs:
  // g0 = max(0 + 10, 0 + (100 - 100)/10) = 10, e0 = max(11, 10 + 1) = 11.
  // n1's can only follow them on the one DMA engine, from 10 to 20:
  // g1 = max(10 + 10, 11 + 0) = 20, e1 = max(11 + 5, 20 + 1) = 21, so
  // 5 s of n1's fetch are exposed; e2 = 21 + 4.2.
  Placement both = fastExceptWeights({0, 1});
  EXPECT_DOUBLE_EQ(model.evaluate(both).latency, 25.2);
  // The session agrees, built at once or move by move.
  AnalyticalModel::Session session(model, Placement(3, kFast));
  EXPECT_DOUBLE_EQ(session.latency(), 20.2);
  session.set(1, both[1]);
  EXPECT_DOUBLE_EQ(session.latency(), 20.2);
  EXPECT_DOUBLE_EQ(session.set(0, both[0]), 25.2);
  EXPECT_DOUBLE_EQ(AnalyticalModel::Session(model, both).latency(), 25.2);
  EXPECT_DOUBLE_EQ(session.set(0, NodePlacement{kFast, kFast}), 20.2);
}

TEST(AnalyticalModel, PrefetchOfAWeightLargerThanTheRing) {
  WorkloadGraph graph = prefetchChain();
  Target target = test::idealTarget(1000, 100);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  // n2's 300 B slow: the DMA fills the 100 B ring by t = 10 and waits for
  // n2 to start at 16 (11 + 5); the other 200 B stream through while it
  // runs. g2 = max(0 + 300/10, 16 + (300 - 100)/10) = 36,
  // e2 = max(16 + 4.2, 36 + 1) = 37.
  EXPECT_DOUBLE_EQ(model.evaluate(fastExceptWeights({2})).latency, 37.0);
  // A ring as large as the weight hides all but what n0 and n1 leave:
  // g2 = max(30, 16 + 0) = 30, e2 = max(20.2, 31) = 31.
  Target large = test::idealTarget(1000, 300);
  Problem largeProblem(graph, large);
  AnalyticalModel largeModel(largeProblem);
  EXPECT_DOUBLE_EQ(largeModel.evaluate(fastExceptWeights({2})).latency, 31.0);
  // Without prefetch n2 reads them itself: T2 = 1 + max(1, 30 + 0.2).
  Target plain = test::idealTarget(1000);
  Problem plainProblem(graph, plain);
  AnalyticalModel plainModel(plainProblem);
  EXPECT_DOUBLE_EQ(plainModel.evaluate(fastExceptWeights({2})).latency,
                   11 + 5 + 31.2);
}

/// Three levels on an ideal chip: fast 100 B/s (the ring, 100 B), mid
/// 20 B/s, slow 10 B/s; 1 MAC/s and 1 s per layer.
TEST(AnalyticalModel, WeightsInAMiddleLevelAreStreamedToo) {
  Target target = test::threeLevelTarget();
  WorkloadGraph graph = prefetchChain();
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  const uint8_t fast = 0, mid = 1, slow = 2;
  ASSERT_TRUE(model.streams(mid));
  EXPECT_DOUBLE_EQ(model.streamSecondsPerByte(mid), 0.05);
  // n1's weights in mid: its layer reads them from the ring (T1 = 5 as
  // when fast), the DMA fetches them at 20 B/s behind n0's compute:
  // g1 = max(0 + 100/20, 11 + (100 - 100) * 0.1) = 11, e1 = 16. Hidden.
  Placement placement(3, fast);
  placement[1].weights = mid;
  EXPECT_DOUBLE_EQ(model.evaluate(placement).latency, 20.2);
  // n2's 300 B slow behind them: n1's weights hold the ring until n1
  // starts at 11, so n2's fetch starts there: g2 = max(11 + 300/10,
  // 16 + (300 - 100) * 0.1) = 41, e2 = 42; with n1's weights fast the DMA
  // fills the ring with n2's from t = 0 and e2 = 37.
  placement[2].weights = slow;
  EXPECT_DOUBLE_EQ(model.evaluate(placement).latency, 42.0);
  placement[1].weights = fast;
  EXPECT_DOUBLE_EQ(model.evaluate(placement).latency, 37.0);
  // n2's 300 B in mid instead: the ring holds 100 B of them, counted at the
  // slow rate (ring space is what holds back slower weights behind them);
  // the other 200 B pass through the ring at mid's 20 B/s while n2 runs, not
  // at the slow level's 10 B/s: g2 = max(300/20, 16 + 100 * 0.1 + 200 *
  // 0.05 - 100 * 0.1) = 26, e2 = max(16 + 4.2, 26 + 1) = 27.
  placement[2].weights = mid;
  EXPECT_DOUBLE_EQ(model.evaluate(placement).latency, 27.0);
}

TEST(AnalyticalModel, RingSpaceOfOneLayerHoldsBackTheNext) {
  // n0 computes 20 s; n1 and n2 read 60 B and 40 B from mid, n3 reads
  // none, n4 reads 60 B from slow; every other tensor is fast and 10 B.
  //   T0 = 1 + max(20, 0.1) = 21, T1 = 1 + max(1, 0.6 + 0.2) = 2,
  //   T2 = 1 + max(0, 0.4 + 0.2) = 1.6, T3 = 1 + 0.2 = 1.2,
  //   T4 = 1 + max(0, 0.6 + 0.2) = 1.8, so s1 = 21, s2 = 23, s4 = 25.8.
  // The DMA fetches n1's and n2's weights by t = 5 and the ring is full
  // until n1 starts at 21; n4's 60 B then take 6 s: e4 = 27 + 1 = 28.
  Target target = test::threeLevelTarget();
  WorkloadGraph graph;
  graph.name = "window";
  graph.nodes = {
      test::makeNode("n0", 20, 0, 10), test::makeNode("n1", 1, 60, 10, {0}),
      test::makeNode("n2", 0, 40, 10, {1}), test::makeNode("n3", 0, 0, 10, {2}),
      test::makeNode("n4", 0, 60, 10, {3})};
  graph.nodes[4].isGraphOutput = true;
  ASSERT_FALSE(bool(graph.verify()));
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  Placement placement(5, 0);
  placement[1].weights = placement[2].weights = 1;
  placement[4].weights = 2;
  // g1 = max(60/20, 21 + (60 - 100) 0.1) = 17, e1 = 23;
  // g2 = max(17 + 40/20, 23 + (40 - 100) 0.1, and from n1's start
  //          21 + (60 + 40 - 100) 0.1) = 21, e2 = 24.6; e3 = 25.8;
  // g4 = max(21 + 6, 25.8 + (60 - 100) 0.1, 23 + (40 + 60 - 100) 0.1) = 27.
  // Without the window from n1's start g2 would be 19 and e4 27.6: the
  // ring bytes of mid-level weights, counted at mid's rate, would let n4's
  // fetch start while they still fill the ring.
  EXPECT_DOUBLE_EQ(model.evaluate(placement).latency, 28.0);
  AnalyticalModel::Session session(model, Placement(5, 0));
  for (unsigned i : {4u, 2u, 1u})
    session.set(i, placement[i]);
  EXPECT_DOUBLE_EQ(session.latency(), 28.0);
}

TEST(AnalyticalModel, BackingStoreServesActivationsAndStreamsInTurn) {
  WorkloadGraph graph = prefetchChain();
  Target target = test::idealTarget(1000, 100);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  // n1's weights and n0's output slow. n0 writes its output there:
  // T0 = 1 + max(10, 1 + 10/10) = 11, B0 = 10, g0 = max(0 + 1, -9) = 1.
  // n1 reads it there too, T1 = 1 + max(4, 1 + 1 + 0.1) = 5, and the
  // backing store serves B1 = 100 + 10 after B0:
  // g1 = max(1 + 11, 11 + (110 - 100)/10) = 12, e1 = max(16, 13) = 16.
  Placement placement = fastExceptWeights({1});
  placement[0].output = kSlow;
  EXPECT_DOUBLE_EQ(model.evaluate(placement).latency, 20.2);
  // With n0's output at 100 B the store is busy 10 s for it first:
  // T0 = 1 + max(10, 1 + 10) = 12, g0 = 10; T1 = 1 + max(4, 1 + 10 + 0.1),
  // B1 = 200: g1 = max(10 + 20, 12 + (200 - 100)/10) = 30,
  // e1 = max(12 + 12.1, 31) = 31; e2 = 31 + 4.2.
  graph.nodes[0].outputElements = 100;
  Problem larger(graph, target);
  AnalyticalModel largerModel(larger);
  EXPECT_NEAR(largerModel.evaluate(placement).latency, 35.2, 1e-12);
}

/// The recursion follows the simulator: on a chain (one layer at a time)
/// whose only traffic to the backing store is the streamed weights, with
/// the simulator's latencies and re-reads off. What is left is what the
/// model simplifies: the simulator frees a weight's ring space as its layer
/// consumes it (the model: when the layer starts), and its DMA writes into
/// the ring share the SRAM with the layers.
TEST(AnalyticalModel, PrefetchTracksTheSimulatorOnAChain) {
  Target target = test::nnpiTarget();
  auto cfg = SimConfig::fromTarget(target);
  ASSERT_TRUE(bool(cfg)) << llvm::toString(cfg.takeError());
  cfg->workingSetPerEngineBytes = 0;
  std::fill(cfg->accessLatency.begin(), cfg->accessLatency.end(), 0.0);
  WorkloadGraph graph = test::randomGraph(120, 5);
  for (unsigned i = 0; i < graph.size(); ++i) {
    graph.nodes[i].producers =
        i ? std::vector<unsigned>{i - 1} : std::vector<unsigned>{};
    graph.nodes[i].hostInputElements = 0;
    // Small enough that every output fits on chip.
    graph.nodes[i].outputElements =
        std::min<int64_t>(graph.nodes[i].outputElements, 1 << 16);
  }
  Problem problem(graph, target);
  const unsigned dram = problem.slowestLevel();
  AnalyticalModel model(problem, *cfg);
  NnpiSim sim(problem, *cfg);
  std::mt19937 rng(4);
  unsigned compared = 0;
  for (int k = 0; k < 40; ++k) {
    Placement placement(problem.numNodes(), 0);
    for (NodePlacement &np : placement.nodes)
      np = {uint8_t(rng() % 3), uint8_t(rng() % 2)};
    rectify(problem, placement);
    if (llvm::any_of(placement.nodes, [&](const NodePlacement &np) {
          return np.output == dram;
        }))
      continue;
    double expected = sim.simulate(placement);
    EXPECT_NEAR(model.latencyIgnoringCapacity(placement), expected,
                0.02 * expected)
        << "placement " << k;
    ++compared;
  }
  EXPECT_GE(compared, 10u);
}

/// Session and full evaluation agree over random moves, with prefetch on
/// (the bundled NNP-I target) and off, and with a small ring.
TEST(AnalyticalModel, SessionMatchesFullEvaluation) {
  WorkloadGraph graph = test::randomGraph(200, 3);
  Target target = test::nnpiTarget();
  Problem problem(graph, target);
  auto cfg = SimConfig::fromTarget(target);
  ASSERT_TRUE(bool(cfg)) << llvm::toString(cfg.takeError());
  SimConfig noPrefetch = *cfg, smallRing = *cfg;
  noPrefetch.prefetch = false;
  smallRing.ringBytes = 64 << 10;
  AnalyticalModel models[] = {AnalyticalModel(problem),
                              AnalyticalModel(problem, noPrefetch),
                              AnalyticalModel(problem, smallRing)};
  ASSERT_TRUE(models[0].prefetches());
  for (const AnalyticalModel &model : models) {
    std::mt19937 rng(11);
    Placement start(problem.numNodes(), problem.slowestLevel());
    AnalyticalModel::Session session(model, start);
    bool recursionBinds = false;
    for (int step = 0; step < 2000; ++step) {
      unsigned node = rng() % problem.numNodes();
      NodePlacement np{uint8_t(rng() % 3), uint8_t(rng() % 3)};
      session.set(node, np);
      if (step % 50 != 0)
        continue;
      const Placement &current = session.placement();
      double full = model.latencyIgnoringCapacity(current);
      EXPECT_NEAR(session.latency(), full, 1e-9 * full) << "step " << step;
      double sum = 0;
      for (unsigned i = 0; i < problem.numNodes(); ++i)
        sum += model.nodeSeconds(current, i);
      recursionBinds |= full > sum * (1 + 1e-9);
      Placement copy = current;
      EXPECT_EQ(session.fits(), rectify(problem, copy).valid)
          << "step " << step;
    }
    // With prefetch the streams are exposed somewhere on these placements,
    // so the session's recursion was exercised, not only the sum.
    EXPECT_EQ(recursionBinds, model.prefetches());
  }
}

TEST(AnalyticalModel, RewardFollowsThePaper) {
  EvalResult twiceAsFast{0.5, true, 0};
  EXPECT_DOUBLE_EQ(reward(twiceAsFast, 1.0, 100), 3.0);
  EvalResult invalid{0.5, false, 50};
  EXPECT_DOUBLE_EQ(reward(invalid, 1.0, 100), -1.5);
  EXPECT_LT(reward(invalid, 1.0, 100),
            reward(EvalResult{10.0, true, 0}, 1.0, 100));
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
  // Nodes that are not objects aborted with an uncaught type_error.
  auto numbers = Placement::fromJSON(R"({"nodes": [1, 2, 3]})", target, 3);
  ASSERT_FALSE(bool(numbers));
  EXPECT_NE(llvm::toString(numbers.takeError()).find("node 0: expected"),
            std::string::npos);
  auto missing =
      Placement::fromJSON(R"({"nodes": [{"weights": "sram"}]})", target, 1);
  ASSERT_FALSE(bool(missing));
  EXPECT_EQ(llvm::toString(missing.takeError()),
            "placement: node 0: missing \"output\"");
  auto number = Placement::fromJSON(
      R"({"nodes": [{"weights": 0, "output": "sram"}]})", target, 1);
  ASSERT_FALSE(bool(number));
  EXPECT_EQ(llvm::toString(number.takeError()),
            "placement: node 0: \"weights\" must be a level name, not 0");
  auto deep = Placement::fromJSON(std::string(1000, '['), target, 3);
  ASSERT_FALSE(bool(deep));
  EXPECT_NE(llvm::toString(deep.takeError()).find("nested more than 64"),
            std::string::npos);
}

} // namespace

namespace {

TEST(SegmentTrees, RangeAddMaxMatchesBruteForce) {
  std::mt19937 rng(5);
  for (unsigned size : {1u, 2u, 7u, 64u, 100u}) {
    RangeAddMaxTree tree(size);
    std::vector<int64_t> values(size, 0);
    for (int step = 0; step < 500; ++step) {
      unsigned a = rng() % size, b = rng() % size;
      unsigned first = std::min(a, b), last = std::max(a, b);
      if (step % 2) {
        int64_t delta = int64_t(rng() % 2001) - 1000;
        tree.add(first, last, delta);
        for (unsigned t = first; t <= last; ++t)
          values[t] += delta;
      }
      EXPECT_EQ(tree.max(first, last),
                *std::max_element(values.begin() + first,
                                  values.begin() + last + 1));
      EXPECT_EQ(tree.max(), *std::max_element(values.begin(), values.end()));
    }
  }
}

TEST(SegmentTrees, MaxPlusChainIsTheProductInOrder) {
  std::mt19937 rng(6);
  std::uniform_real_distribution<double> value(-5, 5);
  auto randomMatrix = [&] {
    MaxPlusMatrix m = MaxPlusMatrix::none();
    for (auto &row : m.at)
      for (double &x : row)
        if (rng() % 3)
          x = value(rng);
    return m;
  };
  const unsigned n = 13;
  std::vector<MaxPlusMatrix> leaves(n);
  for (MaxPlusMatrix &m : leaves)
    m = randomMatrix();
  MaxPlusChain chain(n);
  chain.assign(leaves);
  for (int step = 0; step < 50; ++step) {
    unsigned i = rng() % n;
    leaves[i] = randomMatrix();
    chain.set(i, leaves[i]);
    // Applied one after another to a state vector, as a recursion runs.
    std::array<double, 3> state = {0, 1, MaxPlusMatrix::kNone};
    for (const MaxPlusMatrix &m : leaves) {
      std::array<double, 3> next;
      for (unsigned r = 0; r < 3; ++r) {
        next[r] = MaxPlusMatrix::kNone;
        for (unsigned c = 0; c < 3; ++c)
          next[r] = std::max(next[r], m.at[r][c] + state[c]);
      }
      state = next;
    }
    const MaxPlusMatrix &all = chain.product();
    for (unsigned r = 0; r < 3; ++r) {
      double viaProduct = std::max(all.at[r][0], all.at[r][1] + 1);
      if (state[r] == MaxPlusMatrix::kNone)
        EXPECT_EQ(viaProduct, MaxPlusMatrix::kNone);
      else
        EXPECT_NEAR(viaProduct, state[r], 1e-9);
    }
  }
}

} // namespace
