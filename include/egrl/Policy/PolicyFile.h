//===- PolicyFile.h - Trained GNN policies on disk ------------------------===//
//
// A policy file is one JSON document: what the policy was trained for and on
// (metadata) and its parameters as named float arrays (docs/policy.md,
// "Policy files"). Loading checks everything a wrong file could get wrong
// and says what differs, so a pass never places with a policy that cannot
// read this build's features or this target's levels.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_POLICY_POLICYFILE_H
#define EGRL_POLICY_POLICYFILE_H

#include "egrl/Policy/GnnPolicy.h"
#include "egrl/Target/Target.h"

#include <memory>
#include <string>
#include <vector>

namespace egrl {

/// Bumped when the layout of a policy file changes.
constexpr unsigned kPolicyFormatVersion = 1;
/// The network sizes a policy file may hold: a loader builds what a file
/// asks for before it reads the parameters, so the graph convolutions'
/// hidden² × layers weights are bounded too (2^24 floats, 64 MiB: hidden
/// 1024 with 16 layers, 4096 with one) and a corrupt file cannot ask for
/// gigabytes; egrl-train trains within them.
constexpr unsigned kMaxPolicyHidden = 4096, kMaxPolicyLayers = 64;
constexpr uint64_t kMaxPolicyConvolutionWeights = uint64_t(1) << 24;
/// An empty string when a network of this shape may be built, else what
/// is wrong with it (the three limits above).
std::string policyShapeProblem(uint64_t hidden, uint64_t layers);

struct PolicyMetadata {
  unsigned formatVersion = kPolicyFormatVersion;
  /// kFeatureVersion of the build that trained it.
  unsigned featureVersion = 0;
  /// The target's level names, in its order: what the heads' outputs mean.
  std::vector<std::string> levels;
  unsigned hidden = 0, layers = 0;
  /// GnnPolicyConfig::conditioned: the file then holds the "context" input
  /// layer; written only when true, so other files keep their bytes.
  bool conditioned = false;
  std::string target;
  /// The chip it was measured on when not `target`; empty for none.
  std::string simTarget;
  std::string evaluator;
  /// Target::digest() of `target` and of the sim-target: a chip file edited
  /// under the same name is another chip. Empty in files written before
  /// they were recorded (2026-12-06), which are told apart by name only.
  std::string targetDigest, simTargetDigest;
  /// The granularity of the graphs it was trained on ("fused" or "op");
  /// written only when not fused, so other files keep their bytes.
  std::string granularity = "fused";
  /// Names of the graphs it was trained on.
  std::vector<std::string> corpus;
  uint64_t evaluations = 0;
  double trainingSeconds = 0;
  uint64_t seed = 0;
  /// ISO 8601 UTC.
  std::string date;
  /// `git describe --always --dirty` of the source that trained it.
  std::string revision;
  /// The command line that trained it.
  std::string command;
};

struct LoadedPolicy {
  PolicyMetadata metadata;
  std::unique_ptr<GnnPolicy> policy;
};

/// The policy file of `policy` (its parameters) and `metadata`, whose
/// format, feature version, levels count and GNN shape are filled in here.
std::string policyFileText(const GnnPolicy &policy, PolicyMetadata metadata);
llvm::Error savePolicyFile(llvm::StringRef path, const GnnPolicy &policy,
                           const PolicyMetadata &metadata);

/// Reads a policy file; errors start with `origin` (the path) and say what
/// is wrong: not a policy file, a newer format, another feature version,
/// or parameters that do not fit the GNN the metadata describes.
llvm::Expected<LoadedPolicy> parsePolicyFile(llvm::StringRef text,
                                             llvm::StringRef origin);
llvm::Expected<LoadedPolicy> loadPolicyFile(llvm::StringRef path);

/// An error when the policy cannot place on `target`: another number of
/// levels (both level lists are named; checkPolicyLevels), or no target
/// named in its metadata.
llvm::Error checkPolicyFitsTarget(const PolicyMetadata &metadata,
                                  const Target &target, llvm::StringRef origin);

/// The source revision this build was built from (git describe, read at
/// every build).
llvm::StringRef sourceRevision();
/// Now, as ISO 8601 UTC ("2026-12-02T01:30:00Z").
std::string utcNow();

} // namespace egrl

#endif // EGRL_POLICY_POLICYFILE_H
