//===- TrainedPolicy.cpp - Place with a trained policy file ---------------===//
//
// `policy`: one forward pass of a policy trained by egrl-train
// (egrl/Policy/PolicyFile.h), its most likely level for every tensor, made
// to fit the evaluator's chip by demoting what the policy is least sure of
// (GnnPolicy::mostLikelyFitted), and measured once. With a budget above one
// evaluation it refines with `egrl`, which measures that placement first as
// a candidate for its result, so the refinement never returns anything
// slower than it, but searches as it does cold: its networks start fresh
// and its local members start from native. Started from the policy's
// networks, or around its placement, the search stayed near a placement the
// policy got wrong on graphs it had not seen (docs/training.md).
//
//===----------------------------------------------------------------------===//

#include "egrl/Policy/PolicyFile.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Support/Paths.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"

#include <cmath>

using namespace egrl;

namespace {

/// When the policy's levels are the target's names in another order, which
/// head places where: heads are levels by speed rank, not by name.
std::string renamedHeads(llvm::ArrayRef<std::string> policyLevels,
                         const Target &target) {
  std::vector<std::string> names = target.levelNameList();
  if (llvm::equal(policyLevels, names) ||
      !std::is_permutation(policyLevels.begin(), policyLevels.end(),
                           names.begin(), names.end()))
    return "";
  auto [head, level] =
      std::mismatch(policyLevels.begin(), policyLevels.end(), names.begin());
  return "; its levels are this target's names in another order, and heads "
         "place by speed rank, fastest first, not by name: what it learned "
         "for '" +
         *head + "' places in '" + *level + "', the target's level " +
         std::to_string(head - policyLevels.begin());
}

/// Another chip of as many levels is allowed (features are normalised to the
/// target's sizes), but placing it with no search is a transfer across
/// chips, which the user should know of rather than take for the policy's
/// own chip; refined, the result is a search on this chip. Chips are told
/// apart by name (a copy under another name counts) and, where the file
/// records them, by digest (a file edited under the same name counts too).
/// Empty on its own chip.
std::string otherChipCaveat(const PolicyMetadata &meta, const Target &target,
                            const Target &measured) {
  const std::string &measuredOn = measured.name;
  const std::string &trainedOn =
      meta.simTarget.empty() ? meta.target : meta.simTarget;
  const std::string &trainedOnDigest =
      meta.simTarget.empty() ? meta.targetDigest : meta.simTargetDigest;
  // Levels named otherwise say another chip too, even under one target name
  // (a policy file whose levels were renamed).
  std::string policyLevels = llvm::join(meta.levels, ", ");
  bool sameLevels = policyLevels == target.levelNames();
  if (meta.target == target.name && trainedOn == measuredOn && sameLevels) {
    bool edited =
        (!meta.targetDigest.empty() && meta.targetDigest != target.digest()) ||
        (!trainedOnDigest.empty() && trainedOnDigest != measured.digest());
    if (!edited)
      return "";
    return "the policy was trained for a chip named " + trainedOn +
           " whose description differs from this one's (an edited file "
           "under the same name?): if that is another chip, a transfer "
           "across chips (budget=N refines it on this one)";
  }
  auto levels = [&](const std::string &names) {
    return sameLevels ? std::string() : " (levels " + names + ")";
  };
  return "the policy was trained for target " + meta.target +
         levels(policyLevels) +
         (meta.simTarget.empty() ? "" : " measured on " + meta.simTarget) +
         ", this placement is for target " + target.name +
         levels(target.levelNames()) +
         (measuredOn == target.name ? "" : " measured on " + measuredOn) +
         ": if that is another chip, a transfer across chips (budget=N "
         "refines it on this one)" +
         renamedHeads(meta.levels, target);
}

class TrainedPolicyStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "policy"; }
  /// One forward pass at budget 1; egrl refines it with more.
  bool searchesAt(uint64_t budget) const override { return budget > 1; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    const std::string &path = context.options.policyFile;
    if (path.empty())
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "strategy 'policy' needs a policy file (policy=FILE; egrl-bench: "
          "--policy=FILE)");
    // A module of several functions loads the file once.
    if (!loaded.policy || loadedPath != path) {
      std::string resolved = resolvePolicyFile(path);
      llvm::Expected<LoadedPolicy> file = loadPolicyFile(resolved);
      if (!file) {
        // A name that is neither a file nor a shipped policy: say both.
        if (!llvm::sys::fs::exists(resolved) &&
            !llvm::StringRef(path).ends_with(".json"))
          return llvm::createStringError(
              llvm::inconvertibleErrorCode(),
              "policy '%s' is not a file, nor a shipped policy (policies/: "
              "%s)",
              path.c_str(), llvm::join(shippedPolicyNames(), ", ").c_str());
        return file.takeError();
      }
      loaded = std::move(*file);
      loadedPath = path;
    }
    const Problem &problem = context.problem;
    if (llvm::Error err =
            checkPolicyFitsTarget(loaded.metadata, problem.target(), path))
      return std::move(err);
    std::shared_ptr<GnnPolicy> policy = loaded.policy->clone();
    policy->bind(problem);
    // Parameters that are finite floats can still overflow the network
    // (values near 3e38): every score NaN, and the fit would place in
    // program order what looks like the policy's placement.
    std::vector<float> logp = policy->logProbabilities();
    if (llvm::any_of(logp, [](float v) { return std::isnan(v) || v > 0.5f; }))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "policy %s: its log-probabilities on this graph are not finite "
          "numbers (parameters so large that the network overflows): a "
          "corrupt policy file",
          path.c_str());
    Placement placement = policy->mostLikelyFitted(context.evaluator.problem());

    std::string trained =
        "trained on " + std::to_string(loaded.metadata.corpus.size()) +
        " graphs, " + std::to_string(loaded.metadata.evaluations) +
        " evaluations, " + loaded.metadata.evaluator +
        (loaded.metadata.simTarget.empty()
             ? ""
             : " sim-target " + loaded.metadata.simTarget);
    SearchResult result;
    if (context.options.budget <= 1) {
      // One placement, measured as often as native's reference is.
      SearchContext once{problem, context.model, context.evaluator,
                         context.options};
      once.options.budget = std::max(1u, context.options.repeats);
      EvaluationTracker tracker(once);
      tracker.evaluate(placement);
      result = tracker.finish();
      result.detail = "no search; policy " + trained;
      std::string otherChip =
          otherChipCaveat(loaded.metadata, problem.target(),
                          context.evaluator.problem().target());
      if (!otherChip.empty())
        result.caveat += (result.caveat.empty() ? "" : "; ") + otherChip;
      // What it learned from (a model's latencies, a simulator's) is not
      // what measures it now: a transfer too (an external evaluator's
      // command may differ in its path alone).
      llvm::StringRef trainedBy =
          llvm::StringRef(loaded.metadata.evaluator).split(':').first;
      if (!trainedBy.empty() && trainedBy != context.evaluator.name())
        result.caveat +=
            (result.caveat.empty() ? "" : "; ") +
            ("the policy was trained measuring with " + trainedBy +
             ", this placement is measured by " + context.evaluator.name() +
             ": a transfer between evaluators (budget=N "
             "refines it with this one)")
                .str();
      // Nodes of another granularity are not the nodes it learned on.
      if (problem.graph().granularity != loaded.metadata.granularity)
        result.caveat += (result.caveat.empty() ? "" : "; ") +
                         std::string("the policy was trained on ") +
                         loaded.metadata.granularity +
                         " graphs, this graph is at granularity " +
                         problem.graph().granularity +
                         ": its nodes are not those the policy learned on "
                         "(budget=N refines it)";
    } else {
      SearchContext refine{problem, context.model, context.evaluator,
                           context.options};
      refine.options.candidatePlacements.push_back(std::move(placement));
      llvm::Expected<std::unique_ptr<Strategy>> egrl = createStrategy("egrl");
      if (!egrl)
        return egrl.takeError();
      llvm::Expected<SearchResult> refined = (*egrl)->run(refine);
      if (!refined)
        return refined.takeError();
      result = std::move(*refined);
      result.detail = "refined by egrl, with the policy's placement as a "
                      "candidate (" +
                      trained + "): " + result.detail;
    }
    result.policyFile = path;
    return result;
  }

private:
  LoadedPolicy loaded;
  std::string loadedPath;
};

} // namespace

static RegisterStrategy<TrainedPolicyStrategy> registration("policy");
