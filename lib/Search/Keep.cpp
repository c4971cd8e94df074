//===- Keep.cpp - Measure the placement the IR already carries ------------===//
//
// Not a search: `keep` measures the one placement it is given (egrl-opt
// reads it from the module's #egrl.placement attributes, possibly edited by
// hand since an earlier run), so an engineer can put a latency on a placement
// of their own with the same evaluators, report and trace as a strategy's.
// A placement that does not fit the chip is an error naming the level, not a
// silently rectified (and so different) placement.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Strategy.h"

using namespace egrl;

namespace {

class KeepStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "keep"; }
  bool searchesAt(uint64_t) const override { return false; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    if (!context.options.givenPlacement)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "keep measures the placement it is given, and was given none: "
          "egrl-opt gives it the #egrl.placement attributes of a placed "
          "module; egrl-bench's models carry none");
    const Placement &placement = *context.options.givenPlacement;
    const Problem &chip = context.evaluator.problem();
    if (!placement.hasShape(chip.numNodes(), chip.numLevels()))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "keep: the placement does not fit the graph (%u nodes, levels "
          "0..%u); it has %u nodes",
          chip.numNodes(), chip.numLevels() - 1, placement.size());
    if (llvm::Error err = checkFits(chip, placement))
      return std::move(err);
    EvaluationTracker tracker(context);
    tracker.evaluate(placement);
    return tracker.finish();
  }

private:
  /// The capacity rule every evaluator applies (rectify), with the first
  /// level over its usable bytes named.
  static llvm::Error checkFits(const Problem &chip,
                               const Placement &placement) {
    Placement fitted = placement;
    CapacityReport report = rectify(chip, fitted);
    if (report.valid)
      return llvm::Error::success();
    std::vector<int64_t> peak = peakResidentBytes(chip, placement);
    for (unsigned level = 0; level < chip.numLevels(); ++level)
      if (peak[level] > chip.usableBytes[level])
        return llvm::createStringError(
            llvm::inconvertibleErrorCode(),
            "keep: the placement does not fit level '%s' of %s: %s bytes "
            "resident at its peak, %s usable; move tensors to a slower level",
            chip.target().levels[level].name.c_str(),
            chip.target().name.c_str(), std::to_string(peak[level]).c_str(),
            std::to_string(chip.usableBytes[level]).c_str());
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "keep: the placement does not fit %s: %s bytes of %u tensors would "
        "be demoted",
        chip.target().name.c_str(),
        std::to_string(report.overflowBytes).c_str(), report.demotedTensors);
  }
};

} // namespace

static RegisterStrategy<KeepStrategy> registration("keep");
