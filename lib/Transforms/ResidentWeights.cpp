//===- ResidentWeights.cpp - Weights of functions share the chip ----------===//

#include "ResidentWeights.h"

#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Report.h"

#include "llvm/Support/Error.h"

#include <algorithm>

using namespace egrl;

namespace {
/// A null source key: a weight no other function can read.
bool isPrivate(const GraphOpMap::Weight &weight) { return !weight.source; }
} // namespace

void ResidentWeights::add(llvm::StringRef name, const Problem &problem,
                          const std::vector<GraphOpMap::Weight> &weights,
                          Placement &placement) {
  Function function{name.str(), &problem, &placement, {}};
  for (const GraphOpMap::Weight &weight : weights) {
    unsigned id = numWeights;
    if (!isPrivate(weight))
      id = shared.try_emplace(weight.source, numWeights).first->second;
    if (id == numWeights)
      ++numWeights;
    function.reads.push_back(
        {id, weight.owner,
         problem.tensorBytes(weight.elements, weight.elementBytes)});
  }
  functions.push_back(std::move(function));
}

std::vector<std::vector<std::pair<unsigned, unsigned>>>
ResidentWeights::readersOf() const {
  std::vector<std::vector<std::pair<unsigned, unsigned>>> readers(numWeights);
  for (unsigned f = 0; f < functions.size(); ++f)
    for (const Function::Read &read : functions[f].reads)
      readers[read.id].push_back({f, read.owner});
  return readers;
}

std::vector<int64_t> ResidentWeights::held(const std::vector<bool> &readByThis,
                                           unsigned numLevels,
                                           unsigned except) const {
  std::vector<int64_t> bytes(numLevels, 0);
  std::vector<int> level(numWeights, -1);
  std::vector<int64_t> size(numWeights, 0);
  // A shared weight holds the level its first reader gave it (fitTogether()
  // gives every reader that level).
  for (unsigned f = 0; f < functions.size(); ++f) {
    if (f == except)
      continue;
    for (const Function::Read &read : functions[f].reads) {
      if (level[read.id] < 0)
        level[read.id] = (*functions[f].placement)[read.owner].weights;
      size[read.id] = read.bytes;
    }
  }
  for (unsigned id = 0; id < numWeights; ++id)
    if (level[id] >= 0 && !(id < readByThis.size() && readByThis[id]))
      bytes[std::min<unsigned>(level[id], numLevels - 1)] += size[id];
  return bytes;
}

std::vector<int64_t>
ResidentWeights::heldByOthers(const std::vector<GraphOpMap::Weight> &weights,
                              unsigned numLevels) const {
  std::vector<bool> readByThis(numWeights, false);
  for (const GraphOpMap::Weight &weight : weights)
    if (!isPrivate(weight))
      if (auto it = shared.find(weight.source); it != shared.end())
        readByThis[it->second] = true;
  return held(readByThis, numLevels, ~0u);
}

std::vector<int64_t> ResidentWeights::heldBesides(unsigned f) const {
  std::vector<bool> readByThis(numWeights, false);
  for (const Function::Read &read : functions[f].reads)
    readByThis[read.id] = true;
  return held(readByThis, functions[f].problem->numLevels(), f);
}

void ResidentWeights::unify(std::vector<Move> &moves, bool toFirstReader) {
  auto readers = readersOf();
  auto moveTo = [&](unsigned f, unsigned node, unsigned level) {
    NodePlacement &entry = (*functions[f].placement)[node];
    if (entry.weights == level)
      return false;
    moves.push_back({f, node, entry.weights, level});
    entry.weights = uint8_t(level);
    return true;
  };
  // The first function placed got the room first: the others read a weight
  // it placed where it put it (readers are in the order functions were
  // added).
  if (toFirstReader)
    for (const auto &weightReaders : readers)
      for (size_t r = 1; r < weightReaders.size(); ++r)
        moveTo(weightReaders[r].first, weightReaders[r].second,
               (*functions[weightReaders[0].first]
                     .placement)[weightReaders[0].second]
                   .weights);
  // A group holding several shared weights, or moved by fitTogether(), may
  // disagree with another reader: the slowest wins, and moving a group may
  // move another weight it holds, so repeat until settled (levels only get
  // slower here, so this ends).
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto &weightReaders : readers) {
      if (weightReaders.size() < 2)
        continue;
      unsigned slowest = 0;
      for (auto [f, node] : weightReaders)
        slowest = std::max<unsigned>(slowest,
                                     (*functions[f].placement)[node].weights);
      for (auto [f, node] : weightReaders)
        changed |= moveTo(f, node, slowest);
    }
  }
}

std::optional<ResidentWeights::Overflow>
ResidentWeights::firstOverflow() const {
  for (unsigned f = 0; f < functions.size(); ++f) {
    const Problem &problem = *functions[f].problem;
    std::vector<int64_t> peak =
        peakResidentBytes(problem, *functions[f].placement);
    std::vector<int64_t> others = heldBesides(f);
    for (unsigned l = 0; l < problem.numLevels(); ++l)
      if (peak[l] + others[l] > problem.usableBytes[l])
        return Overflow{f, l, peak[l] + others[l], problem.usableBytes[l]};
  }
  return std::nullopt;
}

std::string ResidentWeights::overflow() const {
  std::optional<Overflow> over = firstOverflow();
  if (!over)
    return "";
  const Function &function = functions[over->function];
  std::vector<int64_t> others = heldBesides(over->function);
  return "@" + function.name + " needs " + formatBytes(over->needed) +
         " of level '" + function.problem->target().levels[over->level].name +
         "' (" + formatBytes(over->usable) + " usable), " +
         formatBytes(others[over->level]) +
         " of it for other functions' weights, which stay resident while it "
         "runs";
}

llvm::Expected<std::vector<ResidentWeights::Move>>
ResidentWeights::fitTogether() {
  std::vector<Move> moves;
  unify(moves, /*toFirstReader=*/true);
  while (std::optional<Overflow> over = firstOverflow()) {
    // The group to move: one no other function reads if there is one (a
    // shared weight drags every reader's group with it), then of the
    // function added last, the last in program order.
    auto readers = readersOf();
    auto isShared = [&](unsigned f, unsigned node) {
      for (const Function::Read &read : functions[f].reads)
        if (read.owner == node)
          for (auto [g, other] : readers[read.id])
            if (g != f)
              return true;
      return false;
    };
    std::optional<Move> move;
    bool moveIsShared = true;
    for (unsigned f = functions.size(); f-- > 0 && moveIsShared;) {
      const Problem &problem = *functions[f].problem;
      if (over->level >= problem.slowestLevel())
        continue;
      for (unsigned node = problem.numNodes(); node-- > 0;) {
        if (!problem.hasWeights(node) ||
            (*functions[f].placement)[node].weights != over->level)
          continue;
        bool shared = isShared(f, node);
        if (!move || (moveIsShared && !shared)) {
          move = Move{f, node, over->level, over->level + 1};
          moveIsShared = shared;
          if (!shared)
            break;
        }
      }
    }
    if (!move)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "the functions do not fit together: " +
                                         overflow());
    (*functions[move->function].placement)[move->node].weights =
        uint8_t(move->to);
    moves.push_back(*move);
    unify(moves, /*toFirstReader=*/false);
  }
  return moves;
}
