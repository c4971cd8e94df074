//===- PolicyFile.cpp - Save and load trained GNN policies ----------------===//
//
// JSON keeps the file self-describing and diff-able; float32 values print
// with enough digits to read back bit-identical, so a loaded policy gives
// the same log-probabilities as the one saved. No LibTorch here: parameters
// go through GnnPolicy::exportParameters/importParameters.
//
//===----------------------------------------------------------------------===//

#include "egrl/Policy/PolicyFile.h"
#include "egrl/CostModel/ExternalEvaluator.h"
#include "egrl/Policy/Features.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Support/Json.h"
#include "egrl/Support/Output.h"
#include "egrl/Support/ReadFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <limits>

using namespace egrl;
using json = nlohmann::json;

namespace {
constexpr const char *kFormatName = "egrl-policy";

llvm::Error error(llvm::StringRef origin, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (origin + ": " + message).str());
}

/// A field of a policy file that is missing or of the wrong kind; its
/// message names the field ("gnn.hidden", "parameters[3].values").
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename T> const char *kindOf();
template <> const char *kindOf<std::string>() { return "a string"; }
template <> const char *kindOf<bool>() { return "true or false"; }
template <> const char *kindOf<double>() { return "a number"; }
template <> const char *kindOf<unsigned>() { return "a non-negative integer"; }
template <> const char *kindOf<uint64_t>() { return "a non-negative integer"; }
template <> const char *kindOf<std::vector<std::string>>() {
  return "a list of strings";
}
template <> const char *kindOf<std::vector<int64_t>>() {
  return "a list of integers";
}
template <> const char *kindOf<std::vector<double>>() {
  return "a list of numbers";
}

/// `value`, the field `name`, as T. nlohmann's own type errors name the
/// type but not the field, and it reads -1 as an unsigned 2^32 - 1.
template <typename T> T as(const json &value, const std::string &name) {
  bool fits = true;
  if constexpr (std::is_same_v<T, unsigned> || std::is_same_v<T, uint64_t>)
    fits = value.is_number_unsigned() &&
           value.get<uint64_t>() <= std::numeric_limits<T>::max();
  if (fits) {
    try {
      return value.get<T>();
    } catch (const json::type_error &) {
    }
  }
  auto shown = [](const json &v) {
    return v.is_primitive() ? v.dump()
           : v.is_array()   ? std::string("a list")
                            : std::string("an object");
  };
  // A list of the wrong elements: name the first wrong one.
  if constexpr (!std::is_arithmetic_v<T> && !std::is_same_v<T, std::string>)
    if (value.is_array())
      for (size_t i = 0; i < value.size(); ++i) {
        const json &element = value[i];
        constexpr bool strings = std::is_same_v<T, std::vector<std::string>>;
        constexpr bool integers = std::is_same_v<T, std::vector<int64_t>>;
        bool wrong = strings    ? !element.is_string()
                     : integers ? !element.is_number_integer()
                                : !element.is_number();
        if (wrong)
          throw FieldError("\"" + name + "[" + std::to_string(i) +
                           "]\" must be " +
                           (strings    ? "a string"
                            : integers ? "an integer"
                                       : "a number") +
                           ", not " + shown(element));
      }
  throw FieldError("\"" + name + "\" must be " + kindOf<T>() + ", not " +
                   shown(value));
}

/// The member `key` of `object` (called `where` in messages).
const json &member(const json &object, const std::string &key,
                   const std::string &where = "") {
  std::string name = where.empty() ? key : where + "." + key;
  if (!object.is_object())
    throw FieldError("\"" + where + "\" must be an object");
  auto it = object.find(key);
  if (it == object.end())
    throw FieldError("\"" + name + "\" is missing");
  return *it;
}

template <typename T>
T read(const json &object, const std::string &key,
       const std::string &where = "") {
  return as<T>(member(object, key, where),
               where.empty() ? key : where + "." + key);
}

/// An optional member: `otherwise` when absent.
template <typename T>
T readOr(const json &object, const std::string &key, T otherwise,
         const std::string &where = "") {
  if (!object.contains(key))
    return otherwise;
  return read<T>(object, key, where);
}
} // namespace

std::string egrl::utcNow() {
  std::time_t now = std::time(nullptr);
  std::tm utc;
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string egrl::policyFileText(const GnnPolicy &policy,
                                 PolicyMetadata metadata) {
  metadata.formatVersion = kPolicyFormatVersion;
  metadata.featureVersion = kFeatureVersion;
  metadata.hidden = policy.config().hidden;
  metadata.layers = policy.config().layers;
  metadata.conditioned = policy.config().conditioned;
  assert(metadata.levels.size() == policy.numLevels() &&
         "one level name per level");
  // Ordered: the file reads top-down, format and metadata before numbers.
  using ordered = nlohmann::ordered_json;
  ordered parameters = ordered::array();
  for (const ParameterTensor &tensor : policy.exportParameters())
    parameters.push_back({{"name", tensor.name},
                          {"shape", tensor.shape},
                          {"values", tensor.values}});
  ordered gnn = {{"hidden", metadata.hidden}, {"layers", metadata.layers}};
  if (metadata.conditioned)
    gnn["conditioned"] = true;
  ordered document = {{"format", kFormatName},
                      {"format_version", metadata.formatVersion},
                      {"feature_version", metadata.featureVersion},
                      {"levels", metadata.levels},
                      {"gnn", std::move(gnn)},
                      {"target", metadata.target},
                      {"sim_target", metadata.simTarget.empty()
                                         ? ordered()
                                         : ordered(metadata.simTarget)},
                      {"evaluator", metadata.evaluator}};
  if (!metadata.targetDigest.empty())
    document["target_digest"] = metadata.targetDigest;
  if (!metadata.simTargetDigest.empty())
    document["sim_target_digest"] = metadata.simTargetDigest;
  if (metadata.granularity != "fused")
    document["granularity"] = metadata.granularity;
  document["corpus"] = metadata.corpus;
  document["evaluations"] = metadata.evaluations;
  document["training_seconds"] = metadata.trainingSeconds;
  document["seed"] = metadata.seed;
  document["date"] = metadata.date;
  document["revision"] = metadata.revision;
  document["command"] = metadata.command;
  document["parameters"] = std::move(parameters);
  return document.dump(1) + "\n";
}

llvm::Error egrl::savePolicyFile(llvm::StringRef path, const GnnPolicy &policy,
                                 const PolicyMetadata &metadata) {
  // JSON has no infinities or NaNs (nlohmann writes null), so such a file
  // could not be loaded: refuse to write it.
  for (const ParameterTensor &tensor : policy.exportParameters())
    if (!llvm::all_of(tensor.values, [](float v) { return std::isfinite(v); }))
      return error(path, "not written: parameter '" + tensor.name +
                             "' is not finite (training diverged)");
  std::string text = policyFileText(policy, metadata);
  // Through a temporary file renamed into place: an interrupted run never
  // leaves half a file where a checkpoint or policy was.
  if (llvm::Error err = writeWholeFile(path, text))
    return error(path, "cannot write: " + llvm::toString(std::move(err)));
  return llvm::Error::success();
}

std::string egrl::policyShapeProblem(uint64_t hidden, uint64_t layers) {
  std::string limits = "gnn.hidden must be 1 to " +
                       std::to_string(kMaxPolicyHidden) + ", gnn.layers 1 to " +
                       std::to_string(kMaxPolicyLayers) +
                       " and hidden² × layers at most " +
                       std::to_string(kMaxPolicyConvolutionWeights);
  if (hidden < 1 || hidden > kMaxPolicyHidden || layers < 1 ||
      layers > kMaxPolicyLayers)
    return limits;
  if (hidden * hidden * layers > kMaxPolicyConvolutionWeights)
    return limits + " (hidden " + std::to_string(hidden) + " and " +
           std::to_string(layers) + " layers ask for " +
           std::to_string(hidden * hidden * layers) + ")";
  return "";
}

llvm::Expected<LoadedPolicy> egrl::parsePolicyFile(llvm::StringRef text,
                                                   llvm::StringRef origin) {
  llvm::Expected<json> parsed = parseJsonInput(text, origin);
  if (!parsed) {
    // "origin: malformed JSON at byte N: ...", said as a policy file.
    std::string why = llvm::toString(parsed.takeError());
    llvm::StringRef rest(why);
    rest.consume_front((origin + ": ").str());
    return error(origin, "not a policy file: " + rest);
  }
  const json &document = *parsed;
  auto format = document.is_object() ? document.find("format") : document.end();
  if (!document.is_object() || format == document.end() ||
      *format != kFormatName)
    return error(origin, "not a policy file (no \"format\": \"" +
                             llvm::Twine(kFormatName) + "\")");
  LoadedPolicy loaded;
  PolicyMetadata &meta = loaded.metadata;
  try {
    meta.formatVersion = read<unsigned>(document, "format_version");
    if (meta.formatVersion != kPolicyFormatVersion)
      return error(origin, "policy file format version " +
                               llvm::Twine(meta.formatVersion) +
                               ", this build reads version " +
                               llvm::Twine(kPolicyFormatVersion));
    meta.featureVersion = read<unsigned>(document, "feature_version");
    if (meta.featureVersion != kFeatureVersion)
      return error(origin,
                   "policy computed on feature version " +
                       llvm::Twine(meta.featureVersion) +
                       ", this build computes feature version " +
                       llvm::Twine(kFeatureVersion) +
                       " (include/egrl/Policy/Features.def); retrain it with "
                       "egrl-train");
    // Checked after the versions (a newer layout may have fields this
    // build does not know). A misspelt optional field ("granulrity": "op")
    // would be a silent default; policyFileText() writes these.
    if (auto unknown = unknownField(
            document, {"format", "format_version", "feature_version", "levels",
                       "gnn", "target", "sim_target", "evaluator",
                       "target_digest", "sim_target_digest", "granularity",
                       "corpus", "evaluations", "training_seconds", "seed",
                       "date", "revision", "command", "parameters"}))
      throw FieldError("\"" + unknown->first + "\": " + unknown->second);
    meta.levels = read<std::vector<std::string>>(document, "levels");
    const json &gnn = member(document, "gnn");
    if (!gnn.is_object())
      throw FieldError("\"gnn\" must be an object");
    if (auto unknown = unknownField(gnn, {"hidden", "layers", "conditioned"}))
      throw FieldError("\"gnn." + unknown->first + "\": " + unknown->second);
    // Sizes that build the network: exact integers in a range a trained
    // policy has, so a corrupt file cannot ask for gigabytes of tensors.
    std::optional<int64_t> hidden =
        exactInteger(member(gnn, "hidden", "gnn"), 1, kMaxPolicyHidden);
    std::optional<int64_t> layers =
        exactInteger(member(gnn, "layers", "gnn"), 1, kMaxPolicyLayers);
    // A size that is no integer in range reads as 0, which is refused; one
    // that is no number at all is said as such.
    for (const char *size : {"hidden", "layers"})
      if (const json &value = member(gnn, size, "gnn");
          !value.is_number() ||
          (value.is_number_float() &&
           value.get<double>() != std::floor(value.get<double>())))
        return error(origin, std::string("corrupt policy file: gnn.") + size +
                                 " must be an integer, not " + value.dump());
    if (std::string problem =
            policyShapeProblem(hidden.value_or(0), layers.value_or(0));
        !problem.empty())
      return error(origin, "corrupt policy file: " + problem);
    meta.hidden = unsigned(*hidden);
    meta.layers = unsigned(*layers);
    meta.conditioned = readOr<bool>(gnn, "conditioned", false, "gnn");
    meta.target = read<std::string>(document, "target");
    if (!member(document, "sim_target").is_null())
      meta.simTarget = read<std::string>(document, "sim_target");
    if (!member(document, "sim_target").is_null() && meta.simTarget.empty())
      return error(origin, "corrupt policy file: \"sim_target\" is empty "
                           "(null when it was trained on its target)");
    meta.evaluator = read<std::string>(document, "evaluator");
    // Empty: not recorded (a checkpoint's policy, whose run records it).
    if (!meta.evaluator.empty() &&
        !llvm::is_contained(evaluatorNames(), meta.evaluator) &&
        !ExternalEvaluator::names(meta.evaluator))
      return error(origin, "corrupt policy file: evaluator '" + meta.evaluator +
                               "' is none egrl-train measures with (" +
                               llvm::join(evaluatorNames(), ", ") +
                               ", external:COMMAND)");
    meta.targetDigest =
        readOr<std::string>(document, "target_digest", std::string());
    meta.simTargetDigest =
        readOr<std::string>(document, "sim_target_digest", std::string());
    meta.granularity =
        readOr<std::string>(document, "granularity", std::string("fused"));
    if (meta.granularity != "fused" && meta.granularity != "op")
      return error(origin, "corrupt policy file: granularity must be "
                           "\"fused\" or \"op\", not '" +
                               meta.granularity + "'");
    meta.corpus = read<std::vector<std::string>>(document, "corpus");
    meta.evaluations = read<uint64_t>(document, "evaluations");
    meta.trainingSeconds = readOr<double>(document, "training_seconds", 0.0);
    meta.seed = readOr<uint64_t>(document, "seed", 0);
    meta.date = read<std::string>(document, "date");
    meta.revision = read<std::string>(document, "revision");
    meta.command = readOr<std::string>(document, "command", "");
    if (meta.levels.empty() || meta.levels.size() > Target::kMaxLevels)
      return error(origin, "corrupt policy file: 1 to " +
                               llvm::Twine(Target::kMaxLevels) +
                               " levels expected");
    // Targets name their levels uniquely; so did the one it was trained on.
    for (size_t l = 0; l < meta.levels.size(); ++l) {
      if (meta.levels[l].empty())
        return error(origin, "corrupt policy file: level " + llvm::Twine(l) +
                                 " has no name");
      if (llvm::is_contained(llvm::ArrayRef(meta.levels).take_front(l),
                             meta.levels[l]))
        return error(origin, "corrupt policy file: level '" + meta.levels[l] +
                                 "' is named twice");
    }

    std::vector<ParameterTensor> tensors;
    const json &parameters = member(document, "parameters");
    if (!parameters.is_array())
      throw FieldError("\"parameters\" must be a list");
    for (size_t k = 0; k < parameters.size(); ++k) {
      const json &entry = parameters[k];
      const std::string where = "parameters[" + std::to_string(k) + "]";
      if (entry.is_object())
        if (auto unknown = unknownField(entry, {"name", "shape", "values"}))
          throw FieldError("\"" + where + "." + unknown->first +
                           "\": " + unknown->second);
      ParameterTensor tensor;
      tensor.name = read<std::string>(entry, "name", where);
      tensor.shape = read<std::vector<int64_t>>(entry, "shape", where);
      // Read as double: a value beyond float's range would otherwise become
      // infinity, and a policy of infinities places like one of zeros.
      for (double value : read<std::vector<double>>(entry, "values", where)) {
        if (!std::isfinite(value) ||
            std::fabs(value) > std::numeric_limits<float>::max())
          return error(origin, "corrupt policy file: parameter '" +
                                   tensor.name + "' holds " +
                                   llvm::formatv("{0:e}", value).str() +
                                   ", not a finite float");
        tensor.values.push_back(float(value));
      }
      tensors.push_back(std::move(tensor));
    }
    GnnPolicyConfig config;
    config.hidden = meta.hidden;
    config.layers = meta.layers;
    config.conditioned = meta.conditioned;
    config.seed = meta.seed;
    loaded.policy = std::make_unique<GnnPolicy>(config, meta.levels.size());
    if (llvm::Error err = loaded.policy->importParameters(tensors))
      return error(origin,
                   "corrupt policy file: " + llvm::toString(std::move(err)));
  } catch (const FieldError &e) {
    return error(origin, llvm::Twine("corrupt policy file: ") + e.what());
  } catch (const json::exception &e) {
    return error(origin, "corrupt policy file: " + describeJsonException(e));
  }
  return std::move(loaded);
}

llvm::Expected<LoadedPolicy> egrl::loadPolicyFile(llvm::StringRef path) {
  llvm::Expected<std::string> text =
      readFileAtMost(path, kMaxPolicyFileBytes, "policy file");
  if (!text)
    return text.takeError();
  return parsePolicyFile(*text, path);
}

llvm::Error egrl::checkPolicyFitsTarget(const PolicyMetadata &metadata,
                                        const Target &target,
                                        llvm::StringRef origin) {
  // egrl-train names the target in every policy file it writes (a
  // checkpoint's policy leaves it to its run's record), and the warnings
  // about another chip quote it.
  if (metadata.target.empty())
    return error(origin, "corrupt policy file: \"target\" is empty (the "
                         "name of the target it was trained for)");
  return checkPolicyLevels(metadata.levels, target, origin);
}

// What a tool checks of a policy file before its first search
// (egrl/Search/Strategy.h): the load and level check strategy=policy does.
static PolicyFileCheckRegistration policyFileCheck(
    [](llvm::StringRef path, const Target &target) -> llvm::Error {
      llvm::Expected<LoadedPolicy> loaded = loadPolicyFile(path);
      if (!loaded)
        return loaded.takeError();
      return checkPolicyFitsTarget(loaded->metadata, target, path);
    });
