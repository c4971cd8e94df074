//===- Anneal.cpp - Simulated annealing on measured latency ---------------===//
//
// The strongest black-box search without learning: a local search whose
// energy is the measured latency relative to the start's. A move sets one
// tensor (a node's weights or its output) to another level, or, with
// probability kSwapProbability, swaps the levels of two tensors, which lets
// the walk trade bytes along a full level.
//
// It starts from the best placement `seed-from` allows (seedPlacements()),
// and from native when that allows nothing: a local search needs a start,
// and native is the vendor compiler's placement, not the cost model's.
//
// Moves are checked against the chip's capacity rules (rectify on the
// evaluator's problem, which costs no measurement) and redrawn when they
// do not fit: a compiler knows its memory sizes, so no measurement is spent
// on a placement it would have to repair. After kAttempts misfits the last
// move is repaired as the chip would repair it. A measurement that still
// comes back invalid (an external chip with rules of its own) is rejected.
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
// The temperature falls geometrically with the evaluations spent, from
// kStartTemperature to kEndTemperature (relative energies: a move 1% slower
// passes with probability 1/e at the start, 0.01% slower at the end).
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Strategy.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace egrl;

namespace {

constexpr double kStartTemperature = 1e-2;
constexpr double kEndTemperature = 1e-4;
constexpr double kSwapProbability = 0.2;
constexpr unsigned kMaxBatch = 16;
constexpr unsigned kAttempts = 32;
/// Weight of one proposal in the running pass rate (about the last 20).
constexpr double kPassRateWeight = 0.05;

/// A node's weights or its output.
struct Tensor {
  unsigned node;
  bool weights;
};

uint8_t &levelOf(Placement &placement, Tensor t) {
  return t.weights ? placement[t.node].weights : placement[t.node].output;
}

class AnnealStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "anneal"; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    const Problem &problem = context.problem;
    const Problem &chip = context.evaluator.problem();
    EvaluationTracker tracker(context);
    if (problem.numNodes() == 0 || context.options.budget == 0)
      return tracker.finish();

    llvm::Expected<std::vector<SeedPlacement>> seeds =
        seedPlacements(context, tracker);
    if (!seeds)
      return seeds.takeError();
    SeedPlacement start;
    std::string seeded;
    if (!seeds->empty()) {
      start = seeds->front();
      seeded = describeSeeds(context.options.seedFrom, *seeds);
    } else {
      start = {"native", nativePlacement(problem), {}};
      rectify(chip, start.placement);
      start.result = tracker.evaluate(start.placement);
      seeded = seedFromName(context.options.seedFrom).str() + ": native";
    }

    std::vector<Tensor> tensors;
    for (unsigned i = 0; i < problem.numNodes(); ++i) {
      if (problem.hasWeights(i))
        tensors.push_back({i, true});
      if (problem.outputBytes[i] > 0)
        tensors.push_back({i, false});
    }
    const unsigned levels = problem.numLevels();

    std::mt19937_64 rng(mixSeed(context.options.seed, 0));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<size_t> pick(
        0, tensors.empty() ? 0 : tensors.size() - 1);
    std::uniform_int_distribution<unsigned> otherLevel(
        0, levels > 1 ? levels - 2 : 0);
    auto propose = [&](const Placement &from) {
      Placement next = from;
      for (unsigned attempt = 0; attempt < kAttempts; ++attempt) {
        next = from;
        Tensor a = tensors[pick(rng)];
        if (tensors.size() > 1 && unit(rng) < kSwapProbability) {
          Tensor b = tensors[pick(rng)];
          if (levelOf(next, a) == levelOf(next, b))
            continue;
          std::swap(levelOf(next, a), levelOf(next, b));
        } else {
          unsigned to = otherLevel(rng);
          if (to >= levelOf(next, a))
            ++to;
          levelOf(next, a) = to;
        }
        Placement fitted = next;
        if (rectify(chip, fitted).valid)
          return next;
      }
      rectify(chip, next);
      return next;
    };

    Placement current = start.placement;
    double energy = start.result.latency;
    const double scale = std::isfinite(energy) && energy > 0 ? energy : 1.0;
    double passRate = 1;
    uint64_t steps = 0, moves = 0;
    const double budget = double(context.options.budget);
    while (!tracker.exhausted() && !tensors.empty() && levels > 1) {
      double progress = double(tracker.used()) / budget;
      double temperature =
          kStartTemperature *
          std::pow(kEndTemperature / kStartTemperature, progress);
      uint64_t k =
          passRate * kMaxBatch > 1 ? uint64_t(1 / passRate) : kMaxBatch;
      k = std::clamp<uint64_t>(k, 1, tracker.remaining());
      std::vector<Placement> batch;
      std::vector<double> draws;
      for (uint64_t j = 0; j < k; ++j) {
        batch.push_back(propose(current));
        draws.push_back(unit(rng));
      }
      std::vector<EvalResult> results = tracker.evaluateBatch(batch);
      std::optional<size_t> chosen;
      for (size_t j = 0; j < results.size(); ++j) {
        const EvalResult &r = results[j];
        bool pass = false;
        if (r.valid && std::isfinite(r.latency)) {
          double delta = (r.latency - energy) / scale;
          pass = delta <= 0 || draws[j] < std::exp(-delta / temperature);
        }
        passRate += kPassRateWeight * (double(pass) - passRate);
        if (pass && (!chosen || r.latency < results[*chosen].latency))
          chosen = j;
      }
      ++steps;
      if (chosen) {
        current = std::move(batch[*chosen]);
        energy = results[*chosen].latency;
        ++moves;
      }
    }

    SearchResult result = tracker.finish();
    result.seeded = std::move(seeded);
    result.detail = llvm::formatv("{0} steps, {1} moves, from {2}", steps,
                                  moves, start.source)
                        .str();
    return result;
  }
};

} // namespace

std::unique_ptr<Strategy> egrl::createAnnealStrategy() {
  return std::make_unique<AnnealStrategy>();
}
