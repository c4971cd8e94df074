//===- Milp.h - The analytical model as a mixed-integer linear program ----===//
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
//                     level (a row per tensor whose level decides it);
//                     a node whose tiling re-reads (EngineRule.h) adds
//                     min(A_i(x), B_i(x)), its inputs' or its weights'
//                     re-reads at their levels' own rates: two rows, one
//                     per loop order, and a binary z_i relaxing the one
//                     not chosen by the most its term can exceed the other
//                     (one row and no binary when an order is the cheaper
//                     one for every placement)
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
// microseconds and bytes in KiB so a solver sees coefficients of moderate
// magnitude.
//
// Because t_i (e_i, g_i) are only bounded below and minimised, the MILP
// objective equals AnalyticalModel::evaluate of the placement at the
// optimum, and a placement satisfying the rows needs no rectification.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_MILP_H
#define EGRL_COSTMODEL_MILP_H

#include "egrl/CostModel/AnalyticalModel.h"

#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace egrl {

/// The MILP of one problem, independent of the solver. Rows are stored
/// row-major (compressed) as they are generated; a solver's loader converts
/// them (lib/Search/Ilp.cpp: column-major for Cbc_loadProblem).
struct Milp {
  static constexpr double kSecondsToUnits = 1e6;      ///< Objective in us.
  static constexpr double kBytesToUnits = 1.0 / 1024; ///< Capacity in KiB.
  static constexpr double kInfinity = std::numeric_limits<double>::max();

  struct Column {
    std::string name;
    double lower, upper, objective;
    bool integer;
  };
  std::vector<Column> columns;
  std::vector<size_t> rowStarts{0};
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
    rowStarts.push_back(rowCols.size());
    rowLower.push_back(sense == 'L' ? -kInfinity : rhs);
    rowUpper.push_back(sense == 'G' ? kInfinity : rhs);
  }
  size_t numRows() const { return rowLower.size(); }
  size_t numNonzeros() const { return rowCols.size(); }
};

/// The MILP of `model`'s problem, or nothing if `deadline` passes while
/// building.
std::optional<Milp> buildMilp(const AnalyticalModel &model,
                              std::chrono::steady_clock::time_point deadline);

/// Column values of `placement` for the x columns (a MIP start).
std::vector<std::pair<int, double>> milpStartValues(const Milp &milp,
                                                    const Placement &placement);

/// The placement a solution's x columns describe.
Placement milpPlacement(const Problem &problem, const Milp &milp,
                        const double *solution);

} // namespace egrl

#endif // EGRL_COSTMODEL_MILP_H
