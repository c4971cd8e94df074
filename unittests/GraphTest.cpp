//===- GraphTest.cpp - WorkloadGraph liveness, checks and JSON ------------===//

#include "TestUtil.h"

using namespace egrl;

namespace {

TEST(WorkloadGraph, LivenessEndsAtLastConsumer) {
  WorkloadGraph graph;
  graph.nodes = {test::makeNode("a", 1, 0, 1), test::makeNode("b", 1, 0, 1, {0}),
                 test::makeNode("c", 1, 0, 1, {0, 1}),
                 test::makeNode("d", 1, 0, 1, {2}), test::makeNode("e", 1, 0, 1)};
  graph.nodes[3].isGraphOutput = true;
  std::vector<unsigned> lastUse = graph.computeLastUse();
  EXPECT_EQ(lastUse, (std::vector<unsigned>{2, 2, 3, 4, 4}));
  auto consumers = graph.computeConsumers();
  EXPECT_EQ(consumers[0], (std::vector<unsigned>{1, 2}));
  EXPECT_TRUE(consumers[4].empty());
}

TEST(WorkloadGraph, VerifyRejectsForwardEdges) {
  WorkloadGraph graph;
  graph.name = "g";
  graph.nodes = {test::makeNode("a", 1, 0, 1, {1}), test::makeNode("b", 1, 0, 1)};
  llvm::Error err = graph.verify();
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("does not come before"),
            std::string::npos);
}

TEST(WorkloadGraph, JsonRoundTrip) {
  WorkloadGraph graph = test::randomGraph(40, 7);
  graph.nodes[3].kind = NodeKind::Conv;
  graph.nodes[3].outputShape = {1, 64, 56, 56};
  auto back = WorkloadGraph::fromJSON(graph.toJSON(), "mem");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->toJSON(), graph.toJSON());
  EXPECT_EQ(back->nodes[3].kind, NodeKind::Conv);
}

TEST(WorkloadGraph, JsonRejectsBadIndicesAndDuplicates) {
  auto load = [](const std::string &producers) {
    std::string text =
        R"({"format": "egrl-workload-graph", "version": 1, "name": "g",
            "nodes": [{"name": "a", "macs": 1, "vector_ops": 0,
                       "weight_elements": 0, "weight_element_bytes": 1,
                       "output_elements": 1, "output_element_bytes": 1,
                       "producers": []},
                      {"name": "b", "macs": 1, "vector_ops": 0,
                       "weight_elements": 0, "weight_element_bytes": 1,
                       "output_elements": 1, "output_element_bytes": 1,
                       "producers": )" +
        producers + "}]}";
    auto graph = WorkloadGraph::fromJSON(text, "g.json");
    return graph ? std::string() : llvm::toString(graph.takeError());
  };
  EXPECT_EQ(load("[0]"), "");
  EXPECT_NE(load("[0.7]").find("not a node index"), std::string::npos);
  EXPECT_NE(load("[4294967296]").find("not a node index"), std::string::npos);
  EXPECT_NE(load("[0, 0]").find("twice"), std::string::npos);
}

TEST(WorkloadGraph, VerifyRejectsOverflowedSizes) {
  WorkloadGraph graph;
  graph.name = "g";
  graph.nodes = {test::makeNode("a", 1, int64_t(1) << 60, 1)};
  llvm::Error err = graph.verify();
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("too large"), std::string::npos);
}

TEST(WorkloadGraph, JsonErrors) {
  auto bad = WorkloadGraph::fromJSON("{\"nodes\": []}", "x.json");
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("not an egrl workload graph"),
            std::string::npos);
  auto missing = WorkloadGraph::fromJSON(
      R"({"format": "egrl-workload-graph", "version": 1, "name": "g",
          "nodes": [{"name": "a"}]})",
      "x.json");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("bad graph field"),
            std::string::npos);
}

} // namespace
