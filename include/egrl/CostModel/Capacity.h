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

/// rectify() visiting weights in `weightOrder` and then activations in
/// `outputOrder` (permutations of the nodes; empty: program order), so the
/// tensors visited first keep their levels and the last are demoted.
CapacityReport rectifyInOrder(const Problem &problem, Placement &placement,
                              llvm::ArrayRef<unsigned> weightOrder,
                              llvm::ArrayRef<unsigned> outputOrder);

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
