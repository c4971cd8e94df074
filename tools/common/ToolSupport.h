//===- ToolSupport.h - What egrl-bench and egrl-train share ---------------===//
//
// The options that say what placements are measured on (target, sim-target,
// evaluator, granularity, function, retries) with the pass's meanings, and
// loading a model (bundled name, .mlir, graph JSON, synthetic:NODES:SEED)
// into a problem and an evaluator: one implementation for every tool.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_TOOLS_TOOLSUPPORT_H
#define EGRL_TOOLS_TOOLSUPPORT_H

#include "egrl/Analysis/GraphBuilder.h"
#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Evaluator.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Target/Target.h"

#include "llvm/Support/CommandLine.h"

#include <memory>
#include <optional>

namespace egrl::tools {

/// Registered in `category` of the tool that owns it.
struct EvaluationOptions {
  explicit EvaluationOptions(llvm::cl::OptionCategory &category);
  llvm::cl::opt<std::string> target, simTarget, evaluator, granularity,
      function;
  llvm::cl::opt<unsigned> retries;
};

/// EvaluationOptions resolved and checked.
struct EvaluationSetup {
  Target chip;
  /// The chip the evaluator measures on when it is not `chip`.
  std::optional<Target> simChip;
  std::string evaluatorName;
  EvaluatorOptions evaluatorOptions;
  Granularity granularity = Granularity::Fused;
  std::string function;
};
/// Options that do nothing with the others given are warned about as
/// `tool`.
llvm::Expected<EvaluationSetup> resolveSetup(const EvaluationOptions &options,
                                             llvm::StringRef tool);

/// One model on the setup's target, ready to measure.
struct ModelInstance {
  std::string name;
  std::unique_ptr<WorkloadGraph> graph;
  std::unique_ptr<Problem> problem;
  /// The graph on the sim-target, when there is one.
  std::unique_ptr<Problem> chipProblem;
  std::unique_ptr<AnalyticalModel> model;
  std::unique_ptr<Evaluator> evaluator;

  /// What placements are measured on, and whose capacity rules they meet.
  const Problem &measured() const {
    return chipProblem ? *chipProblem : *problem;
  }
};

/// The name a model goes by in tables and files: a file's stem, or
/// syntheticNODES-SEED. An error when `spec` names no model file.
llvm::Expected<std::string> modelName(llvm::StringRef spec);

/// `spec` is a bundled model name, a .mlir or graph .json path, or
/// synthetic:NODES:SEED. `setup` must outlive the result.
llvm::Expected<std::unique_ptr<ModelInstance>>
loadModelInstance(llvm::StringRef spec, const EvaluationSetup &setup);

/// loadModelInstance's first half: the graph and its problems, checked
/// against the chips, without the model and evaluator. What a tool checks
/// of every model before it measures any, so that a model that cannot load
/// fails the run at once rather than after the others' searches.
llvm::Expected<std::unique_ptr<ModelInstance>>
loadModelGraph(llvm::StringRef spec, const EvaluationSetup &setup);

/// loadModelInstance's second half: the analytical model and the evaluator
/// of a graph loadModelGraph() loaded.
llvm::Error attachEvaluator(ModelInstance &instance,
                            const EvaluationSetup &setup);

/// A graph JSON keeps the granularity it was printed at, whatever
/// --granularity says: an error naming `spec` when `instance`'s graph is at
/// another granularity than `options` say, and `why` the tool needs them
/// to agree.
llvm::Error checkGraphGranularity(const ModelInstance &instance,
                                  llvm::StringRef spec,
                                  const EvaluationOptions &options,
                                  llvm::StringRef why);

/// The value of a tool's --seed-from (none, native, model or portfolio), or an
/// error naming the option and the value.
llvm::Expected<SeedFrom> parseSeedFromOption(llvm::StringRef value);

/// Makes directory `dir` (and its parents) if missing, and checks that it is
/// a directory this process can write into: what a tool checks before a
/// long run whose files are written at the end.
std::error_code makeOutputDirectory(llvm::StringRef dir);

/// Checks, before a long run, that `file` can be written at its end (by
/// writeWholeFile, which renames a temporary file into place): its
/// directory as makeOutputDirectory() does, and that it is not a directory.
/// "-" (stdout) passes.
std::error_code checkOutputFile(llvm::StringRef file);

/// Prints `tool: error: message`; a message that is already an MLIR
/// diagnostic (`file:3:5: error: ...`) keeps its own `error:`.
void printError(llvm::StringRef tool, const llvm::Twine &message);

/// printError(), then exits with 1.
[[noreturn]] void die(llvm::StringRef tool, const llvm::Twine &message);

/// Renames `option` to `name` and keeps its current name as an alias in
/// `category`. An option a linked library registered under `name` (libLLVM
/// registers an unused `threads`) is moved out of the way first, so the
/// tools can spell their options as the pass does. Call before parsing.
void renameOption(llvm::cl::Option &option, llvm::StringRef name,
                  llvm::cl::OptionCategory &category);

/// Dies as `tool` when an option of `category` that takes one value was
/// given more than once: cl::opt keeps the last value without a word
/// ("--target=a ... --target=b" measured on b). Options meant to repeat
/// (cl::list) may. Call after parsing the command line.
void refuseRepeatedOptions(llvm::StringRef tool,
                           llvm::cl::OptionCategory &category);

} // namespace egrl::tools

#endif // EGRL_TOOLS_TOOLSUPPORT_H
