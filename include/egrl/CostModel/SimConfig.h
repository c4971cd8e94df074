//===- SimConfig.h - Parameters of the nnpi-sim chip simulator ------------===//
//
// What the "sim" section of a target JSON says about the chip behind the
// compiler's model: engines, sustained bandwidths, the fabric, the runtime's
// weight prefetch, noise. The simulator reads it, and so does the analytical
// model's prefetch term, so both see one description of the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_SIMCONFIG_H
#define EGRL_COSTMODEL_SIMCONFIG_H

#include "egrl/Target/Target.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace egrl {

/// Parameters of the simulator, read from the target JSON's "sim" section
/// (defaults for every missing field; docs/simulator.md has the table).
/// Per-level vectors are indexed like Target::levels (fastest first).
struct SimConfig {
  /// Limits of the simulator's fixed-size per-level and per-engine state.
  /// The level limit is the simulator's alone (NnpiSim::checkLevels): the
  /// analytical model reads this configuration for targets of up to 16.
  static constexpr unsigned kMaxLevels = 8;
  static constexpr unsigned kMaxEngines = 64;
  /// The largest noise_stddev: measurements 25% apart (one sigma) are
  /// already a poor chip to search on.
  static constexpr double kMaxNoiseStddev = 0.25;

  /// Compute engines (ICEs) of the chip; the target's MAC and vector rates
  /// are chip totals, split evenly among them.
  unsigned engines = 12;
  /// A layer gets enough engines that each has at least this much compute
  /// (seconds on one engine), capped at `engines`. 0: every layer uses the
  /// whole chip.
  double minEngineWorkSeconds = 1e-6;
  /// Per-engine SRAM working set for activation/weight tiles; a layer on k
  /// engines has k times this. 0: unlimited (no tiling re-reads).
  int64_t workingSetPerEngineBytes = 1 << 20;
  /// Bandwidth sharing among concurrent transfers. Off: every transfer gets
  /// its levels' full sustained bandwidth (a validation knob).
  bool contention = true;
  /// Level whose bandwidth DRAM (slowest-level) traffic also consumes, or -1.
  int fabricLevel = -1;
  /// Sustained fraction of each level's bandwidth.
  std::vector<double> sustainedFraction;
  /// Fixed start-up latency of each transfer per level, seconds.
  std::vector<double> accessLatency;

  /// Runtime weight prefetch: one DMA engine streams DRAM-resident weights
  /// in program order into a staging ring in `stagingLevel`, as far ahead of
  /// the layers as the ring's free bytes allow (the window is the ring, not
  /// a count of layers), in whole tiles of `tileBytes`.
  bool prefetch = true;
  unsigned stagingLevel = 0;
  int64_t ringBytes = 4 << 20;
  int64_t tileBytes = 64 << 10;

  /// Relative standard deviation of multiplicative measurement noise (0:
  /// off) and its seed.
  double noiseStddev = 0;
  uint64_t noiseSeed = 0;

  /// Bytes/s `level` of `target` sustains: bandwidth x sustained fraction.
  double sustainedBandwidth(const Target &target, unsigned level) const;
  /// Bytes/s of a transfer to or from `level` alone: the slowest of the
  /// level and, for the backing store, the fabric its traffic crosses. The
  /// prefetch DMA streams from the backing store at this rate.
  double transferRate(const Target &target, unsigned level) const;

  /// Defaults for `target` (no "sim" section).
  static SimConfig defaults(const Target &target);
  /// Defaults overridden by `target.simSection`; errors name the field.
  static llvm::Expected<SimConfig> fromTarget(const Target &target);
  /// Checks ranges and that the ring fits in the staging level's reserve.
  llvm::Error validate(const Target &target) const;
};

} // namespace egrl

#endif // EGRL_COSTMODEL_SIMCONFIG_H
