//===- Ilp.cpp - The exact optimum of the analytical model via CBC --------===//
//
// The analytical model (lib/CostModel/AnalyticalModel.cpp, Capacity.cpp) is
// a sum of per-node maxima of linear functions of the placement under
// linear capacity constraints, so it is exactly a mixed-integer linear
// program:
//
//   x[k][l] in {0,1}  tensor k (a node's weights or its output, bytes > 0)
//                     lives in on-chip level l; in the slowest level when
//                     sum_l x[k][l] = 0 (so the backing store needs no
//                     variable and "one level per tensor" is sum <= 1)
//   t_i >= C_i        compute time, as a column lower bound
//   t_i >= M_i(x)     memory time: every tensor node i reads or writes
//                     (the read bytes of its own weights and of shared
//                     weights at the owner's level,
//                     producers' outputs, own output; graph inputs always
//                     from the slowest level) at the bandwidth of its level
//   minimise          sum_i (overhead + t_i)
//   capacity          for each on-chip level l and step s of the liveness
//                     schedule: sum of weights in l + sum of activations
//                     live at s in l <= usableBytes[l]
//
// Capacity rows are only needed at steps after which an activation dies
// (between deaths the live set only grows) and identical rows are
// deduplicated. Nodes that are compute-bound even with every tensor in the
// backing store have t_i = C_i and need no row. Times are in microseconds
// and bytes in KiB so CBC sees coefficients of moderate magnitude.
//
// Because t_i is only bounded below and minimised, t_i = max(C_i, M_i) at
// the optimum: the MILP objective equals AnalyticalModel::evaluate of the
// placement, and a placement satisfying the rows needs no rectification.
// CBC stops when optimality is proven within a relative gap of 1e-4
// (kRelativeGap below explains why not 0); the detail line says which.
// The greedy placement is given to CBC as a MIP start (it fits, so CBC has
// an incumbent from the first second); if CBC stops on its time limit
// without anything better, the result is that incumbent and the detail
// line says so.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/Capacity.h"
#include "egrl/Search/Strategy.h"

#include "Cbc_C_Interface.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>

using namespace egrl;

namespace {

constexpr double kSecondsToUnits = 1e6;      // Objective in microseconds.
constexpr double kBytesToUnits = 1.0 / 1024; // Capacity rows in KiB.
/// Relative optimality gap (of the MILP objective, which leaves out the
/// constant part of the latency) at which CBC may stop. Many tensors save
/// the same latency per byte (every tensor of a memory-bound node), so the
/// LP bound packs capacity exactly and closing the last ~1e-5 is a
/// subset-sum proof that CBC does not finish in minutes even on 60 nodes,
/// for nanoseconds of latency. The detail line reports the gap proven.
constexpr double kRelativeGap = 1e-4;

/// The MILP of one problem, independent of the solver.
struct Milp {
  struct Column {
    std::string name;
    double lower, upper, objective;
    bool integer;
  };
  struct Row {
    std::vector<int> cols;
    std::vector<double> coefs;
    char sense; // 'L' or 'G'.
    double rhs;
  };
  std::vector<Column> columns;
  std::vector<Row> rows;
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
};

Milp buildMilp(const Problem &problem) {
  const unsigned n = problem.numNodes(), slowest = problem.slowestLevel();
  const std::vector<double> &spb = problem.secondsPerByte;
  const WorkloadGraph &graph = problem.graph();
  Milp milp;
  milp.weightVar.assign(n, std::vector<int>(slowest, -1));
  milp.outputVar.assign(n, std::vector<int>(slowest, -1));

  // Level choice per tensor. A tensor larger than a level's usable bytes
  // can never live there; leaving the column out keeps the model small.
  auto addTensor = [&](std::vector<int> &vars, int64_t bytes,
                       const std::string &prefix) {
    if (bytes <= 0)
      return;
    Milp::Row oneLevel{{}, {}, 'L', 1.0};
    for (unsigned l = 0; l < slowest; ++l) {
      if (bytes > problem.usableBytes[l])
        continue;
      vars[l] = milp.addColumn(prefix + "_" + std::to_string(l), 0, 1, 0, true);
      oneLevel.cols.push_back(vars[l]);
      oneLevel.coefs.push_back(1.0);
    }
    if (oneLevel.cols.size() > 1)
      milp.rows.push_back(std::move(oneLevel));
  };
  for (unsigned i = 0; i < n; ++i) {
    addTensor(milp.weightVar[i], problem.weightBytes[i],
              "w" + std::to_string(i));
    addTensor(milp.outputVar[i], problem.outputBytes[i],
              "a" + std::to_string(i));
  }

  // Node times. With every tensor in the backing store M_i is largest;
  // moving tensor k to level l saves bytes_k * (spb[slowest] - spb[l]).
  const double overhead = problem.target().layerOverhead;
  for (unsigned i = 0; i < n; ++i) {
    milp.constantSeconds += overhead;
    Milp::Row row{{}, {}, 'G', 0};
    double slowestSeconds = problem.hostInputBytes[i] * spb[slowest];
    // `bytes` is what one inference moves: all of an activation, the read
    // part of weights (less than the resident part for lookups).
    auto addTerm = [&](const std::vector<int> &vars, int64_t bytes) {
      if (bytes <= 0)
        return;
      slowestSeconds += bytes * spb[slowest];
      for (unsigned l = 0; l < slowest; ++l)
        if (vars[l] >= 0) {
          row.cols.push_back(vars[l]);
          row.coefs.push_back(bytes * (spb[slowest] - spb[l]) *
                              kSecondsToUnits);
        }
    };
    addTerm(milp.weightVar[i], problem.weightReadBytes[i]);
    addTerm(milp.outputVar[i], problem.outputBytes[i]);
    for (unsigned p : graph.nodes[i].producers)
      addTerm(milp.outputVar[p], problem.outputBytes[p]);
    for (unsigned owner : graph.nodes[i].sharedWeights)
      addTerm(milp.weightVar[owner], problem.weightReadBytes[owner]);
    const double compute = problem.computeSeconds[i];
    if (row.cols.empty() || compute >= slowestSeconds) {
      // Nothing node i touches can make it faster than max(C_i, M_i).
      milp.constantSeconds += std::max(compute, slowestSeconds);
      continue;
    }
    // t_i + sum savings * x >= M_i(all slowest).
    int t = milp.addColumn("t" + std::to_string(i), compute * kSecondsToUnits,
                           std::numeric_limits<double>::max(), 1.0, false);
    row.cols.push_back(t);
    row.coefs.push_back(1.0);
    row.rhs = slowestSeconds * kSecondsToUnits;
    milp.rows.push_back(std::move(row));
  }

  // Capacity. live(s) grows until an activation dies, so only the steps
  // where one dies (and the last step) can bind.
  std::vector<bool> deathStep(n, false);
  if (n > 0)
    deathStep[n - 1] = true;
  for (unsigned j = 0; j < n; ++j)
    if (problem.outputBytes[j] > 0)
      deathStep[problem.lastUse[j]] = true;
  std::vector<std::vector<unsigned>> liveSets;
  for (unsigned s = 0; s < n; ++s) {
    if (!deathStep[s])
      continue;
    std::vector<unsigned> live;
    for (unsigned j = 0; j <= s; ++j)
      if (problem.outputBytes[j] > 0 && problem.lastUse[j] >= s)
        live.push_back(j);
    if (liveSets.empty() || liveSets.back() != live)
      liveSets.push_back(std::move(live));
  }
  for (unsigned l = 0; l < slowest; ++l) {
    Milp::Row weights{{}, {}, 'L', 0};
    for (unsigned i = 0; i < n; ++i)
      if (milp.weightVar[i][l] >= 0) {
        weights.cols.push_back(milp.weightVar[i][l]);
        weights.coefs.push_back(problem.weightBytes[i] * kBytesToUnits);
      }
    double rhs = problem.usableBytes[l] * kBytesToUnits;
    std::map<std::vector<int>, bool> seen; // Live sets whose rows coincide.
    for (const std::vector<unsigned> &live : liveSets) {
      Milp::Row row = weights;
      row.rhs = rhs;
      std::vector<int> key;
      for (unsigned j : live)
        if (milp.outputVar[j][l] >= 0) {
          row.cols.push_back(milp.outputVar[j][l]);
          row.coefs.push_back(problem.outputBytes[j] * kBytesToUnits);
          key.push_back(milp.outputVar[j][l]);
        }
      if (!seen.emplace(key, true).second)
        continue;
      // A row that holds with everything in l is not a constraint.
      double full = 0;
      for (double c : row.coefs)
        full += c;
      if (row.cols.empty() || full <= rhs)
        continue;
      milp.rows.push_back(std::move(row));
      ++milp.capacityRows;
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

std::string formatPercent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3g%%", fraction * 100);
  return buffer;
}

class IlpStrategy : public Strategy {
public:
  llvm::StringRef name() const override { return "ilp"; }
  bool dependsOnSeed() const override { return false; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
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

    // The greedy placement warm-starts CBC and is the fallback when CBC
    // finds nothing in time. It is computed on the model, not measured.
    SearchContext modelContext{problem, context.model, context.model, {}};
    auto greedy = createGreedyStrategy()->run(modelContext);
    if (!greedy)
      return greedy.takeError();
    Placement start = greedy->placement;

    Milp milp = buildMilp(problem);
    EvaluationTracker tracker(context);
    if (milp.columns.empty()) {
      // Single-level target or nothing to place: every placement is equal.
      tracker.evaluate(start);
      SearchResult result = tracker.finish();
      result.detail = "optimal, proven (nothing to decide)";
      return result;
    }

    std::lock_guard<std::mutex> lock(cbcMutex());
    std::unique_ptr<Cbc_Model, CbcDeleter> cbc(Cbc_newModel());
    Cbc_Model *m = cbc.get();
    for (const Milp::Column &c : milp.columns)
      Cbc_addCol(m, c.name.c_str(), c.lower, c.upper, c.objective,
                 c.integer ? 1 : 0, 0, nullptr, nullptr);
    for (size_t r = 0; r < milp.rows.size(); ++r) {
      const Milp::Row &row = milp.rows[r];
      std::string rowName = "r" + std::to_string(r);
      Cbc_addRow(m, rowName.c_str(), int(row.cols.size()), row.cols.data(),
                 row.coefs.data(), row.sense, row.rhs);
    }
    Cbc_setObjSense(m, 1);
    // Quiet: CBC's driver prints through its own handlers otherwise.
    Cbc_setLogLevel(m, 0);
    Cbc_setParameter(m, "log", "0");
    Cbc_setParameter(m, "slog", "0");
    Cbc_setMaximumSeconds(m, options.timeLimitSeconds);
    Cbc_setParameter(m, "sec",
                     std::to_string(options.timeLimitSeconds).c_str());
    // Stop when the incumbent is proven within kRelativeGap of the optimum.
    Cbc_setAllowableFractionGap(m, kRelativeGap);
    Cbc_setParameter(m, "ratioGap", std::to_string(kRelativeGap).c_str());
    // Wall time, not CPU time, so threads do not shorten the limit.
    Cbc_setParameter(m, "timeMode", "elapsed");
    if (options.threads > 1)
      Cbc_setParameter(m, "threads", std::to_string(options.threads).c_str());
    std::vector<std::pair<int, double>> warm = startValues(milp, start);
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

    const double *best = Cbc_bestSolution(m);
    const double toSeconds = 1.0 / kSecondsToUnits;
    std::string detail;
    Placement placement;
    double predicted = 0;
    if (!best) {
      placement = start;
      predicted = context.model.evaluate(start).latency;
      detail = Cbc_isSecondsLimitReached(m)
                   ? "time limit: no incumbent from CBC, greedy placement"
                   : "CBC found no solution, greedy placement";
    } else {
      placement = placementFrom(problem, milp, best);
      double objective = Cbc_getObjValue(m) * toSeconds + milp.constantSeconds;
      double bound =
          Cbc_getBestPossibleObjValue(m) * toSeconds + milp.constantSeconds;
      predicted = objective;
      double gap =
          objective > 0 ? std::max(0.0, objective - bound) / objective : 0.0;
      if (Cbc_isProvenOptimal(m))
        detail = gap <= 1e-12
                     ? "optimal, proven (gap 0)"
                     : "optimal within a proven gap of " + formatPercent(gap);
      else if (Cbc_isSecondsLimitReached(m))
        detail = "time limit: incumbent, gap " + formatPercent(gap);
      else
        detail = "stopped (status " + std::to_string(Cbc_status(m)) + "/" +
                 std::to_string(Cbc_secondaryStatus(m)) + "): incumbent, gap " +
                 formatPercent(gap);
    }
    // The placement satisfies the rows; rectify() would only move it if
    // rounding of CBC's values crossed a capacity by a fraction of a byte.
    Placement rectified = placement;
    if (!rectify(problem, rectified).valid)
      detail += "; solution needed rectification";

    tracker.evaluate(placement);
    SearchResult result = tracker.finish();
    char numbers[160];
    std::snprintf(numbers, sizeof(numbers),
                  "; model latency %.9g s; %zu columns, %zu rows (%u "
                  "capacity)",
                  predicted, milp.columns.size(), milp.rows.size(),
                  milp.capacityRows);
    result.detail = detail + numbers;
    return result;
  }
};

} // namespace

std::unique_ptr<Strategy> egrl::createIlpStrategy() {
  return std::make_unique<IlpStrategy>();
}
