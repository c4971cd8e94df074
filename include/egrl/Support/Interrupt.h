//===- Interrupt.h - Stop a search on SIGINT/SIGTERM, keep its best -------===//
//
// A search against a real chip runs for hours; a user who presses Ctrl-C
// wants what it found so far. While an InterruptScope lives, SIGINT and
// SIGTERM only record that a stop was asked for: searches stop at their
// next evaluation (EvaluationTracker), an external evaluator gives up
// waiting for its command, and the tools write their reports with the best
// placement found and exit non-zero. The first signal also puts the
// previous handlers back, so a second one ends the process as before. An
// outermost scope starts with no stop requested: the search a signal
// stopped has reported, and a later one in the same process runs afresh.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SUPPORT_INTERRUPT_H
#define EGRL_SUPPORT_INTERRUPT_H

#include <string>

namespace egrl {

class InterruptScope {
public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope &) = delete;
  InterruptScope &operator=(const InterruptScope &) = delete;
};

/// The signal that asked running searches to stop, 0 when none did.
int stopSignal();
/// Asks running searches to stop as `signal` would (tests, and evaluators
/// that lose their device).
void requestStop(int signal);
/// "SIGINT", "SIGTERM" or "signal N".
std::string signalName(int signal);
/// Forgets a stop request (a tool that goes on after reporting one).
void clearStopRequest();

} // namespace egrl

#endif // EGRL_SUPPORT_INTERRUPT_H
