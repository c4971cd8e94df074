//===- Mpi.cpp - An MPI pool of evaluator workers behind createEvaluator -===//
//
// The tools' main under mpirun: every rank but 0 serves (MpiWorker.cpp);
// rank 0 runs the tool with its pool (MpiPool.cpp) behind createEvaluator(),
// and ends the job so that every rank stops: a job survives a rank that exits
// only when mpirun is told so (`--mca orte_abort_on_non_zero_status 0`).
//
//===----------------------------------------------------------------------===//

#include "egrl/Distributed/Mpi.h"

#ifndef EGRL_HAVE_MPI

int egrl::mpi::runTool(int argc, char **argv, int (*toolMain)(int, char **)) {
  return toolMain(argc, argv);
}

#else

#include "MpiPool.h"
#include "MpiWorker.h"

#include "egrl/Support/Interrupt.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/prctl.h>
#include <unistd.h>

using namespace egrl;
using namespace egrl::mpi::detail;

namespace {
/// An evaluator whose measurements are made by the pool's workers.
class PoolEvaluator : public Evaluator {
public:
  PoolEvaluator(const Problem &problem, Pool &pool, uint32_t id,
                std::string evaluatorName)
      : Evaluator(problem), pool(pool), id(id),
        evaluatorName(std::move(evaluatorName)) {}
  ~PoolEvaluator() override { pool.release(id); }

  llvm::StringRef name() const override { return evaluatorName; }
  EvalResult evaluate(const Placement &placement) const override {
    return evaluateRepeat(placement, 0);
  }
  EvalResult evaluateRepeat(const Placement &placement,
                            unsigned repeat) const override {
    Pool::Item item{&placement, repeat};
    return pool.measure(id, item).front();
  }
  /// The pool spreads the batch over its workers; `threads` is theirs to
  /// use (each measures one placement at a time).
  std::vector<EvalResult> evaluateBatch(llvm::ArrayRef<Placement> placements,
                                        unsigned threads) const override {
    std::vector<Pool::Item> items;
    for (const Placement &placement : placements)
      items.push_back({&placement, 0});
    return pool.measure(id, items);
  }
  std::string failure() const override { return pool.failure(); }

private:
  Pool &pool;
  uint32_t id;
  std::string evaluatorName;
};

/// Rank 0's pool while the workers wait for it.
Pool *runningPool = nullptr;

/// Ends the job from rank 0 with `status`: the workers are told to stop and
/// every rank finalises, unless a worker was lost (it would never reach
/// MPI_Finalize), a signal stopped the tool or the tool failed; then
/// MPI_Abort ends every rank, and carries the status to mpirun, which
/// forgets rank 0's own when told to survive exiting ranks.
void endJob(Pool &pool, int status) {
  bool clean = pool.shutDown();
  llvm::outs().flush();
  llvm::errs().flush();
  std::fflush(nullptr);
  if (!clean || stopSignal() || status != 0)
    MPI_Abort(MPI_COMM_WORLD, status);
  MPI_Finalize();
}

/// A tool that exits from deep inside (`--help`: exit(0); die(): exit(1))
/// never returns to runTool(); the workers would wait for it forever.
/// (on_exit, unlike atexit, is told the status.)
void endJobOnExit(int status, void *) {
  if (Pool *pool = std::exchange(runningPool, nullptr))
    endJob(*pool, status);
}

} // namespace

int egrl::mpi::runTool(int argc, char **argv, int (*toolMain)(int, char **)) {
  // Only under a launcher: a plain run stays free of MPI's start-up (and
  // of singleton mode's helper process).
  if (!std::getenv("OMPI_COMM_WORLD_SIZE") && !std::getenv("PMI_SIZE") &&
      !std::getenv("PMIX_RANK"))
    return toolMain(argc, argv);
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided) !=
      MPI_SUCCESS) {
    std::fprintf(stderr, "egrl: MPI_Init failed\n");
    return 1;
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  // Idle ranks sleep in short slices; Linux's default 50 us timer slack
  // would make each of them a round trip's worth.
  prctl(PR_SET_TIMERSLACK, 1000UL);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // Who runs where, so that rank 0 can watch the processes of its own host.
  struct Identity {
    int64_t pid;
    char host[64];
  } me = {int64_t(getpid()), {}};
  gethostname(me.host, sizeof(me.host) - 1);
  std::vector<Identity> everyone(rank == 0 ? size : 0);
  MPI_Gather(&me, sizeof(me), MPI_BYTE, everyone.data(), sizeof(me), MPI_BYTE,
             0, MPI_COMM_WORLD);
  std::vector<pid_t> localPids;
  for (const Identity &other : everyone)
    localPids.push_back(std::strncmp(other.host, me.host, sizeof(me.host))
                            ? 0
                            : pid_t(other.pid));
  if (rank > 0)
    return serve(rank);
  if (size == 1) {
    int status = toolMain(argc, argv);
    MPI_Finalize();
    return status;
  }

  llvm::Expected<double> timeout = poolTimeout();
  if (!timeout) {
    llvm::errs() << "egrl: " << llvm::toString(timeout.takeError()) << "\n";
    llvm::errs().flush();
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  if (provided < MPI_THREAD_SERIALIZED)
    llvm::errs() << "egrl: warning: this MPI does not support calls from "
                    "several threads; keep --threads at 1\n";
  const char *keepGoing = std::getenv("OMPI_MCA_orte_abort_on_non_zero_status");
  llvm::errs() << "egrl: measuring on " << size - 1
               << (size == 2 ? " MPI worker" : " MPI workers")
               << (keepGoing && llvm::StringRef(keepGoing) == "0"
                       ? ""
                       : " (a worker that exits ends the whole job: run "
                         "mpirun with --mca orte_abort_on_non_zero_status 0 "
                         "to go on without it, docs/scale-out.md)")
               << "\n";
  auto pool = std::make_unique<Pool>(*timeout, localPids);
  runningPool = pool.get();
  on_exit(endJobOnExit, nullptr);
  setEvaluatorFactory([&](llvm::StringRef name, const Problem &problem,
                          const EvaluatorOptions &options)
                          -> llvm::Expected<std::unique_ptr<Evaluator>> {
    auto opened = pool->open(name, problem, options);
    if (!opened)
      return opened.takeError();
    return std::make_unique<PoolEvaluator>(problem, *pool, opened->first,
                                           opened->second);
  });
  int status = toolMain(argc, argv);
  runningPool = nullptr;
  setEvaluatorFactory(nullptr);
  endJob(*pool, status);
  return status;
}

#endif // EGRL_HAVE_MPI
