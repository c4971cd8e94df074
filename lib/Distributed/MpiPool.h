//===- MpiPool.h - Rank 0's pool of evaluator workers ----------*- C++ -*-===//
//
// Private to lib/Distributed. Rank 0 sends each worker a problem once (the
// graph's and the target's own JSON, the evaluator's name and options), then
// placements as bytes (one weight and one output level per node) and gets
// back 32-byte results. It never blocks on one worker: sends are MPI_Isend,
// replies are polled with MPI_Iprobe, and a worker that does not answer
// within the timeout is dropped. OpenMPI 4 cannot tell a dead rank from a
// slow one: a worker on rank 0's host is watched through its process id,
// others through that timeout.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_DISTRIBUTED_MPIPOOL_H
#define EGRL_LIB_DISTRIBUTED_MPIPOOL_H

#include "MpiProtocol.h"

#include "egrl/CostModel/Evaluator.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Error.h"

#include <cstdio>
#include <list>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <utility>

namespace egrl::mpi::detail {

class Pool {
public:
  Pool(double timeoutSeconds, llvm::ArrayRef<pid_t> localPids)
      : timeoutSeconds(timeoutSeconds), workers(localPids.size() - 1) {
    for (size_t r = 1; r < localPids.size(); ++r) {
      workers[r - 1].rank = int(r);
      workers[r - 1].localPid = localPids[r];
    }
  }

  /// Sends the problem to every worker and waits for them to build their
  /// evaluators. Returns the problem's id and the evaluator's name.
  llvm::Expected<std::pair<uint32_t, std::string>>
  open(llvm::StringRef name, const Problem &problem,
       const EvaluatorOptions &options);
  void release(uint32_t id) {
    std::lock_guard<std::mutex> lock(mutex);
    releaseLocked(id);
  }

  /// One item of a batch: the placement and which measurement of it.
  struct Item {
    const Placement *placement;
    unsigned repeat;
  };
  std::vector<EvalResult> measure(uint32_t id, llvm::ArrayRef<Item> items);
  std::string failure() const {
    std::lock_guard<std::mutex> lock(mutex);
    return allDropped();
  }

  /// Stops the workers; whether MPI can be finalized (else it must abort:
  /// a dropped worker may be hung or dead).
  bool shutDown();

private:
  struct Worker {
    int rank = 0;
    bool alive = true;
    /// Its process is gone: the job cannot be finalized, only aborted.
    bool lost = false;
    unsigned inFlight = 0;
    Clock::time_point lastProgress;
    /// Its process id when it runs on rank 0's host, else 0: a local
    /// worker that exits is noticed at once instead of at the timeout.
    pid_t localPid = 0;
  };
  struct Outgoing {
    MPI_Request request;
    std::vector<char> data;
  };

  void releaseLocked(uint32_t id);
  bool send(Worker &worker, std::vector<char> data, Tag tag);
  /// Tests pending sends, forgetting those that completed.
  void reapSends();
  void drop(Worker &worker, const std::string &why, bool lost);
  /// Drops the workers that timed out or whose process is gone; returns
  /// whether any was.
  bool dropUnresponsive(bool busyOnly);
  unsigned numAlive() const {
    return std::count_if(workers.begin(), workers.end(),
                         [](const Worker &w) { return w.alive; });
  }
  std::string allDropped() const {
    if (numAlive() > 0 || workers.empty())
      return {};
    return "all " + std::to_string(workers.size()) +
           " MPI workers were dropped: " + llvm::join(dropReasons, "; ");
  }
  std::string timeoutText() const {
    char text[32];
    std::snprintf(text, sizeof(text), "%g", timeoutSeconds);
    return text;
  }

  mutable std::mutex mutex;
  double timeoutSeconds;
  std::vector<Worker> workers; ///< workers[r - 1] is rank r.
  std::list<Outgoing> sends;
  std::vector<std::string> dropReasons;
  uint32_t nextProblem = 0;
  uint64_t nextTicket = 0;
  Clock::time_point lastLivenessCheck;
};

/// EGRL_MPI_TIMEOUT seconds if set; else the external evaluator's timeout
/// plus a minute, so that a worker's own timeout (a command that hangs) is
/// reported by the worker as a failure rather than by rank 0 as a hang.
llvm::Expected<double> poolTimeout();

} // namespace egrl::mpi::detail

#endif // EGRL_LIB_DISTRIBUTED_MPIPOOL_H
