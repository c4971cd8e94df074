//===- Interrupt.cpp - Stop a search on SIGINT/SIGTERM, keep its best -----===//

#include "egrl/Support/Interrupt.h"

#include <atomic>
#include <csignal>
#include <mutex>

using namespace egrl;

namespace {
std::atomic<int> requested{0};
static_assert(std::atomic<int>::is_always_lock_free,
              "set from a signal handler");

constexpr int kSignals[] = {SIGINT, SIGTERM};
struct sigaction previous[std::size(kSignals)];
std::mutex scopeMutex;
unsigned scopes = 0;

void restorePrevious() {
  for (size_t i = 0; i < std::size(kSignals); ++i)
    sigaction(kSignals[i], &previous[i], nullptr);
}

extern "C" void onStopSignal(int signal) {
  // Async-signal-safe: a lock-free store and sigaction.
  requested.store(signal);
  restorePrevious();
}
} // namespace

InterruptScope::InterruptScope() {
  std::lock_guard<std::mutex> lock(scopeMutex);
  if (scopes++)
    return;
  // A stop asked of an earlier search was answered when it reported; this
  // is a new one (the next input of --split-input-file, a compiler that
  // embeds the pass and goes on), which a stale request would stop at its
  // first evaluation.
  requested.store(0);
  struct sigaction action = {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < std::size(kSignals); ++i)
    sigaction(kSignals[i], &action, &previous[i]);
}

InterruptScope::~InterruptScope() {
  std::lock_guard<std::mutex> lock(scopeMutex);
  if (--scopes)
    return;
  // Our handler may already have put them back; doing it again is harmless.
  restorePrevious();
}

int egrl::stopSignal() { return requested.load(); }

void egrl::requestStop(int signal) { requested.store(signal); }

void egrl::clearStopRequest() { requested.store(0); }

std::string egrl::signalName(int signal) {
  if (signal == SIGINT)
    return "SIGINT";
  if (signal == SIGTERM)
    return "SIGTERM";
  return "signal " + std::to_string(signal);
}
