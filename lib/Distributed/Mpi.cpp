//===- Mpi.cpp - An MPI pool of evaluator workers behind createEvaluator -===//
//
// Rank 0 sends each worker a problem once (the graph's and the target's own
// JSON, the evaluator's name and options), then placements as bytes (one
// weight and one output level per node) and gets back 32-byte results. Rank
// 0 never blocks on one worker: sends are MPI_Isend, replies are polled with
// MPI_Iprobe, and a worker that does not answer within the timeout is
// dropped. OpenMPI 4 cannot tell a dead rank from a slow one: a worker on
// rank 0's host is watched through its process id, others through that
// timeout, and a job survives a rank that exits only when mpirun is told so
// (`--mca orte_abort_on_non_zero_status 0`). Workers measure on a thread of
// their own, so that a hung evaluation still lets them stop and finalize.
//
//===----------------------------------------------------------------------===//

#include "egrl/Distributed/Mpi.h"

#ifndef EGRL_HAVE_MPI

bool egrl::mpi::available() { return false; }

int egrl::mpi::runTool(int argc, char **argv, int (*toolMain)(int, char **)) {
  return toolMain(argc, argv);
}

#else

#include "egrl/CostModel/Evaluator.h"
#include "egrl/CostModel/ExternalEvaluator.h"
#include "egrl/Support/Interrupt.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

// The C API only: OpenMPI's C++ bindings need a library of their own.
#define OMPI_SKIP_MPICXX 1
#include <mpi.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <sys/prctl.h>
#include <thread>
#include <unistd.h>
#include <utility>

using namespace egrl;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

bool egrl::mpi::available() { return true; }

namespace {

enum Tag : int {
  kProblem = 1, ///< 0 -> worker: u32 id, then the problem's JSON.
  kRelease = 2, ///< 0 -> worker: u32 id; the evaluator is no longer needed.
  kEval = 3,    ///< 0 -> worker: EvalHeader, then 2 bytes per node.
  kStop = 4,    ///< 0 -> worker: serve no more.
  kReady = 5,   ///< worker -> 0: u32 id, u8 ok, then its name or the error.
  kResult = 6,  ///< worker -> 0: ResultHeader, then the failure if any.
  kBye = 7,     ///< worker -> 0: stopping; it will call MPI_Finalize.
};

struct EvalHeader {
  uint64_t ticket;
  uint32_t problem;
  uint32_t repeat;
};

struct ResultHeader {
  uint64_t ticket;
  double latency;
  int64_t overflowBytes;
  uint64_t valid;
};

/// Placements a worker holds at once: the next ones are there when it
/// finishes, so the round trip to rank 0 is hidden (fast evaluators need
/// several). Beyond two only while every worker can get as many, so that
/// the end of a batch is not left queued behind one slow worker.
constexpr unsigned kDepth = 4;

template <typename T> void append(std::vector<char> &out, const T &value) {
  const char *bytes = reinterpret_cast<const char *>(&value);
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

template <typename T> bool read(const std::vector<char> &in, T &value) {
  if (in.size() < sizeof(T))
    return false;
  std::memcpy(&value, in.data(), sizeof(T));
  return true;
}

/// Sleeps a little longer each time nothing came, up to `capMicros`: idle
/// ranks must not take the cores the evaluators need (oversubscribed runs).
class Backoff {
public:
  explicit Backoff(unsigned capMicros) : cap(capMicros) {}
  void reset() {
    spins = 0;
    micros = 0;
  }
  void pause() {
    // Yielding first: an answer is often microseconds away, and a yield
    // hands the core to whoever needs it.
    if (spins < kSpins) {
      ++spins;
      std::this_thread::yield();
      return;
    }
    micros = std::min(cap, std::max(10u, micros * 2));
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
  }

private:
  static constexpr unsigned kSpins = 50;
  unsigned cap;
  unsigned spins = 0;
  unsigned micros = 0;
};

/// A message waiting on the communicator, received whole.
struct Message {
  int source = -1;
  int tag = 0;
  std::vector<char> data;
};

/// Receives one message from `source` (or any) if one has arrived.
bool receive(int source, Message &message) {
  int flag = 0;
  MPI_Status status;
  if (MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status) !=
          MPI_SUCCESS ||
      !flag)
    return false;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  message.source = status.MPI_SOURCE;
  message.tag = status.MPI_TAG;
  message.data.assign(size_t(std::max(count, 0)), 0);
  return MPI_Recv(message.data.data(), count, MPI_BYTE, status.MPI_SOURCE,
                  status.MPI_TAG, MPI_COMM_WORLD,
                  MPI_STATUS_IGNORE) == MPI_SUCCESS;
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

//===----------------------------------------------------------------------===//
// Worker ranks
//===----------------------------------------------------------------------===//

/// Test-only fault injection (docs/scale-out.md, "Testing faults"):
/// EGRL_MPI_FAULT=die:RANK:AFTER or hang:RANK:AFTER makes worker RANK exit,
/// or stop answering, when asked for evaluation AFTER + 1.
struct Fault {
  enum Kind { None, Die, Hang } kind = None;
  int rank = -1;
  uint64_t after = 0;

  static Fault fromEnvironment() {
    Fault fault;
    const char *text = std::getenv("EGRL_MPI_FAULT");
    if (!text)
      return fault;
    llvm::SmallVector<llvm::StringRef, 3> parts;
    llvm::StringRef(text).split(parts, ':');
    if (parts.size() != 3 || parts[1].getAsInteger(10, fault.rank) ||
        parts[2].getAsInteger(10, fault.after))
      return fault;
    fault.kind = parts[0] == "die" ? Die : parts[0] == "hang" ? Hang : None;
    return fault;
  }
};

/// One problem a worker measures on, with what it was built from.
struct WorkerProblem {
  std::unique_ptr<WorkloadGraph> graph;
  std::unique_ptr<Target> target;
  std::unique_ptr<Problem> problem;
  std::unique_ptr<Evaluator> evaluator;
};

/// `{rank}` and `{worker}` (rank - 1, counting cards from 0) in an
/// external command select this worker's device.
std::string substituteRank(llvm::StringRef name, int rank) {
  if (!name.starts_with(ExternalEvaluator::prefix))
    return name.str();
  std::string out = name.str();
  auto replaceAll = [&](llvm::StringRef from, const std::string &to) {
    for (size_t at = out.find(from.str()); at != std::string::npos;
         at = out.find(from.str(), at + to.size()))
      out.replace(at, from.size(), to);
  };
  replaceAll("{rank}", std::to_string(rank));
  replaceAll("{worker}", std::to_string(rank - 1));
  return out;
}

llvm::Expected<WorkerProblem> buildProblem(llvm::StringRef text, int rank) {
  json spec = json::parse(text.begin(), text.end(), nullptr, false);
  if (!spec.is_object() || !spec["evaluator"].is_string() ||
      !spec["graph"].is_object() || !spec["target"].is_object() ||
      !spec["retries"].is_number_unsigned())
    return llvm::createStringError("malformed problem message");
  WorkerProblem out;
  llvm::Expected<WorkloadGraph> graph =
      WorkloadGraph::fromJSON(spec["graph"].dump(), "<rank 0's graph>");
  if (!graph)
    return graph.takeError();
  llvm::Expected<Target> target =
      Target::parse(spec["target"].dump(), "<rank 0's target>");
  if (!target)
    return target.takeError();
  out.graph = std::make_unique<WorkloadGraph>(std::move(*graph));
  out.target = std::make_unique<Target>(std::move(*target));
  out.problem = std::make_unique<Problem>(*out.graph, *out.target);
  EvaluatorOptions options;
  options.retries = spec["retries"].get<unsigned>();
  auto evaluator = createLocalEvaluator(
      substituteRank(spec["evaluator"].get<std::string>(), rank), *out.problem,
      options);
  if (!evaluator)
    return evaluator.takeError();
  out.evaluator = std::move(*evaluator);
  return std::move(out);
}

/// What a worker's evaluator thread answers a message with: bytes and a
/// tag, or nothing.
struct Reply {
  Tag tag;
  std::vector<char> data;
};

/// A worker's problems and its evaluations, run on its evaluator thread so
/// that the MPI thread keeps answering rank 0 while an evaluation hangs.
class WorkerState {
public:
  explicit WorkerState(int rank) : rank(rank) {
    fault = Fault::fromEnvironment();
    if (fault.rank != rank)
      fault.kind = Fault::None;
  }
  std::optional<Reply> handle(const Message &message);
  /// Stops external commands.
  void clear() { problems.clear(); }

private:
  std::optional<Reply> build(const Message &message);
  Reply evaluate(const Message &message, const EvalHeader &header);

  int rank;
  Fault fault;
  uint64_t evaluations = 0;
  std::map<uint32_t, WorkerProblem> problems;
};

std::optional<Reply> WorkerState::handle(const Message &message) {
  uint32_t id = 0;
  if (message.tag == kRelease) {
    if (read(message.data, id))
      problems.erase(id);
    return std::nullopt;
  }
  if (message.tag == kProblem)
    return build(message);
  EvalHeader header;
  if (message.tag != kEval || !read(message.data, header))
    return std::nullopt;
  ++evaluations;
  if (fault.kind != Fault::None && evaluations > fault.after) {
    if (fault.kind == Fault::Die)
      _exit(1);
    while (true) // An evaluation that never ends.
      std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return evaluate(message, header);
}

std::optional<Reply> WorkerState::build(const Message &message) {
  uint32_t id = 0;
  if (!read(message.data, id))
    return std::nullopt;
  llvm::StringRef text(message.data.data() + sizeof(id),
                       message.data.size() - sizeof(id));
  Reply reply{kReady, {}};
  append(reply.data, id);
  llvm::Expected<WorkerProblem> built = buildProblem(text, rank);
  std::string said;
  if (built) {
    said = (*built).evaluator->name().str();
    problems[id] = std::move(*built);
  } else {
    said = llvm::toString(built.takeError());
  }
  reply.data.push_back(char(problems.count(id) ? 1 : 0));
  reply.data.insert(reply.data.end(), said.begin(), said.end());
  return reply;
}

Reply WorkerState::evaluate(const Message &message, const EvalHeader &header) {
  ResultHeader result{header.ticket, std::numeric_limits<double>::infinity(), 0,
                      0};
  std::string failure;
  auto found = problems.find(header.problem);
  size_t bytes = message.data.size() - sizeof(header);
  if (found == problems.end()) {
    failure = "worker has no problem " + std::to_string(header.problem);
  } else if (bytes != 2 * size_t(found->second.problem->numNodes())) {
    failure = "placement of the wrong size";
  } else {
    Placement placement;
    placement.nodes.resize(bytes / 2);
    const char *levels = message.data.data() + sizeof(header);
    unsigned numLevels = found->second.problem->numLevels();
    bool inRange = true;
    for (size_t i = 0; i < placement.nodes.size(); ++i) {
      placement.nodes[i] = {uint8_t(levels[2 * i]), uint8_t(levels[2 * i + 1])};
      inRange &= placement.nodes[i].weights < numLevels &&
                 placement.nodes[i].output < numLevels;
    }
    const Evaluator &evaluator = *found->second.evaluator;
    if (!inRange) {
      failure = "placement names a level the target does not have";
    } else {
      EvalResult measured =
          header.repeat ? evaluator.evaluateRepeat(placement, header.repeat)
                        : evaluator.evaluate(placement);
      result.latency = measured.latency;
      result.valid = measured.valid;
      result.overflowBytes = measured.overflowBytes;
      if (!std::isfinite(measured.latency)) {
        failure = evaluator.failure();
        if (failure.empty())
          failure = "the evaluator answered an infinite latency";
      }
    }
  }
  if (!failure.empty())
    result.latency = std::numeric_limits<double>::infinity();
  Reply reply{kResult, {}};
  append(reply.data, result);
  reply.data.insert(reply.data.end(), failure.begin(), failure.end());
  return reply;
}

/// A worker rank: this (MPI) thread receives and sends, an evaluator thread
/// measures. A hung evaluation leaves the MPI thread free to answer rank
/// 0's stop, so the job still ends with MPI_Finalize on every rank.
int serve(int rank) {
  WorkerState state(rank);
  std::mutex mutex;
  std::condition_variable wake, replied;
  std::deque<Message> inbox;
  std::deque<Reply> outbox;
  bool quit = false, idle = true, finished = false;
  std::thread evaluator([&] {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      wake.wait(lock, [&] { return quit || !inbox.empty(); });
      if (inbox.empty())
        break;
      Message message = std::move(inbox.front());
      inbox.pop_front();
      idle = false;
      lock.unlock();
      std::optional<Reply> reply = state.handle(message);
      lock.lock();
      idle = true;
      if (reply) {
        outbox.push_back(std::move(*reply));
        replied.notify_one();
      }
    }
    lock.unlock();
    state.clear();
    lock.lock();
    finished = true;
  });

  Backoff backoff(1000);
  Message message;
  while (true) {
    bool busy = false;
    {
      std::lock_guard<std::mutex> lock(mutex);
      while (!outbox.empty()) {
        Reply &reply = outbox.front();
        MPI_Send(reply.data.data(), int(reply.data.size()), MPI_BYTE, 0,
                 reply.tag, MPI_COMM_WORLD);
        outbox.pop_front();
        busy = true;
      }
    }
    if (receive(0, message)) {
      if (message.tag == kStop)
        break;
      {
        std::lock_guard<std::mutex> lock(mutex);
        inbox.push_back(std::move(message));
      }
      wake.notify_one();
      busy = true;
    }
    if (busy) {
      backoff.reset();
      continue;
    }
    // While an evaluation runs, wait for its answer rather than poll: the
    // evaluator thread needs the core (the next placement is usually here
    // already, at most a millisecond is lost on a new one).
    std::unique_lock<std::mutex> lock(mutex);
    if (!idle || !inbox.empty()) {
      replied.wait_for(lock, std::chrono::milliseconds(1),
                       [&] { return !outbox.empty(); });
      continue;
    }
    lock.unlock();
    backoff.pause();
  }
  // Rank 0 waits for this before it finalizes: proof that this rank will.
  MPI_Send(nullptr, 0, MPI_BYTE, 0, kBye, MPI_COMM_WORLD);
  {
    std::lock_guard<std::mutex> lock(mutex);
    quit = true;
    inbox.clear();
  }
  wake.notify_one();
  // An evaluation that does not end within a few seconds is abandoned with
  // the process (its commands see their input close).
  auto deadline = Clock::now() + std::chrono::seconds(5);
  bool stuck = true;
  while (Clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stuck = !finished;
    }
    if (!stuck)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  MPI_Finalize();
  if (stuck) {
    std::fflush(nullptr);
    _exit(0);
  }
  evaluator.join();
  return 0;
}

//===----------------------------------------------------------------------===//
// Rank 0: the pool
//===----------------------------------------------------------------------===//

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

bool Pool::dropUnresponsive(bool busyOnly) {
  // kill(pid, 0) ten times a second at most: cheap, and soon enough.
  bool checkPids = secondsSince(lastLivenessCheck) > 0.1;
  if (checkPids)
    lastLivenessCheck = Clock::now();
  bool any = false;
  for (Worker &worker : workers) {
    if (!worker.alive || (busyOnly && worker.inFlight == 0))
      continue;
    if (checkPids && worker.localPid > 0 && kill(worker.localPid, 0) != 0 &&
        errno == ESRCH) {
      drop(worker, "exited (its process is gone)", /*lost=*/true);
      any = true;
    } else if (secondsSince(worker.lastProgress) > timeoutSeconds) {
      drop(worker,
           "did not answer within " + timeoutText() +
               " s (EGRL_MPI_TIMEOUT): hung or dead",
           /*lost=*/false);
      any = true;
    }
  }
  return any;
}

bool Pool::send(Worker &worker, std::vector<char> data, Tag tag) {
  sends.push_back({MPI_REQUEST_NULL, std::move(data)});
  Outgoing &out = sends.back();
  if (MPI_Isend(out.data.data(), int(out.data.size()), MPI_BYTE, worker.rank,
                tag, MPI_COMM_WORLD, &out.request) != MPI_SUCCESS) {
    sends.pop_back();
    drop(worker, "sending to it failed", /*lost=*/true);
    return false;
  }
  return true;
}

void Pool::reapSends() {
  for (auto it = sends.begin(); it != sends.end();) {
    int done = 0;
    if (MPI_Test(&it->request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS || done)
      it = sends.erase(it);
    else
      ++it;
  }
}

void Pool::drop(Worker &worker, const std::string &why, bool lost) {
  if (!worker.alive)
    return;
  worker.alive = false;
  worker.lost = lost;
  worker.inFlight = 0;
  std::string reason = "rank " + std::to_string(worker.rank) + " " + why;
  dropReasons.push_back(reason);
  llvm::errs() << "egrl: MPI worker " << reason << "; dropped, " << numAlive()
               << " of " << workers.size() << " left\n";
}

llvm::Expected<std::pair<uint32_t, std::string>>
Pool::open(llvm::StringRef name, const Problem &problem,
           const EvaluatorOptions &options) {
  std::lock_guard<std::mutex> lock(mutex);
  if (std::string why = allDropped(); !why.empty())
    return llvm::createStringError(why);
  uint32_t id = nextProblem++;
  // The graph's and the target's own JSON, spliced in unparsed.
  std::string text = "{\"evaluator\":" + json(name.str()).dump() +
                     ",\"retries\":" + std::to_string(options.retries) +
                     ",\"target\":" + problem.target().toJSON() +
                     ",\"graph\":" + problem.graph().toJSON(-1) + "}";
  std::map<int, Worker *> waiting;
  for (Worker &worker : workers) {
    if (!worker.alive)
      continue;
    std::vector<char> data;
    append(data, id);
    data.insert(data.end(), text.begin(), text.end());
    if (send(worker, std::move(data), kProblem)) {
      waiting[worker.rank] = &worker;
      worker.inFlight = 1; // Busy building: the timeout applies.
      worker.lastProgress = Clock::now();
    }
  }
  // Built or refused, per worker; a worker that says nothing is dropped.
  std::map<int, std::string> refused;
  std::string evaluatorName;
  Backoff backoff(50);
  Message message;
  while (!waiting.empty()) {
    if (receive(MPI_ANY_SOURCE, message)) {
      backoff.reset();
      uint32_t got;
      auto it = waiting.find(message.source);
      if (message.tag != kReady || it == waiting.end() ||
          !read(message.data, got) || got != id ||
          message.data.size() < sizeof(got) + 1)
        continue; // Late answers from dropped workers.
      std::string said(message.data.begin() + sizeof(got) + 1,
                       message.data.end());
      it->second->inFlight = 0;
      if (message.data[sizeof(got)])
        evaluatorName = said;
      else
        refused[message.source] = said;
      waiting.erase(it);
      continue;
    }
    reapSends();
    if (dropUnresponsive(/*busyOnly=*/true))
      for (auto it = waiting.begin(); it != waiting.end();)
        it = it->second->alive ? std::next(it) : waiting.erase(it);
    backoff.pause();
  }
  // Every worker refusing is the evaluator's answer (a bad name, a command
  // that refuses the graph), reported as without MPI; some refusing is
  // those workers' fault.
  if (evaluatorName.empty() && !refused.empty()) {
    releaseLocked(id);
    return llvm::createStringError(refused.begin()->second);
  }
  for (auto &[rank, why] : refused)
    drop(workers[rank - 1], "could not build its evaluator: " + why,
         /*lost=*/false);
  if (std::string why = allDropped(); !why.empty())
    return llvm::createStringError(why);
  return std::make_pair(id, evaluatorName);
}

void Pool::releaseLocked(uint32_t id) {
  std::vector<char> data;
  append(data, id);
  for (Worker &worker : workers)
    if (worker.alive)
      send(worker, data, kRelease);
  reapSends();
}

std::vector<EvalResult> Pool::measure(uint32_t id, llvm::ArrayRef<Item> items) {
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<EvalResult> results(items.size());
  std::deque<size_t> queue;
  for (size_t i = 0; i < items.size(); ++i)
    queue.push_back(i);
  struct Ticket {
    size_t item;
    Worker *worker;
  };
  std::map<uint64_t, Ticket> tickets;
  size_t done = 0;
  // Items a dropped worker held go back to the front of the queue.
  auto requeue = [&](Worker &worker) {
    for (auto it = tickets.begin(); it != tickets.end();) {
      if (it->second.worker == &worker) {
        queue.push_front(it->second.item);
        it = tickets.erase(it);
      } else {
        ++it;
      }
    }
  };
  auto fail = [&]() {
    for (size_t i : queue)
      results[i].latency = std::numeric_limits<double>::infinity();
    for (auto &entry : tickets)
      results[entry.second.item].latency =
          std::numeric_limits<double>::infinity();
  };
  Backoff backoff(50);
  Message message;
  while (done < items.size()) {
    if (numAlive() == 0 || stopSignal()) {
      fail();
      break;
    }
    // Feed every worker that has room; the least busy first keeps the
    // load even when a batch is smaller than the pool's depth.
    for (unsigned depth = 0; depth < kDepth && !queue.empty(); ++depth)
      for (Worker &worker : workers) {
        if (depth >= 2 && queue.size() < numAlive())
          break;
        if (queue.empty())
          break;
        if (!worker.alive || worker.inFlight > depth)
          continue;
        size_t item = queue.front();
        const Placement &placement = *items[item].placement;
        std::vector<char> data;
        uint64_t ticket = nextTicket++;
        append(data, EvalHeader{ticket, id, items[item].repeat});
        for (const NodePlacement &node : placement.nodes) {
          data.push_back(char(node.weights));
          data.push_back(char(node.output));
        }
        if (!send(worker, std::move(data), kEval)) {
          requeue(worker);
          continue;
        }
        queue.pop_front();
        tickets[ticket] = {item, &worker};
        if (worker.inFlight++ == 0)
          worker.lastProgress = Clock::now();
      }
    if (receive(MPI_ANY_SOURCE, message)) {
      backoff.reset();
      ResultHeader header;
      auto it = message.tag == kResult && read(message.data, header)
                    ? tickets.find(header.ticket)
                    : tickets.end();
      if (it == tickets.end())
        continue; // Late answers from dropped workers, or a ready.
      Worker &worker = *it->second.worker;
      size_t item = it->second.item;
      --worker.inFlight;
      worker.lastProgress = Clock::now();
      if (!std::isfinite(header.latency)) {
        std::string why(message.data.begin() + sizeof(header),
                        message.data.end());
        drop(worker, "failed to measure: " + why, /*lost=*/false);
        requeue(worker);
        continue;
      }
      tickets.erase(it);
      results[item] = {header.latency, header.valid != 0, header.overflowBytes};
      ++done;
      continue;
    }
    reapSends();
    // Ticket-holding workers that were dropped give their items back.
    if (dropUnresponsive(/*busyOnly=*/true))
      for (Worker &worker : workers)
        if (!worker.alive)
          requeue(worker);
    backoff.pause();
  }
  return results;
}

bool Pool::shutDown() {
  std::lock_guard<std::mutex> lock(mutex);
  // Every worker whose process may still run is asked to stop, dropped
  // ones too (an evaluation may hang; their MPI thread still answers).
  std::map<int, Worker *> waiting;
  for (Worker &worker : workers)
    if (!worker.lost && send(worker, {}, kStop))
      waiting[worker.rank] = &worker;
  auto start = Clock::now();
  Message message;
  while (!waiting.empty() && secondsSince(start) < 10) {
    if (receive(MPI_ANY_SOURCE, message)) {
      if (message.tag == kBye)
        waiting.erase(message.source);
      continue;
    }
    reapSends();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  bool clean = waiting.empty() &&
               llvm::none_of(workers, [](const Worker &w) { return w.lost; });
  while (clean && !sends.empty() && secondsSince(start) < 10)
    reapSends();
  return clean && sends.empty();
}

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

/// EGRL_MPI_TIMEOUT seconds if set; else the external evaluator's timeout
/// plus a minute, so that a worker's own timeout (a command that hangs) is
/// reported by the worker as a failure rather than by rank 0 as a hang.
llvm::Expected<double> poolTimeout() {
  if (const char *text = std::getenv("EGRL_MPI_TIMEOUT"); text && *text) {
    char *end = nullptr;
    double seconds = std::strtod(text, &end);
    if (*end != '\0' || !(seconds > 0))
      return llvm::createStringError(
          "EGRL_MPI_TIMEOUT must be a positive number of seconds, not '" +
          llvm::Twine(text) + "'");
    return std::min(seconds, 1e7);
  }
  llvm::Expected<double> external = ExternalEvaluator::timeoutFromEnvironment();
  if (!external)
    return external.takeError();
  return std::min(*external + 60, 1e7);
}

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
