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

TEST(WorkloadGraph, JsonRejectsAmbiguousNamesAndEmptySharedWeights) {
  // `second` is node b's JSON after its name; node a has no weights.
  auto load = [](const std::string &header, const std::string &secondName,
                 const std::string &second) {
    std::string text =
        R"({"format": "egrl-workload-graph", "version": 1, "name": "g", )" +
        header + R"("nodes": [{"name": "a", "macs": 1, "vector_ops": 0,
                       "weight_elements": 0, "weight_element_bytes": 1,
                       "output_elements": 1, "output_element_bytes": 1,
                       "producers": []},
                      {"name": ")" +
        secondName + R"(", "macs": 1, "vector_ops": 0,
                       "weight_elements": 0, "weight_element_bytes": 1,
                       "output_elements": 1, "output_element_bytes": 1,
                       "producers": [0])" +
        second + "}]}";
    auto graph = WorkloadGraph::fromJSON(text, "g.json");
    return graph ? std::string() : llvm::toString(graph.takeError());
  };
  EXPECT_EQ(load(R"("granularity": "op", )", "b", ""), "");
  EXPECT_NE(load(R"("granularity": "bogus", )", "b", "")
                .find("\"granularity\" must be \"fused\" or \"op\", not "
                      "\"bogus\""),
            std::string::npos);
  EXPECT_NE(load("", "a", "").find("nodes 0 and 1 are both called 'a'"),
            std::string::npos);
  EXPECT_NE(load("", "b", R"(, "shared_weights": [0])")
                .find("shared weight owner 0 has no weights"),
            std::string::npos)
      << load("", "b", R"(, "shared_weights": [0])");
  // Shapes are whole dimensions (nlohmann would truncate 64.5 to 64).
  EXPECT_EQ(load("", "b", R"(, "output_shape": [1, 64, 28])"), "");
  EXPECT_NE(load("", "b", R"(, "output_shape": [64.5, 28])")
                .find("\"output_shape\" holds 64.5, not a dimension"),
            std::string::npos);
  EXPECT_NE(load("", "b", R"(, "output_shape": 64)")
                .find("\"output_shape\" must be an array"),
            std::string::npos);
}

TEST(WorkloadGraph, VerifyRejectsOverflowedSizes) {
  WorkloadGraph graph;
  graph.name = "g";
  graph.nodes = {test::makeNode("a", 1, int64_t(1) << 60, 1)};
  llvm::Error err = graph.verify();
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("too large"), std::string::npos);
  // An element wider than 64 bytes is named as such, not as an overflow.
  graph.nodes = {test::makeNode("a", 1, 4, 1)};
  graph.nodes[0].outputElementBytes = 128;
  err = graph.verify();
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err))
                .find("elements of 128 bytes: at most 64 are supported"),
            std::string::npos);
  // Elements of 0 bytes (an edited graph JSON) would be free to place, and
  // an average below one byte is no mix of stored elements.
  for (double bytes : {0.0, 0.5}) {
    graph.nodes = {test::makeNode("a", 1, 4, 1)};
    graph.nodes[0].weightElementBytes = bytes;
    err = graph.verify();
    ASSERT_TRUE(bool(err));
    EXPECT_NE(llvm::toString(std::move(err))
                  .find("a tensor of elements with less than 1 byte each"),
              std::string::npos)
        << bytes;
  }
}

// A node whose tensors mix element types has a fractional average element
// size, kept through JSON, so its bytes are exact (rounded to whole bytes,
// 80 elements of 2.2 bytes were 160 bytes, not 176).
TEST(WorkloadGraph, FractionalElementSizesKeepExactBytes) {
  auto graph = WorkloadGraph::fromJSON(R"({
      "format": "egrl-workload-graph", "version": 1, "name": "g",
      "granularity": "fused", "nodes": [{"name": "n", "macs": 0,
      "vector_ops": 0, "weight_elements": 80, "weight_element_bytes": 2.2,
      "output_elements": 16, "output_element_bytes": 4, "producers": []}]})",
                                       "g.json");
  ASSERT_TRUE(bool(graph)) << llvm::toString(graph.takeError());
  Target target = test::nnpiTarget();
  target.elementBytes.reset();
  EXPECT_EQ(Problem(*graph, target).weightBytes[0], 176);
  // Written back as it was read: the fraction, and whole sizes as integers.
  std::string text = graph->toJSON(-1);
  EXPECT_NE(text.find("\"weight_element_bytes\":2.2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\"output_element_bytes\":4,"), std::string::npos)
      << text;
  for (const char *bad : {"\"2\"", "-1", "null"}) {
    std::string edited = text;
    edited.replace(edited.find("2.2"), 3, bad);
    auto refused = WorkloadGraph::fromJSON(edited, "g.json");
    ASSERT_FALSE(bool(refused)) << bad;
    EXPECT_NE(llvm::toString(refused.takeError())
                  .find("\"weight_element_bytes\" must be a number of bytes"),
              std::string::npos)
        << bad;
  }
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
  EXPECT_NE(llvm::toString(missing.takeError()).find("missing \"macs\""),
            std::string::npos);
  // A misspelt optional field would otherwise be its default, silently.
  auto misspelt = WorkloadGraph::fromJSON(
      R"({"format": "egrl-workload-graph", "version": 1, "name": "g",
          "nodes": [{"name": "a", "macs": 1, "vector_ops": 0,
                     "weight_elements": 0, "weight_element_bytes": 1,
                     "output_elements": 1, "output_element_bytes": 1,
                     "producers": [], "graph_ouput": true}]})",
      "x.json");
  ASSERT_FALSE(bool(misspelt));
  EXPECT_NE(llvm::toString(misspelt.takeError())
                .find("node 'a': \"graph_ouput\": unknown field"),
            std::string::npos);
  auto header = WorkloadGraph::fromJSON(
      R"({"format": "egrl-workload-graph", "version": 1, "name": "g",
          "granularty": "op", "nodes": []})",
      "x.json");
  ASSERT_FALSE(bool(header));
  EXPECT_NE(llvm::toString(header.takeError())
                .find("\"granularty\": unknown field"),
            std::string::npos);
  // nlohmann iterates an object's values: its keys were ignored.
  auto keyed = WorkloadGraph::fromJSON(
      R"({"format": "egrl-workload-graph", "version": 1, "name": "g",
          "nodes": {"x": {"name": "a", "macs": 1, "vector_ops": 0,
                     "weight_elements": 0, "weight_element_bytes": 1,
                     "output_elements": 1, "output_element_bytes": 1,
                     "producers": []}}})",
      "x.json");
  ASSERT_FALSE(bool(keyed));
  EXPECT_NE(llvm::toString(keyed.takeError())
                .find("\"nodes\" must be an array of nodes"),
            std::string::npos);
}

/// The error of loading one node with `field` set to `value` (or the
/// graph's header fields replaced), "" when it loads.
std::string nodeError(const std::string &field, const std::string &value,
                      const std::string &header =
                          R"("format": "egrl-workload-graph", "version": 1)") {
  std::string node = R"({"name": "a", "macs": 1, "vector_ops": 0,
      "weight_elements": 8, "weight_element_bytes": 1, "output_elements": 1,
      "output_element_bytes": 1, "producers": [])";
  if (!field.empty()) {
    // Replace the field where the node has it (a field given twice is an
    // error of its own), else add it.
    std::string key = "\"" + field + "\": ";
    size_t at = node.find(key);
    if (at == std::string::npos) {
      node += ", " + key + value;
    } else {
      size_t end = node.find_first_of(",}", at + key.size());
      node.replace(at + key.size(), end - at - key.size(), value);
    }
  }
  auto graph = WorkloadGraph::fromJSON(
      "{" + header + R"(, "name": "g", "nodes": [)" + node + "}]}", "x.json");
  return graph ? std::string() : llvm::toString(graph.takeError());
}

TEST(WorkloadGraph, JsonRejectsHeadersOfTheWrongType) {
  EXPECT_EQ(nodeError("", ""), "");
  // nlohmann keeps the last of a repeated key; the reader refuses it.
  EXPECT_NE(nodeError("", "", R"("format": "egrl-workload-graph", "version": 1,
                                  "version": 2)")
                .find("(top level): field \"version\" appears twice in one object"),
            std::string::npos);
  // In a node, with the node's place in the file.
  EXPECT_NE(nodeError("", "", R"("format": "egrl-workload-graph", "version": 1,
                                  "nodes": [{"name": "b", "name": "c"}], "x": 1)")
                .find("nodes[0]: field \"name\" appears twice"),
            std::string::npos);
  // These aborted egrl-bench with an uncaught type_error.
  EXPECT_NE(nodeError("", "", R"("format": 7, "version": 1)")
                .find("not an egrl workload graph"),
            std::string::npos);
  EXPECT_NE(nodeError("", "", R"("format": "egrl-workload-graph", "version": "x")")
                .find("unsupported graph version \"x\""),
            std::string::npos);
}

TEST(WorkloadGraph, JsonNamesAreOneLineAndNotEmpty) {
  // A node without a name was "[json.exception.out_of_range.403] key
  // 'name' not found", with no node; empty and multi-line names loaded.
  EXPECT_NE(nodeError("name", "\"\"").find("node #0: \"name\" is empty"),
            std::string::npos);
  EXPECT_NE(
      nodeError("name", "\"a\\nb\"")
          .find("node #0: \"name\" holds U+000A (a line break): \"a\\nb\""),
      std::string::npos);
  EXPECT_NE(nodeError("name", "3")
                .find("node #0: \"name\" must be a string, "
                      "not 3"),
            std::string::npos);
  EXPECT_EQ(nodeError("name", "\"layer 1.ffn (é)\""), "");
  // Line breaks of other scripts too (U+0085, U+2028).
  EXPECT_NE(nodeError("name", "\"a\u0085b\"").find("U+0085"),
            std::string::npos);
  EXPECT_NE(nodeError("name", "\"a\u2028b\"").find("U+2028"),
            std::string::npos);
  auto unnamed = WorkloadGraph::fromJSON(
      R"({"format": "egrl-workload-graph", "version": 1, "name": "g",
          "nodes": [{"macs": 1}]})",
      "x.json");
  ASSERT_FALSE(bool(unnamed));
  EXPECT_NE(
      llvm::toString(unnamed.takeError()).find("node #0: missing \"name\""),
      std::string::npos);
  auto emptyGraph = WorkloadGraph::fromJSON(
      R"({"format": "egrl-workload-graph", "version": 1, "name": "",
          "nodes": []})",
      "x.json");
  ASSERT_FALSE(bool(emptyGraph));
  EXPECT_NE(llvm::toString(emptyGraph.takeError()).find("\"name\" is empty"),
            std::string::npos);
}

TEST(WorkloadGraph, JsonCountsAreExactIntegers) {
  EXPECT_EQ(nodeError("weight_read_elements", "4"), "");
  EXPECT_EQ(nodeError("macs", "1e3"), "") << "an integral number is a count";
  // Read as a 32-bit int, 4294967297 became 1.
  EXPECT_NE(nodeError("weight_read_elements", "4294967297")
                .find("reads more weight elements than it has"),
            std::string::npos);
  EXPECT_NE(nodeError("macs", "2.5").find("\"macs\" must be an integer >= 0, "
                                          "not 2.5"),
            std::string::npos);
  // Converting 1e91 to an integer was undefined behaviour.
  EXPECT_NE(nodeError("macs", "1e91").find("\"macs\" must be an integer"),
            std::string::npos);
  EXPECT_NE(nodeError("vector_ops", "-3").find("\"vector_ops\" must be"),
            std::string::npos);
  EXPECT_NE(nodeError("num_ops", "0").find("\"num_ops\" must be an integer >= 1"),
            std::string::npos);
  EXPECT_NE(nodeError("macs", "\"7\"").find("\"macs\" must be an integer"),
            std::string::npos);
  EXPECT_NE(nodeError("macs", "1e400").find("x.json: "), std::string::npos);
}

TEST(WorkloadGraph, JsonRejectsDeepNesting) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(nodeError("shared_weights", deep)
                .find("x.json: nested more than 64 levels deep"),
            std::string::npos);
}

TEST(WorkloadGraph, VerifyBoundsTheWholeGraph) {
  WorkloadGraph graph;
  graph.name = "g";
  for (int i = 0; i < 20; ++i)
    graph.nodes.push_back(test::makeNode("n" + std::to_string(i), 1,
                                         int64_t(1) << 47, 1));
  llvm::Error err = graph.verify();
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("over 2^50 elements in all"),
            std::string::npos);
}

} // namespace
