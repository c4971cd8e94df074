//===- Capacity.cpp - Capacity rules and rectification --------------------===//

#include "egrl/CostModel/Capacity.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cassert>

using namespace egrl;

namespace {
/// Activation occupancy per level and step, reused across calls on a thread
/// because evaluation is the inner loop of every search.
struct OccupancyScratch {
  std::vector<int64_t> cells;
};
thread_local OccupancyScratch scratch;

/// The thread's scratch, looked up once per call: in a shared library every
/// mention of a thread_local is a __tls_get_addr call, and the compiler would
/// otherwise repeat it inside loops.
OccupancyScratch &threadScratch() {
  OccupancyScratch *s = &scratch;
  asm("" : "+r"(s));
  return *s;
}
} // namespace

std::vector<TensorRef> egrl::tensorsOf(const Problem &problem) {
  std::vector<TensorRef> tensors;
  for (unsigned i = 0; i < problem.numNodes(); ++i) {
    if (problem.hasWeights(i))
      tensors.push_back({i, true});
    if (problem.outputBytes[i] > 0)
      tensors.push_back({i, false});
  }
  return tensors;
}

// Every evaluation rectifies: this is fitInOrder() in program order with the
// weights first, written for speed (a row's peak so far skips range scans,
// levels that hold everything are never scanned).
CapacityReport egrl::rectify(const Problem &problem, Placement &placement) {
  const unsigned n = problem.numNodes(), slowest = problem.slowestLevel();
  CapacityReport report;
  llvm::SmallVector<int64_t, 8> weightsUsed(problem.numLevels(), 0);

  // Weights first, in program order: each stays resident for the whole run.
  for (unsigned i = 0; i < n; ++i) {
    int64_t bytes = problem.weightBytes[i];
    if (bytes == 0) {
      placement[i].weights = slowest;
      continue;
    }
    unsigned level = placement[i].weights;
    while (level < slowest &&
           weightsUsed[level] + bytes > problem.usableBytes[level])
      ++level;
    bool demoted = level != placement[i].weights;
    if (demoted) {
      report.valid = false;
      report.overflowBytes += bytes;
      ++report.demotedTensors;
      placement[i].weights = level;
    }
    if (weightsUsed[level] + bytes > problem.usableBytes[level]) {
      report.valid = false;
      report.backingStoreOverflow = true;
      if (!demoted)
        report.overflowBytes += bytes;
    }
    weightsUsed[level] += bytes;
  }

  // Then activations, in program order, over their live ranges. Rows of
  // levels that hold everything are never read or written.
  std::vector<int64_t> &cellStore = threadScratch().cells;
  cellStore.resize(size_t(problem.numLevels()) * n);
  int64_t *cells = cellStore.data();
  // A byte per level rather than vector<bool>'s bit tests in the loop.
  llvm::SmallVector<uint8_t, 8> holdsEverything(problem.numLevels());
  // Largest cell of each row so far: occupancy only grows, so a tensor that
  // fits beside it fits anywhere in the row, without scanning its range.
  llvm::SmallVector<int64_t, 8> rowMax(problem.numLevels(), 0);
  for (unsigned level = 0; level < problem.numLevels(); ++level) {
    holdsEverything[level] = problem.holdsEverything[level];
    if (!holdsEverything[level])
      std::fill_n(cells + size_t(level) * n, n, int64_t(0));
  }
  for (unsigned i = 0; i < n; ++i) {
    int64_t bytes = problem.outputBytes[i];
    if (bytes == 0)
      continue;
    unsigned first = i, last = problem.lastUse[i];
    // weightsUsed + max(row[first..last]) + bytes <= usable, stopping at the
    // first step that does not fit.
    auto fitsIn = [&](unsigned level) {
      if (holdsEverything[level])
        return true;
      const int64_t *row = cells + size_t(level) * n;
      const int64_t limit =
          problem.usableBytes[level] - weightsUsed[level] - bytes;
      if (limit < 0)
        return false; // Cells are >= 0 and the range is never empty.
      if (rowMax[level] <= limit)
        return true;
      for (unsigned t = first; t <= last; ++t)
        if (row[t] > limit)
          return false;
      return true;
    };
    unsigned level = placement[i].output;
    bool fits = fitsIn(level);
    while (level < slowest && !fits)
      fits = fitsIn(++level);
    bool demoted = level != placement[i].output;
    if (demoted) {
      report.valid = false;
      report.overflowBytes += bytes;
      ++report.demotedTensors;
      placement[i].output = level;
    }
    if (!fits) {
      report.valid = false;
      report.backingStoreOverflow = true;
      if (!demoted)
        report.overflowBytes += bytes;
    }
    if (holdsEverything[level])
      continue;
    int64_t *row = cells + size_t(level) * n;
    int64_t peak = rowMax[level];
    for (unsigned t = first; t <= last; ++t) {
      row[t] += bytes;
      peak = std::max(peak, row[t]);
    }
    rowMax[level] = peak;
  }
  return report;
}

namespace {
/// What a placement holds, tensor by tensor: weights per level, activations
/// per level and step, and each row's peak, which stays an upper bound when
/// an activation leaves a row (fits() is then conservative, never wrong).
class Occupancy {
public:
  explicit Occupancy(const Problem &problem)
      : problem(problem), n(problem.numNodes()),
        weightsUsed(problem.numLevels(), 0), rowMax(problem.numLevels(), 0),
        cells(size_t(problem.numLevels()) * problem.numNodes(), 0) {}

  int64_t bytes(TensorRef t) const { return tensorBytes(problem, t); }
  bool fits(TensorRef t, unsigned level) const {
    if (problem.holdsEverything[level])
      return true;
    const int64_t limit =
        problem.usableBytes[level] - weightsUsed[level] - bytes(t);
    if (t.weights)
      return rowMax[level] <= limit;
    if (limit < 0)
      return false; // Cells are >= 0 and the range is never empty.
    if (rowMax[level] <= limit)
      return true;
    const int64_t *row = cells.data() + size_t(level) * n;
    return std::none_of(row + t.node, row + problem.lastUse[t.node] + 1,
                        [&](int64_t c) { return c > limit; });
  }
  void add(TensorRef t, unsigned level, int64_t sign = 1) {
    const int64_t b = sign * bytes(t);
    if (t.weights) {
      weightsUsed[level] += b;
      return;
    }
    int64_t *row = cells.data() + size_t(level) * n;
    for (unsigned step = t.node; step <= problem.lastUse[t.node]; ++step) {
      row[step] += b;
      rowMax[level] = std::max(rowMax[level], row[step]);
    }
  }
  void remove(TensorRef t, unsigned level) { add(t, level, -1); }

private:
  const Problem &problem;
  const unsigned n;
  std::vector<int64_t> weightsUsed, rowMax, cells;
};

} // namespace

CapacityReport egrl::fitInOrder(const Problem &problem, Placement &placement,
                                llvm::ArrayRef<TensorRef> order) {
  assert(order.size() == size_t(2) * problem.numNodes() &&
         "the order names every tensor");
  const unsigned slowest = problem.slowestLevel();
  CapacityReport report;
  Occupancy occupancy(problem);
  for (TensorRef t : order) {
    const int64_t bytes = occupancy.bytes(t);
    if (bytes == 0) {
      if (t.weights)
        levelOf(placement, t) = slowest; // Canonical, as rectify() sets it.
      continue;
    }
    unsigned level = levelOf(placement, t);
    bool fits = occupancy.fits(t, level);
    while (level < slowest && !fits)
      fits = occupancy.fits(t, ++level);
    if (level != levelOf(placement, t)) {
      report.valid = false;
      report.overflowBytes += bytes;
      ++report.demotedTensors;
      levelOf(placement, t) = level;
    } else if (!fits) {
      report.overflowBytes += bytes;
    }
    if (!fits) {
      report.valid = false;
      report.backingStoreOverflow = true;
    }
    occupancy.add(t, level);
  }
  return report;
}

unsigned egrl::promoteIntoSpareRoom(const Problem &problem,
                                    Placement &placement,
                                    llvm::ArrayRef<TensorRef> order) {
  Occupancy occupancy(problem);
  for (unsigned i = 0; i < problem.numNodes(); ++i)
    for (bool weights : {true, false})
      occupancy.add({i, weights}, levelOf(placement, {i, weights}));
  unsigned moved = 0;
  for (TensorRef t : order) {
    if (occupancy.bytes(t) == 0)
      continue;
    const unsigned from = levelOf(placement, t);
    for (unsigned level = 0; level < from; ++level) {
      if (!occupancy.fits(t, level))
        continue;
      occupancy.remove(t, from);
      occupancy.add(t, level);
      levelOf(placement, t) = level;
      ++moved;
      break;
    }
  }
  return moved;
}

unsigned egrl::useSpareRoom(const Problem &problem, Placement &placement,
                            std::mt19937_64 &rng) {
  Placement fitted = placement;
  if (!rectify(problem, fitted).valid)
    return 0;
  std::vector<TensorRef> order;
  order.reserve(size_t(2) * problem.numNodes());
  for (unsigned i = 0; i < problem.numNodes(); ++i)
    for (bool weights : {false, true})
      order.push_back({i, weights});
  std::shuffle(order.begin(), order.end(), rng);
  return promoteIntoSpareRoom(problem, placement, order);
}

std::vector<int64_t> egrl::peakResidentBytes(const Problem &problem,
                                             const Placement &placement) {
  const unsigned n = problem.numNodes();
  std::vector<int64_t> weights(problem.numLevels(), 0);
  std::vector<std::vector<int64_t>> activations(
      problem.numLevels(), std::vector<int64_t>(n ? n : 1, 0));
  for (unsigned i = 0; i < n; ++i) {
    weights[placement[i].weights] += problem.weightBytes[i];
    for (unsigned t = i; t <= problem.lastUse[i]; ++t)
      activations[placement[i].output][t] += problem.outputBytes[i];
  }
  std::vector<int64_t> peak(problem.numLevels());
  for (unsigned level = 0; level < problem.numLevels(); ++level)
    peak[level] = weights[level] + *std::max_element(activations[level].begin(),
                                                     activations[level].end());
  return peak;
}

LevelBytes egrl::bytesPerLevel(const Problem &problem,
                               const Placement &placement) {
  LevelBytes out{std::vector<int64_t>(problem.numLevels(), 0),
                 std::vector<int64_t>(problem.numLevels(), 0)};
  for (unsigned i = 0; i < problem.numNodes(); ++i) {
    out.weights[placement[i].weights] += problem.weightBytes[i];
    out.activations[placement[i].output] += problem.outputBytes[i];
  }
  return out;
}

llvm::Error egrl::checkFitsTarget(const Problem &problem) {
  Placement allSlowest(problem.numNodes(), problem.slowestLevel());
  if (!rectify(problem, allSlowest).backingStoreOverflow)
    return llvm::Error::success();
  const unsigned slowest = problem.slowestLevel();
  const MemoryLevel &level = problem.target().levels[slowest];
  int64_t peak = peakResidentBytes(problem, allSlowest)[slowest];
  // A file's capacity may look ample: say what its reserve took.
  std::string reserve =
      level.reservedBytes > 0
          ? " (capacity_bytes " + std::to_string(level.capacityBytes) +
                " - reserved_bytes " + std::to_string(level.reservedBytes) + ")"
          : "";
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "the graph does not fit target '%s': with every tensor in the backing "
      "store (its slowest level, '%s') it needs %lld bytes at once, the "
      "level holds %lld%s, and egrl needs it to hold the whole graph "
      "(rectifying a placement moves there whatever fits nowhere faster)",
      problem.target().name.c_str(), level.name.c_str(), (long long)peak,
      (long long)problem.usableBytes[slowest], reserve.c_str());
}
