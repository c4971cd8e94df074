//===- Target.h - Accelerator description read from a target JSON --------===//
//
// A target names the memory levels of an accelerator (capacity, bandwidth),
// its compute rates and fixed per-layer costs. Everything the cost models know
// about a chip comes from here, so a new accelerator is a new JSON file.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_TARGET_TARGET_H
#define EGRL_TARGET_TARGET_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace egrl {

/// One level of the memory hierarchy.
struct MemoryLevel {
  std::string name;
  /// Physical capacity in bytes.
  int64_t capacityBytes = 0;
  /// Bytes the compiler/runtime keeps for itself (working set, staging
  /// buffers); placements may use `capacityBytes - reservedBytes`.
  int64_t reservedBytes = 0;
  /// Sustained bandwidth in bytes per second.
  double bandwidth = 0;
  /// The integer address space a backend gives the level
  /// (--egrl-lower-memory-spaces). Default: the backing store (the slowest
  /// level) 0, then 1, 2, ... towards the fastest.
  unsigned addressSpace = 0;

  int64_t usableBytes() const { return capacityBytes - reservedBytes; }
};

/// An accelerator target. Levels are kept sorted fastest first, so level 0 is
/// the fastest and the last level is the backing store that demotion ends in.
struct Target {
  /// Placements store a level in a byte; real hierarchies have a handful.
  static constexpr unsigned kMaxLevels = 16;
  /// LLVM's address spaces are 24-bit (a larger one becomes 0 silently).
  static constexpr unsigned kMaxAddressSpace = (1u << 24) - 1;

  std::string name;
  std::string description;
  /// Where it was read from (parse()'s origin, a file path), for errors.
  std::string origin;
  std::vector<MemoryLevel> levels;
  /// Multiply-accumulates per second of the whole chip.
  double macRate = 0;
  /// Vector (element-wise / reduction) operations per second.
  double vectorRate = 0;
  /// Fixed cost per layer (dispatch, synchronisation), seconds.
  double layerOverhead = 0;
  /// Overrides the element size of every tensor (NNP-I runs int8: 1 byte).
  std::optional<int64_t> elementBytes;
  /// The raw JSON text of the optional "sim" section (simulator parameters);
  /// empty when absent. Kept as text so this header needs no JSON library.
  std::string simSection;

  unsigned numLevels() const { return levels.size(); }
  unsigned slowestLevel() const { return levels.size() - 1; }
  /// Index of the level called `name`, or std::nullopt.
  std::optional<unsigned> findLevel(llvm::StringRef name) const;
  /// The level names, fastest first.
  std::vector<std::string> levelNameList() const;
  /// Comma-separated level names, fastest first (for diagnostics).
  std::string levelNames() const;
  /// "target 'NAME' (ORIGIN)", or without the origin when there is none:
  /// how errors about a parsed target name it and its file.
  std::string describe() const;

  /// Parses a target from JSON text; `origin` names the source in errors.
  static llvm::Expected<Target> parse(llvm::StringRef json,
                                      llvm::StringRef origin);
  /// Reads and parses a target JSON file.
  static llvm::Expected<Target> load(llvm::StringRef path);
  /// The JSON text parse() reads back into an equal target (doubles at full
  /// precision): how a target travels to evaluator processes.
  std::string toJSON() const;

  /// A fingerprint of what the chip is (rates, levels, `sim` section; not
  /// its description): 16 hex digits. Two targets of one name and different
  /// digests are different chips.
  std::string digest() const;
  /// Set on a copy whose capacities were cut by what other functions keep
  /// resident: the whole chip's digest, which digest() then returns, since
  /// the copy is the same chip (a policy trained for it is not for another).
  std::string wholeChipDigest;
};

/// Compute rates and bandwidths (per second) may span at most this factor:
/// the simulator's times must stay within what a double resolves.
constexpr double kMaxRateSpan = 1e8;
/// What is wrong with `rates` (compute rates and bandwidths, per second) if
/// they span more than kMaxRateSpan, else the empty string; `names[i]`, when
/// given, says where rates[i] comes from, so the message names the slowest
/// and the fastest (a bandwidth written in GB/s is the usual cause).
std::string rateSpanError(llvm::ArrayRef<double> rates,
                          llvm::ArrayRef<std::string> names = {});

/// Resolves a target argument: the name of a bundled target (`nnpi-1000` →
/// `<targets dir>/nnpi-1000.json`, whatever the working directory holds) or
/// a path (resolveBundledName). The bundled directory is EGRL_TARGETS_DIR
/// unless the environment sets EGRL_TARGETS_DIR.
llvm::Expected<Target> loadTarget(llvm::StringRef nameOrPath);
/// Names of the bundled targets (sorted), for --help and diagnostics.
std::vector<std::string> bundledTargetNames();
/// The bundled target the pass and the tools place for when none is given.
inline constexpr const char *kDefaultTargetName = "nnpi-1000";
/// Whether `name` is a bundled target's: a name read from IR (a placement's
/// record) is looked up among them only, never read as a path.
bool isBundledTargetName(llvm::StringRef name);

/// An error unless `simTarget` can be the chip behind a compiler whose model
/// is `target`: the same memory levels (names, fastest first) and element
/// size, so that one placement names the same tensors and levels on both.
/// Rates, capacities and the sim section may differ: that is the point.
llvm::Error checkSimTarget(const Target &target, const Target &simTarget);

} // namespace egrl

#endif // EGRL_TARGET_TARGET_H
