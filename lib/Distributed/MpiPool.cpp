//===- MpiPool.cpp - Rank 0's pool of evaluator workers -------------------===//
//
// The pool's bookkeeping: opening a problem on every worker, spreading a
// batch over them (MpiProtocol.h's messages), dropping a worker that dies or
// hangs and measuring its placements elsewhere, and stopping them.
//
//===----------------------------------------------------------------------===//

#include "MpiPool.h"

#include "egrl/CostModel/ExternalEvaluator.h"
#include "egrl/Support/Interrupt.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <limits>
#include <map>

using namespace egrl;
using namespace egrl::mpi::detail;
using json = nlohmann::json;

namespace {
/// Placements a worker holds at once: the next ones are there when it
/// finishes, so the round trip to rank 0 is hidden (fast evaluators need
/// several). Beyond two only while every worker can get as many, so that
/// the end of a batch is not left queued behind one slow worker.
constexpr unsigned kDepth = 4;
} // namespace

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
    appendValue(data, id);
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
          !readValue(message.data, got) || got != id ||
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
  appendValue(data, id);
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
        appendValue(data, EvalHeader{ticket, id, items[item].repeat});
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
      auto it = message.tag == kResult && readValue(message.data, header)
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
      results[item] = {header.latency, (header.flags & kResultValid) != 0,
                       header.overflowBytes,
                       (header.flags & kResultRefused) != 0};
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

llvm::Expected<double> egrl::mpi::detail::poolTimeout() {
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
