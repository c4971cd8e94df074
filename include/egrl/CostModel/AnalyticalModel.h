//===- AnalyticalModel.h - The compiler's roofline cost model ------------===//
//
// Nodes run one after another in program order; node i takes
// T_i = overhead + max(C_i, M_i), with C_i its compute on the engines it gets
// and M_i the time to move its weights, inputs and output at the sustained
// rate of the levels they live in, and to re-read the operand its tiling
// re-reads (EngineRule.h). When the runtime prefetches, weights in a
// level slower than the staging ring are streamed into the ring ahead of
// their readers by one DMA engine, which shares the backing store with the
// layers' own traffic there, and a node also waits for that stream
// (docs/cost-model.md has the recursion). A max-plus recursion of terms
// linear in the placement: fast, incrementally updatable, and exactly
// solvable as a MILP.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_ANALYTICALMODEL_H
#define EGRL_COSTMODEL_ANALYTICALMODEL_H

#include "egrl/CostModel/EngineRule.h"
#include "egrl/CostModel/Evaluator.h"
#include "egrl/CostModel/SimConfig.h"
#include "egrl/Support/SegmentTrees.h"

#include <optional>

namespace egrl {

class AnalyticalModel : public Evaluator {
public:
  /// Believes the chip the target's "sim" section describes (sustained
  /// rates, engines per layer, the runtime's prefetch). A section that does
  /// not parse leaves the model on the target's peak figures without
  /// prefetch; the pass reports the section's error itself.
  explicit AnalyticalModel(const Problem &problem);
  /// The model of the chip `config` describes (it must pass
  /// config.validate(problem.target())).
  AnalyticalModel(const Problem &problem, const SimConfig &config);

  llvm::StringRef name() const override { return "analytical"; }
  EvalResult evaluate(const Placement &placement) const override;

  /// Rectifies `placement` in place, then evaluates it.
  EvalResult evaluateAndRectify(Placement &placement) const;

  /// What one node costs on its own, no capacity check.
  struct NodeCost {
    /// T_i = overhead + max(C_i, M_i).
    double seconds = 0;
    /// S_i: seconds the stream is busy for the node: the DMA engine
    /// fetching the weights the runtime streams for it (each at its level's
    /// rate) and the backing store serving its graph inputs and the
    /// activations it reads or writes there. 0 without prefetch.
    double streamSeconds = 0;
    /// B_i: the bytes of that which the ring bounds, at most a ring's worth
    /// of each tensor (counted at the backing store's rate r).
    double streamBytes = 0;
    /// X_i: seconds of the rest of the tensors larger than the ring, at
    /// their own level's stream rate: they pass through the ring while
    /// their layer runs. The ring terms are (B_i - ring) r + X_i.
    double excessSeconds = 0;
    /// Y_i: of the same tensors, their ring's worth at their own level's
    /// stream rate less at r (<= 0; an exact 0 when every tensor fits the
    /// ring, and for the backing store's): in the window term a tensor
    /// larger than the ring counts all its bytes at its own rate, B_i r +
    /// X_i + Y_i.
    double windowSeconds = 0;
  };
  NodeCost nodeCost(const Placement &placement, unsigned i) const;
  /// T_i, no capacity check.
  double nodeSeconds(const Placement &placement, unsigned i) const {
    return nodeCost(placement, i).seconds;
  }
  /// The recursion's end of the last node, no capacity check.
  double latencyIgnoringCapacity(const Placement &placement) const;

  // What the model believes of the chip (ilp and dp build on it).
  /// C_i: compute seconds of node `i` on the engines it gets.
  double computeSeconds(unsigned i) const { return compute[i]; }
  /// Seconds per byte moved to or from `level`, alone.
  double secondsPerByte(unsigned level) const {
    return activationRates[level].read;
  }
  /// Seconds per byte a layer spends reading weights placed in `level`:
  /// from the staging level for weights the runtime streams.
  double weightSecondsPerByte(unsigned level) const {
    return weightRates[level].read;
  }
  /// The start-up latency a layer's traffic pays when it touches a tensor
  /// in `level` (the largest of them is added to M_i), for activations and
  /// for weights (read from the ring when streamed).
  double latencySeconds(unsigned level) const {
    return latencyOf[activationRates[level].touches];
  }
  double weightLatencySeconds(unsigned level) const {
    return latencyOf[weightRates[level].touches];
  }
  /// Whether the runtime prefetches at all.
  bool prefetches() const { return prefetch; }
  /// Whether weights placed in `level` are streamed through the ring.
  bool streams(unsigned level) const { return weightRates[level].ring > 0; }
  /// Seconds per byte the DMA engine spends streaming from `level`.
  double streamSecondsPerByte(unsigned level) const {
    return weightRates[level].stream;
  }
  /// Staging ring size (0 without prefetch), and the seconds per byte the
  /// ring term counts it at: the backing store's.
  double ringBytes() const { return ring; }
  double ringSecondsPerByte() const { return ringSpb; }
  /// Whether node `i` reads weights (its own or shared ones).
  bool readsWeights(unsigned i) const { return readers[i]; }
  /// How node `i` is tiled: its re-reads add the smaller of inputPasses x
  /// its inputs' and weightPasses x its weights' seconds per byte at their
  /// levels (a weight's at its own level, not the ring's) to M_i.
  const Tiling &tiling(unsigned i) const { return tiles[i]; }
  /// The same chip with layers reading every weight from its level.
  AnalyticalModel withoutPrefetch() const;
  /// Whether some node's tiling re-reads an operand.
  bool rereads() const;
  /// The same chip with every operand read once (no tiling re-reads).
  AnalyticalModel withoutRereads() const;
  /// The same chip with its compute `factor` times as fast: the memory
  /// traffic the layers hide behind compute then shows.
  AnalyticalModel withFasterCompute(double factor) const;

  class Session;

private:
  AnalyticalModel(const Problem &problem,
                  const std::optional<SimConfig> &config);
  /// M_i; adds S_i and B_i to `cost`.
  double moveSeconds(const Placement &placement, unsigned i,
                     NodeCost &cost) const;
  /// The part of M_i that node i's tiling re-reads.
  double rereadSeconds(const Placement &placement, unsigned i) const;
  /// The prefetch recursion after a node: its end e_i, the stream's clock
  /// g_i, and the start of the last weight-reading node so far with the
  /// stream's bytes and excess seconds since it (B_j and X_j summed from
  /// it).
  struct Recursion {
    double end = 0, clock = 0, windowStart = 0, windowBytes = 0,
           windowExcess = 0, windowSeconds = 0;
    bool window = false;
  };
  /// Advances `state` over node i.
  void step(const NodeCost &cost, unsigned i, Recursion &state) const;
  /// The same step as a max-plus matrix over the state (e, g, W), W being
  /// the window's start plus its bytes at the ring's rate and its excess
  /// seconds (-inf without a window), so that a Session updates the
  /// recursion in O(log n).
  MaxPlusMatrix stepMatrix(const NodeCost &cost, unsigned i) const;

  /// Per node: C_i, whether it reads weights, and its tiling.
  std::vector<double> compute;
  std::vector<uint8_t> readers;
  std::vector<Tiling> tiles;
  /// What a byte in a level costs a node, per level: its layer's read, the
  /// stream's seconds (S_i), whether the ring counts it (B_i), and the level
  /// the layer reads it from (a bit, for the start-up latency). Tables
  /// rather than branches: this is the inner loop of every search.
  struct Rates {
    double read = 0, stream = 0, ring = 0;
    uint32_t touches = 0;
    /// ring x stream: what a byte beyond the ring's size costs the ring
    /// terms; and what the window term adds for a tensor larger than the
    /// ring, the ring's bytes at the stream rate less at r (Y_i). Both set
    /// by the constructor from the others.
    double ringStream = 0, largeWindow = 0;
  };
  std::vector<Rates> weightRates, activationRates;
  /// The start-up latency of a layer's traffic, by the set of levels it
  /// touches (bit l: level l): the largest of theirs.
  std::vector<double> latencyOf;
  bool prefetch = false;
  double ring = 0, ringSpb = 0;
};

/// Incremental evaluation for searches that change one node at a time: keeps
/// per-node costs, per-level occupancy over the schedule (RangeAddMaxTree)
/// and the recursion as a product of per-node max-plus matrices
/// (MaxPlusChain), so a change costs O(degree x log n), a weight's included,
/// and a capacity check O(log n). Not thread-safe; use one session per
/// thread.
class AnalyticalModel::Session {
public:
  Session(const AnalyticalModel &model, Placement initial);

  const Placement &placement() const { return current; }
  /// Latency of the current placement as given (no rectification).
  double latency() const;
  /// True when the current placement fits without rectification.
  bool fits() const;
  /// Moves node `i`'s tensors; returns the new latency.
  double set(unsigned i, NodePlacement np);
  /// Bytes by which `level` overflows at its fullest step (0 when it fits).
  int64_t overflow(unsigned level) const;
  /// Whether `bytes` more fit in `level` during steps [first, last].
  bool hasRoom(unsigned level, int64_t bytes, unsigned first,
               unsigned last) const;

private:
  void addOccupancy(unsigned level, int64_t bytes, unsigned first,
                    unsigned last);
  /// Recomputes node i's cost and its matrix.
  void refresh(unsigned i);

  const AnalyticalModel &model;
  const Problem &problem;
  Placement current;
  /// Per node: T_i, S_i and B_i.
  std::vector<NodeCost> costs;
  /// The recursion over all nodes.
  MaxPlusChain chain;
  /// Per level: bytes resident at each step.
  std::vector<RangeAddMaxTree> occupancy;
};

} // namespace egrl

#endif // EGRL_COSTMODEL_ANALYTICALMODEL_H
