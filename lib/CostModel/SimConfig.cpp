//===- SimConfig.cpp - Reading and checking the target's "sim" section ----===//
//
// Every field is optional (defaults per level count), unknown fields are
// errors, and every error names the JSON path of the offending field.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/SimConfig.h"

#include "egrl/Support/Json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace egrl;
using json = nlohmann::json;

//===----------------------------------------------------------------------===//
// Configuration
//===----------------------------------------------------------------------===//

SimConfig SimConfig::defaults(const Target &target) {
  SimConfig cfg;
  const unsigned numLevels = target.numLevels();
  const unsigned slowest = numLevels - 1;
  // The level just above the backing store is the shared cache whose fabric
  // DRAM traffic crosses on NNP-I; with two levels there is none.
  cfg.fabricLevel = numLevels >= 3 ? int(slowest - 1) : -1;
  cfg.sustainedFraction.assign(numLevels, 0.9);
  cfg.accessLatency.assign(numLevels, 30e-9);
  if (numLevels > 1) {
    cfg.sustainedFraction[0] = 0.95;
    cfg.accessLatency[0] = 5e-9;
  }
  cfg.sustainedFraction[slowest] = 0.8;
  cfg.accessLatency[slowest] = 100e-9;
  cfg.stagingLevel = 0;
  // The ring must come out of the reserve, so by default take no more than
  // the reserve holds.
  cfg.ringBytes =
      std::min<int64_t>(cfg.ringBytes, target.levels[0].reservedBytes);
  // With no room for a tile there is no prefetch: a DMA through an empty
  // ring still streamed weights through the staging level, and changed
  // results against no prefetch (ResNet-50's greedy placement on a
  // two-level target without a sim section: 693.0 against 694.7 us).
  cfg.prefetch = numLevels > 1 && cfg.ringBytes >= cfg.tileBytes;
  return cfg;
}

namespace {
/// Reads the "sim" section, collecting the first error with the JSON path of
/// the offending field.
struct SimReader {
  const Target &target;
  std::string error;

  bool fail(const std::string &path, const std::string &what) {
    if (error.empty())
      error = target.describe() + ": " + path + ": " + what;
    return false;
  }

  bool onlyKeys(const json &obj, const std::string &path,
                std::initializer_list<const char *> allowed) {
    if (auto unknown = unknownField(obj, allowed))
      return fail(path + "." + unknown->first, unknown->second);
    return true;
  }

  bool number(const json &obj, const char *key, const std::string &path,
              double &out) {
    auto it = obj.find(key);
    if (it == obj.end())
      return true;
    if (!it->is_number())
      return fail(path + "." + key,
                  "must be a number (got " + quotedForMessage(*it) + ")");
    double value = it->get<double>();
    if (!std::isfinite(value))
      return fail(path + "." + key, "must be finite");
    out = value;
    return true;
  }

  template <typename IntT>
  bool integer(const json &obj, const char *key, const std::string &path,
               IntT &out) {
    auto it = obj.find(key);
    if (it == obj.end())
      return true;
    // 4194304 and 4.194304e6 are both fine as long as they are whole and
    // fit the field (converting 1e10 to an unsigned would be undefined).
    constexpr uint64_t kFieldMax = std::numeric_limits<IntT>::max();
    std::optional<int64_t> value = exactInteger(
        *it, 0,
        int64_t(std::min<uint64_t>(kFieldMax, uint64_t(int64_t(1) << 62))));
    // A fraction is not a count; the field's own range (engines 1 to 64)
    // is checked with the others in validate().
    if (!value && it->is_number() &&
        it->get<double>() != std::floor(it->get<double>()))
      return fail(path + "." + key,
                  "must be a whole number (got " + quotedForMessage(*it) + ")");
    if (!value)
      return fail(path + "." + key, "must be a whole number from 0 to " +
                                        std::to_string(std::min<uint64_t>(
                                            kFieldMax, uint64_t(1) << 62)) +
                                        " (got " + quotedForMessage(*it) + ")");
    out = IntT(*value);
    return true;
  }

  bool boolean(const json &obj, const char *key, const std::string &path,
               bool &out) {
    auto it = obj.find(key);
    if (it == obj.end())
      return true;
    if (!it->is_boolean())
      return fail(path + "." + key, "must be true or false");
    out = it->get<bool>();
    return true;
  }

  bool level(const json &value, const std::string &path, unsigned &out) {
    if (!value.is_string())
      return fail(path,
                  "must be a level name (one of " + target.levelNames() + ")");
    auto index = target.findLevel(value.get<std::string>());
    if (!index)
      return fail(path, "unknown level '" +
                            escapedForMessage(value.get<std::string>()) +
                            "' (levels: " + target.levelNames() + ")");
    out = *index;
    return true;
  }
};
} // namespace

llvm::Expected<SimConfig> SimConfig::fromTarget(const Target &target) {
  if (target.levels.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "target '%s' has no memory levels",
                                   target.name.c_str());
  SimConfig cfg = defaults(target);
  if (!target.simSection.empty()) {
    SimReader r{target, {}};
    auto makeError = [&]() {
      return llvm::createStringError(llvm::inconvertibleErrorCode(), r.error);
    };
    json root = json::parse(target.simSection, nullptr,
                            /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_object()) {
      r.fail("sim", "must be a JSON object");
      return makeError();
    }
    const std::string p = "sim";
    if (!r.onlyKeys(root, p,
                    {"engines", "min_engine_work_s",
                     "working_set_per_engine_bytes", "contention",
                     "fabric_level", "levels", "prefetch", "noise_stddev",
                     "noise_seed"}) ||
        !r.integer(root, "engines", p, cfg.engines) ||
        !r.number(root, "min_engine_work_s", p, cfg.minEngineWorkSeconds) ||
        !r.integer(root, "working_set_per_engine_bytes", p,
                   cfg.workingSetPerEngineBytes) ||
        !r.boolean(root, "contention", p, cfg.contention) ||
        !r.number(root, "noise_stddev", p, cfg.noiseStddev) ||
        !r.integer(root, "noise_seed", p, cfg.noiseSeed))
      return makeError();
    if (auto it = root.find("fabric_level"); it != root.end()) {
      unsigned level = 0;
      if (it->is_null())
        cfg.fabricLevel = -1;
      else if (!r.level(*it, p + ".fabric_level", level))
        return makeError();
      else
        cfg.fabricLevel = int(level);
    }
    if (auto it = root.find("levels"); it != root.end()) {
      if (!it->is_object()) {
        r.fail(p + ".levels", "must be an object keyed by level name");
        return makeError();
      }
      for (auto entry = it->begin(); entry != it->end(); ++entry) {
        std::string path = p + ".levels." + entry.key();
        unsigned level = 0;
        if (!r.level(json(entry.key()), path, level))
          return makeError();
        if (!entry->is_object()) {
          r.fail(path, "must be an object");
          return makeError();
        }
        if (!r.onlyKeys(*entry, path,
                        {"sustained_fraction", "access_latency_s"}) ||
            !r.number(*entry, "sustained_fraction", path,
                      cfg.sustainedFraction[level]) ||
            !r.number(*entry, "access_latency_s", path,
                      cfg.accessLatency[level]))
          return makeError();
      }
    }
    if (auto it = root.find("prefetch"); it != root.end()) {
      std::string path = p + ".prefetch";
      if (!it->is_object()) {
        r.fail(path, "must be an object");
        return makeError();
      }
      // Earlier targets bounded the prefetch by a count of graph nodes,
      // which made the same model simulate differently at op and fused
      // granularity; say what replaced it rather than "unknown field".
      if (it->contains("layers_ahead")) {
        r.fail(path + ".layers_ahead",
               "no longer supported: the prefetch runs as far ahead as the "
               "staging ring's free bytes allow (ring_bytes)");
        return makeError();
      }
      const bool ringGiven = it->contains("ring_bytes");
      if (!r.onlyKeys(*it, path,
                      {"enabled", "staging_level", "ring_bytes",
                       "tile_bytes"}) ||
          !r.boolean(*it, "enabled", path, cfg.prefetch) ||
          !r.integer(*it, "ring_bytes", path, cfg.ringBytes) ||
          !r.integer(*it, "tile_bytes", path, cfg.tileBytes))
        return makeError();
      if (auto level = it->find("staging_level"); level != it->end()) {
        if (!r.level(*level, path + ".staging_level", cfg.stagingLevel))
          return makeError();
        // A default ring sized for level 0's reserve follows the level.
        if (!ringGiven)
          cfg.ringBytes =
              std::min<int64_t>(SimConfig().ringBytes,
                                target.levels[cfg.stagingLevel].reservedBytes);
      }
      // Without "enabled", a ring or staging level in the file asks for the
      // prefetch (validate() checks the ring holds a tile); otherwise it is
      // on when the default ring has room for a tile.
      if (!it->contains("enabled"))
        cfg.prefetch =
            target.numLevels() > 1 &&
            ((ringGiven && cfg.ringBytes > 0) ||
             it->contains("staging_level") || cfg.ringBytes >= cfg.tileBytes);
    }
  }
  if (llvm::Error err = cfg.validate(target))
    return std::move(err);
  return cfg;
}

double SimConfig::sustainedBandwidth(const Target &target,
                                     unsigned level) const {
  return target.levels[level].bandwidth * sustainedFraction[level];
}

double SimConfig::transferRate(const Target &target, unsigned level) const {
  double rate = sustainedBandwidth(target, level);
  if (level == target.numLevels() - 1 && fabricLevel >= 0)
    rate = std::min(rate, sustainedBandwidth(target, unsigned(fabricLevel)));
  return rate;
}

llvm::Error SimConfig::validate(const Target &target) const {
  auto fail = [&](const std::string &path, const std::string &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   target.describe() + ": sim." + path + ": " +
                                       what);
  };
  // The shortest text that reads back as `value`: 1.0000001 is not "1".
  auto number = [](double value) {
    char text[32];
    for (int digits = 6; digits <= 17; ++digits) {
      std::snprintf(text, sizeof(text), "%.*g", digits, value);
      if (std::strtod(text, nullptr) == value)
        break;
    }
    return std::string(text);
  };
  // As the target's layer_overhead_s: a second of start-up latency or of
  // minimum work per engine is a typo, not a chip (access latencies of 100 s
  // made a placement "2x" faster than native, 1e300 left ilp no solution).
  constexpr double kMaxSeconds = 1;
  const unsigned numLevels = target.numLevels();
  if (engines < 1 || engines > SimConfig::kMaxEngines)
    return fail("engines", "must be between 1 and " +
                               std::to_string(SimConfig::kMaxEngines) + " (got " +
                               std::to_string(engines) + ")");
  if (!(minEngineWorkSeconds >= 0 && minEngineWorkSeconds <= kMaxSeconds))
    return fail("min_engine_work_s", "must be between 0 and 1 s (got " +
                                         number(minEngineWorkSeconds) + ")");
  if (workingSetPerEngineBytes < 0)
    return fail("working_set_per_engine_bytes", "must be >= 0");
  if (sustainedFraction.size() != numLevels ||
      accessLatency.size() != numLevels)
    return fail("levels", "one entry per target level expected");
  for (unsigned l = 0; l < numLevels; ++l) {
    const std::string &name = target.levels[l].name;
    if (!(sustainedFraction[l] > 0 && sustainedFraction[l] <= 1))
      return fail("levels." + name + ".sustained_fraction",
                  "must be in (0, 1] (got " + number(sustainedFraction[l]) +
                      ")");
    if (!(accessLatency[l] >= 0 && accessLatency[l] <= kMaxSeconds))
      return fail("levels." + name + ".access_latency_s",
                  "must be between 0 and 1 s (got " + number(accessLatency[l]) +
                      ")");
  }
  // Levels are ranked by their peak rates (Target.cpp): a sustained fraction
  // that reversed the ranking would make every "faster" move slower, and
  // the fit, rectification and the staging ring go the wrong way.
  for (unsigned l = 1; l < numLevels; ++l)
    if (!(sustainedBandwidth(target, l - 1) > sustainedBandwidth(target, l))) {
      const MemoryLevel &faster = target.levels[l - 1];
      const MemoryLevel &slower = target.levels[l];
      return fail("levels." + faster.name + ".sustained_fraction",
                  "level '" + faster.name + "' sustains " +
                      number(sustainedBandwidth(target, l - 1)) +
                      " bytes/s (bandwidth_bytes_per_s x sustained_fraction), "
                      "no more than the slower level '" +
                      slower.name + "' (" +
                      number(sustainedBandwidth(target, l)) +
                      "): levels are ranked by bandwidth_bytes_per_s, and a "
                      "faster level must also sustain more");
    }
  // The models run on the sustained bandwidths, so they are held to the
  // span the target's peak rates are (Target.cpp); only a sustained
  // fraction can widen it, by lowering the slowest bandwidth.
  std::vector<double> rates = {target.macRate, target.vectorRate};
  unsigned slowestSustained = 0;
  for (unsigned l = 0; l < numLevels; ++l) {
    rates.push_back(sustainedBandwidth(target, l));
    if (rates.back() < sustainedBandwidth(target, slowestSustained))
      slowestSustained = l;
  }
  if (std::string span = rateSpanError(rates); !span.empty()) {
    const MemoryLevel &level = target.levels[slowestSustained];
    return fail(
        "levels." + level.name + ".sustained_fraction",
        "level '" + level.name + "' sustains " +
            number(sustainedBandwidth(target, slowestSustained)) +
            " bytes/s (bandwidth_bytes_per_s " + number(level.bandwidth) +
            " x sustained_fraction " +
            number(sustainedFraction[slowestSustained]) +
            ", by default 0.8 for the slowest level, 0.95 for the fastest and "
            "0.9 for others): " +
            span);
  }
  if (fabricLevel >= int(numLevels) ||
      (fabricLevel >= 0 && unsigned(fabricLevel) == numLevels - 1))
    return fail("fabric_level",
                "must be a level faster than the backing store '" +
                    target.levels.back().name + "'");
  // Beyond a quarter the draws are not measurements: a search keeps the
  // luckiest of its draws, which at 0.5 were a twentieth of the latency
  // (the floor below), reported as a 20x speed-up.
  if (!(noiseStddev >= 0 && noiseStddev <= kMaxNoiseStddev))
    return fail("noise_stddev", "must be between 0 and " +
                                    number(kMaxNoiseStddev) +
                                    " (a relative standard deviation; got " +
                                    number(noiseStddev) + ")");
  // The prefetch's values are checked switched off too: a wrong one is a
  // typo, and turning the prefetch on should not reveal it.
  if ((prefetch || numLevels >= 2) &&
      (numLevels < 2 || stagingLevel >= numLevels - 1))
    return fail("prefetch.staging_level",
                "must be a level faster than the backing store '" +
                    target.levels.back().name + "'");
  if (ringBytes < 0)
    return fail("prefetch.ring_bytes", "must be >= 0");
  if (tileBytes <= 0)
    return fail("prefetch.tile_bytes", "must be > 0");
  if (stagingLevel < numLevels &&
      ringBytes > target.levels[stagingLevel].reservedBytes) {
    const MemoryLevel &staging = target.levels[stagingLevel];
    return fail("prefetch.ring_bytes",
                "the staging ring (" + std::to_string(ringBytes) +
                    " bytes) must fit in the reserved_bytes (" +
                    std::to_string(staging.reservedBytes) + ") of level '" +
                    staging.name +
                    "', so that placements cannot use its space");
  }
  if (prefetch) {
    const MemoryLevel &staging = target.levels[stagingLevel];
    // The DMA moves whole tiles through the ring.
    if (ringBytes == 0)
      return fail("prefetch.ring_bytes",
                  "the prefetch is enabled but its staging ring is 0 bytes: "
                  "give ring_bytes of at least one tile (tile_bytes " +
                      std::to_string(tileBytes) +
                      ") out of the reserved_bytes (" +
                      std::to_string(staging.reservedBytes) + ") of level '" +
                      staging.name + "', or set prefetch.enabled to false");
    if (ringBytes < tileBytes)
      return fail("prefetch.ring_bytes",
                  "the staging ring (" + std::to_string(ringBytes) +
                      " bytes) is smaller than one DMA tile (tile_bytes " +
                      std::to_string(tileBytes) + ")");
  }
  return llvm::Error::success();
}

