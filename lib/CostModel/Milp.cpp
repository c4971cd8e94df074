//===- Milp.cpp - The analytical model as a mixed-integer linear program --===//
//
// The formulation is described in egrl/CostModel/Milp.h.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/Milp.h"

#include "egrl/CostModel/Capacity.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

using namespace egrl;

namespace {
using Clock = std::chrono::steady_clock;
constexpr double kSecondsToUnits = Milp::kSecondsToUnits;
constexpr double kBytesToUnits = Milp::kBytesToUnits;
constexpr double kInfinity = Milp::kInfinity;

/// A linear expression: a constant plus terms (column, coefficient).
struct Linear {
  double constant = 0;
  std::vector<std::pair<int, double>> terms;
};
using Terms = std::vector<std::pair<int, double>>;

/// Builds the MILP in the order of the file comment in Milp.h: the x columns,
/// each node's time, the objective (a sum, or the prefetch recursion), then
/// the capacity rows. Each step returns false when the deadline passed.
class MilpBuilder {
public:
  MilpBuilder(const AnalyticalModel &model, Clock::time_point deadline)
      : model(model), problem(model.problem()), graph(problem.graph()),
        n(problem.numNodes()), slowest(problem.slowestLevel()),
        deadline(deadline), overhead(problem.target().layerOverhead),
        prefetch(model.prefetches()), ringSpb(model.ringSecondsPerByte()),
        streamTime(n), ringTime(n), windowTime(n), largeTensor(n, 0),
        timeVar(n, -1), constantTime(n, 0) {
    milp.weightVar.assign(n, std::vector<int>(slowest, -1));
    milp.outputVar.assign(n, std::vector<int>(slowest, -1));
  }

  std::optional<Milp> build() {
    if (!addTensorColumns() || !addNodeTimes())
      return std::nullopt;
    if (!prefetch)
      addSumObjective();
    else if (!addRecursion())
      return std::nullopt;
    addWeightTotals();
    if (!addCapacityRows())
      return std::nullopt;
    // The backing store is assumed large enough (as rectify() does); if it
    // is not, no placement is valid and the evaluator reports it.
    return std::move(milp);
  }

private:
  /// Every loop iteration below does work proportional to one node's degree
  /// or one live set, so checking the clock once per iteration bounds the
  /// overshoot by one such step.
  bool expired() const { return Clock::now() > deadline; }

  //--- Level choice per tensor -----------------------------------------------
  bool addTensorColumns();
  void addTensor(std::vector<int> &vars, int64_t bytes,
                 const std::string &prefix);

  //--- Node times ------------------------------------------------------------
  /// What one node's time row collects from the tensors it touches.
  struct NodeTime {
    double backingSeconds = 0, largestSeconds = 0;
    /// The start-up latency M_i pays: the largest of its tensors' levels', a
    /// column lambda_i >= each when the placement can change it.
    std::vector<Linear> latencies;
    double fixedLatency = 0, largestLatency = 0;
  };
  bool addNodeTimes();
  void addTerm(unsigned i, NodeTime &node, const std::vector<int> &vars,
               int64_t bytes, bool weights);
  void addRereadTerm(Linear &term, double &largest, double &smallest,
                     double passes, const std::vector<int> &vars,
                     int64_t bytes);

  //--- Objective -------------------------------------------------------------
  void addSumObjective();
  bool addRecursion();
  double asTerms(const Linear &expr, const char *prefix, unsigned i,
                 Terms &terms);

  //--- Capacity --------------------------------------------------------------
  void addWeightTotals();
  bool addCapacityRows();

  const AnalyticalModel &model;
  const Problem &problem;
  const WorkloadGraph &graph;
  const unsigned n, slowest;
  const Clock::time_point deadline;
  const double overhead;
  const bool prefetch;
  /// The ring's seconds per byte r (the backing store's).
  const double ringSpb;
  Milp milp;
  /// The row being built.
  std::vector<int> cols;
  std::vector<double> coefs;
  /// With prefetch, S_i(x) and B_i(x) * ringSpb (microseconds), each a
  /// constant (everything in the backing store) plus terms in x.
  std::vector<Linear> streamTime, ringTime;
  /// The window term's per-node part, B_i(x) r + X_i(x) + Y_i(x)
  /// (NodeCost::windowSeconds): ringTime plus, for a tensor larger than the
  /// ring, its ring's worth at its level's stream rate less at r. Only built
  /// (largeTensor) for nodes with such a tensor; elsewhere it is ringTime.
  std::vector<Linear> windowTime;
  std::vector<uint8_t> largeTensor;
  /// Per node: the column t_i of max(C_i, M_i), or -1 when it is the
  /// constant constantTime[i].
  std::vector<int> timeVar;
  std::vector<double> constantTime;
  /// Per on-chip level: the column W_l (or -1 when no weight can go there),
  /// and the bytes (KiB) of all weights that could, at most its capacity.
  std::vector<int> weightTotal;
  std::vector<double> weightMax;
};
} // namespace

// Level choice per tensor. A tensor larger than a level's usable bytes can
// never live there; leaving the column out keeps the model small.
bool MilpBuilder::addTensorColumns() {
  for (unsigned i = 0; i < n; ++i) {
    if (expired())
      return false;
    addTensor(milp.weightVar[i], problem.weightBytes[i],
              "w" + std::to_string(i));
    addTensor(milp.outputVar[i], problem.outputBytes[i],
              "a" + std::to_string(i));
  }
  return true;
}

void MilpBuilder::addTensor(std::vector<int> &vars, int64_t bytes,
                            const std::string &prefix) {
  if (bytes <= 0)
    return;
  cols.clear();
  for (unsigned l = 0; l < slowest; ++l) {
    if (bytes > problem.usableBytes[l])
      continue;
    vars[l] = milp.addColumn(prefix + "_" + std::to_string(l), 0, 1, 0, true);
    cols.push_back(vars[l]);
  }
  if (cols.size() > 1)
    milp.addRow(cols, std::vector<double>(cols.size(), 1.0), 'L', 1.0);
}

// Node times. M_i is linear in x: with every tensor in the backing store it
// is `backingSeconds`, and moving tensor k to level l changes it by
// bytes_k * (spb[l] - spb[backing store]): a saving for an activation, a cost
// for a weight the runtime would stream into a faster staging level.
bool MilpBuilder::addNodeTimes() {
  for (unsigned i = 0; i < n; ++i) {
    if (expired())
      return false;
    cols.clear();
    coefs.clear();
    NodeTime node;
    addTerm(i, node, milp.weightVar[i], problem.weightReadBytes[i], true);
    addTerm(i, node, milp.outputVar[i], problem.outputBytes[i], false);
    for (unsigned p : graph.nodes[i].producers)
      addTerm(i, node, milp.outputVar[p], problem.outputBytes[p], false);
    const std::vector<unsigned> &owners = graph.nodes[i].sharedWeights;
    for (size_t k = 0; k < owners.size(); ++k)
      addTerm(i, node, milp.weightVar[owners[k]], problem.sharedReadBytes[i][k],
              true);
    const double hostSeconds =
        problem.hostInputBytes[i] * model.secondsPerByte(slowest);
    node.backingSeconds += hostSeconds;
    node.largestSeconds += hostSeconds;
    if (problem.hostInputBytes[i] > 0) {
      node.fixedLatency =
          std::max(node.fixedLatency, model.latencySeconds(slowest));
      node.largestLatency = std::max(node.largestLatency, node.fixedLatency);
    }
    // A tensor whose latency never exceeds a fixed one needs no row.
    std::vector<Linear> &latencies = node.latencies;
    latencies.erase(
        std::remove_if(latencies.begin(), latencies.end(),
                       [&](const Linear &tensor) {
                         double largest = tensor.constant;
                         for (auto [col, coef] : tensor.terms)
                           largest = std::max(largest, tensor.constant + coef);
                         return largest <= node.fixedLatency * kSecondsToUnits;
                       }),
        latencies.end());
    if (latencies.empty())
      node.backingSeconds += node.fixedLatency;
    node.largestSeconds += node.largestLatency;
    if (prefetch) {
      const double hostRing =
          problem.hostInputBytes[i] * ringSpb * kSecondsToUnits;
      streamTime[i].constant += hostSeconds * kSecondsToUnits;
      ringTime[i].constant += hostRing;
      if (largeTensor[i])
        windowTime[i].constant += hostRing;
    }
    // Tiling re-reads: the smaller of two terms linear in x (inputs, weights
    // at their own level's rate), each a constant less savings.
    const Tiling &tile = model.tiling(i);
    Linear reread[2];
    double rereadLargest[2] = {0, 0}, rereadSmallest[2] = {0, 0};
    if (tile.needed) {
      addRereadTerm(reread[0], rereadLargest[0], rereadSmallest[0],
                    tile.inputPasses, {}, problem.hostInputBytes[i]);
      for (unsigned p : graph.nodes[i].producers)
        addRereadTerm(reread[0], rereadLargest[0], rereadSmallest[0],
                      tile.inputPasses, milp.outputVar[p],
                      problem.outputBytes[p]);
      addRereadTerm(reread[1], rereadLargest[1], rereadSmallest[1],
                    tile.weightPasses, milp.weightVar[i],
                    problem.weightReadBytes[i]);
      for (size_t k = 0; k < owners.size(); ++k)
        addRereadTerm(reread[1], rereadLargest[1], rereadSmallest[1],
                      tile.weightPasses, milp.weightVar[owners[k]],
                      problem.sharedReadBytes[i][k]);
      node.largestSeconds += std::min(rereadLargest[0], rereadLargest[1]);
    }
    const double compute = model.computeSeconds(i);
    if (cols.empty() || compute >= node.largestSeconds) {
      // Nothing node i touches can change max(C_i, M_i).
      constantTime[i] = std::max(
          compute,
          node.backingSeconds +
              (tile.needed ? std::min(reread[0].constant, reread[1].constant) /
                                 kSecondsToUnits
                           : 0.0));
      continue;
    }
    // t_i + sum (M_i's change) * x - lambda_i >= M_i(all in the backing
    // store) without its latency.
    timeVar[i] = milp.addColumn("t" + std::to_string(i),
                                compute * kSecondsToUnits, kInfinity, 0, false);
    cols.push_back(timeVar[i]);
    coefs.push_back(1.0);
    if (!latencies.empty()) {
      int lambda = milp.addColumn("l" + std::to_string(i),
                                  node.fixedLatency * kSecondsToUnits,
                                  kInfinity, 0, false);
      cols.push_back(lambda);
      coefs.push_back(-1.0);
      std::vector<int> latencyCols;
      std::vector<double> latencyCoefs;
      for (const Linear &tensor : latencies) {
        latencyCols.assign({lambda});
        latencyCoefs.assign({1.0});
        for (auto [col, coef] : tensor.terms) {
          latencyCols.push_back(col);
          latencyCoefs.push_back(-coef);
        }
        milp.addRow(latencyCols, latencyCoefs, 'G', tensor.constant);
      }
    }
    if (!tile.needed) {
      milp.addRow(cols, coefs, 'G', node.backingSeconds * kSecondsToUnits);
      continue;
    }
    // t_i >= M_i(x) + min(A(x), B(x)): a binary z_i picks the loop order;
    // the other order's row is relaxed by the most its term can exceed the
    // chosen one's, so it never binds. An order that is the cheaper one for
    // every placement needs neither the binary nor the other row.
    const double relax[2] = {
        std::max(0.0, rereadLargest[0] - rereadSmallest[1]) * kSecondsToUnits,
        std::max(0.0, rereadLargest[1] - rereadSmallest[0]) * kSecondsToUnits};
    const bool fixedOrder = relax[0] == 0 || relax[1] == 0;
    const int z = fixedOrder
                      ? -1
                      : milp.addColumn("z" + std::to_string(i), 0, 1, 0, true);
    for (int order = 0; order < 2; ++order) {
      if (fixedOrder && relax[order] != 0)
        continue;
      const double bigM = relax[order];
      std::map<int, double> row;
      for (size_t k = 0; k < cols.size(); ++k)
        row[cols[k]] += coefs[k];
      for (auto [col, saving] : reread[order].terms)
        row[col] += saving;
      if (z >= 0)
        row[z] += order == 0 ? bigM : -bigM;
      std::vector<int> rowCols;
      std::vector<double> rowCoefs;
      for (auto [col, coef] : row) {
        rowCols.push_back(col);
        rowCoefs.push_back(coef);
      }
      milp.addRow(rowCols, rowCoefs, 'G',
                  node.backingSeconds * kSecondsToUnits +
                      reread[order].constant - (order == 0 ? 0.0 : bigM));
    }
  }
  return true;
}

/// Adds `passes` re-reads of a tensor of `bytes` that lives in the level
/// `vars` choose to `term` (in units): its cost with the tensor in the
/// backing store, less a saving per faster level, at the level's own rate.
/// `largest` and `smallest` grow by its dearest and cheapest level's cost in
/// seconds.
void MilpBuilder::addRereadTerm(Linear &term, double &largest, double &smallest,
                                double passes, const std::vector<int> &vars,
                                int64_t bytes) {
  if (bytes <= 0 || passes <= 0)
    return;
  const double b = passes * double(bytes);
  const double backing = model.secondsPerByte(slowest);
  double most = backing, least = backing;
  term.constant += b * backing * kSecondsToUnits;
  for (unsigned l = 0; l < vars.size(); ++l) {
    if (vars[l] < 0)
      continue;
    most = std::max(most, model.secondsPerByte(l));
    least = std::min(least, model.secondsPerByte(l));
    term.terms.push_back(
        {vars[l], b * (backing - model.secondsPerByte(l)) * kSecondsToUnits});
  }
  largest += b * most;
  smallest += b * least;
}

/// Adds a tensor node i reads or writes to its time row (`cols`, `coefs`),
/// to its latency and, with prefetch, to its stream, ring and window terms.
/// `bytes` is what one inference moves: all of an activation, the read part
/// of weights (less than the resident part for lookups).
void MilpBuilder::addTerm(unsigned i, NodeTime &node,
                          const std::vector<int> &vars, int64_t bytes,
                          bool weights) {
  if (bytes <= 0)
    return;
  auto spb = [&](unsigned l) {
    return weights ? model.weightSecondsPerByte(l) : model.secondsPerByte(l);
  };
  auto latency = [&](unsigned l) {
    return weights ? model.weightLatencySeconds(l) : model.latencySeconds(l);
  };
  Linear tensorLatency{latency(slowest) * kSecondsToUnits, {}};
  double tensorLargest = latency(slowest);
  for (unsigned l = 0; l < slowest; ++l) {
    if (vars[l] < 0)
      continue;
    tensorLargest = std::max(tensorLargest, latency(l));
    if (double d = latency(l) - latency(slowest); d != 0)
      tensorLatency.terms.push_back({vars[l], d * kSecondsToUnits});
  }
  node.largestLatency = std::max(node.largestLatency, tensorLargest);
  if (tensorLatency.terms.empty())
    node.fixedLatency = std::max(node.fixedLatency, latency(slowest));
  else
    node.latencies.push_back(std::move(tensorLatency));
  // What the stream spends on it in level l (AnalyticalModel::nodeCost).
  auto stream = [&](unsigned l) {
    if (weights)
      return bytes * model.streamSecondsPerByte(l);
    return l == slowest ? bytes * model.secondsPerByte(l) : 0.0;
  };
  // What the ring bounds (NodeCost::streamBytes, excessSeconds): up to a
  // ring's worth at the backing store's rate, the rest at the level's stream
  // rate.
  const double ringBytes = model.ringBytes();
  auto ring = [&](unsigned l) {
    bool counted = weights ? model.streams(l) : l == slowest;
    double excess = std::max(0.0, double(bytes) - ringBytes);
    return counted ? std::min(double(bytes), ringBytes) * ringSpb +
                         (excess > 0 ? stream(l) * excess / bytes : 0.0)
                   : 0.0;
  };
  // Y of the window term: what the ring terms counted of a tensor larger
  // than the ring at r, at the level's own stream rate instead.
  const bool large = prefetch && double(bytes) > ringBytes;
  auto window = [&](unsigned l) {
    bool counted = weights ? model.streams(l) : l == slowest;
    if (!counted || !large)
      return 0.0;
    double own =
        weights ? model.streamSecondsPerByte(l) : model.secondsPerByte(l);
    return ringBytes * (own - ringSpb);
  };
  const double backing = spb(slowest);
  double largest = backing;
  node.backingSeconds += bytes * backing;
  if (prefetch) {
    // The node's first such tensor: the window part so far is ringTime.
    if (large && !largeTensor[i]) {
      windowTime[i] = ringTime[i];
      largeTensor[i] = 1;
    }
    streamTime[i].constant += stream(slowest) * kSecondsToUnits;
    ringTime[i].constant += ring(slowest) * kSecondsToUnits;
    if (largeTensor[i])
      windowTime[i].constant +=
          (ring(slowest) + window(slowest)) * kSecondsToUnits;
  }
  for (unsigned l = 0; l < slowest; ++l) {
    if (vars[l] < 0)
      continue;
    cols.push_back(vars[l]);
    coefs.push_back(bytes * (backing - spb(l)) * kSecondsToUnits);
    largest = std::max(largest, spb(l));
    if (!prefetch)
      continue;
    if (double d = stream(l) - stream(slowest); d != 0)
      streamTime[i].terms.push_back({vars[l], d * kSecondsToUnits});
    if (double d = ring(l) - ring(slowest); d != 0)
      ringTime[i].terms.push_back({vars[l], d * kSecondsToUnits});
    if (!largeTensor[i])
      continue;
    if (double d = ring(l) + window(l) - ring(slowest) - window(slowest);
        d != 0)
      windowTime[i].terms.push_back({vars[l], d * kSecondsToUnits});
  }
  node.largestSeconds += bytes * largest;
}

// Without prefetch nodes run one after another: the latency is the sum of
// their times.
void MilpBuilder::addSumObjective() {
  for (unsigned i = 0; i < n; ++i)
    milp.constantSeconds += overhead + constantTime[i];
  for (int t : timeVar)
    if (t >= 0)
      milp.columns[t].objective = 1.0;
}

// The recursion of AnalyticalModel::latencyIgnoringCapacity, each max as >=
// rows: e_i >= e_{i-1} + overhead + t_i, and for a node that may use the
// stream e_i >= g_i + overhead, g_i >= g_prev + S_i,
// g_i >= e_{i-1} + B_i * ringSpb - ring * ringSpb. Minimising e_last makes
// every column the max of its rows along the critical path, so the objective
// is the model's latency.
bool MilpBuilder::addRecursion() {
  const double ringUnits = model.ringBytes() * ringSpb * kSecondsToUnits;
  Terms streamTerms;
  // Per node: B_j(x) r as terms and a constant (the window row below sums
  // them from the previous weight-reading node).
  std::vector<Terms> ringTerms(n), windowTerms(n);
  std::vector<double> ringConstant(n, 0), windowConstant(n, 0);
  std::vector<int> ends(n, -1);
  int previousClock = -1, previousReader = -1;
  for (unsigned i = 0; i < n; ++i) {
    if (expired())
      return false;
    const int previousEnd = i ? ends[i - 1] : -1;
    int end = milp.addColumn("e" + std::to_string(i), 0, kInfinity,
                             i + 1 == n ? 1.0 : 0.0, false);
    ends[i] = end;
    cols.assign({end});
    coefs.assign({1.0});
    if (previousEnd >= 0) {
      cols.push_back(previousEnd);
      coefs.push_back(-1.0);
    }
    if (timeVar[i] >= 0) {
      cols.push_back(timeVar[i]);
      coefs.push_back(-1.0);
    }
    milp.addRow(cols, coefs, 'G',
                (overhead + constantTime[i]) * kSecondsToUnits);
    // S_i is largest with everything in the backing store.
    if (streamTime[i].constant > 0) {
      int clock =
          milp.addColumn("g" + std::to_string(i), 0, kInfinity, 0, false);
      // clock - other - terms >= rhs.
      auto addClockRow = [&](int other, const Terms &terms, double rhs) {
        cols.assign({clock});
        coefs.assign({1.0});
        if (other >= 0) {
          cols.push_back(other);
          coefs.push_back(-1.0);
        }
        for (auto [col, coef] : terms) {
          cols.push_back(col);
          coefs.push_back(-coef);
        }
        milp.addRow(cols, coefs, 'G', rhs);
      };
      double streamConstant = asTerms(streamTime[i], "s", i, streamTerms);
      ringConstant[i] = asTerms(ringTime[i], "b", i, ringTerms[i]);
      if (largeTensor[i]) {
        windowConstant[i] = asTerms(windowTime[i], "y", i, windowTerms[i]);
      } else {
        windowTerms[i] = ringTerms[i];
        windowConstant[i] = ringConstant[i];
      }
      addClockRow(previousClock, streamTerms, streamConstant);
      addClockRow(previousEnd, ringTerms[i], ringConstant[i] - ringUnits);
      if (model.readsWeights(i) && previousReader >= 0) {
        // The window from the previous weight-reading node k:
        // g_i >= e_{k-1} + (B_k + ... + B_i - ring) r + X_k + ... + X_i
        // + Y_k + ... + Y_i. Consecutive readers' windows do not overlap,
        // so this stays linear in size.
        const unsigned k = unsigned(previousReader);
        Terms window;
        double constant = -ringUnits;
        for (unsigned j = k; j <= i; ++j) {
          window.insert(window.end(), windowTerms[j].begin(),
                        windowTerms[j].end());
          constant += windowConstant[j];
        }
        addClockRow(k ? ends[k - 1] : -1, window, constant);
      }
      milp.addRow({end, clock}, {1.0, -1.0}, 'G', overhead * kSecondsToUnits);
      previousClock = clock;
    }
    if (model.readsWeights(i))
      previousReader = int(i);
  }
  return true;
}

/// A linear expression as terms of a row: itself when it has one term, else
/// a column defined by one equality row, so that it is spelled out once
/// however many rows use it. Returns the constant left.
double MilpBuilder::asTerms(const Linear &expr, const char *prefix, unsigned i,
                            Terms &terms) {
  terms.clear();
  if (expr.terms.size() <= 1) {
    terms = expr.terms;
    return expr.constant;
  }
  int column = milp.addColumn(prefix + std::to_string(i), -kInfinity, kInfinity,
                              0, false);
  cols.assign({column});
  coefs.assign({1.0});
  for (auto [col, coef] : expr.terms) {
    cols.push_back(col);
    coefs.push_back(-coef);
  }
  milp.addRow(cols, coefs, 'E', expr.constant);
  terms.push_back({column, 1.0});
  return 0.0;
}

// Weight bytes per level: W_l - sum_i bytes_i x[w_i][l] = 0, with W_l's upper
// bound the weights-only capacity row.
void MilpBuilder::addWeightTotals() {
  weightTotal.assign(slowest, -1);
  weightMax.assign(slowest, 0);
  for (unsigned l = 0; l < slowest; ++l) {
    const double rhs = problem.usableBytes[l] * kBytesToUnits;
    cols.clear();
    coefs.clear();
    for (unsigned i = 0; i < n; ++i)
      if (milp.weightVar[i][l] >= 0) {
        cols.push_back(milp.weightVar[i][l]);
        coefs.push_back(-problem.weightBytes[i] * kBytesToUnits);
        weightMax[l] -= coefs.back();
      }
    if (cols.empty())
      continue;
    weightMax[l] = std::min(weightMax[l], rhs);
    weightTotal[l] = milp.addColumn("W_" + std::to_string(l), 0, rhs, 0, false);
    cols.push_back(weightTotal[l]);
    coefs.push_back(1.0);
    milp.addRow(cols, coefs, 'E', 0);
  }
}

// Capacity. live(s) grows until an activation dies, so only the steps where
// one dies (and the last step) can bind. One sweep in program order keeps the
// live set: an activation enters at its producer and leaves after its last
// use.
bool MilpBuilder::addCapacityRows() {
  std::vector<bool> deathStep(n, false);
  if (n > 0)
    deathStep[n - 1] = true;
  for (unsigned j = 0; j < n; ++j)
    if (problem.outputBytes[j] > 0)
      deathStep[problem.lastUse[j]] = true;
  std::vector<std::vector<unsigned>> liveSets;
  std::vector<unsigned> live; // Ascending: entries are appended in order.
  for (unsigned s = 0; s < n; ++s) {
    if (expired())
      return false;
    if (problem.outputBytes[s] > 0 && problem.lastUse[s] >= s)
      live.push_back(s);
    if (!deathStep[s])
      continue;
    if (liveSets.empty() || liveSets.back() != live)
      liveSets.push_back(live);
    live.erase(
        std::remove_if(live.begin(), live.end(),
                       [&](unsigned j) { return problem.lastUse[j] == s; }),
        live.end());
  }
  // Occupancy U per kept live set (the file comment says why it is chained).
  std::vector<double> activationKiB(milp.columns.size(), 0);
  for (unsigned j = 0; j < n; ++j)
    for (unsigned l = 0; l < slowest; ++l)
      if (milp.outputVar[j][l] >= 0)
        activationKiB[milp.outputVar[j][l]] =
            problem.outputBytes[j] * kBytesToUnits;
  std::vector<int> key, previousKey, arrivals, departures;
  for (unsigned l = 0; l < slowest; ++l) {
    const double rhs = problem.usableBytes[l] * kBytesToUnits;
    std::set<std::vector<int>> seen; // Live sets whose rows coincide.
    int previousU = -1;
    previousKey.clear();
    for (const std::vector<unsigned> &liveSet : liveSets) {
      if (expired())
        return false;
      key.clear();
      double full = weightMax[l]; // Occupancy with everything in l.
      for (unsigned j : liveSet)
        if (milp.outputVar[j][l] >= 0) {
          key.push_back(milp.outputVar[j][l]); // Ascending, as j is.
          full += activationKiB[key.back()];
        }
      // No activation: W_l's bound already is the row. A row that holds
      // with everything in l is not a constraint.
      if (key.empty() || full <= rhs || !seen.insert(key).second)
        continue;
      int u = milp.addColumn("U" + std::to_string(l) + "_" +
                                 std::to_string(milp.capacityRows),
                             0, rhs, 0, false);
      arrivals.clear();
      departures.clear();
      std::set_difference(key.begin(), key.end(), previousKey.begin(),
                          previousKey.end(), std::back_inserter(arrivals));
      std::set_difference(previousKey.begin(), previousKey.end(), key.begin(),
                          key.end(), std::back_inserter(departures));
      cols.clear();
      coefs.clear();
      if (previousU >= 0 && arrivals.size() + departures.size() < key.size()) {
        // U_k - U_prev - arrivals + departures = 0.
        cols.push_back(previousU);
        coefs.push_back(-1.0);
        for (int c : arrivals) {
          cols.push_back(c);
          coefs.push_back(-activationKiB[c]);
        }
        for (int c : departures) {
          cols.push_back(c);
          coefs.push_back(activationKiB[c]);
        }
      } else {
        // U_k - W_l - live activations = 0.
        for (int c : key) {
          cols.push_back(c);
          coefs.push_back(-activationKiB[c]);
        }
        if (weightTotal[l] >= 0) {
          cols.push_back(weightTotal[l]);
          coefs.push_back(-1.0);
        }
      }
      cols.push_back(u);
      coefs.push_back(1.0);
      milp.addRow(cols, coefs, 'E', 0);
      ++milp.capacityRows;
      previousU = u;
      std::swap(previousKey, key);
    }
  }
  return true;
}

std::optional<Milp> egrl::buildMilp(const AnalyticalModel &model,
                                    Clock::time_point deadline) {
  return MilpBuilder(model, deadline).build();
}

std::vector<std::pair<int, double>>
egrl::milpStartValues(const Milp &milp, const Placement &placement) {
  std::vector<std::pair<int, double>> values;
  for (unsigned i = 0; i < placement.size(); ++i)
    for (unsigned l = 0; l < milp.weightVar[i].size(); ++l) {
      if (milp.weightVar[i][l] >= 0)
        values.push_back(
            {milp.weightVar[i][l], placement[i].weights == l ? 1.0 : 0.0});
      if (milp.outputVar[i][l] >= 0)
        values.push_back(
            {milp.outputVar[i][l], placement[i].output == l ? 1.0 : 0.0});
    }
  return values;
}

Placement egrl::milpPlacement(const Problem &problem, const Milp &milp,
                              const double *solution) {
  const unsigned slowest = problem.slowestLevel();
  Placement placement(problem.numNodes(), slowest);
  for (unsigned i = 0; i < problem.numNodes(); ++i)
    for (unsigned l = 0; l < slowest; ++l) {
      if (milp.weightVar[i][l] >= 0 && solution[milp.weightVar[i][l]] > 0.5)
        placement[i].weights = l;
      if (milp.outputVar[i][l] >= 0 && solution[milp.outputVar[i][l]] > 0.5)
        placement[i].output = l;
    }
  return placement;
}
