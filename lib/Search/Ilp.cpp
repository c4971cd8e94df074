//===- Ilp.cpp - The exact optimum of the analytical model via CBC --------===//
//
// The analytical model (lib/CostModel/AnalyticalModel.cpp, Capacity.cpp) is
// a max-plus recursion over the nodes of terms linear in the placement,
// under linear capacity constraints, so it is exactly a mixed-integer linear
// program:
//
//   x[k][l] in {0,1}  tensor k (a node's weights or its output, bytes > 0)
//                     lives in on-chip level l; in the slowest level when
//                     sum_l x[k][l] = 0 (so the backing store needs no
//                     variable and "one level per tensor" is sum <= 1)
//   t_i >= C_i        compute time (on the engines the node gets), as a
//                     column lower bound
//   t_i >= M_i(x)     memory time: every tensor node i reads or writes
//                     (the read bytes of its own weights and of shared
//                     weights at the owner's level,
//                     producers' outputs, own output; graph inputs always
//                     from the slowest level) at the model's rate of its
//                     level (streamed weights at the staging level's), plus
//                     lambda_i >= the start-up latency of each tensor's
//                     level (a row per tensor whose level decides it)
//   W_l = sum_i weightBytes_i x[w_i][l]
//                     weight bytes resident in on-chip level l (continuous,
//                     0 <= W_l <= usableBytes[l]; one equality row)
//   minimise          sum_i (overhead + t_i) without prefetch; with it,
//                     e_last of the recursion below
//   capacity          for each on-chip level l and step s of the liveness
//                     schedule: U_ls = W_l + sum of activations live at s
//                     in l, with U_ls continuous and <= usableBytes[l]
//
// With prefetch, the time node i keeps the stream busy, S_i(x) (its
// streamed weights at their levels' rates, its traffic to the backing
// store), and what the ring bounds, B_i(x) r (its streamed bytes at the
// ring's rate r, a tensor larger than the ring its excess at its level's
// stream rate: NodeCost::streamBytes and excessSeconds), are linear in x,
// and the recursion's maxima become rows over continuous columns e_i (node
// end) and g_i (the stream's clock, only for nodes that can use it):
//   e_i >= e_{i-1} + overhead + t_i      e_i >= g_i + overhead
//   g_i >= g_prev + S_i(x)               g_i >= e_{i-1} + (B_i(x) - ring) r
// (r: the ring's seconds per byte). Every right-hand side is nondecreasing
// in the other columns, so the least solution is the recursion's and
// minimising e_last yields it: the objective is still the model's latency.
// S_i and B_i r get a column of their own (one equality row) when they have
// several terms, so each is spelled out once: at most 4 columns and 6 rows
// per node, each row a few nonzeros, so the matrix stays linear in the
// graph.
//
// W_l and U_ls are there for size, not for strength (both are determined
// by x, so the reformulation is exact and the optimum the same). Weights
// are resident at every step, and with skip connections an activation can
// be live for hundreds of steps, so writing every capacity row out in x
// made the matrix O(nodes^2): building it took minutes at 3,000 nodes, and
// even with W_l alone (916k nonzeros) CBC's probing, which ignores the
// time limit, overran it by 6 s.
// Instead U_ls is defined from the previous step's U (U_ls = U_ls' +
// activations that arrived - those that left) whenever that row is
// shorter than spelling it out (U_ls = W_l + live activations); every
// tensor then appears in a few rows and the matrix grows linearly.
//
// Capacity rows are only needed at steps after which an activation dies
// (between deaths the live set only grows) and identical rows are
// deduplicated. Nodes that are compute-bound even with every tensor in its
// slowest level for them have t_i = C_i and need no row. Times are in
// microseconds and bytes in KiB so CBC sees coefficients of moderate magnitude.
//
// The matrix is assembled in row-major arrays, converted to column-major
// and handed to CBC in one Cbc_loadProblem: CBC copies its matrix on every
// Cbc_addRow/Cbc_addCol, which made row-by-row loading quadratic.
//
// Because t_i (e_i, g_i) are only bounded below and minimised, the MILP
// objective equals AnalyticalModel::evaluate of the placement at the
// optimum, and a placement satisfying the rows needs no rectification.
// CBC stops when optimality is proven within a relative gap of 1e-4
// (kRelativeGap below explains why not 0); the detail line says which.
// The greedy placement is given to CBC as a MIP start (it fits, so CBC has
// an incumbent from the first second); if CBC stops on its time limit
// without anything better, the result is that incumbent and the detail
// line says so.
//
// timeLimitSeconds bounds the whole run, not only CBC: the greedy start,
// building and loading the model count against it (the building loops check
// a deadline), and CBC gets what is left. A model that cannot be built in
// time yields the greedy placement, and the detail line says so.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Strategy.h"

#include "Cbc_C_Interface.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace egrl;

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kSecondsToUnits = 1e6;      // Objective in microseconds.
constexpr double kBytesToUnits = 1.0 / 1024; // Capacity rows in KiB.
constexpr double kInfinity = std::numeric_limits<double>::max();
/// Relative optimality gap (of the MILP objective, which leaves out the
/// constant part of the latency) at which CBC may stop. Many tensors save
/// the same latency per byte (every tensor of a memory-bound node), so the
/// LP bound packs capacity exactly and closing the last ~1e-5 is a
/// subset-sum proof that CBC does not finish in minutes even on 60 nodes,
/// for nanoseconds of latency. The detail line reports the gap proven.
constexpr double kRelativeGap = 1e-4;

/// The MILP of one problem, independent of the solver. Rows are stored
/// row-major (compressed) as they are generated; columnMajor() converts
/// them for Cbc_loadProblem.
struct Milp {
  struct Column {
    std::string name;
    double lower, upper, objective;
    bool integer;
  };
  std::vector<Column> columns;
  std::vector<CoinBigIndex> rowStarts{0};
  std::vector<int> rowCols;
  std::vector<double> rowCoefs;
  std::vector<double> rowLower, rowUpper;
  /// Latency (seconds) not represented by columns: overheads and the time
  /// of nodes whose t_i is a constant.
  double constantSeconds = 0;
  /// weightVar[i][l], outputVar[i][l]: column of x for on-chip level l, or
  /// -1 (no bytes, or the tensor cannot fit in l at all).
  std::vector<std::vector<int>> weightVar, outputVar;
  unsigned capacityRows = 0;

  int addColumn(std::string name, double lower, double upper, double objective,
                bool integer) {
    columns.push_back({std::move(name), lower, upper, objective, integer});
    return int(columns.size() - 1);
  }
  /// sense: 'L' (<=), 'G' (>=) or 'E' (=).
  void addRow(const std::vector<int> &cols, const std::vector<double> &coefs,
              char sense, double rhs) {
    rowCols.insert(rowCols.end(), cols.begin(), cols.end());
    rowCoefs.insert(rowCoefs.end(), coefs.begin(), coefs.end());
    rowStarts.push_back(CoinBigIndex(rowCols.size()));
    rowLower.push_back(sense == 'L' ? -kInfinity : rhs);
    rowUpper.push_back(sense == 'G' ? kInfinity : rhs);
  }
  size_t numRows() const { return rowLower.size(); }
  size_t numNonzeros() const { return rowCols.size(); }

  /// The matrix in compressed sparse column form (Cbc_loadProblem's).
  void columnMajor(std::vector<CoinBigIndex> &starts, std::vector<int> &rows,
                   std::vector<double> &values) const {
    starts.assign(columns.size() + 1, 0);
    for (int col : rowCols)
      ++starts[col + 1];
    for (size_t c = 0; c < columns.size(); ++c)
      starts[c + 1] += starts[c];
    rows.resize(rowCols.size());
    values.resize(rowCols.size());
    std::vector<CoinBigIndex> next(starts.begin(), starts.end() - 1);
    for (size_t r = 0; r < numRows(); ++r)
      for (CoinBigIndex k = rowStarts[r]; k < rowStarts[r + 1]; ++k) {
        CoinBigIndex at = next[rowCols[k]]++;
        rows[at] = int(r);
        values[at] = rowCoefs[k];
      }
  }
};

/// The MILP of `model`'s problem, or nothing if `deadline` passes while
/// building.
std::optional<Milp> buildMilp(const AnalyticalModel &model,
                              Clock::time_point deadline) {
  const Problem &problem = model.problem();
  const unsigned n = problem.numNodes(), slowest = problem.slowestLevel();
  const WorkloadGraph &graph = problem.graph();
  // Every loop iteration below does work proportional to one node's degree
  // or one live set, so checking the clock once per iteration bounds the
  // overshoot by one such step.
  auto expired = [&] { return Clock::now() > deadline; };
  Milp milp;
  milp.weightVar.assign(n, std::vector<int>(slowest, -1));
  milp.outputVar.assign(n, std::vector<int>(slowest, -1));

  // Level choice per tensor. A tensor larger than a level's usable bytes
  // can never live there; leaving the column out keeps the model small.
  std::vector<int> cols;
  std::vector<double> coefs;
  auto addTensor = [&](std::vector<int> &vars, int64_t bytes,
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
  };
  for (unsigned i = 0; i < n; ++i) {
    if (expired())
      return std::nullopt;
    addTensor(milp.weightVar[i], problem.weightBytes[i],
              "w" + std::to_string(i));
    addTensor(milp.outputVar[i], problem.outputBytes[i],
              "a" + std::to_string(i));
  }

  // Node times. M_i is linear in x: with every tensor in the backing store
  // it is `backingSeconds`, and moving tensor k to level l changes it by
  // bytes_k * (spb[l] - spb[backing store]): a saving for an activation, a
  // cost for a weight the runtime would stream into a faster staging level.
  const double overhead = problem.target().layerOverhead;
  const bool prefetch = model.prefetches();
  const double ringSpb = model.ringSecondsPerByte();
  // With prefetch, S_i(x) and B_i(x) * ringSpb (microseconds), each a
  // constant (everything in the backing store) plus terms in x.
  struct Linear {
    double constant = 0;
    std::vector<std::pair<int, double>> terms;
  };
  std::vector<Linear> streamTime(n), ringTime(n);
  // The window term's per-node part, B_i(x) r + X_i(x) + Y_i(x)
  // (NodeCost::windowSeconds): ringTime plus, for a tensor larger than the
  // ring, its ring's worth at its level's stream rate less at r. Only built
  // (largeTensor) for nodes with such a tensor; elsewhere it is ringTime.
  std::vector<Linear> windowTime(n);
  std::vector<uint8_t> largeTensor(n, 0);
  // Per node: the column t_i of max(C_i, M_i), or -1 when it is the
  // constant constantTime[i].
  std::vector<int> timeVar(n, -1);
  std::vector<double> constantTime(n, 0);
  for (unsigned i = 0; i < n; ++i) {
    if (expired())
      return std::nullopt;
    cols.clear();
    coefs.clear();
    double backingSeconds = 0, largestSeconds = 0;
    // The start-up latency M_i pays: the largest of its tensors' levels', a
    // column lambda_i >= each when the placement can change it.
    std::vector<Linear> latencies;
    double fixedLatency = 0, largestLatency = 0;
    // `bytes` is what one inference moves: all of an activation, the read
    // part of weights (less than the resident part for lookups).
    auto addTerm = [&](const std::vector<int> &vars, int64_t bytes,
                       bool weights) {
      if (bytes <= 0)
        return;
      auto spb = [&](unsigned l) {
        return weights ? model.weightSecondsPerByte(l)
                       : model.secondsPerByte(l);
      };
      auto latency = [&](unsigned l) {
        return weights ? model.weightLatencySeconds(l)
                       : model.latencySeconds(l);
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
      largestLatency = std::max(largestLatency, tensorLargest);
      if (tensorLatency.terms.empty())
        fixedLatency = std::max(fixedLatency, latency(slowest));
      else
        latencies.push_back(std::move(tensorLatency));
      // What the stream spends on it in level l (AnalyticalModel::nodeCost).
      auto stream = [&](unsigned l) {
        if (weights)
          return bytes * model.streamSecondsPerByte(l);
        return l == slowest ? bytes * model.secondsPerByte(l) : 0.0;
      };
      // What the ring bounds (NodeCost::streamBytes, excessSeconds): up to a
      // ring's worth at the backing store's rate, the rest at the level's
      // stream rate.
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
      backingSeconds += bytes * backing;
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
      largestSeconds += bytes * largest;
    };
    addTerm(milp.weightVar[i], problem.weightReadBytes[i], true);
    addTerm(milp.outputVar[i], problem.outputBytes[i], false);
    for (unsigned p : graph.nodes[i].producers)
      addTerm(milp.outputVar[p], problem.outputBytes[p], false);
    const std::vector<unsigned> &owners = graph.nodes[i].sharedWeights;
    for (size_t k = 0; k < owners.size(); ++k)
      addTerm(milp.weightVar[owners[k]], problem.sharedReadBytes[i][k], true);
    const double hostSeconds =
        problem.hostInputBytes[i] * model.secondsPerByte(slowest);
    backingSeconds += hostSeconds;
    largestSeconds += hostSeconds;
    if (problem.hostInputBytes[i] > 0) {
      fixedLatency = std::max(fixedLatency, model.latencySeconds(slowest));
      largestLatency = std::max(largestLatency, fixedLatency);
    }
    // A tensor whose latency never exceeds a fixed one needs no row.
    latencies.erase(
        std::remove_if(latencies.begin(), latencies.end(),
                       [&](const Linear &tensor) {
                         double largest = tensor.constant;
                         for (auto [col, coef] : tensor.terms)
                           largest = std::max(largest, tensor.constant + coef);
                         return largest <= fixedLatency * kSecondsToUnits;
                       }),
        latencies.end());
    if (latencies.empty())
      backingSeconds += fixedLatency;
    largestSeconds += largestLatency;
    if (prefetch) {
      const double hostRing =
          problem.hostInputBytes[i] * ringSpb * kSecondsToUnits;
      streamTime[i].constant += hostSeconds * kSecondsToUnits;
      ringTime[i].constant += hostRing;
      if (largeTensor[i])
        windowTime[i].constant += hostRing;
    }
    const double compute = model.computeSeconds(i);
    if (cols.empty() || compute >= largestSeconds) {
      // Nothing node i touches can change max(C_i, M_i).
      constantTime[i] = std::max(compute, backingSeconds);
      continue;
    }
    // t_i + sum (M_i's change) * x - lambda_i >= M_i(all in the backing
    // store) without its latency.
    timeVar[i] = milp.addColumn("t" + std::to_string(i),
                                compute * kSecondsToUnits, kInfinity, 0, false);
    cols.push_back(timeVar[i]);
    coefs.push_back(1.0);
    if (!latencies.empty()) {
      int lambda =
          milp.addColumn("l" + std::to_string(i),
                         fixedLatency * kSecondsToUnits, kInfinity, 0, false);
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
    milp.addRow(cols, coefs, 'G', backingSeconds * kSecondsToUnits);
  }

  if (!prefetch) {
    // Nodes run one after another: the latency is the sum of their times.
    for (unsigned i = 0; i < n; ++i)
      milp.constantSeconds += overhead + constantTime[i];
    for (int t : timeVar)
      if (t >= 0)
        milp.columns[t].objective = 1.0;
  } else {
    // The recursion of AnalyticalModel::latencyIgnoringCapacity, each max
    // as >= rows: e_i >= e_{i-1} + overhead + t_i, and for a node that may
    // use the stream e_i >= g_i + overhead, g_i >= g_prev + S_i,
    // g_i >= e_{i-1} + B_i * ringSpb - ring * ringSpb. Minimising e_last
    // makes every column the max of its rows along the critical path, so
    // the objective is the model's latency.
    const double ringUnits = model.ringBytes() * ringSpb * kSecondsToUnits;
    // A linear expression as terms of a row: itself when it has one term,
    // else a column defined by one equality row, so that it is spelled out
    // once however many rows use it. Returns the constant left.
    auto asTerms = [&](const Linear &expr, const char *prefix, unsigned i,
                       std::vector<std::pair<int, double>> &terms) {
      terms.clear();
      if (expr.terms.size() <= 1) {
        terms = expr.terms;
        return expr.constant;
      }
      int column = milp.addColumn(prefix + std::to_string(i), -kInfinity,
                                  kInfinity, 0, false);
      cols.assign({column});
      coefs.assign({1.0});
      for (auto [col, coef] : expr.terms) {
        cols.push_back(col);
        coefs.push_back(-coef);
      }
      milp.addRow(cols, coefs, 'E', expr.constant);
      terms.push_back({column, 1.0});
      return 0.0;
    };
    std::vector<std::pair<int, double>> streamTerms;
    // Per node: B_j(x) r as terms and a constant (the window row below sums
    // them from the previous weight-reading node).
    std::vector<std::vector<std::pair<int, double>>> ringTerms(n),
        windowTerms(n);
    std::vector<double> ringConstant(n, 0), windowConstant(n, 0);
    std::vector<int> ends(n, -1);
    int previousClock = -1, previousReader = -1;
    for (unsigned i = 0; i < n; ++i) {
      if (expired())
        return std::nullopt;
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
        auto addClockRow = [&](int other,
                               const std::vector<std::pair<int, double>> &terms,
                               double rhs) {
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
          std::vector<std::pair<int, double>> window;
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
  }

  // Weight bytes per level: W_l - sum_i bytes_i x[w_i][l] = 0, with W_l's
  // upper bound the weights-only capacity row.
  std::vector<int> weightTotal(slowest, -1);
  std::vector<double> weightMax(slowest, 0); // All weights that could go.
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

  // Capacity. live(s) grows until an activation dies, so only the steps
  // where one dies (and the last step) can bind. One sweep in program
  // order keeps the live set: an activation enters at its producer and
  // leaves after its last use.
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
      return std::nullopt;
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
        return std::nullopt;
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
  // The backing store is assumed large enough (as rectify() does); if it
  // is not, no placement is valid and the evaluator reports it.
  return milp;
}

/// Column values of `placement` for the x columns (a MIP start).
std::vector<std::pair<int, double>> startValues(const Milp &milp,
                                                const Placement &placement) {
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

Placement placementFrom(const Problem &problem, const Milp &milp,
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

/// CBC's command-line driver (CbcMain1, behind Cbc_solve) keeps global
/// state; solve one model at a time in a process.
std::mutex &cbcMutex() {
  static std::mutex mutex;
  return mutex;
}

struct CbcDeleter {
  void operator()(Cbc_Model *model) const { Cbc_deleteModel(model); }
};

/// Loads `milp` into `m` in one call (see the file comment for why).
void loadMilp(Cbc_Model *m, const Milp &milp) {
  std::vector<CoinBigIndex> starts;
  std::vector<int> rows;
  std::vector<double> values;
  milp.columnMajor(starts, rows, values);
  std::vector<double> lower, upper, objective;
  for (const Milp::Column &c : milp.columns) {
    lower.push_back(c.lower);
    upper.push_back(c.upper);
    objective.push_back(c.objective);
  }
  Cbc_loadProblem(m, int(milp.columns.size()), int(milp.numRows()),
                  starts.data(), rows.data(), values.data(), lower.data(),
                  upper.data(), objective.data(), milp.rowLower.data(),
                  milp.rowUpper.data());
  for (size_t c = 0; c < milp.columns.size(); ++c) {
    // Cbc_setMIPStartI passes the start to CBC's driver by column name.
    Cbc_setColName(m, int(c), milp.columns[c].name.c_str());
    if (milp.columns[c].integer)
      Cbc_setInteger(m, int(c));
  }
  // CBC 2.10's preprocessing maps its solution back through a presolve that
  // reads the original row names and crashes when there are none
  // (coin-or/Cbc#515); the prefetch rows of BERT-base hit it.
  for (size_t r = 0; r < milp.numRows(); ++r)
    Cbc_setRowName(m, int(r), ("r" + std::to_string(r)).c_str());
}

/// What CBC answered (plain data: a child process sends it as bytes).
struct CbcAnswer {
  bool hasSolution = false, provenOptimal = false, secondsLimitReached = false;
  double objective = 0, bestPossible = 0;
  int status = 0, secondaryStatus = 0;
};
static_assert(std::is_trivially_copyable_v<CbcAnswer>);

struct CbcOutcome {
  /// CBC did not answer by the hard deadline and was stopped.
  bool stopped = false;
  CbcAnswer answer;
  std::vector<double> solution;
};

/// Runs `solve` in a child process, so that it can be stopped: CBC does not
/// interrupt its root LP, which on thousands of nodes outlasts any time
/// limit. The child sends its answer and solution through a pipe; if they
/// have not arrived by `hardDeadline`, the child is killed.
CbcOutcome solveInChild(const std::function<CbcOutcome()> &solve,
                        size_t numColumns, Clock::time_point hardDeadline) {
  int fds[2];
  if (pipe(fds) != 0)
    return solve(); // No pipe: solve here, unstoppable as before.
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return solve();
  }
  if (pid == 0) {
    // The child has only this thread; it leaves with _exit, so none of the
    // parent's exit handlers or buffered output run twice.
    close(fds[0]);
    CbcOutcome result = solve();
    std::string bytes(reinterpret_cast<const char *>(&result.answer),
                      sizeof(CbcAnswer));
    if (result.answer.hasSolution)
      bytes.append(reinterpret_cast<const char *>(result.solution.data()),
                   numColumns * sizeof(double));
    for (size_t sent = 0; sent < bytes.size();) {
      ssize_t n = write(fds[1], bytes.data() + sent, bytes.size() - sent);
      if (n <= 0)
        _exit(1);
      sent += size_t(n);
    }
    _exit(0);
  }
  close(fds[1]);
  CbcOutcome outcome;
  std::string received;
  char buffer[1 << 16];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    hardDeadline - Clock::now())
                    .count();
    if (left <= 0) {
      outcome.stopped = true;
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    int ready = poll(&pfd, 1, int(std::min<int64_t>(left, 1000)));
    if (ready <= 0)
      continue; // Timeout (checked above) or EINTR.
    ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    received.append(buffer, size_t(n));
  }
  close(fds[0]);
  if (outcome.stopped)
    kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (outcome.stopped)
    return outcome;
  if (received.size() < sizeof(CbcAnswer)) {
    outcome.stopped = true; // The child died without an answer.
    return outcome;
  }
  std::memcpy(&outcome.answer, received.data(), sizeof(CbcAnswer));
  if (outcome.answer.hasSolution) {
    if (received.size() != sizeof(CbcAnswer) + numColumns * sizeof(double)) {
      outcome.answer.hasSolution = false;
      return outcome;
    }
    outcome.solution.resize(numColumns);
    std::memcpy(outcome.solution.data(), received.data() + sizeof(CbcAnswer),
                numColumns * sizeof(double));
  }
  return outcome;
}

std::string formatPercent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3g%%", fraction * 100);
  return buffer;
}

std::string formatSeconds(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3g s", seconds);
  return buffer;
}

class IlpStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "ilp"; }
  bool dependsOnSeed() const override { return false; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    const Clock::time_point started = Clock::now();
    const Problem &problem = context.problem;
    const SearchOptions &options = context.options;
    if (options.budget == 0)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "ilp needs a budget of at least one evaluation to measure its "
          "placement");
    if (!(options.timeLimitSeconds > 0))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "ilp: time limit must be positive");
    // Saturate: a huge limit must not overflow the clock's integer ticks.
    const Clock::time_point deadline =
        options.timeLimitSeconds >= 1e9
            ? Clock::time_point::max()
            : started +
                  std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(options.timeLimitSeconds));
    auto elapsed = [&] {
      return std::chrono::duration<double>(Clock::now() - started).count();
    };

    // The greedy placement warm-starts CBC and is the fallback when CBC
    // finds nothing in time. It is computed on the model, not measured.
    SearchContext modelContext{problem, context.model, context.model, {}};
    auto greedy = createGreedyStrategy()->run(modelContext);
    if (!greedy)
      return greedy.takeError();
    Placement start = greedy->placement;

    const double greedySeconds = elapsed();
    std::optional<Milp> built = buildMilp(context.model, deadline);
    EvaluationTracker tracker(context);
    // The model could not be built in time, or building left CBC no time:
    // the greedy placement is the answer (CBC would only return it).
    auto greedyFallback = [&](const std::string &why) {
      tracker.evaluate(start);
      SearchResult result = tracker.finish();
      char latency[64];
      std::snprintf(latency, sizeof(latency), "%.9g s",
                    context.model.evaluate(start).latency);
      result.caveat = "time limit: " + why + " within " +
                      formatSeconds(options.timeLimitSeconds) +
                      ", greedy placement";
      result.detail = result.caveat + "; model latency " + latency;
      return result;
    };
    if (!built)
      return greedyFallback("the MILP was not built");
    const Milp &milp = *built;
    if (milp.columns.empty()) {
      // Single-level target or nothing to place: every placement is equal.
      tracker.evaluate(start);
      SearchResult result = tracker.finish();
      result.detail = "optimal, proven (nothing to decide)";
      return result;
    }

    const double readySeconds = elapsed();
    const double solveLimit = options.timeLimitSeconds - readySeconds;
    if (!(solveLimit > 0))
      return greedyFallback("the MILP was built but not solved");
    std::vector<std::pair<int, double>> warm = startValues(milp, start);
    auto solve = [&]() {
      std::unique_ptr<Cbc_Model, CbcDeleter> cbc(Cbc_newModel());
      Cbc_Model *m = cbc.get();
      loadMilp(m, milp);
      Cbc_setObjSense(m, 1);
      // Quiet: CBC's driver prints through its own handlers otherwise.
      Cbc_setLogLevel(m, 0);
      Cbc_setParameter(m, "log", "0");
      Cbc_setParameter(m, "slog", "0");
      Cbc_setMaximumSeconds(m, solveLimit);
      Cbc_setParameter(m, "sec", std::to_string(solveLimit).c_str());
      // Stop when the incumbent is proven within kRelativeGap of the optimum.
      Cbc_setAllowableFractionGap(m, kRelativeGap);
      Cbc_setParameter(m, "ratioGap", std::to_string(kRelativeGap).c_str());
      // Wall time, not CPU time, so threads do not shorten the limit.
      Cbc_setParameter(m, "timeMode", "elapsed");
      // CBC's 100 + n: n threads in deterministic mode, so the placement
      // does not depend on which thread finds what first.
      if (options.threads > 1)
        Cbc_setParameter(m, "threads",
                         std::to_string(100 + options.threads).c_str());
      // CBC 2.10's default preprocessing ("sos") turns a one-hot row of six
      // or more levels into an SOS with an extra column, and then looks up
      // that column's name to map the MIP start: "ClpModel::getColumnName,
      // Illegal index", no solution. Plain preprocessing keeps the columns
      // (and measured as fast on the bundled models).
      Cbc_setParameter(m, "preprocess", "on");
      std::vector<int> warmCols;
      std::vector<double> warmValues;
      for (auto [col, value] : warm) {
        warmCols.push_back(col);
        warmValues.push_back(value);
      }
      if (!warmCols.empty())
        Cbc_setMIPStartI(m, int(warmCols.size()), warmCols.data(),
                         warmValues.data());

      Cbc_solve(m);

      CbcOutcome outcome;
      CbcAnswer &answer = outcome.answer;
      const double *best = Cbc_bestSolution(m);
      answer.hasSolution = best != nullptr;
      if (best)
        outcome.solution.assign(best, best + milp.columns.size());
      answer.objective = Cbc_getObjValue(m);
      answer.bestPossible = Cbc_getBestPossibleObjValue(m);
      answer.provenOptimal = Cbc_isProvenOptimal(m);
      answer.secondsLimitReached = Cbc_isSecondsLimitReached(m);
      answer.status = Cbc_status(m);
      answer.secondaryStatus = Cbc_secondaryStatus(m);
      return outcome;
    };
    // CBC stops itself at the limit once it branches; the grace covers
    // handing back its incumbent. Past it, the solve is stopped.
    const double grace = std::max(1.0, 0.05 * options.timeLimitSeconds);
    const Clock::time_point hardDeadline =
        deadline == Clock::time_point::max()
            ? deadline
            : deadline + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(grace));
    CbcOutcome outcome;
    {
      std::lock_guard<std::mutex> lock(cbcMutex());
      outcome = solveInChild(solve, milp.columns.size(), hardDeadline);
    }
    const CbcAnswer &answer = outcome.answer;

    const double toSeconds = 1.0 / kSecondsToUnits;
    std::string detail;
    Placement placement;
    double predicted = 0;
    if (!answer.hasSolution) {
      placement = start;
      predicted = context.model.evaluate(start).latency;
      // CBC does not always flag a limit that passed before it had even
      // evaluated the MIP start (its root LP is not interruptible).
      if (outcome.stopped)
        detail = "time limit: CBC was stopped " + formatSeconds(grace) +
                 " after the limit, in its root LP, greedy placement";
      else if (answer.secondsLimitReached ||
               elapsed() >= options.timeLimitSeconds)
        detail = "time limit: no incumbent from CBC, greedy placement";
      else
        detail = "CBC found no solution, greedy placement";
    } else {
      placement = placementFrom(problem, milp, outcome.solution.data());
      double objective = answer.objective * toSeconds + milp.constantSeconds;
      double bound = answer.bestPossible * toSeconds + milp.constantSeconds;
      predicted = objective;
      double gap =
          objective > 0 ? std::max(0.0, objective - bound) / objective : 0.0;
      if (answer.provenOptimal)
        detail = gap <= 1e-12
                     ? "optimal, proven (gap 0)"
                     : "optimal within a proven gap of " + formatPercent(gap);
      else if (answer.secondsLimitReached)
        detail = "time limit: incumbent, gap " + formatPercent(gap);
      else
        detail = "stopped (status " + std::to_string(answer.status) + "/" +
                 std::to_string(answer.secondaryStatus) +
                 "): incumbent, gap " + formatPercent(gap);
    }
    // The placement satisfies the rows; rectify() would only move it if
    // rounding of CBC's values crossed a capacity by a fraction of a byte.
    Placement rectified = placement;
    if (!rectify(problem, rectified).valid)
      detail += "; solution needed rectification";

    tracker.evaluate(placement);
    SearchResult result = tracker.finish();
    char numbers[256];
    std::snprintf(numbers, sizeof(numbers),
                  "; model latency %.9g s; %zu columns, %zu rows (%u "
                  "capacity), %zu nonzeros; greedy start %.3g s, model "
                  "built in %.3g s",
                  predicted, milp.columns.size(), milp.numRows(),
                  milp.capacityRows, milp.numNonzeros(), greedySeconds,
                  readySeconds - greedySeconds);
    result.detail = detail + numbers;
    if (!answer.provenOptimal || !answer.hasSolution)
      result.caveat = detail;
    return result;
  }
};

} // namespace

std::unique_ptr<Strategy> egrl::createIlpStrategy() {
  return std::make_unique<IlpStrategy>();
}
