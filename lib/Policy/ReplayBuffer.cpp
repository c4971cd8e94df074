//===- ReplayBuffer.cpp - Measured placements shared by a learner ---------===//

#include "egrl/Policy/ReplayBuffer.h"

#include <algorithm>

using namespace egrl;

ReplayBuffer::ReplayBuffer(size_t capacity)
    : limit(std::max<size_t>(1, capacity)) {}

void ReplayBuffer::add(Placement placement, double reward) {
  Experience experience{std::move(placement), reward};
  if (entries.size() < limit)
    entries.push_back(std::move(experience));
  else
    entries[total % limit] = std::move(experience);
  ++total;
}

std::vector<size_t> ReplayBuffer::sample(size_t count,
                                         std::mt19937_64 &rng) const {
  std::vector<size_t> out;
  if (entries.empty())
    return out;
  std::uniform_int_distribution<size_t> pick(0, entries.size() - 1);
  out.reserve(count);
  for (size_t i = 0; i < count; ++i)
    out.push_back(pick(rng));
  return out;
}

std::vector<size_t> ReplayBuffer::sampleRecent(size_t count, size_t window,
                                               std::mt19937_64 &rng) const {
  std::vector<size_t> out;
  window = std::min(window, entries.size());
  if (window == 0)
    return out;
  std::uniform_int_distribution<size_t> pick(0, window - 1);
  out.reserve(count);
  for (size_t i = 0; i < count; ++i)
    out.push_back(size_t((total - 1 - pick(rng)) % limit));
  return out;
}
