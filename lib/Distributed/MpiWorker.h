//===- MpiWorker.h - A worker rank of the MPI evaluation pool --*- C++ -*-===//
//
// Private to lib/Distributed: what runTool() (Mpi.cpp) calls on every rank
// but 0.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_DISTRIBUTED_MPIWORKER_H
#define EGRL_LIB_DISTRIBUTED_MPIWORKER_H

namespace egrl::mpi::detail {

/// A worker rank's main: serves rank 0's messages until it says stop, then
/// finalizes MPI. Returns the process's exit status.
int serve(int rank);

} // namespace egrl::mpi::detail

#endif // EGRL_LIB_DISTRIBUTED_MPIWORKER_H
