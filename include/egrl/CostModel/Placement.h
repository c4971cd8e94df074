//===- Placement.h - Where every tensor of a graph lives -------------------===//
//
// A placement gives, per node, the memory level of its weights and of its
// output activation (indices into Target::levels, fastest first). It is a
// struct rather than a bare vector so per-tensor decisions planned beyond the
// paper (prefetch distance, staging) can be added without touching callers.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_PLACEMENT_H
#define EGRL_COSTMODEL_PLACEMENT_H

#include "egrl/Target/Target.h"

#include "llvm/ADT/STLExtras.h"

#include <cstdint>
#include <string>
#include <vector>

namespace egrl {

struct NodePlacement {
  uint8_t weights = 0; ///< Level of the node's own weights.
  uint8_t output = 0;  ///< Level of the node's output activation.

  bool operator==(const NodePlacement &other) const {
    return weights == other.weights && output == other.output;
  }
  bool operator!=(const NodePlacement &other) const {
    return !(*this == other);
  }
};

struct Placement {
  std::vector<NodePlacement> nodes;

  Placement() = default;
  /// Every tensor of `numNodes` nodes in `level`.
  Placement(unsigned numNodes, unsigned level)
      : nodes(numNodes, NodePlacement{uint8_t(level), uint8_t(level)}) {}

  unsigned size() const { return nodes.size(); }
  NodePlacement &operator[](unsigned i) { return nodes[i]; }
  const NodePlacement &operator[](unsigned i) const { return nodes[i]; }
  bool operator==(const Placement &other) const {
    return nodes == other.nodes;
  }
  /// Whether it places `numNodes` nodes on levels below `numLevels`.
  bool hasShape(unsigned numNodes, unsigned numLevels) const {
    return size() == numNodes &&
           llvm::all_of(nodes, [&](const NodePlacement &n) {
             return n.weights < numLevels && n.output < numLevels;
           });
  }

  /// JSON: {"nodes": [{"weights": "llc", "output": "sram"}, ...]} with level
  /// names of `target`.
  std::string toJSON(const Target &target) const;
  static llvm::Expected<Placement> fromJSON(llvm::StringRef text,
                                            const Target &target,
                                            unsigned expectedNodes);
};

} // namespace egrl

#endif // EGRL_COSTMODEL_PLACEMENT_H
