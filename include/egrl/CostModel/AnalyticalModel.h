//===- AnalyticalModel.h - The compiler's roofline cost model ------------===//
//
// T = sum_i overhead + max(C_i, M_i), with C_i the compute time and M_i the
// time to move the node's weights, inputs and output at the bandwidth of the
// levels they live in (docs/cost-model.md). Separable per tensor, hence fast,
// incrementally updatable, and exactly solvable as a MILP.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_ANALYTICALMODEL_H
#define EGRL_COSTMODEL_ANALYTICALMODEL_H

#include "egrl/CostModel/Evaluator.h"

namespace egrl {

class AnalyticalModel : public Evaluator {
public:
  explicit AnalyticalModel(const Problem &problem) : Evaluator(problem) {}

  llvm::StringRef name() const override { return "analytical"; }
  EvalResult evaluate(const Placement &placement) const override;

  /// Rectifies `placement` in place, then evaluates it.
  EvalResult evaluateAndRectify(Placement &placement) const;

  /// Seconds spent moving node `i`'s tensors (M_i), no capacity check.
  double memorySeconds(const Placement &placement, unsigned i) const;
  /// T_i = overhead + max(C_i, M_i), no capacity check.
  double nodeSeconds(const Placement &placement, unsigned i) const;
  /// Sum of T_i, no capacity check.
  double latencyIgnoringCapacity(const Placement &placement) const;

  class Session;
};

/// Incremental evaluation for searches that change one node at a time: keeps
/// per-node times and per-level occupancy, so a change costs O(degree) for
/// the time and O(live range) for capacity (O(nodes) for a weight). Not
/// thread-safe; use one session per thread.
class AnalyticalModel::Session {
public:
  Session(const AnalyticalModel &model, Placement initial);

  const Placement &placement() const { return current; }
  /// Latency of the current placement as given (no rectification).
  double latency() const { return total; }
  /// True when the current placement fits without rectification.
  bool fits() const { return overfullCells == 0; }
  /// Moves node `i`'s tensors; returns the new latency.
  double set(unsigned i, NodePlacement np);
  /// Whether `bytes` more fit in `level` during steps [first, last].
  bool hasRoom(unsigned level, int64_t bytes, unsigned first,
               unsigned last) const;

private:
  void addOccupancy(unsigned level, int64_t bytes, unsigned first,
                    unsigned last);
  void refresh(unsigned i);

  const AnalyticalModel &model;
  const Problem &problem;
  Placement current;
  std::vector<double> times;
  double total = 0;
  /// occupancy[level * numNodes + step]
  std::vector<int64_t> occupancy;
  int64_t overfullCells = 0;
};

} // namespace egrl

#endif // EGRL_COSTMODEL_ANALYTICALMODEL_H
