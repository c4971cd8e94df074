//===- SegmentTrees.h - Logarithmic updates for incremental evaluation ----===//
//
// Two segment trees that let AnalyticalModel::Session change one node in
// O(log n) instead of O(n), which keeps greedy and dp near-linear on graphs
// of tens of thousands of nodes:
// - RangeAddMaxTree: a level's occupancy per step of the schedule; a tensor
//   adds its bytes over its live range, and "does it fit" is a range max.
// - MaxPlusChain: the product of 3x3 max-plus matrices, one per node. A
//   recursion whose state after a node is a max of (state before + a
//   constant) terms, like the prefetch recursion, is such a product; a
//   node's change is a leaf update.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SUPPORT_SEGMENTTREES_H
#define EGRL_SUPPORT_SEGMENTTREES_H

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace egrl {

/// Values over positions [0, size), all 0 at first: add a constant to a
/// range, or ask for a range's maximum, in O(log size).
class RangeAddMaxTree {
public:
  explicit RangeAddMaxTree(unsigned size = 0)
      : size(size), most(size ? 4 * size_t(size) : 0, 0),
        pending(most.size(), 0) {}

  /// Adds `delta` to positions [first, last].
  void add(unsigned first, unsigned last, int64_t delta) {
    if (size && first <= last)
      add(1, 0, size - 1, first, last, delta);
  }
  /// The largest value in [first, last].
  int64_t max(unsigned first, unsigned last) const {
    return size && first <= last ? max(1, 0, size - 1, first, last) : 0;
  }
  /// The largest value anywhere (0 when empty).
  int64_t max() const { return size ? most[1] : 0; }

private:
  // most[node] is the max over the node's range including every add that
  // covered the whole range (kept in pending[node], never pushed down).
  void add(size_t node, unsigned lo, unsigned hi, unsigned first,
           unsigned last, int64_t delta) {
    if (first <= lo && hi <= last) {
      most[node] += delta;
      pending[node] += delta;
      return;
    }
    unsigned mid = lo + (hi - lo) / 2;
    if (first <= mid)
      add(2 * node, lo, mid, first, last, delta);
    if (last > mid)
      add(2 * node + 1, mid + 1, hi, first, last, delta);
    most[node] = std::max(most[2 * node], most[2 * node + 1]) + pending[node];
  }
  int64_t max(size_t node, unsigned lo, unsigned hi, unsigned first,
              unsigned last) const {
    if (first <= lo && hi <= last)
      return most[node];
    unsigned mid = lo + (hi - lo) / 2;
    int64_t best = std::numeric_limits<int64_t>::min();
    if (first <= mid)
      best = std::max(best, max(2 * node, lo, mid, first, last));
    if (last > mid)
      best = std::max(best, max(2 * node + 1, mid + 1, hi, first, last));
    return best + pending[node];
  }

  unsigned size;
  std::vector<int64_t> most, pending;
};

/// A 3x3 matrix over the max-plus semiring: (A (x) v)_r = max_c A[r][c] +
/// v[c], with -infinity as "no term".
struct MaxPlusMatrix {
  static constexpr double kNone = -std::numeric_limits<double>::infinity();
  std::array<std::array<double, 3>, 3> at;

  static MaxPlusMatrix none() {
    MaxPlusMatrix m;
    for (auto &row : m.at)
      row.fill(kNone);
    return m;
  }
  static MaxPlusMatrix identity() {
    MaxPlusMatrix m = none();
    for (unsigned k = 0; k < 3; ++k)
      m.at[k][k] = 0;
    return m;
  }
  /// `after` applied to the result of `before`.
  friend MaxPlusMatrix operator*(const MaxPlusMatrix &after,
                                 const MaxPlusMatrix &before) {
    MaxPlusMatrix out = none();
    for (unsigned r = 0; r < 3; ++r)
      for (unsigned k = 0; k < 3; ++k) {
        if (after.at[r][k] == kNone)
          continue;
        for (unsigned c = 0; c < 3; ++c)
          out.at[r][c] = std::max(out.at[r][c], after.at[r][k] + before.at[k][c]);
      }
    return out;
  }
};

/// The product M[n-1] (x) ... (x) M[0] of a sequence of max-plus matrices,
/// with a point update in O(log n).
class MaxPlusChain {
public:
  explicit MaxPlusChain(unsigned size = 0) : leaves(1) {
    while (leaves < size)
      leaves *= 2;
    nodes.assign(2 * size_t(leaves), MaxPlusMatrix::identity());
  }
  void set(unsigned i, const MaxPlusMatrix &m) {
    size_t node = leaves + i;
    nodes[node] = m;
    for (node /= 2; node >= 1; node /= 2)
      nodes[node] = nodes[2 * node + 1] * nodes[2 * node];
  }
  /// Sets every leaf at once, in O(n).
  void assign(const std::vector<MaxPlusMatrix> &all) {
    std::copy(all.begin(), all.end(), nodes.begin() + leaves);
    for (size_t node = leaves - 1; node >= 1; --node)
      nodes[node] = nodes[2 * node + 1] * nodes[2 * node];
  }
  const MaxPlusMatrix &product() const { return nodes[1]; }

private:
  size_t leaves;
  std::vector<MaxPlusMatrix> nodes;
};

} // namespace egrl

#endif // EGRL_SUPPORT_SEGMENTTREES_H
