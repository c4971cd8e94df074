//===- CorpusTrainer.h - Train one GNN policy on a corpus of graphs -------===//
//
// The training algorithm of egrl-train (docs/training.md): rounds over the
// corpus in a seeded order; on each graph the shared policy samples a batch,
// the evaluator measures it, and the policy takes a REINFORCE step with a
// per-graph baseline on the paper's reward (NativeReward), then a
// self-imitation step on that graph's elite placements found so far. The
// tool owns the command line, the budget loop, progress and files; this
// class owns the learning and everything a checkpoint holds.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_POLICY_CORPUSTRAINER_H
#define EGRL_POLICY_CORPUSTRAINER_H

#include "egrl/Policy/GnnPolicy.h"
#include "egrl/Search/Strategy.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace egrl {

struct CorpusTrainerOptions {
  /// The GNN's shape and Adam's step; its seed is `seed`.
  GnnPolicyConfig policy;
  uint64_t seed = 0;
  /// Placements sampled per graph and round (at least 2: a baseline).
  unsigned batch = 8;
  /// Best distinct placements kept per graph for self-imitation (0: none).
  unsigned elites = 4;
  double imitationWeight = 1;
  /// What each graph's elites start from (measured, so in the budget).
  SeedFrom seedFrom = SeedFrom::None;
  /// Seconds ilp may plan each graph with seedFrom = Model.
  double timeLimitSeconds = 10;
  /// Threads placements are measured on; the policy is the same for any.
  unsigned threads = 1;
  /// A JSON object of whatever else a checkpoint must agree with to be
  /// resumed (the tool's target, evaluator, granularity); merged into the
  /// checkpoint's "options" with the training options above.
  std::string runDescription = "{}";
};

class CorpusTrainer {
public:
  /// `levels`: the target's level names, what the policy's heads mean.
  CorpusTrainer(const CorpusTrainerOptions &options,
                std::vector<std::string> levels);
  ~CorpusTrainer();

  /// Adds a graph named `name`: its problem on the compiler's target, the
  /// problem placements are measured on (the sim-target's, or `problem`),
  /// the compiler's model and the evaluator. All must outlive the trainer.
  /// Two graphs of one name are an error.
  llvm::Error addGraph(std::string name, const Problem &problem,
                       const Problem &measured, const AnalyticalModel &model,
                       const Evaluator &evaluator);

  /// Restores a checkpoint written by checkpointText() for this corpus and
  /// these options; an error names what differs or is corrupt.
  llvm::Error resume(llvm::StringRef text, llvm::StringRef path);
  /// Plans each graph's seeds on the compiler's model, which measures
  /// nothing (seedFrom model or portfolio: greedy, ilp within the time
  /// limit, dp, and portfolio's plans), and returns how many measurements
  /// measureNative() will take: one per distinct placement among native and
  /// the seeds, as the evaluator fits them, for each graph no checkpoint
  /// restored. What a caller checks its budget against before anything is
  /// measured. Optional: measureNative() plans what this did not.
  llvm::Expected<uint64_t> planSeeds();
  /// Measures each graph's native placement once (the reward's reference),
  /// or takes it from the checkpoint so a resumed run scores alike; with
  /// seedFrom, measures the seeds too and makes them the first elites.
  llvm::Error measureNative();
  /// One round over the corpus in a seeded order; an error when training
  /// diverged (a loss that is not finite, as a too large learning rate
  /// makes), naming the round and the graph.
  llvm::Error trainRound();

  /// The checkpoint (JSON) of this round boundary, `seconds` of training
  /// in all.
  std::string checkpointText(double seconds) const;
  /// Per round and graph, and per round: the curves egrl-train writes.
  std::string graphCurvesCsv() const;
  std::string lossCurvesCsv() const;

  const GnnPolicy &policy() const;
  const std::vector<std::string> &graphNames() const;
  /// With seedFrom model: "graph: ilp: why" for each seed planned with a
  /// caveat (ilp stopped at its time limit, so its placement depends on
  /// timing and threads, and so may the policy).
  const std::vector<std::string> &seedCaveats() const;
  const std::vector<std::string> &levelNames() const;
  uint64_t rounds() const;
  /// Training seconds of the sessions before a resume.
  double secondsBefore() const;
  size_t numGraphs() const;
  /// Evaluations of every graph, earlier sessions included.
  uint64_t totalEvaluations() const;
  double meanBestSpeedup() const;
  double lastMeanReward() const;
  /// Graphs no valid placement was measured on (every sample refused or
  /// overflowing): the policy learned nothing from them.
  std::vector<std::string> graphsWithNothingValid() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace egrl

#endif // EGRL_POLICY_CORPUSTRAINER_H
