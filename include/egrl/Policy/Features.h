//===- Features.h - Node features for graph policies ----------------------===//
//
// Built once per (graph, target) from the Problem, so a policy trained on one
// model sees comparable numbers on another. The list is Features.def.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_POLICY_FEATURES_H
#define EGRL_POLICY_FEATURES_H

#include "egrl/CostModel/Problem.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace egrl {

enum class Feature : unsigned {
#define EGRL_FEATURE(Name, Description) Name,
#include "egrl/Policy/Features.def"
  NumFeatures
};

/// Bumped whenever Features.def changes; saved policies record it. A bump
/// also means retraining policies/ and test/Inputs/tiny-policy.json, and
/// updating fuzz/regressions/policy/, whose inputs must get past this check
/// to reach what they test (unittests/PolicyFileTest.cpp checks all three).
constexpr unsigned kFeatureVersion = 2;
constexpr unsigned kNumNodeFeatures = unsigned(Feature::NumFeatures);

struct FeatureInfo {
  const char *name;
  const char *description;
};
llvm::ArrayRef<FeatureInfo> featureList();

/// Row-major [numNodes x kNumNodeFeatures].
std::vector<float> computeNodeFeatures(const Problem &problem);

/// Whether a policy whose heads output `policyLevels` can place on `target`:
/// the count must match, the names may differ (features are normalised to
/// the target, and heads are levels by speed rank, fastest first). The error
/// names both lists, prefixed by `origin` (the policy file). Here, in the
/// core, so a tool can check a policy file's levels without loading LibTorch.
llvm::Error checkPolicyLevels(llvm::ArrayRef<std::string> policyLevels,
                              const Target &target, llvm::StringRef origin);

/// The largest policy file read (by its loader, and by a tool that checks
/// its levels): the largest network one may hold is a few hundred MB of
/// JSON, and an endless input (/dev/zero) must end.
constexpr uint64_t kMaxPolicyFileBytes = uint64_t(1) << 30;

} // namespace egrl

#endif // EGRL_POLICY_FEATURES_H
