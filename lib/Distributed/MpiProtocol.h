//===- MpiProtocol.h - What rank 0 and its workers send --------*- C++ -*-===//
//
// Private to lib/Distributed: the messages of the MPI pool (their tags and
// fixed headers), received whole by polling, and the back-off idle ranks
// sleep with. The workers (MpiWorker.cpp) and rank 0's pool (MpiPool.cpp)
// speak it.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_DISTRIBUTED_MPIPROTOCOL_H
#define EGRL_LIB_DISTRIBUTED_MPIPROTOCOL_H

// The C API only: OpenMPI's C++ bindings need a library of their own.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace egrl::mpi::detail {

using Clock = std::chrono::steady_clock;

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
  /// kResultValid and kResultRefused.
  uint64_t flags;
};
inline constexpr uint64_t kResultValid = 1, kResultRefused = 2;

template <typename T>
inline void appendValue(std::vector<char> &out, const T &value) {
  const char *bytes = reinterpret_cast<const char *>(&value);
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

template <typename T>
inline bool readValue(const std::vector<char> &in, T &value) {
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
inline bool receive(int source, Message &message) {
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

inline double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace egrl::mpi::detail

#endif // EGRL_LIB_DISTRIBUTED_MPIPROTOCOL_H
