//===- Anneal.cpp - Simulated annealing on measured latency ---------------===//
//
// The strongest black-box search without learning: a local search whose
// energy is the measured latency relative to the start's. A move sets one
// tensor (a node's weights or its output) to another level, or, with
// probability kSwapProbability, swaps the levels of two tensors.
//
// It starts from the best placement `seed-from` allows (seedPlacements()),
// and from native when that allows nothing: a local search needs a start,
// and native is the vendor compiler's placement, not the cost model's.
//
// Moves are checked against the chip's capacity rules (rectify on the
// evaluator's problem, which costs no measurement): a compiler knows its
// memory sizes, so no measurement is spent on a placement it would have to
// repair. A tensor that does not fit its new level makes room by demoting
// up to kMaxEvictions random residents of that level one level down;
// without that, a full level (native fills the fastest one) could only be
// entered by a chain of measured, mostly worse, moves. A move that still
// does not fit is redrawn; after kAttempts the last one is repaired as the
// chip would. A measurement that comes back invalid anyway (an external
// chip with rules of its own) is rejected. Moves measured from the current
// placement are not proposed again until the walk moves on.
//
// A placement is measured once: one the walk comes back to (its start
// included) is answered from the tracker's memory, at no measurement, and
// the Metropolis test runs on that answer as on a measurement. The schedule's
// progress follows measurements (tracker.used()), so revisits do not advance
// it; their slow-downs still enter the running mean the temperature is scaled
// by, as any step's do (a walk circling known placements keeps rescaling
// it, with no measurement spent); a walk whose last 1,000 proposals had all
// been measured before (a graph that small, or stuck where every neighbour is
// known) ends there, below its budget, and says so.
//
// Each step proposes K neighbours of the current placement, measures them
// as one batch, and runs the Metropolis test on each against the current
// energy; the passing neighbour with the lowest latency becomes current. K
// is about one over the recent pass rate (1 while most moves pass, up to
// kMaxBatch when few do), so about one neighbour passes per step: the walk
// spends its budget as a sequential annealer would, and measures in
// parallel late in the search, where most moves fail. All randomness is
// drawn on the calling thread and K depends only on measured outcomes, so
// the result is the same for any `threads`.
//
// Energies are latencies relative to the start's; the test and its cooling
// schedule are MetropolisSchedule's (egrl/Search/Metropolis.h).
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Metropolis.h"
#include "egrl/Search/Strategy.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace egrl;

namespace {

constexpr double kSwapProbability = 0.2;
/// Residents a move may demote to make room for the tensor it moves.
constexpr unsigned kMaxEvictions = 4;
constexpr unsigned kMaxBatch = 16;
constexpr unsigned kAttempts = 256;
/// Weight of one measurement in the pass rate's running mean.
constexpr double kRunningWeight = 0.05;

/// Proposes neighbours of a placement that fit the chip: one tensor to
/// another level (making room by demoting random residents) or two tensors
/// swapped; a move measured from the current placement is not proposed
/// again until the walk moves on (forgetTried()).
class MoveProposer {
public:
  MoveProposer(const Problem &chip, std::vector<TensorRef> tensors,
               unsigned levels, std::mt19937_64 &rng)
      : chip(chip), tensors(std::move(tensors)), levels(levels), rng(rng),
        pick(0, this->tensors.empty() ? 0 : this->tensors.size() - 1),
        otherLevel(0, levels > 1 ? levels - 2 : 0) {}

  bool empty() const { return tensors.empty(); }
  void forgetTried() { tried.clear(); }

  Placement propose(const Placement &from) {
    Placement next = from;
    for (unsigned attempt = 0; attempt < kAttempts; ++attempt) {
      next = from;
      size_t a = pick(rng);
      const bool swap = tensors.size() > 1 && unit(rng) < kSwapProbability;
      uint64_t key;
      if (swap) {
        size_t b = pick(rng);
        if (levelOf(next, tensors[a]) == levelOf(next, tensors[b]))
          continue;
        std::swap(levelOf(next, tensors[a]), levelOf(next, tensors[b]));
        uint64_t pair =
            uint64_t(std::min(a, b)) * tensors.size() + std::max(a, b);
        key = pair * 2 + 1;
      } else {
        unsigned to = otherLevel(rng);
        if (to >= levelOf(next, tensors[a]))
          ++to;
        levelOf(next, tensors[a]) = to;
        key = (uint64_t(a) * levels + to) * 2;
      }
      if (tried.contains(key))
        continue;
      Placement fitted = next;
      if (rectify(chip, fitted).valid) {
        tried.insert(key);
        return next;
      }
      if (!swap && makeRoom(next, a))
        return next;
    }
    rectify(chip, next);
    return next;
  }

private:
  /// A level that is full: demotes random residents of tensor `a`'s level
  /// one level, at most kMaxEvictions, until it fits; false if it does not.
  bool makeRoom(Placement &next, size_t a) {
    unsigned to = levelOf(next, tensors[a]);
    if (to == chip.slowestLevel())
      return false;
    std::vector<size_t> residents;
    for (size_t t = 0; t < tensors.size(); ++t)
      if (t != a && levelOf(next, tensors[t]) == to)
        residents.push_back(t);
    std::shuffle(residents.begin(), residents.end(), rng);
    residents.resize(std::min<size_t>(residents.size(), kMaxEvictions));
    for (size_t evicted : residents) {
      levelOf(next, tensors[evicted]) = to + 1;
      Placement fitted = next;
      if (rectify(chip, fitted).valid)
        return true;
    }
    return false;
  }

  const Problem &chip;
  const std::vector<TensorRef> tensors;
  const unsigned levels;
  std::mt19937_64 &rng;
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  std::uniform_int_distribution<size_t> pick;
  std::uniform_int_distribution<unsigned> otherLevel;
  /// Moves measured from the current placement since it was taken.
  llvm::DenseSet<uint64_t> tried;
};

class AnnealStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "anneal"; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    const Problem &problem = context.problem;
    const Problem &chip = context.evaluator.problem();
    EvaluationTracker tracker(context);
    if (problem.numNodes() == 0 || context.options.budget == 0)
      return tracker.finish();
    // Before the start is measured: coming back to it costs nothing either.
    tracker.rememberMeasurements();

    std::vector<std::string> unmeasuredSeeds;
    llvm::Expected<std::vector<SeedPlacement>> seeds =
        seedPlacements(context, tracker, &unmeasuredSeeds);
    if (!seeds)
      return seeds.takeError();
    SeedPlacement start;
    if (!seeds->empty()) {
      start = seeds->front();
    } else {
      start = {"native", nativePlacement(problem), {}};
      rectify(chip, start.placement);
      start.result = tracker.evaluate(start.placement);
    }

    const unsigned levels = problem.numLevels();
    std::mt19937_64 rng(mixSeed(context.options.seed, 0));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    MoveProposer proposer(chip, tensorsOf(problem), levels, rng);

    Placement current = start.placement;
    double energy = start.result.latency;
    const double scale = std::isfinite(energy) && energy > 0 ? energy : 1.0;
    double passRate = 1;
    MetropolisSchedule schedule;
    uint64_t steps = 0, moves = 0;
    const double budget = double(context.options.budget);
    // exhausted() also ends a walk that proposes only what it measured.
    while (!tracker.exhausted() && !proposer.empty() && levels > 1) {
      // Measurements spent: the schedule advances by what the walk
      // measures, not while it revisits, and reaches its final stage as the
      // budget ends (the slow-downs it is scaled by include revisits').
      double progress = double(tracker.used()) / budget;
      double temperature = schedule.temperature(progress);
      uint64_t k =
          passRate * kMaxBatch > 1 ? uint64_t(1 / passRate) : kMaxBatch;
      k = std::clamp<uint64_t>(k, 1, tracker.remaining());
      std::vector<Placement> batch;
      std::vector<double> draws;
      for (uint64_t j = 0; j < k; ++j) {
        batch.push_back(proposer.propose(current));
        draws.push_back(unit(rng));
      }
      std::vector<EvalResult> results = tracker.evaluateBatchOnce(batch);
      std::optional<size_t> chosen;
      for (size_t j = 0; j < results.size(); ++j) {
        const EvalResult &r = results[j];
        bool pass = false;
        if (r.valid && std::isfinite(r.latency)) {
          double delta = (r.latency - energy) / scale;
          pass = MetropolisSchedule::passes(delta, temperature, draws[j]);
          schedule.observe(delta);
        }
        passRate += kRunningWeight * (double(pass) - passRate);
        if (pass && (!chosen || r.latency < results[*chosen].latency))
          chosen = j;
      }
      ++steps;
      if (chosen) {
        current = std::move(batch[*chosen]);
        proposer.forgetTried();
        energy = results[*chosen].latency;
        ++moves;
      }
    }

    SearchResult result = tracker.finish();
    recordSeeds(result, context.options, *seeds, unmeasuredSeeds);
    // A local search needs a start: with no seeds it is native.
    if (seeds->empty())
      result.seeded += ": native";
    result.detail = llvm::formatv("{0} steps, {1} moves, from {2}", steps,
                                  moves, start.source)
                        .str();
    if (uint64_t again = tracker.answeredFromMemory())
      result.detail +=
          llvm::formatv(" ({0} revisits not measured again)", again).str();
    result.detail += tracker.repeatingNote();
    return result;
  }
};

} // namespace

static RegisterStrategy<AnnealStrategy> registration("anneal");
