//===- SimTrace.cpp - Chrome/Perfetto trace of one simulated inference ----===//
//
// Runs the simulator with a recorder instead of the hot path's null one and
// writes what it saw as "traceEvents" JSON: engine tracks, the DMA track,
// traffic, occupancy and staging-ring counters.
//
//===----------------------------------------------------------------------===//

#include "NnpiSimRecorder.h"

#include "egrl/CostModel/Capacity.h"

#include "llvm/Support/JSON.h"

using namespace egrl;

//===----------------------------------------------------------------------===//
// Trace
//===----------------------------------------------------------------------===//

void NnpiSim::writeChromeTrace(const Placement &placement,
                               llvm::raw_ostream &os) const {
  const Problem &p = problem();
  const Target &target = p.target();
  Placement rectified = placement;
  rectify(p, rectified);
  Recorder rec;
  double latency = run(rectified, rec);

  // Chrome traces count in microseconds.
  auto us = [](double seconds) { return seconds * 1e6; };
  constexpr int kEnginesPid = 1, kDmaPid = 2, kMemoryPid = 3;
  llvm::json::OStream j(os);
  auto meta = [&](int pid, int tid, llvm::StringRef what,
                  llvm::StringRef name) {
    j.object([&] {
      j.attribute("ph", "M");
      j.attribute("pid", pid);
      j.attribute("tid", tid);
      j.attribute("name", what);
      j.attributeObject("args", [&] { j.attribute("name", name); });
    });
  };
  auto counter = [&](double time, llvm::StringRef name, llvm::StringRef key,
                     double value) {
    j.object([&] {
      j.attribute("ph", "C");
      j.attribute("pid", kMemoryPid);
      j.attribute("ts", us(time));
      j.attribute("name", name);
      j.attributeObject("args", [&] { j.attribute(key, value); });
    });
  };

  j.object([&] {
    j.attribute("displayTimeUnit", "ns");
    j.attributeObject("otherData", [&] {
      j.attribute("target", target.name);
      j.attribute("graph", p.graph().name);
      j.attribute("evaluator", "nnpi-sim");
      j.attribute("latency_s", latency);
    });
    j.attributeArray("traceEvents", [&] {
      meta(kEnginesPid, 0, "process_name", "compute engines");
      for (unsigned e = 0; e < cfg.engines; ++e)
        meta(kEnginesPid, int(e), "thread_name", "engine " + std::to_string(e));
      meta(kDmaPid, 0, "process_name", "runtime DMA (weight prefetch)");
      meta(kMemoryPid, 0, "process_name", "memory levels");

      // One "layer" event per layer on its first engine; its other engines
      // carry "layer.lane" events so every engine track shows its work.
      for (const Recorder::LayerRec &layer : rec.layers) {
        const Node &node = p.graph().nodes[layer.node];
        bool firstLane = true;
        for (uint64_t m = layer.engines; m; m &= m - 1) {
          j.object([&] {
            j.attribute("ph", "X");
            j.attribute("cat", firstLane ? "layer" : "layer.lane");
            j.attribute("name", node.name);
            j.attribute("pid", kEnginesPid);
            j.attribute("tid", __builtin_ctzll(m));
            j.attribute("ts", us(layer.start));
            j.attribute("dur", us(layer.end - layer.start));
            if (firstLane)
              j.attributeObject("args", [&] {
                j.attribute("node", layer.node);
                j.attribute("op", node.opName);
                j.attribute("engines", nodeEngines[layer.node]);
                j.attribute("compute_s", nodeComputeSeconds[layer.node]);
                j.attribute("weights",
                            target.levels[rectified[layer.node].weights].name);
                j.attribute("output",
                            target.levels[rectified[layer.node].output].name);
              });
          });
          firstLane = false;
        }
      }

      for (const Recorder::DmaRec &dmaRec : rec.dmas)
        j.object([&] {
          j.attribute("ph", "X");
          j.attribute("cat", dmaRec.streaming ? "stream" : "prefetch");
          j.attribute("name", p.graph().nodes[dmaRec.node].name);
          j.attribute("pid", kDmaPid);
          j.attribute("tid", 0);
          j.attribute("ts", us(dmaRec.start));
          j.attribute("dur", us(dmaRec.end - dmaRec.start));
          j.attributeObject("args",
                            [&] { j.attribute("bytes", dmaRec.bytes); });
        });

      // Traffic: bandwidth in use per level, stepwise between rate changes.
      for (const Recorder::RateRec &change : rec.rateChanges)
        for (unsigned l = 0; l < p.numLevels(); ++l)
          counter(change.time, "traffic " + target.levels[l].name, "GB/s",
                  change.perLevel[l] * 1e-9);
      for (unsigned l = 0; l < p.numLevels(); ++l)
        counter(latency, "traffic " + target.levels[l].name, "GB/s", 0);

      // Occupancy: weights for the whole run; an activation from its
      // producer's start to the end of its last consumer.
      llvm::SmallVector<double, 8> weights(p.numLevels(), 0);
      for (unsigned i = 0; i < p.numNodes(); ++i)
        weights[rectified[i].weights] += double(p.weightBytes[i]);
      std::vector<double> start(p.numNodes(), 0), end(p.numNodes(), 0);
      for (const Recorder::LayerRec &layer : rec.layers) {
        start[layer.node] = layer.start;
        end[layer.node] = layer.end;
      }
      struct Change {
        double time;
        unsigned level;
        double delta;
      };
      std::vector<Change> changes;
      for (unsigned i = 0; i < p.numNodes(); ++i) {
        double bytes = double(p.outputBytes[i]);
        if (bytes == 0)
          continue;
        double until = end[i];
        for (unsigned consumer : p.consumers[i])
          until = std::max(until, end[consumer]);
        if (p.graph().nodes[i].isGraphOutput)
          until = latency;
        changes.push_back({start[i], rectified[i].output, bytes});
        changes.push_back({until, rectified[i].output, -bytes});
      }
      std::stable_sort(
          changes.begin(), changes.end(),
          [](const Change &a, const Change &b) { return a.time < b.time; });
      llvm::SmallVector<double, 8> resident(weights.begin(), weights.end());
      for (unsigned l = 0; l < p.numLevels(); ++l)
        counter(0, "occupancy " + target.levels[l].name, "MiB",
                resident[l] / (1 << 20));
      for (const Change &change : changes) {
        resident[change.level] += change.delta;
        counter(change.time, "occupancy " + target.levels[change.level].name,
                "MiB", resident[change.level] / (1 << 20));
      }
      if (cfg.prefetch) {
        counter(0, "staging ring " + target.levels[cfg.stagingLevel].name,
                "MiB", 0);
        for (const auto &[time, bytes] : rec.ringUse)
          counter(time, "staging ring " + target.levels[cfg.stagingLevel].name,
                  "MiB", bytes / (1 << 20));
      }
    });
  });
}
