//===- WorkloadGraph.h - The inference graph seen by cost models ---------===//
//
// A WorkloadGraph is what the placement problem is about: the layers of one
// inference (nodes, in program order), the tensors each one reads and
// writes, and their sizes. It is plain data with no MLIR dependency, so
// evaluators, strategies, training and benchmarks can run from its JSON form.
// The MLIR front end that builds it lives in egrl/Analysis/GraphBuilder.h.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_GRAPH_WORKLOADGRAPH_H
#define EGRL_GRAPH_WORKLOADGRAPH_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace egrl {

/// What a node computes; decides nothing in the cost model (MACs and vector
/// ops do) but is a GNN feature and helps people read reports.
enum class NodeKind : uint8_t {
  Conv,
  DepthwiseConv,
  Matmul,
  BatchMatmul,
  Pool,
  Elementwise,
  Reduction,
  DataMovement,
  Unknown,
};
llvm::StringRef stringifyNodeKind(NodeKind kind);
std::optional<NodeKind> symbolizeNodeKind(llvm::StringRef name);

/// Bytes of `elements` elements of `elementBytes` each, an average that may
/// be a fraction (Node's *ElementBytes). A graph's tensors stay under 2^50
/// bytes (WorkloadGraph::validate), so the product rounds to the exact sum.
inline int64_t bytesOfElements(int64_t elements, double elementBytes) {
  return std::llround(double(elements) * elementBytes);
}

/// One schedulable layer: an anchor op plus whatever a compiler fuses into it.
struct Node {
  std::string name;     ///< Unique, readable (e.g. "n3_conv_2d_nchw_fchw").
  std::string opName;   ///< The anchor op's name (e.g. "linalg.matmul").
  std::string location; ///< Printed location of the anchor op.
  NodeKind kind = NodeKind::Unknown;
  unsigned numOps = 1; ///< Ops grouped into this node.

  int64_t macs = 0;      ///< Multiply-accumulates.
  int64_t vectorOps = 0; ///< Element-wise / reduction operations.

  /// Weights first used by this node (constants; element count and the
  /// average bytes of one element in the IR). A constant used by several
  /// nodes is owned by the first one in program order and listed in
  /// `sharedWeights` of the others. Each *ElementBytes is an average: a whole
  /// number when the node's tensors share an element type, a fraction where
  /// they mix (int8 weights with an f32 scale), so that elements times it is
  /// their bytes.
  int64_t weightElements = 0;
  double weightElementBytes = 0;
  /// Elements of those weights one inference reads, -1 for all of them;
  /// fewer for lookups (an embedding gather reads one row per token).
  int64_t weightReadElements = -1;
  int64_t weightElementsRead() const {
    return weightReadElements < 0 ? weightElements : weightReadElements;
  }
  /// Output activation(s) leaving the node.
  int64_t outputElements = 0;
  double outputElementBytes = 0;
  /// Graph inputs (function arguments) this node reads from host memory.
  int64_t hostInputElements = 0;
  double hostInputElementBytes = 0;

  /// Nodes whose outputs this node reads (distinct, ascending).
  std::vector<unsigned> producers;
  /// Nodes owning weights this node also reads (distinct, ascending).
  std::vector<unsigned> sharedWeights;
  /// Elements of each owner's weights this node reads (parallel to
  /// sharedWeights); empty when it reads all of them (the owner's
  /// weightElements), e.g. a lookup into a table a matmul owns reads less.
  std::vector<int64_t> sharedWeightReadElements;
  /// True if an output of this node is returned by the function.
  bool isGraphOutput = false;
  /// Shape of the node's (first) output, for features and reports.
  std::vector<int64_t> outputShape;
};

/// Layers in program order. Edges always point backwards (producer index <
/// consumer index), which the cost models rely on for liveness.
class WorkloadGraph {
public:
  std::string name; ///< The function the graph was built from.
  std::string granularity = "fused";
  std::vector<Node> nodes;

  unsigned size() const { return nodes.size(); }

  /// Index of the last node reading node `i`'s output; the final node for a
  /// graph output; `i` itself for an unused output. Liveness of activations.
  std::vector<unsigned> computeLastUse() const;
  /// consumers[i]: nodes that read node i's output (ascending).
  std::vector<std::vector<unsigned>> computeConsumers() const;
  /// sharers[i]: nodes that read node i's weights besides i (ascending).
  std::vector<std::vector<unsigned>> computeWeightSharers() const;

  /// Checks the invariants above (edges point backwards, sizes >= 0).
  llvm::Error verify() const;

  /// JSON form (schema in docs/graph.md, "JSON form").
  std::string toJSON(int indent = 2) const;
  static llvm::Expected<WorkloadGraph> fromJSON(llvm::StringRef text,
                                                llvm::StringRef origin);
  static llvm::Expected<WorkloadGraph> load(llvm::StringRef path);
};

} // namespace egrl

#endif // EGRL_GRAPH_WORKLOADGRAPH_H
