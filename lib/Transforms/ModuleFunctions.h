//===- ModuleFunctions.h - The functions of one module share the chip ----===//
//
// The pass places a module's functions one at a time, each in the room the
// weights of those before it leave (ResidentWeights). What it keeps of each
// is a PlacedFunction. Once all are placed, a module of several needs two
// more steps, which live here: fitting the functions' resident weights
// together (and measuring again those that moved), and quoting each against
// native placed module-wide rather than against native in its own room.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_TRANSFORMS_MODULEFUNCTIONS_H
#define EGRL_LIB_TRANSFORMS_MODULEFUNCTIONS_H

#include "ResidentWeights.h"

#include "egrl/Analysis/GraphBuilder.h"
#include "egrl/CostModel/Evaluator.h"
#include "egrl/Search/Report.h"
#include "egrl/Search/Strategy.h"
#include "egrl/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace egrl {

/// Everything placed for one function; kept until the report is written.
struct PlacedFunction {
  mlir::func::FuncOp func;
  const GraphOpMap *opMap = nullptr;
  std::unique_ptr<WorkloadGraph> graph;
  /// The target and sim-target less the room the module's other functions'
  /// weights hold there while this one runs, when they hold any.
  std::unique_ptr<Target> roomChip, roomSimChip;
  std::unique_ptr<Problem> problem;
  /// The graph on the sim-target, when there is one.
  std::unique_ptr<Problem> chipProblem;
  /// The graph on the whole chip measured on, which the functions share.
  std::unique_ptr<Problem> wholeProblem;
  SearchResult result;
  PlacementSummary summary;
  double wallSeconds = 0;
  /// Bytes of each level the other functions' weights hold while this one
  /// runs, as its problems were built.
  std::vector<int64_t> held;
  /// Left unmeasured after the module's functions were fitted together: its
  /// measurement again failed, or after a stop it was not measured again.
  bool remeasureFailed = false;
  /// Quoted against native placed module-wide (quoteAgainstNativeModule).
  bool nativeOfModule = false;
  /// The search (and any measurement again) completed, and the evaluator
  /// failed measuring native after it: the placement is measured, its
  /// speed-up is not. Not a search that stopped early.
  bool nativeFailed = false;

  /// What the placement was measured on, and whose capacity rules it meets.
  const Problem &measured() const {
    return chipProblem ? *chipProblem : *problem;
  }

  /// Whether the graph fits its room on the target and, when there is one,
  /// on the sim-target (its error says "sim-target: ..."), as checked before
  /// a function is placed.
  llvm::Error checkFitsRoom() const;

  /// Builds the problems on `chip` and `simChip` (if any) less `held` bytes
  /// of each level.
  void setChips(const Target &chip, const std::optional<Target> &simChip,
                llvm::ArrayRef<int64_t> held);

  /// Moves the function into the room `finalHeld` leaves it once the
  /// module's functions fit together. Room that frees (its weights moved
  /// out of a level, or the others holding less of one than when it was
  /// placed) goes to its own activations if `promote`: no other function
  /// sees them, and a tensor in a faster level never slows a node of this
  /// chip family down. Weights stay as fitted; where nothing freed, the
  /// placement stays as measured (room it left unused is its own choice,
  /// as in a module of one function). Returns whether the room changed.
  bool moveToFinalRoom(const Target &chip, const std::optional<Target> &simChip,
                       llvm::ArrayRef<int64_t> finalHeld, bool weightsMoved,
                       bool promote);
};

/// How the pass measures a function's placement, from its options: with
/// which evaluator, how often, and what the summary names.
struct Measuring {
  std::string evaluator;
  unsigned retries = 0;
  /// Measurements of one placement, the median kept (the pass's repeats=).
  unsigned repeats = 1;
  std::string strategy;
  uint64_t seed = 0;

  /// The evaluator that measures `entry` on its chip.
  llvm::Expected<std::unique_ptr<Evaluator>>
  evaluatorFor(const PlacedFunction &entry) const;

  /// Native's latency on the entry's chip, the speed-up's reference: native
  /// placed in the entry's room, or `placed` (native placed module-wide).
  /// When the evaluator has failed, marks the entry stopped (nativeFailed,
  /// unless its search had stopped already), saying `when` (" when native
  /// ... was measured ...").
  EvalResult measureNative(PlacedFunction &entry, const Evaluator &measure,
                           const Placement *placed, llvm::StringRef when) const;
};

/// Weights stay resident for the whole run, so the module's functions must
/// fit beside each other's weights (ResidentWeights). Each was placed in
/// the room the ones before it left; a weight several read takes the level
/// the first gave it, what still overflows is moved to slower levels, and the
/// functions that changed are measured again on the room they have, unless
/// `searchStopped` (a signal, an evaluator that failed) or a measurement
/// again fails: after a stop nothing more is measured, and they are
/// reported unmeasured. Kept placements (strategy=keep) are only checked.
/// Errors are said at `module`.
mlir::LogicalResult
fitFunctionsTogether(mlir::ModuleOp module, std::deque<PlacedFunction> &placed,
                     ResidentWeights &resident, const Target &chip,
                     const std::optional<Target> &simChip, bool searchStopped,
                     const Measuring &how);

/// In a module of several functions, each is quoted against native placed
/// module-wide, as strategy=native places the module: each function's
/// native placement in the room the native weights of the functions before
/// it leave, fitted together, measured in the room the others' native
/// weights leave it. Native in the room this placement's other functions
/// leave is no placement a native compiler makes: beside a strategy that
/// gave one function's weights the fast levels, it made every other
/// function's speed-up look larger than it is. After a stop (a signal, an
/// evaluator that failed) nothing more is measured: native is unmeasured.
void quoteAgainstNativeModule(mlir::ModuleOp module,
                              std::deque<PlacedFunction> &placed,
                              const Target &chip,
                              const std::optional<Target> &simChip,
                              bool stopped, const Measuring &how);

} // namespace egrl

#endif // EGRL_LIB_TRANSFORMS_MODULEFUNCTIONS_H
