//===- Problem.h - A graph on a target: sizes, liveness, compute times ----===//
//
// Everything every evaluator and strategy derives from (graph, target) is
// computed once here: tensor bytes at the target's element size, activation
// live ranges, consumer lists and per-node compute time.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_PROBLEM_H
#define EGRL_COSTMODEL_PROBLEM_H

#include "egrl/Graph/WorkloadGraph.h"
#include "egrl/Target/Target.h"

#include <vector>

namespace egrl {

class Problem {
public:
  /// `graph` and `target` must outlive the problem.
  Problem(const WorkloadGraph &graph, const Target &target);

  const WorkloadGraph &graph() const { return *graphRef; }
  const Target &target() const { return *targetRef; }
  unsigned numNodes() const { return weightBytes.size(); }
  unsigned numLevels() const { return usableBytes.size(); }
  unsigned slowestLevel() const { return numLevels() - 1; }
  bool hasWeights(unsigned node) const { return weightBytes[node] > 0; }
  /// Bytes one inference reads of each node's own weights: by the node and
  /// by every node that shares them (weightReadBytes plus sharedReadBytes).
  std::vector<double> weightReadsWithSharers() const;
  /// Bytes of a tensor of `elements` on this target (its element size, else
  /// the IR's average, bytesOfElements()).
  int64_t tensorBytes(int64_t elements, double irElementBytes) const {
    if (targetRef->elementBytes)
      return elements * *targetRef->elementBytes;
    return bytesOfElements(elements, irElementBytes);
  }

  // Per node.
  /// Resident bytes of the node's own weights (capacity).
  std::vector<int64_t> weightBytes;
  /// Bytes of them one inference reads (time); less for lookups.
  std::vector<int64_t> weightReadBytes;
  /// Bytes read from each shared owner (parallel to Node::sharedWeights).
  std::vector<std::vector<int64_t>> sharedReadBytes;
  std::vector<int64_t> outputBytes;
  std::vector<int64_t> hostInputBytes;
  /// MACs / mac rate + vector ops / vector rate (C_i in docs/cost-model.md).
  std::vector<double> computeSeconds;
  /// Last node index at which the output is live (inclusive).
  std::vector<unsigned> lastUse;
  std::vector<std::vector<unsigned>> consumers;
  std::vector<std::vector<unsigned>> weightSharers;

  // Per level.
  std::vector<double> secondsPerByte;
  std::vector<int64_t> usableBytes;
  /// True where every tensor of the graph fits at once (DRAM, usually): no
  /// capacity bookkeeping is needed there, which keeps evaluation fast.
  std::vector<bool> holdsEverything;

private:
  const WorkloadGraph *graphRef;
  const Target *targetRef;
};

} // namespace egrl

#endif // EGRL_COSTMODEL_PROBLEM_H
