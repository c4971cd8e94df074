//===- Target.cpp - Target JSON parsing and validation --------------------===//

#include "egrl/Target/Target.h"
#include "egrl/Support/Json.h"
#include "egrl/Support/Paths.h"
#include "egrl/Support/ReadFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace egrl;
using json = nlohmann::json;

std::optional<unsigned> Target::findLevel(llvm::StringRef levelName) const {
  for (unsigned i = 0, e = levels.size(); i < e; ++i)
    if (levels[i].name == levelName)
      return i;
  return std::nullopt;
}

std::vector<std::string> Target::levelNameList() const {
  std::vector<std::string> names;
  for (const MemoryLevel &level : levels)
    names.push_back(level.name);
  return names;
}

std::string Target::levelNames() const {
  return llvm::join(levelNameList(), ", ");
}

std::string Target::describe() const {
  std::string text = "target '" + name + "'";
  if (!origin.empty() && origin != name)
    text += " (" + origin + ")";
  return text;
}

std::string egrl::rateSpanError(llvm::ArrayRef<double> rates,
                                llvm::ArrayRef<std::string> names) {
  // Rates that span more than this make the simulator's times span more
  // than a double resolves: a DRAM at 6.72 B/s beside engines at 2.5e13
  // MAC/s left its event loop waiting for a wake-up that rounded to "now"
  // (found by fuzz/TargetFuzzer.cpp). Real chips span a few hundred.
  if (rates.empty())
    return "";
  auto [slowest, fastest] = std::minmax_element(rates.begin(), rates.end());
  if (!(*fastest > kMaxRateSpan * *slowest))
    return "";
  auto named = [&](const double *rate) {
    char text[32];
    std::snprintf(text, sizeof(text), "%g", *rate);
    size_t i = rate - rates.begin();
    return std::string(text) + (i < names.size() ? " (" + names[i] + ")" : "");
  };
  return "compute rates and bandwidths span more than 1e8 (from " +
         named(slowest) + " to " + named(fastest) +
         " per second; bandwidths are in bytes per second, compute in MACs "
         "and vector ops per second)";
}

namespace {
/// Why a chip or level name cannot be printed in a remark, a report and an
/// attribute as it is, or "" (nameProblem, trimmed).
std::string namingProblem(const nlohmann::json &value) {
  if (!value.is_string())
    return "is not a string";
  return nameProblem(value.get_ref<const std::string &>(), /*trimmed=*/true);
}

constexpr const char *kNameRule =
    "must be a string that is not empty or blank, has no space at either end "
    "and no control characters";

/// Collects the first error found while reading a target, with the JSON path
/// of the offending field so the user can find it.
struct Reader {
  std::string origin;
  std::string error;

  bool fail(const std::string &path, const std::string &what) {
    if (error.empty())
      error = origin + ": " + path + ": " + what;
    return false;
  }

  /// A rate (operations or bytes per second). The range keeps every time
  /// the models compute (count / rate) finite and meaningful.
  bool rate(const json &obj, const char *key, const std::string &path,
            double &out) {
    auto it = obj.find(key);
    if (it == obj.end())
      return fail(path + "." + key, "missing (a positive number)");
    // A number in a string ("5e12") is refused as any other value out of
    // range is, saying the range and what was given.
    out = it->is_number() ? it->get<double>() : NAN;
    if (!(out >= kMinRate && out <= kMaxRate))
      return fail(path + "." + key,
                  "must be a number between 1 and 1e18 per second (got " +
                      quotedForMessage(*it) + ")");
    return true;
  }

  bool seconds(const json &obj, const char *key, const std::string &path,
               double &out) {
    auto it = obj.find(key);
    if (it == obj.end())
      return true;
    out = it->is_number() ? it->get<double>() : NAN;
    if (!(out >= 0 && out <= kMaxSeconds))
      return fail(path + "." + key, "must be a number between 0 and 1 s (got " +
                                        quotedForMessage(*it) + ")");
    return true;
  }

  /// A byte count: an exact integer, so that 3.7 is not silently 3.
  bool bytes(const json &obj, const char *key, const std::string &path,
             int64_t min, int64_t &out, bool required) {
    auto it = obj.find(key);
    if (it == obj.end())
      return required ? fail(path + "." + key, "missing (a byte count)") : true;
    std::optional<int64_t> value = exactInteger(*it, min, kMaxBytes);
    if (!value)
      return fail(path + "." + key,
                  "must be an integer between " + std::to_string(min) +
                      " and 2^62 (got " + quotedForMessage(*it) + ")");
    out = *value;
    return true;
  }

  static constexpr double kMinRate = 1, kMaxRate = 1e18, kMaxSeconds = 1;
  static constexpr int64_t kMaxBytes = int64_t(1) << 62;
};
} // namespace

llvm::Expected<Target> Target::parse(llvm::StringRef text,
                                     llvm::StringRef origin) {
  Reader reader{origin.str(), {}};
  auto makeError = [&]() {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   reader.error);
  };

  llvm::Expected<json> parsed = parseJsonInput(text, origin);
  if (!parsed)
    return parsed.takeError();
  json root = std::move(*parsed);
  if (!root.is_object()) {
    reader.fail("<root>", "must be a JSON object");
    return makeError();
  }

  // Unknown keys are errors, as in the sim section: a misspelt
  // element_bytes or layer_overhead_s would silently be its default.
  auto onlyKeys = [&](const json &object, const std::string &path,
                      std::initializer_list<const char *> allowed) {
    if (auto unknown = unknownField(object, allowed))
      return reader.fail((path.empty() ? "" : path + ".") + unknown->first,
                         unknown->second);
    return true;
  };
  Target target;
  target.origin = origin.str();
  if (!onlyKeys(
          root, "",
          {"name", "description", "element_bytes", "compute", "levels", "sim"}))
    return makeError();
  // The record, remarks and reports name the chip by it.
  if (auto it = root.find("name"); it == root.end()) {
    reader.fail("name", "missing (a non-empty string)");
    return makeError();
  } else if (std::string why = namingProblem(*it); !why.empty()) {
    reader.fail("name", std::string(kNameRule) + " (got " +
                            quotedForMessage(*it) + ", which " + why + ")");
    return makeError();
  } else {
    target.name = it->get<std::string>();
  }
  if (auto it = root.find("description"); it != root.end()) {
    if (!it->is_string()) {
      reader.fail("description",
                  "must be a string (got " + quotedForMessage(*it) + ")");
      return makeError();
    }
    target.description = it->get<std::string>();
  }

  auto compute = root.find("compute");
  if (compute == root.end() || !compute->is_object()) {
    reader.fail("compute", compute == root.end()
                               ? "missing (an object)"
                               : "must be an object of rates (got " +
                                     std::string(compute->type_name()) + ")");
    return makeError();
  }
  if (!onlyKeys(*compute, "compute",
                {"mac_per_s", "vector_ops_per_s", "layer_overhead_s"}) ||
      !reader.rate(*compute, "mac_per_s", "compute", target.macRate) ||
      !reader.rate(*compute, "vector_ops_per_s", "compute",
                   target.vectorRate) ||
      !reader.seconds(*compute, "layer_overhead_s", "compute",
                      target.layerOverhead))
    return makeError();

  if (auto it = root.find("element_bytes"); it != root.end()) {
    // The graph verifier's bound on an element's size: byte counts derived
    // from element counts must not overflow.
    std::optional<int64_t> bytes = exactInteger(*it, 1, 64);
    if (!bytes) {
      reader.fail("element_bytes", "must be an integer between 1 and 64 (got " +
                                       quotedForMessage(*it) + ")");
      return makeError();
    }
    target.elementBytes = *bytes;
  }

  auto levels = root.find("levels");
  if (levels == root.end() || !levels->is_array() || levels->empty()) {
    reader.fail("levels", levels == root.end() ? "missing (a non-empty array)"
                          : !levels->is_array()
                              ? "must be a non-empty array of levels (got " +
                                    std::string(levels->type_name()) + ")"
                              : "must not be empty");
    return makeError();
  }
  if (levels->size() > kMaxLevels) {
    reader.fail("levels", "has " + std::to_string(levels->size()) +
                              " entries; at most " +
                              std::to_string(kMaxLevels) + " are supported");
    return makeError();
  }
  // Outside the range a file may give (24 bits): "not given".
  constexpr unsigned kDefaultAddressSpace = ~0u;
  for (size_t i = 0; i < levels->size(); ++i) {
    const json &entry = (*levels)[i];
    std::string path = "levels[" + std::to_string(i) + "]";
    if (!entry.is_object()) {
      reader.fail(path, "must be an object");
      return makeError();
    }
    if (!onlyKeys(entry, path,
                  {"name", "capacity_bytes", "reserved_bytes",
                   "bandwidth_bytes_per_s", "address_space"}))
      return makeError();
    MemoryLevel level;
    auto name = entry.find("name");
    if (name == entry.end()) {
      reader.fail(path + ".name", "missing (a non-empty string)");
      return makeError();
    }
    if (std::string why = namingProblem(*name); !why.empty()) {
      reader.fail(path + ".name", std::string(kNameRule) + " (got " +
                                      quotedForMessage(*name) + ", which " +
                                      why + ")");
      return makeError();
    }
    level.name = name->get<std::string>();
    if (target.findLevel(level.name)) {
      reader.fail(path + ".name", "duplicate level '" + level.name + "'");
      return makeError();
    }
    if (!reader.bytes(entry, "capacity_bytes", path, 1, level.capacityBytes,
                      /*required=*/true) ||
        !reader.bytes(entry, "reserved_bytes", path, 0, level.reservedBytes,
                      /*required=*/false) ||
        !reader.rate(entry, "bandwidth_bytes_per_s", path, level.bandwidth))
      return makeError();
    if (auto space = entry.find("address_space"); space != entry.end()) {
      std::optional<int64_t> value =
          exactInteger(*space, 0, Target::kMaxAddressSpace);
      if (!value) {
        reader.fail(path + ".address_space",
                    "must be an integer between 0 and 2^24 - 1 (got " +
                        quotedForMessage(*space) + ")");
        return makeError();
      }
      level.addressSpace = unsigned(*value);
    } else {
      level.addressSpace = kDefaultAddressSpace; // Set once sorted.
    }
    if (level.reservedBytes >= level.capacityBytes) {
      reader.fail(path + ".reserved_bytes",
                  "must be smaller than capacity_bytes");
      return makeError();
    }
    // Levels are ranked by bandwidth ("fastest", "slowest"): a tie would
    // leave that ranking to the order of the file.
    for (const MemoryLevel &other : target.levels)
      if (other.bandwidth == level.bandwidth) {
        char value[32];
        std::snprintf(value, sizeof value, "%g", level.bandwidth);
        reader.fail(path + ".bandwidth_bytes_per_s",
                    std::string(value) + " is level '" + other.name +
                        "''s too: levels must have distinct bandwidths");
        return makeError();
      }
    target.levels.push_back(std::move(level));
  }
  // Fastest first.
  llvm::sort(target.levels, [](const MemoryLevel &a, const MemoryLevel &b) {
    return a.bandwidth > b.bandwidth;
  });
  // Default address spaces count from the backing store (0) up towards the
  // fastest level.
  for (size_t i = 0, n = target.levels.size(); i < n; ++i)
    if (target.levels[i].addressSpace == kDefaultAddressSpace)
      target.levels[i].addressSpace = unsigned(n - 1 - i);
  // Lowering gives each level's buffers its address space: two levels in one
  // would be one memory to the code generator.
  for (size_t i = 0; i < target.levels.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (target.levels[i].addressSpace == target.levels[j].addressSpace) {
        reader.fail("levels",
                    "'" + target.levels[j].name + "' and '" +
                        target.levels[i].name + "' are both in address space " +
                        std::to_string(target.levels[i].addressSpace) +
                        " (address_space, or its default: the levels count "
                        "from 0 for the slowest); each level needs its own");
        return makeError();
      }
  // The sim section's sustained bandwidths are held to the same span
  // (SimConfig::validate).
  std::vector<double> rates = {target.macRate, target.vectorRate};
  std::vector<std::string> rateNames = {"compute.mac_per_s",
                                        "compute.vector_ops_per_s"};
  for (const MemoryLevel &level : target.levels) {
    rates.push_back(level.bandwidth);
    rateNames.push_back("level '" + level.name + "' bandwidth_bytes_per_s");
  }
  if (std::string span = rateSpanError(rates, rateNames); !span.empty()) {
    reader.fail("<root>", span);
    return makeError();
  }

  if (auto it = root.find("sim"); it != root.end()) {
    if (!it->is_object()) {
      reader.fail("sim", "must be an object");
      return makeError();
    }
    target.simSection = it->dump();
  }
  return target;
}

std::string Target::toJSON() const {
  json root = {{"name", name},
               {"description", description},
               {"compute",
                {{"mac_per_s", macRate},
                 {"vector_ops_per_s", vectorRate},
                 {"layer_overhead_s", layerOverhead}}}};
  if (elementBytes)
    root["element_bytes"] = *elementBytes;
  json out = json::array();
  for (const MemoryLevel &level : levels)
    out.push_back({{"name", level.name},
                   {"capacity_bytes", level.capacityBytes},
                   {"reserved_bytes", level.reservedBytes},
                   {"bandwidth_bytes_per_s", level.bandwidth},
                   {"address_space", level.addressSpace}});
  root["levels"] = std::move(out);
  if (!simSection.empty())
    root["sim"] = json::parse(simSection);
  return root.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Target::digest() const {
  if (!wholeChipDigest.empty())
    return wholeChipDigest;
  Target chip = *this;
  chip.description.clear();
  return llvm::utohexstr(llvm::xxh3_64bits(chip.toJSON()), /*LowerCase=*/true,
                         /*Width=*/16);
}

llvm::Expected<Target> Target::load(llvm::StringRef path) {
  llvm::Expected<std::string> text =
      readFileAtMost(path, uint64_t(64) << 20, "target file");
  if (!text)
    return text.takeError();
  return parse(*text, path);
}

static std::string bundledTargetsDir() {
  return bundledDataDir("targets", "EGRL_TARGETS_DIR", EGRL_TARGETS_DIR);
}

std::vector<std::string> egrl::bundledTargetNames() {
  return jsonStemsIn(bundledTargetsDir());
}

llvm::Expected<Target> egrl::loadTarget(llvm::StringRef nameOrPath) {
  std::string path =
      resolveBundledName(nameOrPath, bundledTargetsDir(), ".json");
  if (path == nameOrPath && !nameOrPath.ends_with(".json") &&
      !llvm::sys::fs::exists(nameOrPath))
    return llvm::createStringError(
        "unknown target '" + nameOrPath +
        "': not a file, and not a bundled target (bundled in " +
        bundledTargetsDir() + ": " + llvm::join(bundledTargetNames(), ", ") +
        ")");
  return Target::load(path);
}

bool egrl::isBundledTargetName(llvm::StringRef name) {
  return llvm::is_contained(bundledTargetNames(), name);
}

llvm::Error egrl::checkSimTarget(const Target &target,
                                 const Target &simTarget) {
  auto sameName = [](const MemoryLevel &a, const MemoryLevel &b) {
    return a.name == b.name;
  };
  // Two chips of one name (a target copied and edited) are told apart by
  // the files they came from, and a chip whose name is not its file's is
  // found by its file.
  auto label = [&](llvm::StringRef kind, const Target &chip) {
    std::string text = (kind + " '" + chip.name + "'").str();
    if (!chip.origin.empty() &&
        (target.name == simTarget.name ||
         llvm::sys::path::stem(chip.origin) != chip.name))
      text += " (" + chip.origin + ")";
    return text;
  };
  const std::string simLabel = label("sim-target", simTarget),
                    targetLabel = label("target", target);
  if (simTarget.levels.size() == target.levels.size() &&
      !std::equal(target.levels.begin(), target.levels.end(),
                  simTarget.levels.begin(), sameName) &&
      std::is_permutation(target.levels.begin(), target.levels.end(),
                          simTarget.levels.begin(), sameName))
    // Names and count agree: what differs is the ranking, and a placement
    // names levels by their rank.
    return llvm::createStringError(
        simLabel + " orders its levels " + simTarget.levelNames() +
        " by bandwidth (fastest first), " + targetLabel + " orders them " +
        target.levelNames() +
        ": a chip and its model must order their levels alike");
  if (simTarget.levels.size() != target.levels.size() ||
      !std::equal(target.levels.begin(), target.levels.end(),
                  simTarget.levels.begin(), sameName))
    return llvm::createStringError(
        simLabel + " has levels " + simTarget.levelNames() + ", " +
        targetLabel + " has " + target.levelNames() +
        ": a chip and its model must have the same levels (names and count)");
  auto bytes = [](const Target &t) {
    return t.elementBytes ? std::to_string(*t.elementBytes)
                          : std::string("from the IR");
  };
  if (simTarget.elementBytes != target.elementBytes)
    return llvm::createStringError(
        simLabel + " has element_bytes " + bytes(simTarget) + ", " +
        targetLabel + " has " + bytes(target) +
        ": a chip and its model must size tensors alike");
  return llvm::Error::success();
}
