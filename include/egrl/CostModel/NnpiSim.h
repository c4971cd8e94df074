//===- NnpiSim.h - Discrete-event simulator of an NNP-I-class chip -------===//
//
// The `nnpi-sim` evaluator: a deterministic fluid (processor-sharing)
// simulation of one batch-1 inference on an NNP-I-class accelerator. Layers
// of the DAG run concurrently on groups of compute engines, memory levels
// share their sustained bandwidth among the transfers active at each moment
// (DRAM traffic also crosses the LLC fabric), a runtime DMA engine prefetches
// DRAM-resident weights through an on-chip staging ring, and activations that
// overflow a layer's working set are re-read. Unlike the analytical model its
// latency is not a sum of per-tensor terms. Every modelling choice, parameter
// and hardware source is in docs/simulator.md.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_NNPISIM_H
#define EGRL_COSTMODEL_NNPISIM_H

#include "egrl/CostModel/EngineRule.h"
#include "egrl/CostModel/Evaluator.h"
#include "egrl/CostModel/SimConfig.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace egrl {

/// Reference latencies a placement cannot beat (docs/simulator.md).
struct SimLowerBounds {
  /// Every tensor in the fastest level, capacity ignored (simulated).
  double allFastest = 0;
  /// Engine-time of all layers spread over every engine.
  double computeBound = 0;
  /// Bytes that must come from the slowest level (host inputs, weights that
  /// exceed all faster levels' usable capacity) at its sustained bandwidth.
  double dramBound = 0;
  /// max(computeBound, dramBound): a true lower bound.
  double bound() const {
    return computeBound > dramBound ? computeBound : dramBound;
  }
};

template <unsigned NumLevels, typename RecorderT> class SimEventLoop;

class NnpiSim : public Evaluator {
public:
  /// Reads the configuration from the problem's target.
  static llvm::Expected<std::unique_ptr<NnpiSim>>
  create(const Problem &problem);
  /// An error unless the simulator takes `target`'s number of levels
  /// (SimConfig::kMaxLevels; targets may have more for the analytical model).
  static llvm::Error checkLevels(const Target &target);
  /// `config` must pass validate(problem.target()), and the target
  /// checkLevels().
  NnpiSim(const Problem &problem, SimConfig config);

  llvm::StringRef name() const override { return "nnpi-sim"; }
  /// Rectifies a copy (shared Capacity.h rules), simulates it, adds noise.
  EvalResult evaluate(const Placement &placement) const override {
    return evaluateRepeat(placement, 0);
  }
  /// The same, with the noise of measurement `repeat` (independent draws).
  EvalResult evaluateRepeat(const Placement &placement,
                            unsigned repeat) const override;

  /// Simulated latency of `placement` exactly as given: no rectification,
  /// no noise. Thread-safe.
  double simulate(const Placement &placement) const;

  /// Writes a Chrome/Perfetto trace (JSON "traceEvents") of one inference of
  /// the rectified placement: a track per engine, the DMA engine, traffic
  /// and occupancy counters per memory level.
  void writeChromeTrace(const Placement &placement,
                        llvm::raw_ostream &os) const;

  SimLowerBounds lowerBounds() const;

  const SimConfig &config() const { return cfg; }
  /// Engines a layer runs on (the rule in docs/simulator.md).
  unsigned enginesFor(unsigned node) const { return nodeEngines[node]; }

  struct Recorder;

private:
  /// One inference (SimEventLoop.cpp), recording what `recorder` asks for.
  template <typename RecorderT>
  double run(const Placement &placement, RecorderT &recorder) const;
  /// The event loop reads the tables below.
  template <unsigned NumLevels, typename RecorderT> friend class SimEventLoop;

  /// Adjacency lists flattened, so the event loop does not chase pointers.
  struct Csr {
    std::vector<uint32_t> start, list;
    llvm::ArrayRef<uint32_t> operator[](unsigned i) const {
      return llvm::ArrayRef<uint32_t>(list).slice(start[i],
                                                  start[i + 1] - start[i]);
    }
  };

  SimConfig cfg;
  Csr producers, sharedWeights, consumers;
  /// Per node, producers.size(): the event loop's count of unfinished
  /// producers starts as a copy.
  std::vector<unsigned> numProducers;
  /// Per node, as doubles: weight bytes read, output bytes, host input bytes.
  std::vector<double> readBytes, outBytes, hostBytes;
  /// Bytes read from each shared weight, laid out like sharedWeights.list.
  std::vector<double> sharedReadBytes;
  /// Per node and level: seconds per byte of the DMA streaming the node's
  /// own weights (and no shared ones) from that level (the event loop's
  /// prefetch).
  std::vector<double> soleSecondsPerByte;
  /// Per node: engines used and compute seconds on them.
  std::vector<unsigned> nodeEngines;
  std::vector<double> nodeComputeSeconds;
  /// Per node, the placement-independent half of the tiling rule
  /// (EngineRule.h).
  std::vector<Tiling> tiling;
  /// Per level: sustained bandwidth (bytes/s), the resources a transfer
  /// to/from it consumes (itself, plus the fabric for DRAM) and the rate of
  /// such a transfer alone (the slowest of those).
  std::vector<double> capacity;
  std::vector<uint32_t> levelResources;
  std::vector<double> levelRate, secondsPerByte;
  /// 1 / capacity: a byte per second of a level as a share of it.
  std::vector<double> shareOfByte;
};

} // namespace egrl

#endif // EGRL_COSTMODEL_NNPISIM_H
