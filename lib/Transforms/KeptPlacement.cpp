//===- KeptPlacement.cpp - What strategy=keep checks of a placed module ---===//

#include "KeptPlacement.h"

#include "egrl/Analysis/GraphBuilder.h"
#include "egrl/CostModel/ExternalEvaluator.h"
#include "egrl/Transforms/PlacementAnnotations.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace egrl;

std::string egrl::keepSettings(RecordAttr record, const KeepOptions &given,
                               std::string &graphGranularity,
                               std::string &targetName,
                               std::string &simTargetName) {
  std::string granularity = given.granularity.str();
  std::string placedAt = record.getGranularity().str();
  if (!granularity.empty() && !parseGranularity(granularity))
    return "unknown granularity '" + granularity +
           "' (expected 'fused' or 'op')";
  if (!granularity.empty() && granularity != placedAt)
    return "strategy=keep with granularity=" + granularity +
           ": the module was placed at granularity '" + placedAt +
           "' (its egrl.record), whose node numbers its #egrl.placement "
           "attributes hold";
  graphGranularity = placedAt;
  auto fromRecord = [](const char *option, StringAttr name,
                       std::string &out) -> std::string {
    if (!isBundledTargetName(name.getValue()))
      return "strategy=keep: the module was placed for " + std::string(option) +
             " '" + name.str() +
             "' (its egrl.record), which is not a bundled target; give its "
             "file with " +
             option + "=FILE";
    out = name.str();
    return "";
  };
  if (given.target.empty())
    if (std::string why = fromRecord("target", record.getTarget(), targetName);
        !why.empty())
      return why;
  if (given.simTarget.empty() && record.getSimTarget() &&
      !ExternalEvaluator::names(given.evaluator))
    return fromRecord("sim-target", record.getSimTarget(), simTargetName);
  return "";
}

std::string egrl::keptChipDiffers(const char *option, const Target &chip,
                                  StringAttr placedDigest) {
  std::string bundled = chip.digest();
  if (!placedDigest || placedDigest.getValue() == bundled)
    return "";
  return "strategy=keep: the module was placed for a " + std::string(option) +
         " named '" + chip.name + "' that is not the bundled '" + chip.name +
         "' (its egrl.record's digest " + placedDigest.str() +
         ", the bundled one's " + bundled +
         "): give the file it was placed for with " + option + "=FILE";
}

std::string egrl::keptLevelsDiffer(RecordAttr record, const Target &chip) {
  std::vector<std::string> placedOn = levelNamesOf(record);
  if (placedOn == chip.levelNameList())
    return "";
  return "strategy=keep: the module was placed for target '" +
         record.getTarget().str() + "' (levels " + llvm::join(placedOn, ", ") +
         "); target '" + chip.name + "' has levels " + chip.levelNames() +
         ": set target= to the chip it was placed for";
}

std::string egrl::keepWithoutRecord(ModuleOp module) {
  for (auto nested : module.getOps<ModuleOp>())
    if (nested->hasAttr(EGRLDialect::getRecordAttrName()))
      return "strategy=keep: the module carries no placement (no "
             "egrl.record), its nested module " +
             moduleDisplayName(nested) +
             " does: run the pass on it "
             "(builtin.module(builtin.module(egrl-memory-placement)))";
  return "strategy=keep measures the placement the module carries, and it "
         "carries none (no egrl.record): place it with another strategy "
         "first";
}
