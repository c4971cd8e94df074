//===- ExternalEvaluator.h - A user's command as the evaluator ------------===//
//
// The `external:COMMAND` evaluator: real hardware or a vendor simulator
// behind a line protocol. egrl starts COMMAND once (through /bin/sh), sends
// it the graph and the target's levels, then one placement per line, and
// reads back one measured latency per line. The placement is rectified by the
// shared capacity rules first, as a compiler would before running it, so the
// command only ever measures placements that fit. The protocol is in
// docs/external-evaluator.md.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_COSTMODEL_EXTERNALEVALUATOR_H
#define EGRL_COSTMODEL_EXTERNALEVALUATOR_H

#include "egrl/CostModel/Evaluator.h"

#include <chrono>
#include <csignal>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>

namespace egrl {

class ExternalEvaluator : public Evaluator {
public:
  /// Prefix of the evaluator name that selects this backend.
  static constexpr llvm::StringLiteral prefix = "external:";
  /// Whether an evaluator name selects this backend (a command to run).
  static bool names(llvm::StringRef evaluatorName) {
    return evaluatorName.starts_with(prefix);
  }

  /// Starts `command` and completes the handshake (the graph is sent, the
  /// command must answer {"ready": true}). Each answer may take at most
  /// `timeoutSeconds`. A command that dies or times out is restarted (and
  /// the placement sent again) up to `retries` times before the evaluator
  /// fails.
  static llvm::Expected<std::unique_ptr<ExternalEvaluator>>
  create(const Problem &problem, llvm::StringRef command,
         double timeoutSeconds, unsigned retries = 0);
  ~ExternalEvaluator() override;

  llvm::StringRef name() const override { return "external"; }
  /// Serialised: one device measures one placement at a time. After a
  /// failure every call returns an infinite, invalid latency at once.
  EvalResult evaluate(const Placement &placement) const override;
  std::string failure() const override;

  /// Answer timeout: EGRL_EXTERNAL_TIMEOUT seconds if set, else 300; at most
  /// 1e7 (longer means no limit).
  static llvm::Expected<double> timeoutFromEnvironment();

  /// Stops the command of every evaluator alive, as their destructors
  /// would: for a tool that exits without unwinding (std::exit after an
  /// error), so that no command is left running.
  static void stopAll();

private:
  ExternalEvaluator(const Problem &problem, std::string command,
                    double timeoutSeconds, unsigned retries);

  // const: evaluate() restarts a command that died (retries).
  llvm::Error start() const;
  /// Sends one line and reads one line back, within the timeout.
  llvm::Expected<std::string> exchange(const std::string &line) const;
  /// Waits until the socket is ready for `events` (POLLIN, POLLOUT); an
  /// error names what the command did not `doing` in time.
  llvm::Error waitFor(short events,
                      std::chrono::steady_clock::time_point deadline,
                      const char *doing) const;
  /// How the command ended, once it has, without reaping it.
  std::optional<siginfo_t> exitedWithin(int milliseconds) const;
  void stop() const;

  std::string command;
  double timeoutSeconds;
  unsigned retries;
  mutable unsigned restarts = 0; ///< Restarts so far (at most `retries`).
  mutable int socketFd = -1;
  mutable pid_t child = -1; ///< Also its process group; -1 once reaped.

  mutable std::mutex mutex;
  mutable std::string pending; ///< Bytes read past the last newline.
  mutable uint64_t nextId = 0;
  mutable std::string failureMessage;
};

} // namespace egrl

#endif // EGRL_COSTMODEL_EXTERNALEVALUATOR_H
