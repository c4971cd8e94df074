//===- MpiWorker.cpp - A worker rank of the MPI evaluation pool -----------===//
//
// A worker builds the evaluators rank 0 asks for (its own card through
// `external:COMMAND` with {rank} or {worker}) and measures the placements it
// is sent. Its MPI thread receives and sends; an evaluator thread measures,
// so that a hung evaluation still lets it answer rank 0's stop and finalize.
//
//===----------------------------------------------------------------------===//

#include "MpiWorker.h"
#include "MpiProtocol.h"

#include "egrl/CostModel/Evaluator.h"
#include "egrl/CostModel/ExternalEvaluator.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <unistd.h>

using namespace egrl;
using namespace egrl::mpi::detail;
using json = nlohmann::json;

namespace {

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
  if (!ExternalEvaluator::names(name))
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
    if (readValue(message.data, id))
      problems.erase(id);
    return std::nullopt;
  }
  if (message.tag == kProblem)
    return build(message);
  EvalHeader header;
  if (message.tag != kEval || !readValue(message.data, header))
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
  if (!readValue(message.data, id))
    return std::nullopt;
  llvm::StringRef text(message.data.data() + sizeof(id),
                       message.data.size() - sizeof(id));
  Reply reply{kReady, {}};
  appendValue(reply.data, id);
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
      result.flags = (measured.valid ? kResultValid : 0) |
                     (measured.refused ? kResultRefused : 0);
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
  appendValue(reply.data, result);
  reply.data.insert(reply.data.end(), failure.begin(), failure.end());
  return reply;
}
} // namespace

/// A worker rank: this (MPI) thread receives and sends, an evaluator thread
/// measures. A hung evaluation leaves the MPI thread free to answer rank
/// 0's stop, so the job still ends with MPI_Finalize on every rank.
int egrl::mpi::detail::serve(int rank) {
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
