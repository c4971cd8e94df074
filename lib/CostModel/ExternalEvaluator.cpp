//===- ExternalEvaluator.cpp - A user's command as the evaluator ----------===//

#include "egrl/CostModel/ExternalEvaluator.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/Support/Interrupt.h"
#include "egrl/Support/Json.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <poll.h>
#include <set>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

using namespace egrl;
using json = nlohmann::json;

namespace {
/// The latencies an answer may give, in seconds.
constexpr double kLeastLatencySeconds = 1e-15, kMostLatencySeconds = 1e7;
/// An answer longer than this is not a latency: the command is broken.
constexpr size_t maxAnswerBytes = 1 << 20;
/// About 115 days: longer is "no limit", and still a representable deadline.
constexpr double maxTimeoutSeconds = 1e7;

using Clock = std::chrono::steady_clock;

/// Milliseconds left until `deadline` for poll(), at least 0.
int millisecondsUntil(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - Clock::now())
                  .count();
  return int(std::clamp<long long>(left, 0, std::numeric_limits<int>::max()));
}

/// "exited with status 3", "was killed by signal 9".
std::string describeExit(const siginfo_t &info) {
  if (info.si_code == CLD_EXITED)
    return "exited with status " + std::to_string(info.si_status);
  return "was killed by signal " + std::to_string(info.si_status);
}

/// Whether a process of group `group` other than a zombie is running (on
/// Linux, from /proc; elsewhere: assume so). The command may be a shell
/// whose child outlives it, still cleaning up after SIGTERM.
bool groupIsRunning(pid_t group) {
  std::error_code ec;
  llvm::sys::fs::directory_iterator it("/proc", ec), end;
  if (ec)
    return true;
  for (; it != end && !ec; it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    unsigned pid;
    if (name.getAsInteger(10, pid))
      continue;
    auto stat = llvm::MemoryBuffer::getFileAsStream(it->path() + "/stat");
    if (!stat)
      continue;
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parens.
    llvm::StringRef fields =
        (*stat)->getBuffer().substr((*stat)->getBuffer().rfind(')') + 1);
    llvm::SmallVector<llvm::StringRef, 4> parts;
    fields.trim().split(parts, ' ', 3, false);
    long pgrp;
    if (parts.size() >= 3 && !parts[2].getAsInteger(10, pgrp) &&
        pgrp == long(group) && parts[0] != "Z")
      return true;
  }
  return false;
}

/// JSON text even when a name holds bytes that are not UTF-8 (paths in
/// locations): those become U+FFFD instead of an exception.
std::string dumpJSON(const json &value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// Why `answer`, which parsed, repeats a key, as every other JSON input egrl
/// reads refuses it (parseJsonInput); empty when it does not.
std::string repeatedKeyIn(llvm::StringRef answer) {
  std::optional<RepeatedKey> twice = findRepeatedKey(answer);
  if (!twice)
    return "";
  return (twice->where.empty() ? "" : twice->where + ": ") + twice->message();
}
} // namespace

llvm::Expected<double> ExternalEvaluator::timeoutFromEnvironment() {
  const char *text = std::getenv("EGRL_EXTERNAL_TIMEOUT");
  if (!text || !*text)
    return 300.0;
  char *end = nullptr;
  double seconds = std::strtod(text, &end);
  if (*end != '\0' || !(seconds > 0) || seconds > maxTimeoutSeconds)
    return llvm::createStringError(
        "EGRL_EXTERNAL_TIMEOUT must be a positive number of seconds, at most " +
        llvm::formatv("{0}", int64_t(maxTimeoutSeconds)).str() + ", not '" +
        llvm::Twine(text) + "'");
  return seconds;
}

namespace {
/// The evaluators alive, for stopAll().
std::mutex liveMutex;
std::set<const ExternalEvaluator *> &liveEvaluators() {
  static std::set<const ExternalEvaluator *> live;
  return live;
}
} // namespace

ExternalEvaluator::ExternalEvaluator(const Problem &problem,
                                     std::string command, double timeoutSeconds,
                                     unsigned retries)
    : Evaluator(problem), command(std::move(command)),
      timeoutSeconds(timeoutSeconds), retries(retries) {
  std::lock_guard<std::mutex> lock(liveMutex);
  liveEvaluators().insert(this);
}

void ExternalEvaluator::stopAll() {
  std::lock_guard<std::mutex> lock(liveMutex);
  for (const ExternalEvaluator *evaluator : liveEvaluators())
    evaluator->stop();
}

llvm::Expected<std::unique_ptr<ExternalEvaluator>>
ExternalEvaluator::create(const Problem &problem, llvm::StringRef command,
                          double timeoutSeconds, unsigned retries) {
  command = command.trim();
  if (command.empty())
    return llvm::createStringError("evaluator 'external:' needs a command, "
                                   "e.g. 'external:./measure.py'");
  std::unique_ptr<ExternalEvaluator> evaluator(new ExternalEvaluator(
      problem, command.str(), std::min(timeoutSeconds, maxTimeoutSeconds),
      retries));
  if (llvm::Error err = evaluator->start())
    return std::move(err);
  return evaluator;
}

llvm::Error ExternalEvaluator::start() const {
  // A socket pair rather than pipes: send() with MSG_NOSIGNAL reports a dead
  // command as an error instead of killing the host with SIGPIPE.
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    return llvm::createStringError("external evaluator: socketpair: " +
                                   llvm::Twine(std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears close-on-exec on the copies: the command's stdin and stdout
  // are its end of the pair; its stderr stays ours, so its messages show.
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  // Its own process group, so that stop() also reaches what the shell
  // started (a shell may fork rather than exec its last command); default
  // signal dispositions and an empty mask, whatever the host set up.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP |
                                            POSIX_SPAWN_SETSIGMASK |
                                            POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  static const char shell[] = "/bin/sh";
  char *argv[] = {const_cast<char *>(shell), const_cast<char *>("-c"),
                  const_cast<char *>(command.c_str()), nullptr};
  int rc = posix_spawn(&child, shell, &actions, &attributes, argv, environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    child = -1;
    return llvm::createStringError("external evaluator: cannot start '" +
                                   command + "': " + std::strerror(rc));
  }
  socketFd = fds[0];
  fcntl(socketFd, F_SETFL, fcntl(socketFd, F_GETFL) | O_NONBLOCK);

  const Target &target = problem().target();
  json levels = json::array();
  for (const MemoryLevel &level : target.levels)
    levels.push_back({{"name", level.name},
                      {"capacity_bytes", level.capacityBytes},
                      {"usable_bytes", level.usableBytes()},
                      {"bandwidth_bytes_per_s", level.bandwidth}});
  // The graph's sizes are the IR's; a target may override the element size
  // (int8 on nnpi-1000), so the bytes egrl places are sent as well.
  json header = {{"egrl", "external-evaluator"},
                 {"version", 1},
                 {"target",
                  {{"name", target.name},
                   {"element_bytes",
                    target.elementBytes ? json(*target.elementBytes) : json()},
                   {"levels", levels}}},
                 {"node_bytes",
                  {{"weights", problem().weightBytes},
                   {"outputs", problem().outputBytes},
                   {"host_inputs", problem().hostInputBytes}}}};
  // The graph's own JSON text is spliced in, not parsed and dumped again.
  std::string hello = dumpJSON(header);
  hello.pop_back();
  hello += ",\"graph\":" + problem().graph().toJSON(-1) + "}\n";
  llvm::Expected<std::string> answer = exchange(hello);
  if (!answer)
    return answer.takeError();
  json reply = json::parse(*answer, nullptr, false);
  if (std::string twice = reply.is_object() ? repeatedKeyIn(*answer) : "";
      !twice.empty())
    return llvm::createStringError(
        "external evaluator '" + command + "': " + twice +
        " in its answer to the graph: " + answer->substr(0, 200));
  if (reply.is_object() && reply.contains("error")) {
    // {"ready": true, "error": {...}} is no readiness.
    if (!reply["error"].is_string())
      return llvm::createStringError(
          "external evaluator '" + command +
          "': \"error\" must be a string (why it refuses the graph) in its "
          "answer to the graph: " +
          answer->substr(0, 200));
    return llvm::createStringError(
        "external evaluator '" + command +
        "' refused the graph: " + reply["error"].get<std::string>());
  }
  if (!reply.is_object() || reply.value("ready", json()) != json(true))
    return llvm::createStringError(
        "external evaluator '" + command +
        "' must answer the graph with {\"ready\": true}, it answered: " +
        answer->substr(0, 200));
  return llvm::Error::success();
}

std::optional<siginfo_t>
ExternalEvaluator::exitedWithin(int milliseconds) const {
  // WNOWAIT leaves the command a zombie: its pid, and so its process group,
  // cannot be reused before stop() has signalled the group and reaped it.
  auto deadline = Clock::now() + std::chrono::milliseconds(milliseconds);
  while (true) {
    siginfo_t info;
    info.si_pid = 0;
    int rc = waitid(P_PID, id_t(child), &info, WEXITED | WNOHANG | WNOWAIT);
    if (rc == 0 && info.si_pid == child)
      return info;
    if (rc != 0 && errno != EINTR) {
      // ECHILD (the host ignores SIGCHLD, so the kernel reaped it): gone.
      info.si_code = CLD_EXITED;
      info.si_status = -1;
      return info;
    }
    if (Clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

llvm::Error ExternalEvaluator::waitFor(short events, Clock::time_point deadline,
                                       const char *doing) const {
  while (true) {
    // In slices, so that a stop request (the signal may reach another
    // thread) ends the wait within a quarter of a second.
    if (int signal = stopSignal())
      return llvm::createStringError("external evaluator '" + command +
                                     "': interrupted by " + signalName(signal) +
                                     " while waiting");
    pollfd fd{socketFd, events, 0};
    int slice = std::min(millisecondsUntil(deadline), 250);
    int ready = poll(&fd, 1, slice);
    if (ready > 0)
      return llvm::Error::success();
    if (ready == 0) {
      // The command failed (a status other than 0, or a signal), but a
      // process it started holds the socket open: no answer is coming, so
      // do not wait for the timeout. One that exits 0 may have handed the
      // protocol to a child (setsid), which is waited for as before.
      std::optional<siginfo_t> info = exitedWithin(0);
      if (info && !(info->si_code == CLD_EXITED && info->si_status == 0) &&
          poll(&fd, 1, 0) == 0)
        return llvm::createStringError("external evaluator '" + command + "' " +
                                       describeExit(*info) +
                                       " without answering");
    }
    if ((ready < 0 && errno == EINTR) ||
        (ready == 0 && Clock::now() < deadline))
      continue;
    if (ready < 0)
      return llvm::createStringError("external evaluator: poll: " +
                                     llvm::Twine(std::strerror(errno)));
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%g", timeoutSeconds);
    // The usual cause of no answer: a program writing to a pipe buffers its
    // output (Python, C stdio) until it exits.
    bool reading = events == POLLIN;
    return llvm::createStringError(
        "external evaluator '" + command + "' did not " + doing + " within " +
        seconds + " s (EGRL_EXTERNAL_TIMEOUT)" +
        (reading ? "; does it flush its output after each line? (into a "
                   "pipe, Python and C stdio buffer it: print(..., "
                   "flush=True), fflush(stdout))"
                 : ""));
  }
}

llvm::Expected<std::string>
ExternalEvaluator::exchange(const std::string &line) const {
  // One deadline for writing the line and reading the answer.
  auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(timeoutSeconds));
  auto died = [&]() {
    // Up to 5 s (a loaded machine) for the command to finish exiting, so
    // that its status is known.
    if (std::optional<siginfo_t> info = exitedWithin(5000))
      return llvm::createStringError("external evaluator '" + command + "' " +
                                     describeExit(*info) +
                                     " without answering");
    return llvm::createStringError("external evaluator '" + command +
                                   "' closed its output without answering");
  };

  // One answer per request: whatever arrived since the last answer was not
  // asked for. A command answering twice without ids would otherwise have
  // its second answer paired with the next placement.
  char unasked[4096];
  for (ssize_t n;
       (n = recv(socketFd, unasked, sizeof(unasked), MSG_DONTWAIT)) > 0;)
    pending.append(unasked, size_t(n));
  if (size_t first = pending.find_first_not_of(" \t\r\n");
      first != std::string::npos)
    return llvm::createStringError(
        "external evaluator '" + command +
        "' answered a line it was not asked for: " +
        pending.substr(
            first, std::min<size_t>(pending.find('\n', first) - first, 200)));
  pending.clear();

  size_t sent = 0;
  while (sent < line.size()) {
    if (llvm::Error err = waitFor(POLLOUT, deadline, "read its input"))
      return std::move(err);
    ssize_t n =
        send(socketFd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR)
        continue;
      if (errno == EPIPE || errno == ECONNRESET)
        return died();
      return llvm::createStringError("external evaluator: send: " +
                                     llvm::Twine(std::strerror(errno)));
    }
    sent += size_t(n);
  }

  while (true) {
    size_t newline = pending.find('\n');
    if (newline != std::string::npos) {
      std::string answer = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      return answer;
    }
    if (pending.size() > maxAnswerBytes)
      return llvm::createStringError(
          "external evaluator '" + command +
          "' answered more than 1 MiB without a newline");
    if (llvm::Error err = waitFor(POLLIN, deadline, "answer"))
      return std::move(err);
    char buffer[4096];
    ssize_t n = recv(socketFd, buffer, sizeof(buffer), 0);
    if (n == 0)
      return died();
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR)
        continue;
      if (errno == ECONNRESET)
        return died();
      return llvm::createStringError("external evaluator: recv: " +
                                     llvm::Twine(std::strerror(errno)));
    }
    pending.append(buffer, size_t(n));
  }
}

EvalResult ExternalEvaluator::evaluate(const Placement &placement) const {
  EvalResult result;
  result.latency = std::numeric_limits<double>::infinity();
  std::lock_guard<std::mutex> lock(mutex);
  if (!failureMessage.empty())
    return result;

  Placement fitted = placement;
  CapacityReport capacity = rectify(problem(), fitted);
  result.overflowBytes = capacity.overflowBytes;
  uint64_t id = nextId++;
  std::string request = "{\"id\":" + std::to_string(id) +
                        ",\"placement\":" + fitted.toJSON(problem().target()) +
                        "}\n";
  llvm::Expected<std::string> answer = exchange(request);
  // A flaky device: restart the command (the handshake sends the graph
  // again) and send the same placement, up to `retries` times in all.
  while (!answer && restarts < retries && !stopSignal()) {
    ++restarts;
    std::string why = llvm::toString(answer.takeError());
    llvm::errs() << "egrl: restarting external evaluator '" << command << "' ("
                 << restarts << " of " << retries << " restarts): " << why
                 << "\n";
    stop();
    pending.clear();
    if (llvm::Error err = start()) {
      answer = std::move(err);
      break;
    }
    answer = exchange(request);
  }
  if (!answer) {
    failureMessage = llvm::toString(answer.takeError());
    return result;
  }
  auto bad = [&](const std::string &why) {
    failureMessage = "external evaluator '" + command + "': " + why +
                     " in answer " + std::to_string(id) + ": " +
                     answer->substr(0, 200);
    return result;
  };
  json reply = json::parse(*answer, nullptr, false);
  if (!reply.is_object())
    return bad(reply.is_discarded()
                   // Valid JSON can still fail here: 1e400 overflows a
                   // double, and NaN and Infinity are not JSON.
                   ? "not JSON (numbers must be finite doubles: no NaN, "
                     "Infinity or 1e400)"
                   : "expected a JSON object");
  // nlohmann keeps the last of a repeated key: {"latency": 9e-6, "latency":
  // 1e-6} would be taken as 1 us.
  if (std::string twice = repeatedKeyIn(*answer); !twice.empty())
    return bad(twice);
  // An "error" of any other type (an object, true, null) is still the
  // command saying something went wrong: never a measurement to keep.
  if (reply.contains("error"))
    return bad(reply["error"].is_string()
                   ? "the command reported an error"
                   : "\"error\" must be a string (why the measurement "
                     "failed)");
  if (reply.contains("id") && reply["id"] != json(id))
    return bad("expected \"id\": " + std::to_string(id));
  // A femtosecond or months are units gone wrong, not a measurement, and
  // their ratios to other latencies overflow a speed-up.
  const json latency = reply.value("latency", json());
  if (!latency.is_number() || !std::isfinite(latency.get<double>()) ||
      !(latency.get<double>() >= kLeastLatencySeconds) ||
      latency.get<double>() > kMostLatencySeconds)
    return bad("expected \"latency\": a number of seconds from 1e-15 to 1e7");
  const json valid = reply.value("valid", json(true));
  if (!valid.is_boolean())
    return bad("\"valid\" must be true or false");
  result.latency = latency.get<double>();
  result.valid = capacity.valid && valid.get<bool>();
  result.refused = !valid.get<bool>();
  return result;
}

std::string ExternalEvaluator::failure() const {
  std::lock_guard<std::mutex> lock(mutex);
  return failureMessage;
}

void ExternalEvaluator::stop() const {
  if (socketFd >= 0) {
    // End of input is the command's signal to exit.
    close(socketFd);
    socketFd = -1;
  }
  if (child <= 0)
    return;
  // A second to exit on its own, half a second after SIGTERM, then SIGKILL;
  // the group goes with it (what the shell left running). The command is
  // reaped last, so the group id stays its own until then. A command stuck
  // in the kernel is left behind rather than waited for.
  bool exited = exitedWithin(1000).has_value();
  if (!exited || groupIsRunning(child)) {
    // Half a second for the whole group, not only the command: a shell
    // ends at once on SIGTERM while the program it started cleans up.
    kill(-child, SIGTERM);
    auto deadline = Clock::now() + std::chrono::milliseconds(500);
    while (Clock::now() < deadline &&
           (!exitedWithin(0) || groupIsRunning(child)))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    kill(-child, SIGKILL);
    if (!exited)
      exitedWithin(2000);
  }
  kill(-child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, WNOHANG) < 0 && errno == EINTR) {
  }
  child = -1;
}

ExternalEvaluator::~ExternalEvaluator() {
  {
    std::lock_guard<std::mutex> lock(liveMutex);
    liveEvaluators().erase(this);
  }
  stop();
}
