//===- ExternalEvaluator.cpp - A user's command as the evaluator ----------===//

#include "egrl/CostModel/ExternalEvaluator.h"
#include "egrl/CostModel/Capacity.h"

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
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

using namespace egrl;
using json = nlohmann::json;

namespace {
/// An answer longer than this is not a latency: the command is broken.
constexpr size_t maxAnswerBytes = 1 << 20;

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 message.str().c_str());
}

using Clock = std::chrono::steady_clock;

/// Milliseconds left until `deadline` for poll(), at least 0.
int millisecondsUntil(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - Clock::now())
                  .count();
  return int(std::clamp<long long>(left, 0, std::numeric_limits<int>::max()));
}

std::string describeExit(int status) {
  if (WIFEXITED(status))
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}
} // namespace

llvm::Expected<double> ExternalEvaluator::timeoutFromEnvironment() {
  const char *text = std::getenv("EGRL_EXTERNAL_TIMEOUT");
  if (!text || !*text)
    return 300.0;
  char *end = nullptr;
  double seconds = std::strtod(text, &end);
  if (*end != '\0' || !std::isfinite(seconds) || seconds <= 0)
    return makeError("EGRL_EXTERNAL_TIMEOUT must be a positive number of "
                     "seconds, not '" +
                     llvm::Twine(text) + "'");
  return seconds;
}

llvm::Expected<std::unique_ptr<ExternalEvaluator>>
ExternalEvaluator::create(const Problem &problem, llvm::StringRef command,
                          double timeoutSeconds) {
  command = command.trim();
  if (command.empty())
    return makeError("evaluator 'external:' needs a command, e.g. "
                     "'external:./measure.py'");
  std::unique_ptr<ExternalEvaluator> evaluator(
      new ExternalEvaluator(problem, command.str(), timeoutSeconds));
  if (llvm::Error err = evaluator->start())
    return std::move(err);
  return evaluator;
}

llvm::Error ExternalEvaluator::start() {
  // A socket pair rather than pipes: send() with MSG_NOSIGNAL reports a dead
  // command as an error instead of killing the host with SIGPIPE.
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    return makeError("external evaluator: socketpair: " +
                     llvm::Twine(std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears close-on-exec on the copies: the command's stdin and stdout
  // are its end of the pair; its stderr stays ours, so its messages show.
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::string shell = "/bin/sh";
  char *argv[] = {shell.data(), const_cast<char *>("-c"), command.data(),
                  nullptr};
  // Its own process group, so that stop() also reaches what the shell
  // started (a shell may fork rather than exec its last command).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  int rc = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    child = -1;
    return makeError("external evaluator: cannot start '" + command +
                     "': " + std::strerror(rc));
  }
  socketFd = fds[0];
  fcntl(socketFd, F_SETFL, fcntl(socketFd, F_GETFL) | O_NONBLOCK);

  const Target &target = problem().target();
  json levels = json::array();
  for (const MemoryLevel &level : target.levels)
    levels.push_back({{"name", level.name},
                      {"capacity_bytes", level.capacityBytes},
                      {"usable_bytes", level.usableBytes()},
                      {"bandwidth", level.bandwidth}});
  json hello = {{"egrl", "external-evaluator"},
                {"version", 1},
                {"target", {{"name", target.name}, {"levels", levels}}},
                {"graph", json::parse(problem().graph().toJSON(-1))}};
  llvm::Expected<std::string> answer = exchange(hello.dump() + "\n");
  if (!answer)
    return answer.takeError();
  json reply = json::parse(*answer, nullptr, false);
  if (reply.is_object() && reply.value("error", json()).is_string())
    return makeError(
        "external evaluator '" + command +
        "' refused the graph: " + reply["error"].get<std::string>());
  if (!reply.is_object() || reply.value("ready", json()) != json(true))
    return makeError("external evaluator '" + command +
                     "' must answer the graph with {\"ready\": true}, "
                     "it answered: " +
                     answer->substr(0, 200));
  return llvm::Error::success();
}

llvm::Expected<std::string>
ExternalEvaluator::exchange(const std::string &line) const {
  auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(timeoutSeconds));
  auto timedOut = [&](const char *doing) {
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%g", timeoutSeconds);
    return makeError("external evaluator '" + command + "' did not " + doing +
                     " within " + seconds + " s (EGRL_EXTERNAL_TIMEOUT)");
  };
  auto died = [&]() {
    // Give the command a moment (up to 5 s, for a loaded machine) to finish
    // exiting so that its status is known.
    int status = 0;
    for (int i = 0; i < 500; ++i) {
      if (waitpid(child, &status, WNOHANG) == child) {
        child = -1;
        return makeError("external evaluator '" + command + "' " +
                         describeExit(status) + " without answering");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return makeError("external evaluator '" + command +
                     "' closed its output without answering");
  };

  size_t sent = 0;
  while (sent < line.size()) {
    pollfd out{socketFd, POLLOUT, 0};
    int ready = poll(&out, 1, millisecondsUntil(deadline));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready == 0)
      return timedOut("read its input");
    ssize_t n =
        send(socketFd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR)
        continue;
      if (errno == EPIPE || errno == ECONNRESET)
        return died();
      return makeError("external evaluator: send: " +
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
      return makeError("external evaluator '" + command +
                       "' answered more than 1 MiB without a newline");
    pollfd in{socketFd, POLLIN, 0};
    int ready = poll(&in, 1, millisecondsUntil(deadline));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready == 0)
      return timedOut("answer");
    char buffer[4096];
    ssize_t n = recv(socketFd, buffer, sizeof(buffer), 0);
    if (n == 0)
      return died();
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR)
        continue;
      if (errno == ECONNRESET)
        return died();
      return makeError("external evaluator: recv: " +
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
    return bad("expected a JSON object");
  if (reply.value("error", json()).is_string())
    return bad("the command reported an error");
  if (reply.contains("id") && reply["id"] != json(id))
    return bad("expected \"id\": " + std::to_string(id));
  const json &latency = reply.value("latency", json());
  if (!latency.is_number() || !std::isfinite(latency.get<double>()) ||
      latency.get<double>() <= 0)
    return bad("expected \"latency\": a positive number of seconds");
  const json &valid = reply.value("valid", json(true));
  if (!valid.is_boolean())
    return bad("\"valid\" must be true or false");
  result.latency = latency.get<double>();
  result.valid = capacity.valid && valid.get<bool>();
  return result;
}

std::string ExternalEvaluator::failure() const {
  std::lock_guard<std::mutex> lock(mutex);
  return failureMessage;
}

void ExternalEvaluator::stop() {
  if (socketFd >= 0) {
    // End of input is the command's signal to exit.
    close(socketFd);
    socketFd = -1;
  }
  if (child <= 0)
    return;
  // A second to exit on its own, half a second after SIGTERM, then SIGKILL
  // for the whole group.
  auto exited = [&](int tenthsOfSeconds) {
    int status = 0;
    for (int i = 0; i < tenthsOfSeconds * 10; ++i) {
      if (waitpid(child, &status, WNOHANG) == child)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  bool done = exited(10);
  if (!done) {
    kill(-child, SIGTERM);
    done = exited(5);
  }
  if (!done) {
    kill(-child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
  }
  // Whatever the shell left behind in the group goes with it.
  kill(-child, SIGKILL);
  child = -1;
}

ExternalEvaluator::~ExternalEvaluator() { stop(); }
