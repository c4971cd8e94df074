//===- WorkloadGraph.cpp - Graph queries, checks and JSON form ------------===//

#include "egrl/Graph/WorkloadGraph.h"
#include "egrl/Support/Json.h"
#include "egrl/Support/ReadFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

#include <nlohmann/json.hpp>

#include <cmath>

using namespace egrl;
using json = nlohmann::json;

/// An element size as a whole number where it is one (one element type), so
/// that graphs of one type read as before; else the average's fraction.
static json elementBytesJson(double bytes) {
  if (bytes == std::floor(bytes) && std::abs(bytes) < 1e15)
    return json(int64_t(bytes));
  return json(bytes);
}

static constexpr std::pair<NodeKind, const char *> kNodeKindNames[] = {
    {NodeKind::Conv, "conv"},
    {NodeKind::DepthwiseConv, "depthwise_conv"},
    {NodeKind::Matmul, "matmul"},
    {NodeKind::BatchMatmul, "batch_matmul"},
    {NodeKind::Pool, "pool"},
    {NodeKind::Elementwise, "elementwise"},
    {NodeKind::Reduction, "reduction"},
    {NodeKind::DataMovement, "data_movement"},
    {NodeKind::Unknown, "unknown"},
};

llvm::StringRef egrl::stringifyNodeKind(NodeKind kind) {
  for (auto [k, name] : kNodeKindNames)
    if (k == kind)
      return name;
  return "unknown";
}

std::optional<NodeKind> egrl::symbolizeNodeKind(llvm::StringRef name) {
  for (auto [k, kindName] : kNodeKindNames)
    if (name == kindName)
      return k;
  return std::nullopt;
}

std::vector<unsigned> WorkloadGraph::computeLastUse() const {
  std::vector<unsigned> lastUse(nodes.size());
  for (unsigned i = 0, e = nodes.size(); i < e; ++i)
    lastUse[i] = nodes[i].isGraphOutput ? e - 1 : i;
  for (unsigned i = 0, e = nodes.size(); i < e; ++i)
    for (unsigned p : nodes[i].producers)
      lastUse[p] = std::max(lastUse[p], i);
  return lastUse;
}

std::vector<std::vector<unsigned>> WorkloadGraph::computeConsumers() const {
  std::vector<std::vector<unsigned>> consumers(nodes.size());
  for (unsigned i = 0, e = nodes.size(); i < e; ++i)
    for (unsigned p : nodes[i].producers)
      consumers[p].push_back(i);
  return consumers;
}

std::vector<std::vector<unsigned>> WorkloadGraph::computeWeightSharers() const {
  std::vector<std::vector<unsigned>> sharers(nodes.size());
  for (unsigned i = 0, e = nodes.size(); i < e; ++i)
    for (unsigned owner : nodes[i].sharedWeights)
      sharers[owner].push_back(i);
  return sharers;
}

llvm::Error WorkloadGraph::verify() const {
  auto fail = [&](unsigned i, const std::string &what) {
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(), "graph '%s', node %u ('%s'): %s",
        name.c_str(), i, nodes[i].name.c_str(), what.c_str());
  };
  for (unsigned i = 0, e = nodes.size(); i < e; ++i) {
    const Node &node = nodes[i];
    if (node.macs < 0 || node.vectorOps < 0 || node.weightElements < 0 ||
        node.outputElements < 0 || node.hostInputElements < 0 ||
        node.weightElementBytes < 0 || node.outputElementBytes < 0 ||
        node.weightReadElements < -1 || node.hostInputElementBytes < 0)
      return fail(i, "negative size");
    // Sizes beyond a petabyte are overflowed arithmetic, not a model; keeping
    // them out lets the cost models add bytes without overflow checks.
    constexpr int64_t kMaxBytes = int64_t(1) << 50, kMaxOps = int64_t(1) << 60,
                      kMaxElementBytes = 64;
    for (double bytes : {node.weightElementBytes, node.outputElementBytes,
                         node.hostInputElementBytes}) {
      if (!std::isfinite(bytes))
        return fail(i, "an element size that is not a finite number");
      if (bytes > kMaxElementBytes)
        return fail(i, "elements of " + elementBytesJson(bytes).dump() +
                           " bytes: at most " +
                           std::to_string(kMaxElementBytes) +
                           " are supported (a wide integer or vector element "
                           "type?)");
    }
    // Elements of no bytes would make the tensor free to place anywhere; an
    // element is stored in one byte at least, so no average is below one.
    if ((node.weightElements > 0 && node.weightElementBytes < 1) ||
        (node.outputElements > 0 && node.outputElementBytes < 1) ||
        (node.hostInputElements > 0 && node.hostInputElementBytes < 1))
      return fail(i, "a tensor of elements with less than 1 byte each "
                     "(*_element_bytes must be at least 1 where there are "
                     "elements)");
    auto tooLarge = [&](int64_t elements, double bytes) {
      return double(elements) * std::max(bytes, 1.0) > double(kMaxBytes);
    };
    if (tooLarge(node.weightElements, node.weightElementBytes) ||
        tooLarge(node.outputElements, node.outputElementBytes) ||
        tooLarge(node.hostInputElements, node.hostInputElementBytes) ||
        node.macs > kMaxOps || node.vectorOps > kMaxOps)
      return fail(i, "tensor or compute sizes too large (over 2^50 bytes or "
                     "2^60 operations)");
    if (node.weightElementsRead() > node.weightElements)
      return fail(i, "reads more weight elements than it has");
    auto hasDuplicates = [](std::vector<unsigned> list) {
      llvm::sort(list);
      return std::adjacent_find(list.begin(), list.end()) != list.end();
    };
    if (hasDuplicates(node.producers) || hasDuplicates(node.sharedWeights))
      return fail(i, "lists a producer or shared weight twice");
    for (unsigned p : node.producers)
      if (p >= i)
        return fail(i, "producer " + std::to_string(p) +
                           " does not come before the node");
    for (unsigned owner : node.sharedWeights) {
      if (owner >= i)
        return fail(i, "shared weight owner " + std::to_string(owner) +
                           " does not come before the node");
      if (nodes[owner].weightElements == 0)
        return fail(i, "shared weight owner " + std::to_string(owner) +
                           " has no weights");
    }
    if (!node.sharedWeightReadElements.empty()) {
      if (node.sharedWeightReadElements.size() != node.sharedWeights.size())
        return fail(i, "shared_weight_read_elements must have one entry per "
                       "shared weight");
      for (size_t k = 0; k < node.sharedWeights.size(); ++k)
        if (node.sharedWeightReadElements[k] < 0 ||
            node.sharedWeightReadElements[k] >
                nodes[node.sharedWeights[k]].weightElements)
          return fail(i, "reads more of a shared weight than it has");
    }
  }
  // Also bound the whole graph, so that sums of byte counts cannot overflow
  // either, even at a target's element size of up to 64 bytes.
  // The same for operations (each node's are at most 2^60).
  constexpr int64_t kMaxTotalElements = int64_t(1) << 50,
                    kMaxTotalOps = int64_t(1) << 61;
  int64_t total = 0, macs = 0, vectorOps = 0;
  for (const Node &node : nodes) {
    total += node.weightElements + node.outputElements + node.hostInputElements;
    if (total > kMaxTotalElements)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "graph '%s': its tensors hold over 2^50 elements in all",
          name.c_str());
    macs += node.macs;
    vectorOps += node.vectorOps;
    if (macs > kMaxTotalOps || vectorOps > kMaxTotalOps)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "graph '%s': its nodes compute over 2^61 operations in all",
          name.c_str());
  }
  return llvm::Error::success();
}

std::string WorkloadGraph::toJSON(int indent) const {
  json out;
  out["format"] = "egrl-workload-graph";
  out["version"] = 1;
  out["name"] = name;
  out["granularity"] = granularity;
  json list = json::array();
  for (const Node &node : nodes) {
    list.push_back({
        {"name", node.name},
        {"op", node.opName},
        {"loc", node.location},
        {"kind", stringifyNodeKind(node.kind).str()},
        {"num_ops", node.numOps},
        {"macs", node.macs},
        {"vector_ops", node.vectorOps},
        {"weight_elements", node.weightElements},
        {"weight_element_bytes", elementBytesJson(node.weightElementBytes)},
        {"weight_read_elements", node.weightReadElements},
        {"output_elements", node.outputElements},
        {"output_element_bytes", elementBytesJson(node.outputElementBytes)},
        {"host_input_elements", node.hostInputElements},
        {"host_input_element_bytes",
         elementBytesJson(node.hostInputElementBytes)},
        {"producers", node.producers},
        {"shared_weights", node.sharedWeights},
        {"shared_weight_read_elements", node.sharedWeightReadElements},
        {"graph_output", node.isGraphOutput},
        {"output_shape", node.outputShape},
    });
  }
  out["nodes"] = std::move(list);
  // Locations may hold file names that are not UTF-8: replace, not throw.
  return out.dump(indent, ' ', false, json::error_handler_t::replace);
}

/// The array `key` of `entry` into `out`, each element as `convert` reads
/// it, or an error saying it is not `what`; nothing when `key` is absent.
template <typename T, typename Convert>
static llvm::Error readArray(const json &entry, const char *key,
                             const char *what, Convert convert,
                             std::vector<T> &out) {
  auto it = entry.find(key);
  if (it == entry.end())
    return llvm::Error::success();
  if (!it->is_array())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "\"%s\" must be an array", key);
  for (const json &value : *it) {
    std::optional<T> converted = convert(value);
    if (!converted)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "\"%s\" holds %s, not %s", key,
                                     value.dump().c_str(), what);
    out.push_back(*converted);
  }
  return llvm::Error::success();
}

/// Node indices: JSON integers that fit an unsigned, nothing else (nlohmann
/// would silently truncate 0.7 or 2^32; unlike counts, 3.0 is no index).
static llvm::Error readIndices(const json &entry, const char *key,
                               std::vector<unsigned> &out) {
  return readArray(
      entry, key, "a node index",
      [](const json &value) -> std::optional<unsigned> {
        if (!value.is_number_integer() || value.get<int64_t>() < 0 ||
            value.get<int64_t>() >
                int64_t(std::numeric_limits<unsigned>::max()))
          return std::nullopt;
        return unsigned(value.get<int64_t>());
      },
      out);
}

/// Non-negative exact integers (`what`: an element count, a dimension), as
/// counts are read.
static llvm::Error readIntegers(const json &entry, const char *key,
                                const char *what, std::vector<int64_t> &out) {
  return readArray(
      entry, key, what,
      [](const json &value) {
        return exactInteger(value, 0, std::numeric_limits<int64_t>::max());
      },
      out);
}

llvm::Expected<WorkloadGraph> WorkloadGraph::fromJSON(llvm::StringRef text,
                                                      llvm::StringRef origin) {
  auto fail = [&](const std::string &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s: %s",
                                   origin.str().c_str(), what.c_str());
  };
  llvm::Expected<json> parsed = parseJsonInput(text, origin);
  if (!parsed)
    return parsed.takeError();
  const json &root = *parsed;
  if (!root.is_object())
    return fail("must be a JSON object");
  auto format = root.find("format");
  if (format == root.end() || *format != "egrl-workload-graph")
    return fail("not an egrl workload graph (missing \"format\": "
                "\"egrl-workload-graph\")");
  auto version = root.find("version");
  if (version == root.end() || *version != 1)
    return fail("unsupported graph version " + (version == root.end()
                                                    ? std::string("(none)")
                                                    : version->dump()));

  // A misspelt optional field ("graph_ouput") would be a silent default.
  if (auto unknown = unknownField(
          root, {"format", "version", "name", "granularity", "nodes"}))
    return fail("\"" + unknown->first + "\": " + unknown->second);
  if (!root.contains("nodes") || !root.at("nodes").is_array())
    return fail("\"nodes\" must be an array of nodes");
  WorkloadGraph graph;
  try {
    // Names go into reports, tables and CSV: empty or multi-line ones would
    // make rows nobody can tell apart or read back.
    auto nameProblem = [](const json &value) -> std::string {
      if (!value.is_string())
        return "must be a string, not " + value.dump();
      std::string why = egrl::nameProblem(value.get_ref<const std::string &>(),
                                          /*trimmed=*/false);
      return why.empty() ? "" : why + ": " + quotedForMessage(value);
    };
    if (!root.contains("name"))
      return fail("missing \"name\"");
    if (std::string why = nameProblem(root.at("name")); !why.empty())
      return fail("\"name\" " + why);
    graph.name = root.at("name").get<std::string>();
    graph.granularity = root.value("granularity", "fused");
    if (graph.granularity != "fused" && graph.granularity != "op")
      return fail("\"granularity\" must be \"fused\" or \"op\", not \"" +
                  graph.granularity + "\"");
    for (const json &entry : root.at("nodes")) {
      Node node;
      const std::string where = "node #" + std::to_string(graph.nodes.size());
      if (!entry.is_object())
        return fail(where + " must be an object, not " + entry.dump());
      if (!entry.contains("name"))
        return fail(where + ": missing \"name\"");
      if (std::string why = nameProblem(entry.at("name")); !why.empty())
        return fail(where + ": \"name\" " + why);
      node.name = entry.at("name").get<std::string>();
      if (auto unknown = unknownField(
              entry,
              {"name", "op", "loc", "kind", "num_ops", "macs", "vector_ops",
               "weight_elements", "weight_element_bytes",
               "weight_read_elements", "output_elements",
               "output_element_bytes", "host_input_elements",
               "host_input_element_bytes", "producers", "shared_weights",
               "shared_weight_read_elements", "graph_output", "output_shape"}))
        return fail("node '" + node.name + "': \"" + unknown->first +
                    "\": " + unknown->second);
      node.opName = entry.value("op", "");
      node.location = entry.value("loc", "");
      auto kind = symbolizeNodeKind(entry.value("kind", "unknown"));
      if (!kind)
        return fail("node '" + node.name + "': unknown kind " +
                    entry["kind"].dump());
      node.kind = *kind;
      // Counts are exact non-negative integers: nlohmann would silently
      // truncate 0.7 or 2^32, and converting 1e91 is undefined.
      int64_t numOps = 1;
      std::string badCount;
      // The member `key`, or null when it is absent (an error if required)
      // or an earlier member was bad.
      auto field = [&](const char *key, bool required) -> const json * {
        if (!badCount.empty())
          return nullptr;
        auto it = entry.find(key);
        if (it != entry.end())
          return &*it;
        if (required)
          badCount = std::string("missing \"") + key + "\"";
        return nullptr;
      };
      auto count = [&](const char *key, int64_t &out, bool required,
                       int64_t min = 0) {
        const json *value = field(key, required);
        if (!value)
          return;
        std::optional<int64_t> exact =
            exactInteger(*value, min, std::numeric_limits<int64_t>::max());
        if (!exact)
          badCount = std::string("\"") + key +
                     "\" must be an integer >= " + std::to_string(min) +
                     ", not " + value->dump();
        else
          out = *exact;
      };
      count("num_ops", numOps, false, 1);
      count("macs", node.macs, true);
      count("vector_ops", node.vectorOps, true);
      // An element size is an average (a fraction where a node's tensors mix
      // element types): a finite number; validate() bounds it.
      auto size = [&](const char *key, double &out, bool required) {
        const json *value = field(key, required);
        if (!value)
          return;
        if (!value->is_number() || !std::isfinite(value->get<double>()) ||
            value->get<double>() < 0)
          badCount = std::string("\"") + key +
                     "\" must be a number of bytes >= 0, not " + value->dump();
        else
          out = value->get<double>();
      };
      count("weight_elements", node.weightElements, true);
      size("weight_element_bytes", node.weightElementBytes, true);
      count("weight_read_elements", node.weightReadElements, false, -1);
      count("output_elements", node.outputElements, true);
      size("output_element_bytes", node.outputElementBytes, true);
      count("host_input_elements", node.hostInputElements, false);
      size("host_input_element_bytes", node.hostInputElementBytes, false);
      if (!badCount.empty())
        return fail("node '" + node.name + "': " + badCount);
      if (numOps > std::numeric_limits<unsigned>::max())
        return fail("node '" + node.name + "': \"num_ops\" is too large");
      node.numOps = unsigned(numOps);
      if (!entry.contains("producers"))
        return fail("node '" + node.name + "': missing \"producers\"");
      if (llvm::Error err = readIndices(entry, "producers", node.producers))
        return fail("node '" + node.name +
                    "': " + llvm::toString(std::move(err)));
      if (llvm::Error err =
              readIndices(entry, "shared_weights", node.sharedWeights))
        return fail("node '" + node.name +
                    "': " + llvm::toString(std::move(err)));
      if (llvm::Error err =
              readIntegers(entry, "shared_weight_read_elements",
                           "an element count", node.sharedWeightReadElements))
        return fail("node '" + node.name +
                    "': " + llvm::toString(std::move(err)));
      node.isGraphOutput = entry.value("graph_output", false);
      if (llvm::Error err = readIntegers(entry, "output_shape", "a dimension",
                                         node.outputShape))
        return fail("node '" + node.name +
                    "': " + llvm::toString(std::move(err)));
      graph.nodes.push_back(std::move(node));
    }
  } catch (const json::exception &e) {
    return fail("bad graph field: " + describeJsonException(e));
  }
  // Reports and placements name nodes: two of one name are ambiguous.
  llvm::StringMap<unsigned> firstOfName;
  for (unsigned i = 0; i < graph.nodes.size(); ++i) {
    auto [it, added] = firstOfName.try_emplace(graph.nodes[i].name, i);
    if (!added)
      return fail("nodes " + std::to_string(it->second) + " and " +
                  std::to_string(i) + " are both called '" +
                  graph.nodes[i].name + "'");
  }
  if (llvm::Error err = graph.verify())
    return fail(llvm::toString(std::move(err)));
  return graph;
}

llvm::Expected<WorkloadGraph> WorkloadGraph::load(llvm::StringRef path) {
  // About 450 bytes a node: two million nodes, within a small machine's
  // memory (an endless input must end before it does).
  llvm::Expected<std::string> text =
      readFileAtMost(path, uint64_t(1) << 30, "graph file");
  if (!text)
    return text.takeError();
  return fromJSON(*text, path);
}
