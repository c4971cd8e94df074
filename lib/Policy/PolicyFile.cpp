//===- PolicyFile.cpp - Save and load trained GNN policies ----------------===//
//
// JSON keeps the file self-describing and diff-able; float32 values print
// with enough digits to read back bit-identical, so a loaded policy gives
// the same log-probabilities as the one saved. No LibTorch here: parameters
// go through GnnPolicy::exportParameters/importParameters.
//
//===----------------------------------------------------------------------===//

#include "egrl/Policy/PolicyFile.h"
#include "egrl/Policy/Features.h"
#include "egrl/Support/Json.h"
#include "egrl/Support/Output.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
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
} // namespace

llvm::StringRef egrl::sourceRevision() { return EGRL_SOURCE_REVISION; }

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
                      {"evaluator", metadata.evaluator},
                      {"corpus", metadata.corpus},
                      {"evaluations", metadata.evaluations},
                      {"training_seconds", metadata.trainingSeconds},
                      {"seed", metadata.seed},
                      {"date", metadata.date},
                      {"revision", metadata.revision},
                      {"command", metadata.command},
                      {"parameters", std::move(parameters)}};
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
    meta.formatVersion = document.at("format_version").get<unsigned>();
    if (meta.formatVersion != kPolicyFormatVersion)
      return error(origin, "policy file format version " +
                               llvm::Twine(meta.formatVersion) +
                               ", this build reads version " +
                               llvm::Twine(kPolicyFormatVersion));
    meta.featureVersion = document.at("feature_version").get<unsigned>();
    if (meta.featureVersion != kFeatureVersion)
      return error(origin,
                   "policy computed on feature version " +
                       llvm::Twine(meta.featureVersion) +
                       ", this build computes feature version " +
                       llvm::Twine(kFeatureVersion) +
                       " (include/egrl/Policy/Features.def); retrain it with "
                       "egrl-train");
    meta.levels = document.at("levels").get<std::vector<std::string>>();
    // Sizes that build the network: exact integers in a range a trained
    // policy has, so a corrupt file cannot ask for gigabytes of tensors.
    std::optional<int64_t> hidden =
        exactInteger(document.at("gnn").at("hidden"), 1, kMaxPolicyHidden);
    std::optional<int64_t> layers =
        exactInteger(document.at("gnn").at("layers"), 1, kMaxPolicyLayers);
    if (!hidden || !layers)
      return error(origin, "corrupt policy file: gnn.hidden must be 1 to " +
                               std::to_string(kMaxPolicyHidden) +
                               " and gnn.layers 1 to " +
                               std::to_string(kMaxPolicyLayers));
    meta.hidden = unsigned(*hidden);
    meta.layers = unsigned(*layers);
    meta.conditioned = document.at("gnn").value("conditioned", false);
    meta.target = document.at("target").get<std::string>();
    if (!document.at("sim_target").is_null())
      meta.simTarget = document.at("sim_target").get<std::string>();
    meta.evaluator = document.at("evaluator").get<std::string>();
    meta.corpus = document.at("corpus").get<std::vector<std::string>>();
    meta.evaluations = document.at("evaluations").get<uint64_t>();
    meta.trainingSeconds = document.value("training_seconds", 0.0);
    meta.seed = document.value("seed", uint64_t(0));
    meta.date = document.at("date").get<std::string>();
    meta.revision = document.at("revision").get<std::string>();
    meta.command = document.value("command", "");
    if (meta.levels.empty() || meta.levels.size() > 16)
      return error(origin, "corrupt policy file: 1 to 16 levels expected");

    std::vector<ParameterTensor> tensors;
    for (const json &entry : document.at("parameters")) {
      ParameterTensor tensor;
      tensor.name = entry.at("name").get<std::string>();
      tensor.shape = entry.at("shape").get<std::vector<int64_t>>();
      // Read as double: a value beyond float's range would otherwise become
      // infinity, and a policy of infinities places like one of zeros.
      for (double value : entry.at("values").get<std::vector<double>>()) {
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
  } catch (const json::exception &e) {
    // A missing key or a value of the wrong type: nlohmann names which.
    return error(origin, llvm::Twine("corrupt policy file: ") + e.what());
  }
  return std::move(loaded);
}

llvm::Expected<LoadedPolicy> egrl::loadPolicyFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return llvm::createStringError(
        buffer.getError(), "cannot read policy file '%s': %s",
        path.str().c_str(), buffer.getError().message().c_str());
  return parsePolicyFile((*buffer)->getBuffer(), path);
}

llvm::Error egrl::checkPolicyFitsTarget(const PolicyMetadata &metadata,
                                        const Target &target,
                                        llvm::StringRef origin) {
  if (metadata.levels.size() == target.numLevels())
    return llvm::Error::success();
  return error(origin, "the policy places on " +
                           llvm::Twine(metadata.levels.size()) + " levels (" +
                           llvm::join(metadata.levels, ", ") + "), target '" +
                           target.name + "' has " +
                           llvm::Twine(target.numLevels()) + " (" +
                           target.levelNames() + ")");
}
