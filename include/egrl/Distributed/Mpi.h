//===- Mpi.h - Measurements spread over the ranks of an MPI job ----------===//
//
// Under `mpirun -n N`, rank 0 runs the tool and ranks 1..N-1 are evaluator
// workers, each with its own evaluator (its own card through
// `external:COMMAND` with {rank} or {worker} in COMMAND). Rank 0 installs a
// pool behind createEvaluator() (setEvaluatorFactory), so every search
// measures its batches on the workers without knowing it: placements go to
// whichever worker is free, results are recorded in index order, so a
// search's outcome does not depend on the number of ranks. A worker that
// dies, hangs past EGRL_MPI_TIMEOUT or whose evaluator fails is dropped and
// its placements measured elsewhere. Without MPI in the build, or with one
// rank, nothing changes. docs/scale-out.md has the details.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_DISTRIBUTED_MPI_H
#define EGRL_DISTRIBUTED_MPI_H

namespace egrl::mpi {

/// A tool's main under MPI. Rank 0 (or any process without MPI, or alone
/// in its job) runs `toolMain`, with the pool installed when there are
/// workers; the other ranks serve evaluations until rank 0 is done. Returns
/// the process's exit status.
int runTool(int argc, char **argv, int (*toolMain)(int, char **));

} // namespace egrl::mpi

#endif // EGRL_DISTRIBUTED_MPI_H
