//===- ResidentWeights.h - Weights of a module's functions share the chip -===//
//
// The pass places each function of a module on its own, but weights stay
// resident for the whole run: while one function runs, every other function's
// weights still hold their levels. So a level must hold, at every step of a
// function, that function's own tensors plus the weights of the others it
// does not read; and a weight two functions read (one global after
// bufferization) has one level. ResidentWeights keeps that account: it says
// how much room the functions placed so far leave the next one, and makes the
// placements fit together afterwards.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_TRANSFORMS_RESIDENTWEIGHTS_H
#define EGRL_LIB_TRANSFORMS_RESIDENTWEIGHTS_H

#include "egrl/Analysis/GraphBuilder.h"
#include "egrl/CostModel/Placement.h"
#include "egrl/CostModel/Problem.h"

#include "llvm/ADT/StringRef.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace egrl {

class ResidentWeights {
public:
  /// A function placed: `problem` on the chip its placement must fit (the
  /// whole chip, not the room left to it), `weights` from its GraphOpMap.
  /// `placement` is the function's and fitTogether() may change it; both
  /// must outlive this object.
  void add(llvm::StringRef name, const Problem &problem,
           const std::vector<GraphOpMap::Weight> &weights,
           Placement &placement);

  /// Bytes per level held by weights of the functions added so far that a
  /// function reading `weights` does not read. A weight read by several
  /// functions counts at the level the first of them gave it (fitTogether()
  /// puts it there).
  std::vector<int64_t>
  heldByOthers(const std::vector<GraphOpMap::Weight> &weights,
               unsigned numLevels) const;

  /// One weight group moved to another level so that the functions fit
  /// together.
  struct Move {
    unsigned function;
    unsigned node;
    unsigned from, to;
  };

  /// Gives each weight several functions read the level the first of them
  /// (in the order added) chose, the slowest where a group holding several
  /// such weights disagrees, then, while a function's tensors and the others'
  /// weights overfill a level, moves a weight group there one level slower: one
  /// that no other function reads if there is one (moving a shared weight moves
  /// every reader's group), then of the function added last, the last in
  /// program order (functions added first keep their room, as heldByOthers()
  /// gave it to them). Returns the moves in order, or an error when even the
  /// backing store cannot hold them all.
  llvm::Expected<std::vector<Move>> fitTogether();

  /// What fitTogether() would find first: "" when every function fits beside
  /// the others' weights, else which function and level overflow, and by how
  /// much.
  std::string overflow() const;

  /// Bytes per level held, while function `f` runs, by the weights of the
  /// other functions that `f` does not read.
  std::vector<int64_t> heldBesides(unsigned f) const;

private:
  struct Function {
    std::string name;
    const Problem *problem;
    Placement *placement;
    /// The function's weights: module weight id, owner node, bytes.
    struct Read {
      unsigned id;
      unsigned owner;
      int64_t bytes;
    };
    std::vector<Read> reads;
  };
  std::vector<Function> functions;
  /// Module weight ids of weights other functions may read.
  std::map<GraphOpMap::WeightSource, unsigned> shared;
  unsigned numWeights = 0;

  /// Module weight id -> (function, owner node) of each reader.
  std::vector<std::vector<std::pair<unsigned, unsigned>>> readersOf() const;
  /// Bytes per level of the weights of every function but `except` that
  /// `readByThis` does not mark, each at the level its first reader chose.
  std::vector<int64_t> held(const std::vector<bool> &readByThis,
                            unsigned numLevels, unsigned except) const;
  /// Gives shared weights one level, appending the moves: the first
  /// reader's if `toFirstReader`, then the slowest any reader has.
  void unify(std::vector<Move> &moves, bool toFirstReader);
  /// First function and level that overflow, with the bytes needed there.
  struct Overflow {
    unsigned function, level;
    int64_t needed, usable;
  };
  std::optional<Overflow> firstOverflow() const;
};

} // namespace egrl

#endif // EGRL_LIB_TRANSFORMS_RESIDENTWEIGHTS_H
