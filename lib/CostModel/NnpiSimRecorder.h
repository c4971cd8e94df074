//===- NnpiSimRecorder.h - What one simulated run records for a trace -----===//
//
// Private to the simulator: the event loop (SimEventLoop.cpp) fills it, the
// trace writer (SimTrace.cpp) reads it.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_COSTMODEL_NNPISIMRECORDER_H
#define EGRL_LIB_COSTMODEL_NNPISIMRECORDER_H

#include "egrl/CostModel/NnpiSim.h"

#include <utility>
#include <vector>

namespace egrl {

/// What simulate() records: nothing (the hot path).
struct NullSimRecorder {
  static constexpr bool enabled = false;
  void layer(unsigned, double, double, uint64_t) {}
  void dma(unsigned, double, double, double, bool) {}
  void rates(double, const double *, unsigned) {}
  void ring(double, double) {}
};

/// What writeChromeTrace() needs from one run.
struct NnpiSim::Recorder {
  static constexpr bool enabled = true;
  struct LayerRec {
    unsigned node;
    double start, end;
    uint64_t engines;
  };
  struct DmaRec {
    unsigned node;
    double start, end, bytes;
    bool streaming;
  };
  struct RateRec {
    double time;
    std::vector<double> perLevel;
  };
  std::vector<LayerRec> layers;
  std::vector<DmaRec> dmas;
  std::vector<RateRec> rateChanges;
  std::vector<std::pair<double, double>> ringUse;

  void layer(unsigned node, double start, double end, uint64_t engines) {
    layers.push_back({node, start, end, engines});
  }
  void dma(unsigned node, double start, double end, double bytes,
           bool streaming) {
    dmas.push_back({node, start, end, bytes, streaming});
  }
  void rates(double time, const double *perLevel, unsigned numLevels) {
    rateChanges.push_back(
        {time, std::vector<double>(perLevel, perLevel + numLevels)});
  }
  void ring(double time, double bytes) { ringUse.push_back({time, bytes}); }
};

} // namespace egrl

#endif // EGRL_LIB_COSTMODEL_NNPISIMRECORDER_H
