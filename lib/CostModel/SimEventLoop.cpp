//===- SimEventLoop.cpp - nnpi-sim's event loop ---------------------------===//
//
// One simulated inference. A fluid (processor-sharing) event loop: state
// changes only at events (a layer's memory job completes, a layer finishes,
// a DMA chunk lands). Between events every active job progresses at a
// constant speed, its fair share of the levels it uses (SimBandwidth.h),
// recomputed only when a job that shares a level starts or ends. Layers
// issue in program order onto the compute engines; the DMA engine streams
// weights from the slower levels through a staging ring ahead of them.
// Modelling choices and their sources are in docs/simulator.md; the comments
// here say why the code is shaped as it is. The per-node tables it reads are
// worked out once per graph (NnpiSim.cpp).
//
//===----------------------------------------------------------------------===//

#include "NnpiSimRecorder.h"
#include "SimBandwidth.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Compiler.h"

#include <algorithm>
#include <cmath>

using namespace egrl;
using namespace egrl::sim;

namespace {
/// A layer in flight on its engines.
struct Slot {
  unsigned node = 0;
  double start = 0;
  double computeEnd = 0;
  /// When its own transfers and its streamed weights were done.
  double memoryEnd = 0;
  uint64_t engineMask = 0;
  Job job;
  bool waitDma = false;
  /// Prefetched bytes it found landed in the ring when issued. It consumes
  /// them as its traffic progresses and frees their ring space as it goes.
  double staged = 0;
  /// Its traffic's total work, against which that progress is measured.
  double stagedWork = 0;
  /// staged / stagedWork: the bytes/s it frees while its traffic runs at
  /// full speed (ringConsumers), divided once.
  double freeingAtFullSpeed = 0;

  /// The engines signal completion `overhead` after the later of compute
  /// and memory (the analytical model's overhead + max(C, M)).
  double finishAt(double overhead) const {
    return std::max(computeEnd, memoryEnd + overhead);
  }
};

/// Per-thread buffers: evaluation is the inner loop of every search, and
/// evaluate() must stay const and lock-free.
struct Scratch {
  std::vector<unsigned> pending;   ///< Unfinished producers per node.
  std::vector<uint8_t> dispatched; ///< Per node.
  std::vector<int> itemIndex;      ///< Position in `items`, or -1.
  std::vector<double> dmaBytes;    ///< Weight bytes streamed per node.
  /// Per node and level, the share of its streamed bytes read from there.
  std::vector<double> dmaFrom;
  /// Per node, seconds per streamed byte alone (reads from its levels in
  /// turn, the staging write overlapped).
  std::vector<double> dmaSecondsPerByte;
  std::vector<unsigned> items; ///< Nodes with DRAM weights, in order.
  std::vector<uint8_t> slotOf; ///< Slot of a dispatched, running node.
  std::vector<Slot> slots;
  llvm::SmallVector<uint8_t, kMaxEngines> active, freeSlots;
  /// The DMA engine's chunk in flight. Here rather than in the loop object:
  /// computeRates() lists its address, which would pin all of the loop's
  /// state in memory (measured 15-30% of an evaluation).
  Job dma;
};
thread_local Scratch scratch;

/// The thread's scratch, looked up once per run: in a shared library every
/// mention of a thread_local is a __tls_get_addr call, and the compiler,
/// knowing what a reference to it is bound to, repeats the lookup inside the
/// event loop's member functions. The empty asm hides that identity.
Scratch &threadScratch() {
  Scratch *s = &scratch;
  asm("" : "+r"(s));
  return *s;
}

/// Issued layers holding staged tiles: the ring space they still hold and
/// the bytes/s they free as they consume it.
struct RingConsumers {
  double held = 0, freeing = 0;
};
} // namespace

// Every member is inlined into run(), and run() into NnpiSim::run(), so the
// loop's state lives in registers and stack slots nothing else can reach, as
// a function's locals do. Left to the inliner, the larger members stay calls
// and reload that state through `this` after every byte-sized store (measured
// 15-30% of an evaluation).
#define EGRL_SIM_INLINE LLVM_ATTRIBUTE_ALWAYS_INLINE

namespace egrl {
/// One inference of `placement` on the simulator's chip, for `NumLevels`
/// memory levels (0: the problem's count, known only at run time).
template <unsigned NumLevels, typename RecorderT> class SimEventLoop {
public:
  SimEventLoop(const NnpiSim &sim, const Placement &placement,
               RecorderT &recorder);
  /// The inference's latency (seconds).
  EGRL_SIM_INLINE double run();

private:
  EGRL_SIM_INLINE void startWhatCan();

  //--- Jobs and their speeds -----------------------------------------------
  EGRL_SIM_INLINE bool alone(const Job &job) const;
  EGRL_SIM_INLINE void countUsers(const Job &job, int delta);
  EGRL_SIM_INLINE bool isBackground(const Job &job) const {
    return &job == &dma && !dmaStreaming;
  }
  EGRL_SIM_INLINE bool touchesBackground(const Job &job) const {
    return dma.state == JobState::Active && !dmaStreaming &&
           (job.resources & dma.resources);
  }
  EGRL_SIM_INLINE void activate(Job &job);
  EGRL_SIM_INLINE bool startJob(Job &job, const double *bytes, int overlapped);
  EGRL_SIM_INLINE bool settleJob(Job &job);
  EGRL_SIM_INLINE void computeRates();
  EGRL_SIM_INLINE void updateBackground();

  //--- Layers ---------------------------------------------------------------
  EGRL_SIM_INLINE bool streamed(unsigned owner) const {
    return prefetch && pl[owner].weights > staging;
  }
  EGRL_SIM_INLINE void dispatch(unsigned i);
  EGRL_SIM_INLINE void addTilingTraffic(unsigned i, double *bytes) const;
  EGRL_SIM_INLINE void dispatchReady();
  EGRL_SIM_INLINE void finishLayers();

  //--- The DMA engine and its staging ring ---------------------------------
  EGRL_SIM_INLINE void planStreams();
  EGRL_SIM_INLINE RingConsumers ringConsumers() const;
  EGRL_SIM_INLINE double ringFree(const RingConsumers &c) const {
    return ringBytes - ringUsed - c.held + ringSlack;
  }
  EGRL_SIM_INLINE double ringUsable(double fillRate) const;
  EGRL_SIM_INLINE double chunkFor(double rest, double free) const;
  EGRL_SIM_INLINE void dmaStart(double chunk);
  EGRL_SIM_INLINE void dmaTryStart();
  EGRL_SIM_INLINE void dmaExtend();
  EGRL_SIM_INLINE void dmaPlanWake();
  EGRL_SIM_INLINE void dmaSettle();

  //--- Trace ----------------------------------------------------------------
  EGRL_SIM_INLINE void recordRing();
  EGRL_SIM_INLINE void recordTraffic();

  const NnpiSim &sim;
  const Problem &p;
  const Placement &pl;
  RecorderT &rec;
  Scratch &s;
  const unsigned n, numLevels, slowest, numEngines, staging;
  const double overhead;
  const bool prefetch;
  // Per-level constants inside the loop object: the loop's stores through
  // byte-sized pointers (flags, slot indices) could alias the simulator's
  // vectors' buffers, so reading them through `sim` would reload their
  // addresses.
  double secondsPerByte[kMaxLevels], accessLatency[kMaxLevels];
  uint32_t resources[kMaxLevels];
  /// shareOfByte[r] when level l's traffic uses resource r (resources are
  /// levels), else 0: demands become fixed-length sums, free of the bit
  /// loop's stores and reloads.
  double shareIfUses[kMaxLevels][kMaxLevels];

  // The ring: whole tiles, and a power-of-two tile (the usual case) is
  // divided by multiplying with its exact reciprocal.
  const double ringBytes, tileBytes, perTile;
  const bool tilePow2;
  /// A billionth of the ring: absorbs rounding when the DMA wakes exactly as
  /// the space it waits for is freed.
  const double ringSlack;
  /// A DMA waiting for space wakes when 1/32 of the ring (at least a tile)
  /// is free rather than every tile: consumers free space at SRAM speed, so
  /// the wait this adds is short, and it saves events. (An eighth once let a
  /// move to a faster level cost 0.105% on ResNet-50, before chunks could
  /// fill space their consumers were freeing.)
  const double wakeBytes;

  double t = 0;
  unsigned nextDispatch = 0, finished = 0;
  uint64_t freeMask;
  unsigned freeEngines;
  bool ratesDirty = false;
  /// A prefetch's speed must be refreshed (updateBackground).
  bool backgroundDirty = false;

  // DMA engine state: `dmaPos` is the item being fetched, `dmaFetched` the
  // bytes of it already landed, `dmaChunk` the bytes in flight (of which
  // `dmaTraced` are already in the trace). `ringUsed` holds landed tiles of
  // layers not yet issued and the chunk in flight into the ring; issued
  // layers hold their staged tiles (Slot::staged) until they consume them.
  // `dmaWakeAt` is when a DMA waiting for ring space finds enough of it.
  Job &dma;
  size_t dmaPos = 0;
  double dmaFetched = 0, dmaChunk = 0, dmaTraced = 0, dmaIssued = 0;
  double ringUsed = 0, dmaWakeAt = kInf, dmaWork = 0;
  bool dmaStreaming = false;

  /// Active jobs per resource (a prefetch is not counted: see activate).
  unsigned users[kMaxLevels] = {};
  /// computeRates' list of the active jobs.
  Job *jobs[kMaxEngines + 1];
  /// Bandwidth in use per level, for the trace.
  double traffic[kMaxLevels] = {};
};
} // namespace egrl

template <unsigned NumLevels, typename RecorderT>
SimEventLoop<NumLevels, RecorderT>::SimEventLoop(const NnpiSim &sim,
                                                 const Placement &placement,
                                                 RecorderT &recorder)
    : sim(sim), p(sim.problem()), pl(placement), rec(recorder),
      s(threadScratch()), n(p.numNodes()),
      numLevels(NumLevels ? NumLevels : p.numLevels()),
      slowest(p.slowestLevel()), numEngines(sim.cfg.engines),
      staging(sim.cfg.stagingLevel), overhead(p.target().layerOverhead),
      prefetch(sim.cfg.prefetch), ringBytes(double(sim.cfg.ringBytes)),
      tileBytes(double(sim.cfg.tileBytes)), perTile(1.0 / tileBytes),
      tilePow2((sim.cfg.tileBytes & (sim.cfg.tileBytes - 1)) == 0),
      ringSlack(1e-9 * ringBytes),
      wakeBytes(std::max(tileBytes, ringBytes / 32)),
      freeMask(numEngines == 64 ? ~uint64_t(0)
                                : (uint64_t(1) << numEngines) - 1),
      freeEngines(numEngines), dma(s.dma) {
  dma = Job();
  for (unsigned l = 0; l < numLevels; ++l) {
    secondsPerByte[l] = sim.secondsPerByte[l];
    accessLatency[l] = sim.cfg.accessLatency[l];
    resources[l] = sim.levelResources[l];
    for (unsigned r = 0; r < numLevels; ++r)
      shareIfUses[l][r] =
          (sim.levelResources[l] >> r) & 1 ? sim.shareOfByte[r] : 0.0;
  }
}

//===----------------------------------------------------------------------===//
// Jobs and their speeds
//===----------------------------------------------------------------------===//

// Fair shares decompose over groups of jobs linked by shared resources, so a
// job that shares nothing with anyone runs at full speed and its start or end
// leaves every other rate as it was: most events need no rate computation at
// all. Loops over every resource, used or not, rather than over the set bits:
// with the level count known they unroll without branches on the placement.
template <unsigned NumLevels, typename RecorderT>
bool SimEventLoop<NumLevels, RecorderT>::alone(const Job &job) const {
  bool shares = false;
  for (unsigned r = 0; r < numLevels; ++r)
    shares |= ((job.resources >> r) & 1) & (users[r] > 1);
  return !shares;
}

template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::countUsers(const Job &job, int delta) {
  for (unsigned r = 0; r < numLevels; ++r)
    users[r] += unsigned(delta) * ((job.resources >> r) & 1);
}

// A prefetch ahead of its layer runs at low priority (computeRates): it is not
// counted among a level's users, so demand jobs sharing a level only with it
// still run alone; its own speed is what they leave (updateBackground),
// refreshed whenever they change on its levels.
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::activate(Job &job) {
  job.state = JobState::Active;
  job.since = t;
  if (isBackground(job)) {
    job.speed = 0;
    job.eventAt = kInf;
    backgroundDirty = true;
    return;
  }
  countUsers(job, +1);
  if (!sim.cfg.contention || alone(job)) {
    job.speed = 1;
    job.eventAt = t + job.work;
  } else {
    // Its speed depends on the others: set with everyone's below.
    job.eventAt = t;
    ratesDirty = true;
  }
  backgroundDirty |= touchesBackground(job);
}

/// Turns bytes per level into a job starting now. False when there is nothing
/// to move. A copy into level `overlapped` (a DMA chunk into the ring) writes
/// while it reads, so that level's time overlaps the rest.
template <unsigned NumLevels, typename RecorderT>
bool SimEventLoop<NumLevels, RecorderT>::startJob(Job &job, const double *bytes,
                                                  int overlapped) {
  job.work = 0;
  job.resources = 0;
  job.speed = 0;
  job.state = JobState::Idle;
  job.eventAt = kInf;
  // Without branches: which levels a layer touches follows the placement,
  // which the branch predictor cannot learn. A level without bytes adds an
  // exact zero to the sums, so they are those of the touched levels.
  uint32_t levels = 0;
  double latency = 0, moving = 0, writing = 0;
  for (unsigned l = 0; l < numLevels; ++l) {
    const bool touched = bytes[l] > 0;
    levels |= uint32_t(touched) << l;
    (int(l) == overlapped ? writing : moving) += bytes[l] * secondsPerByte[l];
    latency = std::max(latency, double(touched) * accessLatency[l]);
  }
  if (!levels)
    return false;
  moving = std::max(moving, writing);
  // Requests to different levels are issued together: one start-up latency
  // per job, the longest of the levels it touches. It is part of the job's
  // time (exact alone; stretched with the job under sharing).
  job.work = moving + latency;
  const double perSecond = 1.0 / job.work;
  // Every level, touched or not (zeros again), so the loops' trip counts do
  // not depend on the placement.
  for (unsigned l = 0; l < numLevels; ++l)
    job.resources |= -uint32_t(bytes[l] > 0) & resources[l];
  // Shares of each resource, not bytes/s: levels ~100x apart in bandwidth are
  // shared by dominant share (DRF), so a layer's heavy SRAM traffic does not
  // starve its own DRAM traffic. Levels not using a resource add exact zeros,
  // so each sum is that over the levels using it, in order.
  double rate[kMaxLevels];
  for (unsigned l = 0; l < numLevels; ++l)
    rate[l] = bytes[l] * perSecond;
  for (unsigned res = 0; res < numLevels; ++res) {
    double demand = 0;
    for (unsigned l = 0; l < numLevels; ++l)
      demand += rate[l] * shareIfUses[l][res];
    job.demand[res] = demand;
  }
  activate(job);
  return true;
}

/// Moves a job across its events at time t; true when it completed.
template <unsigned NumLevels, typename RecorderT>
bool SimEventLoop<NumLevels, RecorderT>::settleJob(Job &job) {
  if (job.eventAt > t)
    return false;
  const bool background = isBackground(job);
  job.state = JobState::Idle;
  job.eventAt = kInf;
  job.speed = 0;
  if (background)
    return true;
  // Others speed up only if it shared something with them.
  ratesDirty |= sim.cfg.contention && !alone(job);
  backgroundDirty |= touchesBackground(job);
  countUsers(job, -1);
  return true;
}

template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::computeRates() {
  ratesDirty = false;
  unsigned count = 0;
  auto collect = [&](Job &job) {
    if (job.state != JobState::Active)
      return;
    job.settleProgress(t);
    jobs[count++] = &job;
  };
  for (uint8_t index : s.active)
    collect(s.slots[index].job);
  // A prefetch runs at low priority: demand traffic (the layers', and a chunk
  // streamed to a running layer) is served first, and the prefetch takes
  // what is left (updateBackground). Fetching ahead earlier therefore never
  // slows a layer, so freeing the DMA (a weight moved on chip) never hurts.
  if (!isBackground(dma))
    collect(dma);
  backgroundDirty = true;
  shareBandwidth(jobs, count, numLevels, t);
}

// The prefetch's speed: what the demand jobs leave of its levels.
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::updateBackground() {
  backgroundDirty = false;
  if (dma.state != JobState::Active || dmaStreaming)
    return;
  dma.settleProgress(t);
  dma.speed = 1;
  if (sim.cfg.contention) {
    // Every resource's sum, adding exact zeros for the ones a job does not
    // share with the prefetch: the same sums, without bit loops.
    double used[kMaxLevels] = {};
    for (uint8_t index : s.active) {
      const Job &job = s.slots[index].job;
      if (job.state != JobState::Active)
        continue;
      const uint32_t shared = job.resources & dma.resources;
      for (unsigned r = 0; r < numLevels; ++r)
        used[r] += (shared >> r) & 1 ? job.speed * job.demand[r] : 0.0;
    }
    dma.speed = leftoverSpeed(dma, used, numLevels);
  }
  // Starved until the demand traffic eases (a rate change). work / 1.0 is
  // work: skip the division at full speed.
  dma.eventAt = dma.speed == 1.0 ? t + dma.work
                : dma.speed > 0  ? t + dma.work / dma.speed
                                 : kInf;
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::dispatch(unsigned i) {
  llvm::ArrayRef<uint32_t> inputs = sim.producers[i],
                           shared = sim.sharedWeights[i];
  llvm::ArrayRef<double> sharedRead =
      llvm::ArrayRef<double>(sim.sharedReadBytes)
          .slice(sim.sharedWeights.start[i], shared.size());
  const unsigned k = sim.nodeEngines[i];
  uint8_t slotIndex = s.freeSlots.pop_back_val();
  s.active.push_back(slotIndex);
  s.slotOf[i] = slotIndex;
  Slot &slot = s.slots[slotIndex];
  slot.node = i;
  slot.start = t;
  slot.computeEnd = t + overhead + sim.nodeComputeSeconds[i];
  slot.memoryEnd = t;
  slot.waitDma = false;
  // Lowest-numbered free engines: deterministic, and it keeps the trace
  // readable. Most layers take every free engine.
  uint64_t mask = 0, rest = freeMask;
  if (k == freeEngines)
    mask = freeMask;
  else
    for (unsigned taken = 0; taken < k; ++taken) {
      uint64_t bit = rest & (~rest + 1);
      mask |= bit;
      rest &= ~bit;
    }
  slot.engineMask = mask;
  freeMask &= ~mask;
  freeEngines -= k;

  double bytes[kMaxLevels] = {};
  // Streamed weights add an exact zero: no branch on the placement.
  auto addWeight = [&](unsigned owner, double read) {
    bytes[pl[owner].weights] += streamed(owner) ? 0.0 : read;
  };
  addWeight(i, sim.readBytes[i]);
  for (size_t k = 0; k < shared.size(); ++k)
    addWeight(shared[k], sharedRead[k]);
  bytes[slowest] += sim.hostBytes[i];
  for (unsigned producer : inputs)
    bytes[pl[producer].output] += sim.outBytes[producer];
  bytes[pl[i].output] += sim.outBytes[i];
  addTilingTraffic(i, bytes);

  // Weights the DMA engine handles: what has landed is read from the staging
  // ring; the rest streams through it while the layer runs.
  if (prefetch && s.itemIndex[i] >= 0) {
    size_t index = size_t(s.itemIndex[i]);
    double landed = 0;
    if (index < dmaPos) {
      landed = s.dmaBytes[i];
    } else {
      slot.waitDma = true;
      if (index == dmaPos) {
        landed = dmaFetched;
        if (dma.state != JobState::Idle && !dmaStreaming) {
          // The chunk in flight is now consumed as it arrives: what landed
          // so far was a prefetch, the rest a stream.
          ringUsed -= dmaChunk;
          // Now demand traffic: it competes at full priority.
          dma.settleProgress(t);
          dmaStreaming = true;
          countUsers(dma, +1);
          // Without contention it keeps the full speed it had.
          ratesDirty |= sim.cfg.contention;
          if constexpr (RecorderT::enabled) {
            double left = dma.work - dma.speed * (t - dma.since);
            double done = dmaChunk * (1 - left / dmaWork);
            rec.dma(i, dmaIssued, t, done - dmaTraced, false);
            dmaTraced = done;
            dmaIssued = t;
          }
        }
      }
    }
    bytes[staging] += landed;
    // The layer now holds its staged tiles and frees them as its traffic
    // progresses (ringConsumers()).
    ringUsed -= landed;
    slot.staged = landed;
  } else {
    slot.staged = 0;
  }
  // Compute and traffic start together; the dispatch overhead is paid once,
  // when the engines signal completion (Slot::finishAt).
  startJob(slot.job, bytes, /*overlapped=*/-1);
  slot.stagedWork = slot.job.work;
  if (slot.staged > 0)
    slot.freeingAtFullSpeed = slot.staged / slot.stagedWork;
  s.dispatched[i] = 1;
}

/// Tiling: when neither the inputs nor the weights fit in half of the layer's
/// working set, one of them is re-read once per block of the other; a tiling
/// compiler picks the cheaper loop order. Whether, and how many passes, is
/// fixed per node (NnpiSim's constructor).
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::addTilingTraffic(unsigned i,
                                                          double *bytes) const {
  const Tiling &tile = sim.tiling[i];
  if (!tile.needed)
    return;
  llvm::ArrayRef<uint32_t> inputs = sim.producers[i],
                           shared = sim.sharedWeights[i];
  llvm::ArrayRef<double> sharedRead =
      llvm::ArrayRef<double>(sim.sharedReadBytes)
          .slice(sim.sharedWeights.start[i], shared.size());
  const double inputPasses = tile.inputPasses;
  const double weightPasses = tile.weightPasses;
  const std::vector<double> &levelRate = sim.levelRate;
  double inputCost = sim.hostBytes[i] / levelRate[slowest];
  for (unsigned producer : inputs)
    inputCost += sim.outBytes[producer] / levelRate[pl[producer].output];
  double weightCost = sim.readBytes[i] / levelRate[pl[i].weights];
  for (size_t k = 0; k < shared.size(); ++k)
    weightCost += sharedRead[k] / levelRate[pl[shared[k]].weights];
  if (inputPasses * inputCost <= weightPasses * weightCost) {
    bytes[slowest] += inputPasses * sim.hostBytes[i];
    for (unsigned producer : inputs)
      bytes[pl[producer].output] += inputPasses * sim.outBytes[producer];
  } else {
    // Re-reads come from the weights' home level: the ring only holds one
    // pass.
    bytes[pl[i].weights] += weightPasses * sim.readBytes[i];
    for (size_t k = 0; k < shared.size(); ++k)
      bytes[pl[shared[k]].weights] += weightPasses * sharedRead[k];
  }
}

// In-order issue, out-of-order completion: the next layer in program order
// starts once its producers are done and enough engines are free.
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::dispatchReady() {
  while (nextDispatch < n && s.pending[nextDispatch] == 0 &&
         freeEngines >= sim.nodeEngines[nextDispatch])
    dispatch(nextDispatch++);
}

/// Settles the issued layers at time t and retires those done: their engines
/// free, their consumers one producer closer to issue.
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::finishLayers() {
  for (size_t a = 0; a < s.active.size();) {
    uint8_t index = s.active[a];
    Slot &slot = s.slots[index];
    if (settleJob(slot.job))
      slot.memoryEnd = std::max(slot.memoryEnd, t);
    bool done = slot.job.state == JobState::Idle && !slot.waitDma &&
                slot.finishAt(overhead) <= t;
    if (!done) {
      ++a;
      continue;
    }
    if constexpr (RecorderT::enabled)
      rec.layer(slot.node, slot.start, t, slot.engineMask);
    freeMask |= slot.engineMask;
    freeEngines += sim.nodeEngines[slot.node];
    for (unsigned consumer : sim.consumers[slot.node])
      --s.pending[consumer];
    ++finished;
    s.freeSlots.push_back(index);
    s.active[a] = s.active.back();
    s.active.pop_back();
  }
}

//===----------------------------------------------------------------------===//
// The DMA engine and its staging ring
//===----------------------------------------------------------------------===//

// The runtime streams every weight the placement leaves in a level slower than
// the staging level (own or shared: DRAM, and the LLC when the ring is in
// SRAM), in program order. Engines compute from local memory, so such weights
// are DMA'd in either way; streaming them ahead keeps a slower home from ever
// being cheaper than a faster one. This lists them (`items`) with their bytes,
// source levels and time per byte.
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::planStreams() {
  s.items.clear();
  if (!prefetch)
    return;
  // Only items' entries are ever read, so only they are written.
  s.itemIndex.resize(n);
  s.dmaBytes.resize(n);
  s.dmaFrom.resize(size_t(n) * numLevels);
  s.dmaSecondsPerByte.resize(n);
  const NnpiSim::Csr &sharedWeights = sim.sharedWeights;
  for (unsigned i = 0; i < n; ++i) {
    s.itemIndex[i] = -1;
    double *from = &s.dmaFrom[size_t(i) * numLevels];
    double bytes = 0, perByte = 0;
    if (sharedWeights.start[i] == sharedWeights.start[i + 1]) {
      // Own weights only (most nodes): one source level, whose figures the
      // simulator's constructor worked out with the general case's
      // arithmetic.
      if (!streamed(i) || !(sim.readBytes[i] > 0))
        continue;
      const unsigned level = pl[i].weights;
      std::fill_n(from, numLevels, 0.0);
      from[level] = 1;
      bytes = sim.readBytes[i];
      perByte = sim.soleSecondsPerByte[size_t(i) * numLevels + level];
    } else {
      std::fill_n(from, numLevels, 0.0);
      if (streamed(i))
        from[pl[i].weights] += sim.readBytes[i];
      for (uint32_t k = sharedWeights.start[i]; k < sharedWeights.start[i + 1];
           ++k)
        if (streamed(sharedWeights.list[k]))
          from[pl[sharedWeights.list[k]].weights] += sim.sharedReadBytes[k];
      double reading = 0;
      for (unsigned l = staging + 1; l < numLevels; ++l) {
        bytes += from[l];
        reading += from[l] * sim.secondsPerByte[l];
      }
      if (!(bytes > 0))
        continue;
      for (unsigned l = staging + 1; l < numLevels; ++l)
        from[l] /= bytes;
      perByte = std::max(reading / bytes, sim.secondsPerByte[staging]);
    }
    s.dmaBytes[i] = bytes;
    s.dmaSecondsPerByte[i] = perByte;
    s.itemIndex[i] = int(s.items.size());
    s.items.push_back(i);
  }
}

// The ring space issued layers still hold (in proportion to the work their
// traffic has left) and the bytes/s they free as they consume it. One pass;
// few layers are issued at a time.
template <unsigned NumLevels, typename RecorderT>
RingConsumers SimEventLoop<NumLevels, RecorderT>::ringConsumers() const {
  RingConsumers c;
  for (uint8_t index : s.active) {
    const Slot &slot = s.slots[index];
    if (slot.staged > 0 && slot.job.state == JobState::Active) {
      double left = slot.job.work - slot.job.speed * (t - slot.job.since);
      c.held += slot.staged * left / slot.stagedWork;
      // staged * 1.0 is staged: at full speed the quotient is known.
      c.freeing += slot.job.speed == 1.0
                       ? slot.freeingAtFullSpeed
                       : slot.staged * slot.job.speed / slot.stagedWork;
    }
  }
  return c;
}

// Space a chunk filling at `fillRate` bytes/s can use: the free space, and the
// held space too when the consumers free it at least as fast as the chunk
// fills (the DMA engine queues descriptors as tiles free; the fill never
// catches up with the consumers).
template <unsigned NumLevels, typename RecorderT>
double SimEventLoop<NumLevels, RecorderT>::ringUsable(double fillRate) const {
  RingConsumers c = ringConsumers();
  double free = ringFree(c);
  if (c.held > 0 && c.freeing >= fillRate)
    free += c.held;
  return free;
}

// Bytes of a chunk that fit in `free`: whole tiles, or all of `rest` when it
// fits; 0 when neither does.
template <unsigned NumLevels, typename RecorderT>
double SimEventLoop<NumLevels, RecorderT>::chunkFor(double rest,
                                                    double free) const {
  if (free < tileBytes)
    return rest <= free ? rest : 0.0;
  const double wholeTiles =
      std::floor(tilePow2 ? free * perTile : free / tileBytes) * tileBytes;
  return std::min(rest, wholeTiles);
}

template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::dmaStart(double chunk) {
  dmaChunk = chunk;
  dmaTraced = 0;
  dmaIssued = t;
  // Read from the weights' levels (DRAM traffic also across the fabric),
  // written into the staging level; a chunk streamed to a running layer is
  // also read from there by its engines.
  double bytes[kMaxLevels] = {};
  const double *from = &s.dmaFrom[size_t(s.items[dmaPos]) * numLevels];
  for (unsigned l = staging + 1; l < numLevels; ++l)
    bytes[l] = chunk * from[l];
  bytes[staging] = dmaStreaming ? 2 * chunk : chunk;
  startJob(dma, bytes, int(staging));
  dmaWork = dma.work;
}

template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::dmaTryStart() {
  if (!prefetch || dma.state != JobState::Idle || dmaPos >= s.items.size())
    return;
  unsigned j = s.items[dmaPos];
  double rest = s.dmaBytes[j] - dmaFetched;
  if (s.dispatched[j]) {
    // Its layer is running: tiles are consumed as they land, so the
    // remainder streams through without waiting for ring space.
    dmaStreaming = true;
    dmaStart(rest);
    return;
  }
  // Prefetch: as far ahead as the ring has room, whatever the layers.
  double chunk = chunkFor(rest, ringUsable(1 / s.dmaSecondsPerByte[j]));
  if (chunk <= 0)
    return; // Ring full; consumers free space (dmaPlanWake).
  ringUsed += chunk;
  dmaStreaming = false;
  recordRing();
  dmaStart(chunk);
}

// Space freed while a chunk is in flight extends that chunk rather than
// waiting for it to end: the DMA engine queues more descriptors. Its speed
// does not change, only its end.
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::dmaExtend() {
  if (dma.state != JobState::Active || dmaStreaming)
    return;
  unsigned j = s.items[dmaPos];
  double rest = s.dmaBytes[j] - dmaFetched - dmaChunk;
  if (rest <= 0)
    return; // The whole item is in flight (most events).
  double extra = chunkFor(rest, ringUsable(dma.speed / s.dmaSecondsPerByte[j]));
  if (extra <= 0)
    return;
  double extraWork = extra * s.dmaSecondsPerByte[j];
  dma.settleProgress(t);
  dma.work += extraWork;
  dmaWork += extraWork;
  if (dma.speed > 0)
    dma.eventAt = t + dma.work / dma.speed;
  dmaChunk += extra;
  ringUsed += extra;
  recordRing();
}

// A DMA waiting for ring space (idle before its next chunk, or with more of
// its item to queue) wakes when the issued layers, consuming their staged
// tiles at their current speeds, have freed what it needs.
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::dmaPlanWake() {
  dmaWakeAt = kInf;
  if (!prefetch || dmaPos >= s.items.size() || dmaStreaming)
    return;
  unsigned j = s.items[dmaPos];
  double rest = s.dmaBytes[j] - dmaFetched;
  if (dma.state == JobState::Active)
    rest -= dmaChunk;
  else if (s.dispatched[j])
    return;
  if (rest <= 0)
    return;
  // Wake when the space is there without the slack, so that rounding in the
  // progress of the consumers cannot leave it a hair short.
  RingConsumers c = ringConsumers();
  double deficit = std::min(rest, wakeBytes) - (ringFree(c) - ringSlack);
  // With no deficit the DMA has already taken the space (dmaTryStart,
  // dmaExtend run first); a wake-up now would not move time on.
  if (c.freeing > 0 && deficit > 0)
    dmaWakeAt = t + deficit / c.freeing;
}

/// A chunk that landed at time t: a finished item can release the layer
/// waiting for it.
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::dmaSettle() {
  if (!settleJob(dma))
    return;
  unsigned j = s.items[dmaPos];
  if constexpr (RecorderT::enabled)
    rec.dma(j, dmaIssued, t, dmaChunk - dmaTraced, dmaStreaming);
  dmaFetched += dmaChunk;
  dmaChunk = 0;
  if (dmaFetched >= s.dmaBytes[j]) {
    if (s.dispatched[j]) {
      Slot &slot = s.slots[s.slotOf[j]];
      slot.waitDma = false;
      slot.memoryEnd = std::max(slot.memoryEnd, t);
    }
    ++dmaPos;
    dmaFetched = 0;
  }
}

//===----------------------------------------------------------------------===//
// Trace
//===----------------------------------------------------------------------===//

template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::recordRing() {
  if constexpr (RecorderT::enabled)
    rec.ring(t, ringUsed + ringConsumers().held);
}

// Bandwidth in use per level, recorded whenever it changes.
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::recordTraffic() {
  if constexpr (RecorderT::enabled) {
    double now[kMaxLevels] = {};
    auto add = [&](const Job &job) {
      if (job.state == JobState::Active)
        for (uint32_t m = job.resources; m; m &= m - 1)
          now[__builtin_ctz(m)] += job.speed * job.demand[__builtin_ctz(m)] *
                                   sim.capacity[__builtin_ctz(m)];
    };
    for (uint8_t index : s.active)
      add(s.slots[index].job);
    add(dma);
    if (!std::equal(now, now + numLevels, traffic)) {
      std::copy(now, now + numLevels, traffic);
      rec.rates(t, traffic, numLevels);
    }
  }
}

//===----------------------------------------------------------------------===//
// The loop
//===----------------------------------------------------------------------===//

template <unsigned NumLevels, typename RecorderT>
double SimEventLoop<NumLevels, RecorderT>::run() {
  if (n == 0)
    return 0;
  s.pending.assign(sim.numProducers.begin(), sim.numProducers.end());
  s.dispatched.assign(n, 0);
  s.slotOf.resize(n);
  s.slots.resize(numEngines);
  s.active.clear();
  s.freeSlots.clear();
  for (unsigned e = numEngines; e-- > 0;)
    s.freeSlots.push_back(uint8_t(e));
  planStreams();
  startWhatCan();

  double latency = 0;
  while (finished < n) {
    // While a layer's memory is busy its end is unknown; once done, its
    // finish is a fixed time. Compute ends are not events of their own.
    double next = std::min(dma.eventAt, dmaWakeAt);
    for (uint8_t index : s.active) {
      const Slot &slot = s.slots[index];
      if (slot.job.state != JobState::Idle)
        next = std::min(next, slot.job.eventAt);
      else if (!slot.waitDma)
        next = std::min(next, slot.finishAt(overhead));
    }
    if (!(next < kInf))
      break; // Nothing can move: cannot happen for a valid graph.
    t = next;

    // DMA first: a finished item can release the layer waiting for it.
    dmaSettle();
    const unsigned finishedBefore = finished;
    finishLayers();
    if (finished != finishedBefore)
      latency = t;
    startWhatCan();
  }
  return latency;
}

/// At time t, after its events: issues the layers and the DMA chunk that can
/// start, then sets the speeds that changed and when the DMA wakes.
template <unsigned NumLevels, typename RecorderT>
void SimEventLoop<NumLevels, RecorderT>::startWhatCan() {
  dispatchReady();
  dmaTryStart();
  dmaExtend();
  if (ratesDirty)
    computeRates();
  if (backgroundDirty)
    updateBackground();
  dmaPlanWake();
  recordTraffic();
}

template <typename RecorderT>
double NnpiSim::run(const Placement &placement, RecorderT &recorder) const {
  // The per-level loops run on every job start and rate update; with the
  // count known at compile time they unroll and keep their sums in registers
  // (measured 5-15% of an evaluation on BERT-base op). Every bundled target
  // has three levels.
  if (problem().numLevels() == 3)
    return SimEventLoop<3, RecorderT>(*this, placement, recorder).run();
  return SimEventLoop<0, RecorderT>(*this, placement, recorder).run();
}

// simulate() runs the loop recording nothing; the trace writer (SimTrace.cpp)
// with its recorder.
template double NnpiSim::run<NullSimRecorder>(const Placement &,
                                              NullSimRecorder &) const;
template double NnpiSim::run<NnpiSim::Recorder>(const Placement &,
                                                NnpiSim::Recorder &) const;

#undef EGRL_SIM_INLINE
