//===- ModuleFunctions.cpp - The functions of one module share the chip --===//

#include "ModuleFunctions.h"

#include "egrl/CostModel/AnalyticalModel.h"
#include "egrl/CostModel/Capacity.h"

#include <limits>
#include <map>

using namespace mlir;
using namespace egrl;

llvm::Error PlacedFunction::checkFitsRoom() const {
  if (llvm::Error err = checkFitsTarget(*problem))
    return err;
  if (chipProblem)
    if (llvm::Error err = checkFitsTarget(*chipProblem))
      return llvm::createStringError("sim-target: " +
                                     llvm::toString(std::move(err)));
  return llvm::Error::success();
}

void PlacedFunction::setChips(const Target &chip,
                              const std::optional<Target> &simChip,
                              llvm::ArrayRef<int64_t> held) {
  auto lessHeld = [&](const Target &whole) {
    auto room = std::make_unique<Target>(whole);
    room->wholeChipDigest = whole.digest();
    for (unsigned l = 0; l < room->levels.size() && l < held.size(); ++l) {
      MemoryLevel &level = room->levels[l];
      level.capacityBytes =
          std::max(level.reservedBytes, level.capacityBytes - held[l]);
    }
    return room;
  };
  bool holds = llvm::any_of(held, [](int64_t bytes) { return bytes > 0; });
  roomChip = holds ? lessHeld(chip) : nullptr;
  roomSimChip = holds && simChip ? lessHeld(*simChip) : nullptr;
  problem = std::make_unique<Problem>(*graph, holds ? *roomChip : chip);
  chipProblem = nullptr;
  if (simChip)
    chipProblem =
        std::make_unique<Problem>(*graph, holds ? *roomSimChip : *simChip);
  this->held.assign(held.begin(), held.end());
  if (!wholeProblem)
    wholeProblem = std::make_unique<Problem>(*graph, simChip ? *simChip : chip);
}

bool PlacedFunction::moveToFinalRoom(const Target &chip,
                                     const std::optional<Target> &simChip,
                                     llvm::ArrayRef<int64_t> finalHeld,
                                     bool weightsMoved, bool promote) {
  if (!weightsMoved && llvm::equal(finalHeld, held))
    return false;
  bool freedRoom = weightsMoved;
  for (unsigned level = 0; level < finalHeld.size(); ++level)
    freedRoom |= finalHeld[level] < held[level];
  setChips(chip, simChip, finalHeld);
  if (promote && freedRoom) {
    std::vector<TensorRef> activations;
    for (unsigned node = 0; node < graph->size(); ++node)
      activations.push_back({node, /*weights=*/false});
    promoteIntoSpareRoom(measured(), result.placement, activations);
  }
  return true;
}

/// Per function, each node whose weights fitTogether() moved: from the level
/// placed to the level given. Moved and back again is not moved.
static std::vector<std::map<unsigned, std::pair<unsigned, unsigned>>>
netMoves(llvm::ArrayRef<ResidentWeights::Move> moves, size_t numFunctions) {
  std::vector<std::map<unsigned, std::pair<unsigned, unsigned>>> movedIn(
      numFunctions);
  for (const ResidentWeights::Move &move : moves)
    movedIn[move.function]
        .try_emplace(move.node, move.from, move.to)
        .first->second.second = move.to;
  for (auto &moved : movedIn)
    for (auto it = moved.begin(); it != moved.end();)
      it = it->second.first == it->second.second ? moved.erase(it)
                                                 : std::next(it);
  return movedIn;
}

llvm::Expected<std::unique_ptr<Evaluator>>
Measuring::evaluatorFor(const PlacedFunction &entry) const {
  EvaluatorOptions evaluatorOptions;
  evaluatorOptions.retries = retries;
  return createEvaluator(evaluator, entry.measured(), evaluatorOptions);
}

EvalResult Measuring::measureNative(PlacedFunction &entry,
                                    const Evaluator &measure,
                                    const Placement *placed,
                                    llvm::StringRef when) const {
  // As many measurements as the search's incumbent had: a noisy chip's
  // native is otherwise one draw, and native itself can quote below 1x.
  EvalResult native = measure.evaluateMedian(
      placed ? *placed : nativePlacement(*entry.problem), repeats);
  if (std::string why = measure.failure(); !why.empty()) {
    // The evaluator is gone (or was interrupted): native is reported
    // unmeasured, the best placement measured before is kept.
    native = EvalResult{0, false, 0};
    if (entry.result.stopped.empty()) {
      entry.nativeFailed = true;
      entry.result.stopped = "the evaluator failed" + when.str() + ": " + why;
    }
  }
  return native;
}

LogicalResult
egrl::fitFunctionsTogether(ModuleOp module, std::deque<PlacedFunction> &placed,
                           ResidentWeights &resident, const Target &chip,
                           const std::optional<Target> &simChip,
                           bool searchStopped, const Measuring &how) {
  if (placed.size() < 2)
    return success();
  const bool keep = how.strategy == "keep";
  std::vector<ResidentWeights::Move> moves;
  if (keep) {
    if (std::string why = resident.overflow(); !why.empty())
      return emitError(module.getLoc())
             << "egrl-memory-placement: strategy=keep: the placements of "
                "the module's functions do not fit together: "
             << why;
  } else {
    llvm::Expected<std::vector<ResidentWeights::Move>> fitted =
        resident.fitTogether();
    if (!fitted)
      return emitError(module.getLoc())
             << "egrl-memory-placement: " << llvm::toString(fitted.takeError());
    moves = std::move(*fitted);
  }
  auto movedIn = netMoves(moves, placed.size());
  std::vector<std::vector<int64_t>> held;
  for (unsigned f = 0; f < placed.size(); ++f)
    held.push_back(resident.heldBesides(f));
  // Every function is reported on the room it has beside the others'
  // weights as placed in the end; where that is not the room it was
  // placed in, it is measured again there (native is measured after, in
  // native's own room: quoteAgainstNativeModule).
  std::string failedFor; // The function whose measurement again failed.
  // A moved placement not measured again is annotated and reported
  // unmeasured, `why` in its `stopped`: its bytes on the chip, the evaluator
  // and native as the search had them.
  auto leaveUnmeasured = [&](PlacedFunction &entry, const std::string &why) {
    entry.remeasureFailed = true;
    entry.result.result =
        EvalResult{std::numeric_limits<double>::quiet_NaN(), false, 0};
    entry.result.measurements.clear();
    entry.result.stopped += (entry.result.stopped.empty() ? "" : "; ") + why;
    AnalyticalModel chipBytes(entry.measured());
    PlacementSummary moved = summarize(
        *entry.problem, chipBytes, entry.result, entry.summary.nativeResult(),
        how.strategy, how.seed, entry.wallSeconds);
    moved.evaluator = entry.summary.evaluator;
    entry.summary = std::move(moved);
  };
  for (unsigned f = 0; f < placed.size(); ++f) {
    PlacedFunction &entry = placed[f];
    if (!movedIn[f].empty()) {
      std::string list;
      for (auto [node, levels] : movedIn[f])
        list += (list.empty() ? "" : ", ") + entry.graph->nodes[node].name +
                " " + chip.levels[levels.first].name + " -> " +
                chip.levels[levels.second].name;
      std::string moved =
          "weights moved after placement so that the module's functions "
          "fit together (each function's weights stay resident while the "
          "others run, and a weight several read has the level the first "
          "gave it): " +
          list + "; it measured " + formatSeconds(entry.result.result.latency) +
          " before";
      entry.result.caveat += (entry.result.caveat.empty() ? "" : "; ") + moved;
    }
    if (!entry.moveToFinalRoom(chip, simChip, held[f], !movedIn[f].empty(),
                               /*promote=*/!keep))
      continue;
    // Its evaluator failed (the command is not started again: it runs once
    // per function), a search stopped, or another function's command failed
    // when measured again: after a stop nothing more is measured.
    if (entry.result.evaluatorFailed) {
      leaveUnmeasured(entry, "moved to fit beside the other functions' "
                             "weights, it is not measured again");
      continue;
    }
    if (searchStopped || !failedFor.empty()) {
      // Its placement or its room changed (with strategy=keep, the room).
      leaveUnmeasured(entry,
                      "not measured again on the room the other functions' "
                      "weights leave it (" +
                          (failedFor.empty()
                               ? std::string("nothing more is measured after "
                                             "a stop")
                               : "the evaluator failed when @" + failedFor +
                                     " was measured again") +
                          ")");
      continue;
    }
    // Whether the command fails to start or to measure, this function is
    // the one after which nothing more is measured.
    auto failedAgain = [&](const std::string &why) {
      failedFor = entry.func.getSymName().str();
      return "the evaluator failed when @" + failedFor +
             " was measured again on the room the other functions' weights "
             "leave: " +
             why;
    };
    auto evaluatorOr = how.evaluatorFor(entry);
    if (!evaluatorOr) {
      // A command that does not start, or refuses the graph, fails as a
      // measurement does: the functions are still annotated and reported.
      leaveUnmeasured(entry,
                      failedAgain(llvm::toString(evaluatorOr.takeError())));
      continue;
    }
    const Evaluator &measure = **evaluatorOr;
    // As the search measured its best: `repeats` times, the median kept.
    entry.result.result = measure.evaluateMedian(
        entry.result.placement, how.repeats, &entry.result.measurements);
    // A search that stopped early (interrupted) says so first.
    std::string stoppedBefore = entry.result.stopped;
    if (std::string why = measure.failure(); !why.empty()) {
      entry.remeasureFailed = true;
      entry.result.stopped =
          (stoppedBefore.empty() ? "" : stoppedBefore + "; then ") +
          failedAgain(why);
    }
    // Native is measured module-wide afterwards (quoteAgainstNativeModule).
    entry.summary = summarize(*entry.problem, measure, entry.result,
                              entry.summary.nativeResult(), how.strategy,
                              how.seed, entry.wallSeconds);
  }
  return success();
}

void egrl::quoteAgainstNativeModule(ModuleOp module,
                                    std::deque<PlacedFunction> &placed,
                                    const Target &chip,
                                    const std::optional<Target> &simChip,
                                    bool stopped, const Measuring &how) {
  if (placed.size() < 2)
    return;
  // A function measured again that failed is a stop too: nothing more is
  // measured after it.
  stopped |= llvm::any_of(placed, [](const PlacedFunction &entry) {
    return entry.remeasureFailed;
  });
  std::deque<PlacedFunction> natives;
  ResidentWeights resident;
  std::string cannot;
  for (PlacedFunction &entry : placed) {
    if (stopped || !cannot.empty())
      break;
    PlacedFunction &native = natives.emplace_back();
    native.func = entry.func;
    native.opMap = entry.opMap;
    native.graph = std::make_unique<WorkloadGraph>(*entry.graph);
    native.setChips(
        chip, simChip,
        resident.heldByOthers(entry.opMap->weights, chip.numLevels()));
    if (llvm::Error err = native.checkFitsRoom()) {
      cannot = "@" + entry.func.getSymName().str() + ": " +
               llvm::toString(std::move(err));
      break;
    }
    // As strategy=native's measurement makes it fit the chip measured.
    native.result.placement = nativePlacement(*native.problem);
    rectify(native.measured(), native.result.placement);
    resident.add(entry.func.getSymName(), *native.wholeProblem,
                 entry.opMap->weights, native.result.placement);
  }
  if (!stopped && cannot.empty()) {
    llvm::Expected<std::vector<ResidentWeights::Move>> moves =
        resident.fitTogether();
    if (!moves) {
      cannot = llvm::toString(moves.takeError());
    } else {
      auto movedIn = netMoves(*moves, natives.size());
      for (unsigned f = 0; f < natives.size(); ++f)
        natives[f].moveToFinalRoom(chip, simChip, resident.heldBesides(f),
                                   !movedIn[f].empty(), /*promote=*/true);
    }
  }
  if (!cannot.empty())
    emitWarning(module.getLoc())
        << "egrl: native cannot place the module (" << cannot
        << "): no function's speed-up is quoted";
  for (unsigned f = 0; f < placed.size(); ++f) {
    PlacedFunction &entry = placed[f];
    // A search's failed evaluator is not started again: native stays as
    // that search had it (and no module total is said).
    if (entry.result.evaluatorFailed)
      continue;
    // (A function left unmeasured made `stopped` hold, above.)
    if (stopped || !cannot.empty()) {
      entry.summary.setNative(EvalResult{0, false, 0});
      continue;
    }
    const PlacedFunction &native = natives[f];
    entry.nativeOfModule = true;
    // Native itself, in the same room: its own measurement.
    if (native.result.placement == entry.result.placement &&
        native.held == entry.held) {
      entry.summary.setNative(entry.result.result);
      continue;
    }
    std::string when = " when native, placed module-wide, was measured "
                       "for @" +
                       entry.func.getSymName().str();
    auto evaluatorOr = how.evaluatorFor(native);
    if (!evaluatorOr) {
      entry.summary.setNative(EvalResult{0, false, 0});
      entry.nativeFailed = true;
      entry.result.stopped = "the evaluator failed" + when + ": " +
                             llvm::toString(evaluatorOr.takeError());
    } else {
      entry.summary.setNative(how.measureNative(
          entry, **evaluatorOr, &native.result.placement, when));
    }
    // After a failure nothing more is measured.
    entry.summary.stopped = entry.result.stopped;
    stopped = !entry.result.stopped.empty();
  }
}
