//===- ReplayBuffer.h - Measured placements shared by a learner -----------===//
//
// Every placement a search measures, with its reward, in a ring of bounded
// capacity. Episodes are one step (a whole graph is placed at once), so an
// experience is just (placement, reward): the state is the graph itself.
// EGRL's population and learner all write here, and the off-policy learner
// trains on uniform draws from it.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_POLICY_REPLAYBUFFER_H
#define EGRL_POLICY_REPLAYBUFFER_H

#include "egrl/CostModel/Placement.h"

#include <random>
#include <vector>

namespace egrl {

struct Experience {
  Placement placement;
  double reward = 0;
};

class ReplayBuffer {
public:
  explicit ReplayBuffer(size_t capacity);

  /// Adds one experience; the oldest is overwritten once full.
  void add(Placement placement, double reward);
  size_t size() const { return entries.size(); }
  size_t capacity() const { return limit; }
  /// Experiences ever added, overwritten ones included.
  uint64_t added() const { return total; }
  const Experience &operator[](size_t index) const { return entries[index]; }

  /// `count` indices drawn uniformly with replacement (none when empty).
  std::vector<size_t> sample(size_t count, std::mt19937_64 &rng) const;
  /// `count` indices drawn uniformly from the `window` newest experiences.
  std::vector<size_t> sampleRecent(size_t count, size_t window,
                                   std::mt19937_64 &rng) const;

private:
  size_t limit;
  uint64_t total = 0;
  std::vector<Experience> entries;
};

} // namespace egrl

#endif // EGRL_POLICY_REPLAYBUFFER_H
