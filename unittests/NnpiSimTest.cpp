//===- NnpiSimTest.cpp - The nnpi-sim evaluator against hand computation --===//
//
// Toy targets use round numbers (1 MAC/s, 10 B/s and 100 B/s levels) so every
// expected latency below is worked out by hand in the comment beside it;
// docs/simulator.md explains the rules they follow.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/NnpiSim.h"
#include "TestUtil.h"
#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Strategy.h"

#include <nlohmann/json.hpp>

#include <set>
#include <thread>

using namespace egrl;

namespace {

constexpr unsigned kFast = 0, kSlow = 1;

/// Knobs that make the toy chip easy to reason about: one engine group per
/// layer, no latencies, full bandwidth, no working-set limit.
const char *kPlainSim = R"("engines": 1, "min_engine_work_s": 0,
  "working_set_per_engine_bytes": 0,
  "levels": {"slow": {"sustained_fraction": 1, "access_latency_s": 0},
             "fast": {"sustained_fraction": 1, "access_latency_s": 0}})";

/// Slow 10 B/s, fast 100 B/s with `reserved` bytes kept for the runtime;
/// 1 MAC/s for the whole chip; 1-byte elements.
Target toyTarget(const std::string &sim, double overhead = 0,
                 int64_t reserved = 1000) {
  std::string json = R"({"name": "toy-sim", "element_bytes": 1,
    "compute": {"mac_per_s": 1, "vector_ops_per_s": 1, "layer_overhead_s": )" +
                     std::to_string(overhead) + R"(},
    "levels": [
      {"name": "slow", "capacity_bytes": 1000000000, "bandwidth_bytes_per_s": 10},
      {"name": "fast", "capacity_bytes": 100000, "reserved_bytes": )" +
                     std::to_string(reserved) +
                     R"(, "bandwidth_bytes_per_s": 100}],
    "sim": {)" + sim +
                     "}}";
  auto target = Target::parse(json, "toy-sim");
  EXPECT_TRUE(bool(target)) << llvm::toString(target.takeError());
  return std::move(*target);
}

std::unique_ptr<NnpiSim> makeSim(const Problem &problem) {
  auto sim = NnpiSim::create(problem);
  EXPECT_TRUE(bool(sim)) << llvm::toString(sim.takeError());
  return sim ? std::move(*sim) : nullptr;
}

std::string simError(const std::string &sim) {
  auto target = Target::parse(
      R"({"name": "bad", "compute": {"mac_per_s": 1, "vector_ops_per_s": 1},
          "levels": [{"name": "dram", "capacity_bytes": 100, "bandwidth_bytes_per_s": 1},
                     {"name": "sram", "capacity_bytes": 100, "reserved_bytes": 10,
                      "bandwidth_bytes_per_s": 10}],
          "sim": )" +
          sim + "}",
      "bad.json");
  EXPECT_TRUE(bool(target)) << llvm::toString(target.takeError());
  auto cfg = SimConfig::fromTarget(*target);
  if (cfg)
    return "";
  return llvm::toString(cfg.takeError());
}

Placement randomPlacement(unsigned n, std::mt19937 &rng) {
  Placement placement(n, 0);
  for (NodePlacement &np : placement.nodes)
    np = {uint8_t(rng() % 3), uint8_t(rng() % 3)};
  return placement;
}

/// The nnpi-1000 simulator with everything that the analytical model does
/// not have switched off, and each layer on the whole chip.
SimConfig analyticalKnobs(const Target &target) {
  auto cfg = SimConfig::fromTarget(target);
  EXPECT_TRUE(bool(cfg)) << llvm::toString(cfg.takeError());
  cfg->minEngineWorkSeconds = 0;
  cfg->contention = false;
  cfg->prefetch = false;
  cfg->workingSetPerEngineBytes = 0;
  std::fill(cfg->accessLatency.begin(), cfg->accessLatency.end(), 0.0);
  std::fill(cfg->sustainedFraction.begin(), cfg->sustainedFraction.end(), 1.0);
  return *cfg;
}

/// Native, all fastest, all slowest and 20 random placements.
std::vector<Placement> samplePlacements(const Problem &problem) {
  std::mt19937 rng(3);
  std::vector<Placement> placements = {
      nativePlacement(problem), Placement(problem.numNodes(), 0),
      Placement(problem.numNodes(), problem.slowestLevel())};
  for (int i = 0; i < 20; ++i)
    placements.push_back(randomPlacement(problem.numNodes(), rng));
  return placements;
}

TEST(NnpiSim, SerialGraphMatchesAnalyticalModelWithKnobsOff) {
  Target target = test::nnpiTarget();
  WorkloadGraph chain = test::randomGraph(120, 5);
  for (unsigned i = 0; i < chain.size(); ++i)
    chain.nodes[i].producers =
        i ? std::vector<unsigned>{i - 1} : std::vector<unsigned>{};
  // With every layer on the whole chip, in-order issue makes a graph with
  // skip connections serial too.
  WorkloadGraph skips = test::randomGraph(120, 6);
  for (const WorkloadGraph *graph : {&chain, &skips}) {
    Problem problem(*graph, target);
    SimConfig cfg = analyticalKnobs(target);
    // The model believes the same knobs: no prefetch, peak rates.
    AnalyticalModel model(problem, cfg);
    NnpiSim sim(problem, cfg);
    // Alone on a serial graph, a transfer never shares a level: switching
    // contention back on changes nothing.
    cfg.contention = true;
    NnpiSim sharing(problem, cfg);
    std::vector<Placement> placements = samplePlacements(problem);
    for (const Placement &placement : placements) {
      EvalResult expected = model.evaluate(placement);
      for (const NnpiSim *evaluator : {&sim, &sharing}) {
        EvalResult got = evaluator->evaluate(placement);
        EXPECT_NEAR(got.latency, expected.latency, 1e-9 * expected.latency);
        EXPECT_EQ(got.valid, expected.valid);
        EXPECT_EQ(got.overflowBytes, expected.overflowBytes);
      }
    }
  }
}

TEST(NnpiSim, TwoConcurrentTransfersOnOneLevelTakeTwiceAsLong) {
  // Two engines, one per layer (any compute asks for a single engine).
  Target target = toyTarget(R"("engines": 2, "min_engine_work_s": 1,
      "working_set_per_engine_bytes": 0, "prefetch": {"enabled": false},
      "levels": {"slow": {"sustained_fraction": 1, "access_latency_s": 0}})");
  WorkloadGraph graph;
  graph.name = "two-readers";
  graph.nodes = {test::makeNode("a", 0, 0, 0), test::makeNode("b", 0, 0, 0)};
  for (Node &node : graph.nodes) {
    node.hostInputElements = 100; // 100 B from the slow level: 10 s alone.
    node.hostInputElementBytes = 1;
  }
  Problem problem(graph, target);
  auto sim = makeSim(problem);
  ASSERT_TRUE(sim);
  EXPECT_EQ(sim->enginesFor(0), 1u);
  Placement placement(2, kSlow);
  // Both layers start at 0 and share 10 B/s: each gets 5 B/s, 20 s.
  EXPECT_DOUBLE_EQ(sim->simulate(placement), 20.0);
  WorkloadGraph one = graph;
  one.nodes.pop_back();
  Problem alone(one, target);
  EXPECT_DOUBLE_EQ(makeSim(alone)->simulate(Placement(1, kSlow)), 10.0);
  // Without contention each would get the full 10 B/s.
  SimConfig cfg = sim->config();
  cfg.contention = false;
  EXPECT_DOUBLE_EQ(NnpiSim(problem, cfg).simulate(placement), 10.0);
}

TEST(NnpiSim, LevelsAreSharedByDominantShare) {
  // Two engines: a and b, without compute, take one each; the DMA only
  // streams (b issues at once, before a tile of its ring has landed).
  Target target = toyTarget(R"("engines": 2, "min_engine_work_s": 1,
      "working_set_per_engine_bytes": 0,
      "prefetch": {"ring_bytes": 10, "tile_bytes": 10},
      "levels": {"slow": {"sustained_fraction": 1, "access_latency_s": 0},
                 "fast": {"sustained_fraction": 1, "access_latency_s": 0}})");
  WorkloadGraph graph;
  graph.name = "mixed";
  // a reads 900 B of weights from the fast level (9 s) and writes 100 B to
  // the slow one (10 s): 19 s alone, 47% of fast, 53% of slow. b's 200 B of
  // slow weights stream beside it: 20 s alone, all of slow and a fifth of
  // fast (written into the ring and read back). c waits for a and for both
  // engines (100 s of compute on one, 50 MACs at 0.5 MAC/s, asks for both)
  // and computes 50 s.
  graph.nodes = {test::makeNode("a", 0, 900, 100),
                 test::makeNode("b", 0, 200, 0),
                 test::makeNode("c", 50, 0, 0, {0})};
  Problem problem(graph, target);
  auto sim = makeSim(problem);
  ASSERT_TRUE(sim);
  Placement placement(3, kSlow);
  placement[0].weights = kFast;
  // By dominant share both get half of the slow level: a runs at 0.5/0.53
  // = 0.95 of its speed and ends at 20 s (by raw bytes/s it would be
  // weighted by its fast traffic and starved of slow). b, half done, then
  // has all of slow and ends at 30 s; c ends at 80 s.
  EXPECT_DOUBLE_EQ(sim->simulate(placement), 80.0);
  std::string trace;
  llvm::raw_string_ostream os(trace);
  sim->writeChromeTrace(placement, os);
  auto events = nlohmann::json::parse(os.str())["traceEvents"];
  bool seen = false;
  for (const auto &event : events)
    if (event.value("cat", "") == "layer" && event["name"] == "a") {
      EXPECT_NEAR(event["ts"].get<double>() + event["dur"].get<double>(),
                  20e6, 1e-3);
      seen = true;
    }
  EXPECT_TRUE(seen);
}

TEST(NnpiSim, IndependentLayersRunConcurrentlyOnSeparateEngines) {
  const std::string sim = R"("min_engine_work_s": 1,
      "working_set_per_engine_bytes": 0, "prefetch": {"enabled": false},
      "levels": {"slow": {"sustained_fraction": 1, "access_latency_s": 0},
                 "fast": {"sustained_fraction": 1, "access_latency_s": 0}})";
  Target target = toyTarget(R"("engines": 2, )" + sim);
  WorkloadGraph graph;
  graph.name = "branches";
  // No compute, so one engine each: a reads 100 B of input from the slow
  // level (10 s), b writes 1000 B to the fast one (10 s).
  graph.nodes = {test::makeNode("a", 0, 0, 0), test::makeNode("b", 0, 0, 1000)};
  graph.nodes[0].hostInputElements = 100;
  graph.nodes[0].hostInputElementBytes = 1;
  Problem problem(graph, target);
  EXPECT_DOUBLE_EQ(makeSim(problem)->simulate(Placement(2, kFast)), 10.0);
  // On one engine they take turns.
  Target one = toyTarget(R"("engines": 1, )" + sim);
  Problem serial(graph, one);
  EXPECT_DOUBLE_EQ(makeSim(serial)->simulate(Placement(2, kFast)), 20.0);
  graph.nodes[1].producers = {0};
  Problem chained(graph, target);
  EXPECT_DOUBLE_EQ(makeSim(chained)->simulate(Placement(2, kFast)), 20.0);
}

/// n0 computes 100 MACs (100 s); n1 reads 200 B of weights that live in the
/// slow level (20 s at 10 B/s). 1 s dispatch overhead per layer, paid when a
/// layer's compute and memory are both done.
WorkloadGraph prefetchGraph(int64_t firstMacs = 100) {
  WorkloadGraph graph;
  graph.name = "prefetch";
  graph.nodes = {test::makeNode("n0", firstMacs, 0, 0),
                 test::makeNode("n1", 0, 200, 0, {0})};
  return graph;
}

double prefetchLatency(const std::string &prefetch, int64_t firstMacs = 100,
                       bool contention = true) {
  Target target =
      toyTarget(std::string(kPlainSim) + R"(, "prefetch": )" + prefetch +
                    R"(, "contention": )" + (contention ? "true" : "false"),
                /*overhead=*/1);
  WorkloadGraph graph = prefetchGraph(firstMacs);
  Problem problem(graph, target);
  auto sim = makeSim(problem);
  if (!sim)
    return -1;
  Placement placement(2, kSlow);
  return sim->simulate(placement);
}

TEST(NnpiSim, PrefetchThatFitsHidesTheDramReadBehindCompute) {
  // No prefetch: 100 + 1, then 200 B / 10 B/s + 1 = 21: 122 s.
  EXPECT_DOUBLE_EQ(prefetchLatency(R"({"enabled": false})"), 122.0);
  // The DMA engine fetches the 200 B during n0 (done at 20 s); n1 reads them
  // from the fast level: 101 + 200 B / 100 B/s + 1 = 104 s.
  EXPECT_DOUBLE_EQ(prefetchLatency(R"({"ring_bytes": 1000, "tile_bytes": 10})"),
                   104.0);
}

TEST(NnpiSim, PrefetchThatDoesNotFitHidesOnlyPart) {
  // Ring of 100 B: half of the weights land by 10 s, then the DMA waits.
  // n1 starts at 101 and reads the staged 100 B from the fast level (1 s
  // alone) while the other 100 B stream through at 10 B/s (10 s alone),
  // written into the fast level and read back by n1's engines: 20 B/s of
  // its 100 B/s. Both jobs need the fast level, n1 all of it and the
  // stream a fifth: each gets 1/1.2 of its speed, so n1's read ends at
  // 102.2 after 1 s of the stream's work; the 9 s left end at 111.2, and
  // n1 at 112.2 s.
  EXPECT_DOUBLE_EQ(prefetchLatency(R"({"ring_bytes": 100, "tile_bytes": 10})"),
                   112.2);
  // Without contention every job runs at full speed: n1's read ends at 102,
  // the stream at 111, n1 at 112 s. (The stream kept the share it had beside
  // n1's read to its end: 113 s.)
  EXPECT_DOUBLE_EQ(prefetchLatency(R"({"ring_bytes": 100, "tile_bytes": 10})",
                                   100, /*contention=*/false),
                   112.0);
  // No ring, no prefetch: n1 reads its weights itself, 122 s (a DMA through
  // an empty ring took as long here, but not on every chip).
  EXPECT_DOUBLE_EQ(prefetchLatency(R"({"ring_bytes": 0, "tile_bytes": 10})"),
                   122.0);
  // Not enough compute to hide behind: n0 ends at 6 s, the fetch at 20 s,
  // n1 at 21 s.
  EXPECT_DOUBLE_EQ(prefetchLatency(R"({"ring_bytes": 1000, "tile_bytes": 10})",
                                   /*firstMacs=*/5),
                   21.0);
  EXPECT_DOUBLE_EQ(prefetchLatency(R"({"enabled": false})", 5), 27.0);
}

// Without contention every job runs at full speed, so no placement is slower
// than with it. (A prefetch chunk that became a stream beside a layer kept
// the share it had then to its end: vit_l_32 ran 57% slower.)
TEST(NnpiSim, NoContentionIsNeverSlower) {
  Target target = test::nnpiTarget();
  for (unsigned seed = 1; seed <= 8; ++seed) {
    WorkloadGraph graph = test::randomGraph(200, seed);
    Problem problem(graph, target);
    auto shared = makeSim(problem);
    ASSERT_TRUE(shared);
    SimConfig cfg = shared->config();
    cfg.contention = false;
    NnpiSim alone(problem, cfg);
    for (const Placement &placement : samplePlacements(problem)) {
      Placement fitted = placement;
      rectify(problem, fitted);
      EXPECT_LE(alone.simulate(fitted), shared->simulate(fitted) * (1 + 1e-12))
          << "seed " << seed;
    }
  }
}

TEST(NnpiSim, TraceLabelsAChunkByWhatItDidWhen) {
  // firstMacs = 5: n1 issues at 6 s while its 200 B are in flight (0-20 s):
  // a prefetch until 6 s (60 B landed), a stream after.
  Target target = toyTarget(std::string(kPlainSim) +
                                R"(, "prefetch": {"ring_bytes": 1000,
                                                  "tile_bytes": 10})",
                            /*overhead=*/1);
  WorkloadGraph graph = prefetchGraph(5);
  Problem problem(graph, target);
  auto sim = makeSim(problem);
  ASSERT_TRUE(sim);
  std::string trace;
  llvm::raw_string_ostream os(trace);
  sim->writeChromeTrace(Placement(2, kSlow), os);
  std::vector<std::tuple<std::string, double, double, double>> chunks;
  nlohmann::json document = nlohmann::json::parse(os.str());
  for (const auto &event : document["traceEvents"])
    if (event.value("pid", 0) == 2 && event.value("ph", "") == "X")
      chunks.emplace_back(event["cat"], event["ts"].get<double>() * 1e-6,
                          event["dur"].get<double>() * 1e-6,
                          event["args"]["bytes"].get<double>());
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(std::get<0>(chunks[0]), "prefetch");
  EXPECT_NEAR(std::get<2>(chunks[0]), 6, 1e-9);
  EXPECT_NEAR(std::get<3>(chunks[0]), 60, 1e-9);
  EXPECT_EQ(std::get<0>(chunks[1]), "stream");
  EXPECT_NEAR(std::get<1>(chunks[1]), 6, 1e-9);
  EXPECT_NEAR(std::get<2>(chunks[1]), 14, 1e-9);
  EXPECT_NEAR(std::get<3>(chunks[1]), 140, 1e-9);
}

TEST(NnpiSim, ActivationsOverflowingTheWorkingSetAreReRead) {
  // Working set 100 B: inputs (80 B) and weights (120 B) both exceed half of
  // it. Re-reading the inputs ceil(120/50) - 1 = 2 more times from the fast
  // level (1.6 s) beats re-reading the weights once from the slow one (12 s).
  auto latency = [](int64_t workingSet) {
    Target target = toyTarget(R"("engines": 1, "min_engine_work_s": 0,
        "working_set_per_engine_bytes": )" +
                              std::to_string(workingSet) +
                              R"(, "prefetch": {"enabled": false},
        "levels": {"slow": {"sustained_fraction": 1, "access_latency_s": 0},
                   "fast": {"sustained_fraction": 1, "access_latency_s": 0}})");
    WorkloadGraph graph;
    graph.name = "tiles";
    graph.nodes = {test::makeNode("a", 0, 0, 80),
                   test::makeNode("b", 0, 120, 0, {0})};
    Problem problem(graph, target);
    Placement placement(2, kFast);
    placement[1].weights = kSlow;
    return std::make_pair(
        makeSim(problem)->simulate(placement),
        AnalyticalModel(problem).latencyIgnoringCapacity(placement));
  };
  // a writes 80 B (0.8 s); b reads 120 B (12 s) and 80 B (0.8 s).
  EXPECT_DOUBLE_EQ(latency(0).first, 13.6);
  EXPECT_DOUBLE_EQ(latency(100).first, 13.6 + 1.6);
  // A working set that holds the inputs: no re-read.
  EXPECT_DOUBLE_EQ(latency(200).first, 13.6);
  // The compiler's model charges the same re-reads (EngineRule.h).
  for (int64_t workingSet : {0, 100, 200})
    EXPECT_DOUBLE_EQ(latency(workingSet).second, latency(workingSet).first);
}

TEST(NnpiSim, TilingReReadsMatchTheAnalyticalModel) {
  // Random graphs with every layer on the whole chip (so they run serially,
  // as in SerialGraphMatchesAnalyticalModelWithKnobsOff) and a working set
  // their layers outgrow: the model re-reads what the simulator does, in
  // the same loop order.
  Target target = test::nnpiTarget();
  for (uint64_t seed : {5, 6}) {
    WorkloadGraph graph = test::randomGraph(120, seed);
    Problem problem(graph, target);
    SimConfig cfg = analyticalKnobs(target);
    cfg.workingSetPerEngineBytes = 2000;
    AnalyticalModel model(problem, cfg);
    NnpiSim sim(problem, cfg);
    ASSERT_TRUE(model.rereads());
    AnalyticalModel once = model.withoutRereads();
    std::vector<Placement> placements = samplePlacements(problem);
    unsigned reread = 0;
    for (const Placement &placement : placements) {
      double expected = model.evaluate(placement).latency;
      EXPECT_NEAR(sim.evaluate(placement).latency, expected, 1e-9 * expected);
      reread += once.evaluate(placement).latency < expected;
    }
    EXPECT_EQ(reread, placements.size());
  }
}

TEST(NnpiSim, EngineRule) {
  Target target = test::nnpiTarget();
  WorkloadGraph graph;
  graph.name = "engines";
  // 1e6 MACs: 0.49 us on one 2.048 TMAC/s engine -> 1 engine; 1e9 MACs ->
  // all 12; 1e7 MACs: 4.9 us -> 5 engines of >= 1 us each.
  graph.nodes = {test::makeNode("small", 1000000, 0, 0),
                 test::makeNode("big", 1000000000, 0, 0),
                 test::makeNode("mid", 10000000, 0, 0)};
  Problem problem(graph, target);
  auto sim = makeSim(problem);
  ASSERT_TRUE(sim);
  EXPECT_EQ(sim->config().engines, 12u);
  EXPECT_EQ(sim->enginesFor(0), 1u);
  EXPECT_EQ(sim->enginesFor(1), 12u);
  EXPECT_EQ(sim->enginesFor(2), 5u);
  SimConfig whole = sim->config();
  whole.minEngineWorkSeconds = 0;
  EXPECT_EQ(NnpiSim(problem, whole).enginesFor(0), 12u);
}

TEST(NnpiSim, RectifiesWithTheSharedCapacityRules) {
  Target target = test::nnpiTarget();
  WorkloadGraph graph = test::randomGraph(200, 9);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  auto sim = makeSim(problem);
  ASSERT_TRUE(sim);
  Placement allSram(problem.numNodes(), 0);
  EvalResult result = sim->evaluate(allSram);
  EvalResult reference = model.evaluate(allSram);
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(result.overflowBytes, reference.overflowBytes);
  Placement rectified = allSram;
  rectify(problem, rectified);
  EXPECT_EQ(result.latency, sim->simulate(rectified));
}

TEST(NnpiSim, DeterministicAcrossRunsAndThreads) {
  Target target = test::nnpiTarget();
  WorkloadGraph graph = test::randomGraph(300, 4);
  Problem problem(graph, target);
  auto sim = makeSim(problem);
  ASSERT_TRUE(sim);
  std::mt19937 rng(8);
  std::vector<Placement> placements;
  for (int i = 0; i < 40; ++i)
    placements.push_back(randomPlacement(problem.numNodes(), rng));
  placements.push_back(nativePlacement(problem));

  auto evaluateAll = [&](const Evaluator &evaluator) {
    std::vector<double> out;
    for (const Placement &placement : placements)
      out.push_back(evaluator.evaluate(placement).latency);
    return out;
  };
  std::vector<double> reference = evaluateAll(*sim);
  EXPECT_EQ(evaluateAll(*sim), reference);
  std::vector<double> fromThread[2];
  std::thread a([&] { fromThread[0] = evaluateAll(*sim); });
  std::thread b([&] { fromThread[1] = evaluateAll(*sim); });
  a.join();
  b.join();
  EXPECT_EQ(fromThread[0], reference);
  EXPECT_EQ(fromThread[1], reference);

  // Noise is a function of (seed, placement): same seed, same numbers.
  SimConfig noisy = sim->config();
  noisy.noiseStddev = 0.05;
  noisy.noiseSeed = 7;
  NnpiSim first(problem, noisy), second(problem, noisy);
  std::vector<double> withNoise = evaluateAll(first);
  EXPECT_EQ(evaluateAll(second), withNoise);
  EXPECT_NE(withNoise, reference);
  for (size_t i = 0; i < reference.size(); ++i)
    EXPECT_NEAR(withNoise[i], reference[i], 0.3 * reference[i]);
  noisy.noiseSeed = 8;
  EXPECT_NE(evaluateAll(NnpiSim(problem, noisy)), withNoise);
}

TEST(NnpiSim, ChromeTraceParsesAndHasOneEventPerLayer) {
  Target target = test::nnpiTarget();
  WorkloadGraph graph = test::randomGraph(60, 2);
  Problem problem(graph, target);
  auto sim = makeSim(problem);
  ASSERT_TRUE(sim);
  std::string text;
  llvm::raw_string_ostream os(text);
  Placement placement(problem.numNodes(), problem.slowestLevel());
  sim->writeChromeTrace(placement, os);
  os.flush();
  nlohmann::json trace = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(trace.is_discarded()) << text.substr(0, 200);
  ASSERT_TRUE(trace["traceEvents"].is_array());
  std::multiset<std::string> layers;
  bool sawTraffic = false, sawOccupancy = false, sawDma = false;
  double end = 0;
  for (const nlohmann::json &event : trace["traceEvents"]) {
    if (event["ph"] == "X" && event["cat"] == "layer") {
      layers.insert(event["name"].get<std::string>());
      end =
          std::max(end, event["ts"].get<double>() + event["dur"].get<double>());
    }
    if (event["ph"] == "C") {
      std::string name = event["name"];
      sawTraffic |= name == "traffic dram" && event["args"]["GB/s"] > 0;
      sawOccupancy |= name == "occupancy sram";
    }
    sawDma |= event["ph"] == "X" && event["pid"] == 2;
  }
  EXPECT_EQ(layers.size(), problem.numNodes());
  for (const Node &node : graph.nodes)
    EXPECT_EQ(layers.count(node.name), 1u) << node.name;
  EXPECT_TRUE(sawTraffic);
  EXPECT_TRUE(sawOccupancy);
  EXPECT_TRUE(sawDma); // All weights in DRAM: the runtime streams them.
  EXPECT_NEAR(end * 1e-6, sim->simulate(placement),
              1e-9 * sim->simulate(placement));
}

TEST(NnpiSim, LowerBoundsHold) {
  Target target = test::nnpiTarget();
  WorkloadGraph graph = test::randomGraph(200, 12);
  Problem problem(graph, target);
  AnalyticalModel model(problem);
  auto sim = makeSim(problem);
  ASSERT_TRUE(sim);
  SimLowerBounds bounds = sim->lowerBounds();
  EXPECT_GT(bounds.computeBound, 0);
  EXPECT_GT(bounds.dramBound, 0); // The graph input comes from DRAM.
  auto greedy = createStrategy("greedy");
  ASSERT_TRUE(bool(greedy));
  SearchContext context{problem, model, *sim, {}};
  auto greedyResult = (*greedy)->run(context);
  ASSERT_TRUE(bool(greedyResult));
  std::mt19937 rng(1);
  std::vector<Placement> placements = {nativePlacement(problem),
                                       greedyResult->placement};
  for (int i = 0; i < 10; ++i)
    placements.push_back(randomPlacement(problem.numNodes(), rng));
  for (const Placement &placement : placements) {
    double latency = sim->evaluate(placement).latency;
    EXPECT_LE(bounds.bound(), latency);
    EXPECT_LE(bounds.allFastest, latency);
  }
}

TEST(NnpiSim, RegisteredAndConfiguredFromTheTarget) {
  EXPECT_NE(llvm::find(evaluatorNames(), "nnpi-sim"), evaluatorNames().end());
  Target target = test::nnpiTarget();
  WorkloadGraph graph = test::randomGraph(10, 1);
  Problem problem(graph, target);
  auto evaluator = createEvaluator("nnpi-sim", problem);
  ASSERT_TRUE(bool(evaluator)) << llvm::toString(evaluator.takeError());
  EXPECT_EQ((*evaluator)->name(), "nnpi-sim");
  auto *sim = static_cast<NnpiSim *>(evaluator->get());
  EXPECT_EQ(sim->config().ringBytes, 4 << 20);
  EXPECT_EQ(sim->config().fabricLevel, int(*target.findLevel("llc")));
  EXPECT_EQ(sim->config().stagingLevel, *target.findLevel("sram"));
  // A target without a "sim" section gets defaults; a two-level target has
  // no fabric, and a ring no larger than the reserve.
  Target toy = test::twoLevelTarget(1000);
  auto defaults = SimConfig::fromTarget(toy);
  ASSERT_TRUE(bool(defaults)) << llvm::toString(defaults.takeError());
  EXPECT_EQ(defaults->fabricLevel, -1);
  EXPECT_EQ(defaults->ringBytes, 0);
  EXPECT_FALSE(defaults->prefetch); // No room for a ring.
  EXPECT_DOUBLE_EQ(defaults->sustainedFraction[toy.slowestLevel()], 0.8);
  // The bundled edge target parses too.
  auto edge = loadTarget("edge-small");
  ASSERT_TRUE(bool(edge)) << llvm::toString(edge.takeError());
  auto edgeConfig = SimConfig::fromTarget(*edge);
  EXPECT_TRUE(bool(edgeConfig)) << llvm::toString(edgeConfig.takeError());
}

TEST(NnpiSim, ConfigErrorsNameTheField) {
  EXPECT_EQ(simError(R"({"prefetch": {"ring_bytes": 10, "tile_bytes": 10}})"),
            "");
  EXPECT_NE(simError(R"({"prefetch": {"ring_bytes": 11}})")
                .find("sim.prefetch.ring_bytes: the staging ring (11 bytes) "
                      "must fit in the reserved_bytes (10) of level 'sram'"),
            std::string::npos);
  EXPECT_NE(simError(R"({"engins": 3})").find("sim.engins: unknown field"),
            std::string::npos);
  EXPECT_NE(simError(R"({"engines": "twelve"})")
                .find("sim.engines: must be a whole number"),
            std::string::npos);
  EXPECT_NE(simError(R"({"engines": 0})").find("sim.engines: must be between"),
            std::string::npos);
  EXPECT_NE(simError(R"({"levels": {"hbm": {}}})")
                .find("sim.levels.hbm: unknown level 'hbm'"),
            std::string::npos);
  // A name no level has is quoted with its control characters escaped.
  EXPECT_NE(simError(R"({"fabric_level": "dr\u007fam"})")
                .find("sim.fabric_level: unknown level 'dr\\u007fam'"),
            std::string::npos)
      << simError(R"({"fabric_level": "dr\u007fam"})");
  EXPECT_NE(simError(R"({"engines": "tw\u0085"})")
                .find("sim.engines: must be a whole number from 0 to "
                      "4294967295 (got \"tw\\u0085\")"),
            std::string::npos)
      << simError(R"({"engines": "tw\u0085"})");
  EXPECT_NE(simError(R"({"levels": {"dram": {"sustained_fraction": 1.5}}})")
                .find("sim.levels.dram.sustained_fraction: must be in (0, 1]"),
            std::string::npos);
  EXPECT_NE(simError(R"({"fabric_level": "dram"})").find("sim.fabric_level"),
            std::string::npos);
  EXPECT_NE(simError(R"({"prefetch": {"staging_level": "dram"}})")
                .find("sim.prefetch.staging_level"),
            std::string::npos);
  EXPECT_NE(simError(R"({"noise_stddev": -1})").find("sim.noise_stddev"),
            std::string::npos);
  // Searches keep their luckiest draws: at 0.5 they reported 20x speed-ups.
  EXPECT_NE(simError(R"({"noise_stddev": 0.5})")
                .find("sim.noise_stddev: must be between 0 and 0.25"),
            std::string::npos);
  EXPECT_EQ(simError(R"({"noise_stddev": 0.25})"), "");
  EXPECT_NE(simError(R"({"contention": 1})")
                .find("sim.contention: must be true or false"),
            std::string::npos);
}

TEST(NnpiSim, PrefetchNeedsARingOfATile) {
  // The sram reserves 10 B, as simError's. By default the prefetch is on only
  // when the ring has room for a tile; a 0-byte ring streamed every DRAM weight
  // through the staging level, changing results against no prefetch.
  auto prefetchOf = [](const std::string &sim) -> std::optional<bool> {
    auto target = Target::parse(
        R"({"name": "ring", "compute": {"mac_per_s": 1, "vector_ops_per_s": 1},
            "levels": [{"name": "dram", "capacity_bytes": 100, "bandwidth_bytes_per_s": 1},
                       {"name": "sram", "capacity_bytes": 100, "reserved_bytes": 10,
                        "bandwidth_bytes_per_s": 10}])" +
            (sim.empty() ? "" : R"(, "sim": )" + sim) + "}",
        "ring.json");
    EXPECT_TRUE(bool(target)) << llvm::toString(target.takeError());
    auto cfg = SimConfig::fromTarget(*target);
    if (!cfg) {
      llvm::consumeError(cfg.takeError());
      return std::nullopt;
    }
    return cfg->prefetch;
  };
  EXPECT_EQ(prefetchOf(""), false); // A 10 B ring, 64 KiB tiles.
  EXPECT_EQ(prefetchOf(R"({"prefetch": {"tile_bytes": 10}})"), true);
  EXPECT_EQ(prefetchOf(R"({"prefetch": {"tile_bytes": 11}})"), false);
  EXPECT_EQ(prefetchOf(R"({"prefetch": {"ring_bytes": 0}})"), false);
  EXPECT_EQ(prefetchOf(R"({"prefetch": {"enabled": false, "ring_bytes": 0}})"),
            false);
  // Asked for (enabled, or a ring of some bytes), a ring that cannot hold a
  // tile is an error naming the fields.
  EXPECT_EQ(simError(R"({"prefetch": {"enabled": true, "ring_bytes": 0}})"),
            "target 'bad' (bad.json): sim.prefetch.ring_bytes: the prefetch "
            "is enabled but its staging ring is 0 bytes: give ring_bytes of "
            "at least one tile (tile_bytes 65536) out of the reserved_bytes "
            "(10) of level 'sram', or set prefetch.enabled to false");
  EXPECT_NE(simError(R"({"prefetch": {"enabled": true}})")
                .find("sim.prefetch.ring_bytes: the staging ring (10 bytes) "
                      "is smaller than one DMA tile (tile_bytes 65536)"),
            std::string::npos);
  EXPECT_NE(simError(R"({"prefetch": {"ring_bytes": 4, "tile_bytes": 5}})")
                .find("sim.prefetch.ring_bytes: the staging ring (4 bytes) is "
                      "smaller than one DMA tile (tile_bytes 5)"),
            std::string::npos);
  EXPECT_EQ(simError(R"({"prefetch": {"ring_bytes": 5, "tile_bytes": 5}})"),
            "");
}

TEST(NnpiSim, ConfigTimesAndSustainedRatesAreBounded) {
  // Errors name the file and the field.
  EXPECT_EQ(simError(R"({"levels": {"dram": {"access_latency_s": 100}}})"),
            "target 'bad' (bad.json): sim.levels.dram.access_latency_s: must "
            "be between 0 and 1 s (got 100)");
  // 1e300 s overflowed the models' sums: ilp found no solution.
  EXPECT_NE(simError(R"({"levels": {"sram": {"access_latency_s": 1e300}}})")
                .find("sim.levels.sram.access_latency_s: must be between 0 "
                      "and 1 s (got 1e+300)"),
            std::string::npos);
  EXPECT_EQ(simError(R"({"levels": {"dram": {"access_latency_s": 1}}})"), "");
  EXPECT_NE(simError(R"({"min_engine_work_s": 1e300})")
                .find("sim.min_engine_work_s: must be between 0 and 1 s (got "
                      "1e+300)"),
            std::string::npos);
  EXPECT_EQ(simError(R"({"min_engine_work_s": 1})"), "");
  // Sustained bandwidths span no more than the target's peak rates may
  // (1e8; this chip: 0.8 to 9.5 per second, sustained). A billionth of DRAM's 1
  // B/s is not a chip: on nnpi-1000 it gave latencies of 32,730 s.
  EXPECT_EQ(
      simError(R"({"levels": {"dram": {"sustained_fraction": 1e-9}}})"),
      "target 'bad' (bad.json): sim.levels.dram.sustained_fraction: "
      "level 'dram' sustains 1e-09 bytes/s (bandwidth_bytes_per_s 1 x "
      "sustained_fraction 1e-09, by default 0.8 for the slowest level, "
      "0.95 for the fastest and 0.9 for others): compute rates and "
      "bandwidths span more than "
      "1e8 (from 1e-09 to 9.5 per second; bandwidths are in bytes per second, "
      "compute in MACs and vector ops per second)");
  EXPECT_NE(simError(R"({"levels": {"sram": {"sustained_fraction": 1e-10}}})")
                .find("sim.levels.sram.sustained_fraction: level 'sram' "
                      "sustains 1e-09 bytes/s"),
            std::string::npos);
  EXPECT_EQ(simError(R"({"levels": {"dram": {"sustained_fraction": 1e-7}}})"),
            "");
}

/// A target with `numLevels` levels (l0 fastest) and no sim section.
Target manyLevelTarget(unsigned numLevels) {
  std::string json = R"({"name": "many", "element_bytes": 1,
    "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e12},
    "levels": [)";
  for (unsigned l = 0; l < numLevels; ++l)
    json += std::string(l ? ", " : "") + R"({"name": "l)" + std::to_string(l) +
            R"(", "capacity_bytes": 1e6, "bandwidth_bytes_per_s": )" +
            std::to_string(int64_t(1e12) >> l) + "}";
  auto target = Target::parse(json + "]}", "many.json");
  EXPECT_TRUE(bool(target)) << llvm::toString(target.takeError());
  return std::move(*target);
}

TEST(NnpiSim, LevelLimitIsTheSimulatorsNotTheTargets) {
  WorkloadGraph graph = test::randomGraph(20, 3);
  // The analytical model takes every level count a target may have, with
  // the sim section's defaults (it used to fail on 9 to 16 levels).
  for (unsigned numLevels : {9u, 16u}) {
    Target target = manyLevelTarget(numLevels);
    auto config = SimConfig::fromTarget(target);
    ASSERT_TRUE(bool(config)) << llvm::toString(config.takeError());
    EXPECT_EQ(config->fabricLevel, int(numLevels) - 2);
    Problem problem(graph, target);
    auto model = createEvaluator("analytical", problem);
    ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
    EXPECT_TRUE(
        std::isfinite((*model)->evaluate(nativePlacement(problem)).latency));
    // The simulator says what it cannot take, naming no sim field.
    auto sim = createEvaluator("nnpi-sim", problem);
    ASSERT_FALSE(bool(sim));
    EXPECT_EQ(llvm::toString(sim.takeError()),
              "target 'many' (many.json) has " + std::to_string(numLevels) +
                  " memory levels: the nnpi-sim simulator "
                  "(evaluator=nnpi-sim, trace=) takes at most 8; "
                  "evaluator=analytical takes targets of up to 16");
  }
  Target eight = manyLevelTarget(SimConfig::kMaxLevels);
  Problem problem(graph, eight);
  EXPECT_TRUE(bool(makeSim(problem)));
}

} // namespace
