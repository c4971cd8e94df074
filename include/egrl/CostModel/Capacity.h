//===- Capacity.h - Capacity rules and rectification ----------------------===//
//
// The one implementation of "does this placement fit" shared by every
// evaluator. Weights stay resident for the whole run; an activation occupies
// its level from its producer to its last consumer. A placement that does not
// fit is repaired the way a compiler would: tensors that do not fit are
// demoted to the next slower level, weights first in program order, then
// activations in program order.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_CAPACITY_H
#define EGRL_COSTMODEL_CAPACITY_H

#include "egrl/CostModel/Placement.h"
#include "egrl/CostModel/Problem.h"

#include "llvm/ADT/ArrayRef.h"

#include <random>

namespace egrl {

struct CapacityReport {
  /// True when nothing had to be demoted.
  bool valid = true;
  /// Bytes of the tensors that were demoted (or could not be placed at all).
  int64_t overflowBytes = 0;
  unsigned demotedTensors = 0;
  /// True when even the backing store cannot hold the graph.
  bool backingStoreOverflow = false;
};

/// Makes `placement` fit in place and reports what had to move. Nodes without
/// weights get their weight level set to the slowest level (canonical form).
CapacityReport rectify(const Problem &problem, Placement &placement);

/// A node's weights or its output.
struct TensorRef {
  unsigned node;
  bool weights;
};

/// The level `placement` gives tensor `t`.
inline uint8_t &levelOf(Placement &placement, TensorRef t) {
  return t.weights ? placement[t.node].weights : placement[t.node].output;
}
inline uint8_t levelOf(const Placement &placement, TensorRef t) {
  return t.weights ? placement[t.node].weights : placement[t.node].output;
}

/// The bytes tensor `t` occupies in whichever level holds it.
inline int64_t tensorBytes(const Problem &problem, TensorRef t) {
  return t.weights ? problem.weightBytes[t.node] : problem.outputBytes[t.node];
}

/// The tensors that occupy memory, in program order: each node's weights,
/// if it has any, then its output, if it has bytes.
std::vector<TensorRef> tensorsOf(const Problem &problem);

/// Makes `placement` fit as rectify() does, but visiting the tensors in
/// `order` (each of the 2 x numNodes tensors once, weights and activations
/// mixed as the caller likes): each takes the fastest level at or below its
/// own that still holds it beside those visited before, so the first keep
/// their levels and the last are demoted. Weights, resident all run, count
/// against an activation's whole live range, and an activation against a
/// weight at its peak. Program order with all weights first is rectify().
CapacityReport fitInOrder(const Problem &problem, Placement &placement,
                          llvm::ArrayRef<TensorRef> order);

/// Moves tensors of a placement that fits into room its faster levels have
/// left, in `order` (as in fitInOrder; tensors it leaves out stay), each to
/// the fastest level that still holds it. Tensors already placed stay, so
/// the result fits too. Returns how many moved. A tensor in a faster level
/// never slows a node of this chip family down, and a compiler knows its
/// levels' sizes: this needs no measurement and no cost model.
unsigned promoteIntoSpareRoom(const Problem &problem, Placement &placement,
                              llvm::ArrayRef<TensorRef> order);

/// promoteIntoSpareRoom() of a placement that fits, in an order drawn from
/// `rng` (a fixed order would always give the room to the same tensors); a
/// placement that does not fit is left alone. Returns how many tensors moved.
unsigned useSpareRoom(const Problem &problem, Placement &placement,
                      std::mt19937_64 &rng);

/// An error when even the backing store cannot hold the graph (every tensor
/// in the slowest level), so no placement can be valid.
llvm::Error checkFitsTarget(const Problem &problem);

/// Largest number of bytes resident at once in each level.
std::vector<int64_t> peakResidentBytes(const Problem &problem,
                                       const Placement &placement);

/// Total bytes of weights and of activations placed in each level.
struct LevelBytes {
  std::vector<int64_t> weights;
  std::vector<int64_t> activations;
};
LevelBytes bytesPerLevel(const Problem &problem, const Placement &placement);

} // namespace egrl

#endif // EGRL_COSTMODEL_CAPACITY_H
