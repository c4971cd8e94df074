//===- KeptPlacement.h - What strategy=keep checks of a placed module -----===//
//
// strategy=keep measures the #egrl.placement a module already carries. The
// module's egrl.record says what it was placed for (granularity, chips and
// their digests); these checks say, before anything is measured, when the
// options or the chips found contradict it. Each returns an error message,
// or "" when there is nothing to say.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_TRANSFORMS_KEPTPLACEMENT_H
#define EGRL_LIB_TRANSFORMS_KEPTPLACEMENT_H

#include "egrl/Dialect/EGRL/IR/EGRLDialect.h"
#include "egrl/Target/Target.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace egrl {

/// The pass options strategy=keep reads beside the record ("" when not
/// given).
struct KeepOptions {
  llvm::StringRef granularity, target, simTarget, evaluator;
};

/// The graph is the one the module was placed on and, unless the options
/// say otherwise, the chips are those its record names: bundled ones only (a
/// name in an IR file is not a path to read), and never the record's
/// evaluator (an external command is not run because an IR file names it).
/// Fills in the granularity and chip names to use.
std::string keepSettings(RecordAttr record, const KeepOptions &given,
                         std::string &graphGranularity, std::string &targetName,
                         std::string &simTargetName);

/// The bundled `chip` found by the record's name is not the chip the
/// placement was made for (an edited copy of a bundled target that kept its
/// name).
std::string keptChipDiffers(const char *option, const Target &chip,
                            mlir::StringAttr placedDigest);

/// `chip` does not have the levels the placement was made for (its
/// attributes name levels).
std::string keptLevelsDiffer(RecordAttr record, const Target &chip);

/// Why strategy=keep has nothing to measure on a module without a record.
std::string keepWithoutRecord(mlir::ModuleOp module);

} // namespace egrl

#endif // EGRL_LIB_TRANSFORMS_KEPTPLACEMENT_H
