//===- NnpiSim.cpp - Discrete-event simulator of an NNP-I-class chip ------===//
//
// A fluid (processor-sharing) event loop. State changes only at events: a
// layer's memory job completes, a layer finishes, a DMA chunk lands. Between
// events every active job progresses at a constant speed, its weighted
// max-min fair share of the levels it uses, recomputed only when a job that
// shares a level starts or ends. Modelling choices and their sources are in
// docs/simulator.md; the comments here say why the code is shaped as it is.
//
//===----------------------------------------------------------------------===//

#include "NnpiSimRecorder.h"

#include "egrl/CostModel/Capacity.h"
#include "egrl/CostModel/EngineRule.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace egrl;

namespace {
/// Level bitmasks and per-level arrays are fixed-size so the hot loop does
/// not allocate.
constexpr unsigned kMaxLevels = SimConfig::kMaxLevels;
constexpr unsigned kMaxEngines = SimConfig::kMaxEngines;
constexpr double kInf = std::numeric_limits<double>::infinity();
} // namespace

//===----------------------------------------------------------------------===//
// Construction
//===----------------------------------------------------------------------===//

llvm::Error NnpiSim::checkLevels(const Target &target) {
  // Checked here, not with the sim section: the limit is the simulator's
  // (fixed-size per-level state in its event loop), not the target's.
  if (target.numLevels() <= kMaxLevels)
    return llvm::Error::success();
  return llvm::createStringError(
      target.describe() + " has " + std::to_string(target.numLevels()) +
      " memory levels: the nnpi-sim simulator (evaluator=nnpi-sim, trace=) "
      "takes at most " +
      std::to_string(kMaxLevels) +
      "; evaluator=analytical takes targets of up to " +
      std::to_string(Target::kMaxLevels));
}

llvm::Expected<std::unique_ptr<NnpiSim>>
NnpiSim::create(const Problem &problem) {
  if (llvm::Error err = checkLevels(problem.target()))
    return std::move(err);
  auto cfg = SimConfig::fromTarget(problem.target());
  if (!cfg)
    return cfg.takeError();
  return std::make_unique<NnpiSim>(problem, std::move(*cfg));
}

NnpiSim::NnpiSim(const Problem &problem, SimConfig config)
    : Evaluator(problem), cfg(std::move(config)) {
  const Target &target = problem.target();
  const unsigned numLevels = problem.numLevels();
  assert(numLevels <= kMaxLevels && "create() checks the level count");
  const unsigned slowest = problem.slowestLevel();
  for (unsigned l = 0; l < numLevels; ++l) {
    capacity.push_back(cfg.sustainedBandwidth(target, l));
    uint32_t mask = 1u << l;
    if (l == slowest && cfg.fabricLevel >= 0)
      mask |= 1u << cfg.fabricLevel;
    levelResources.push_back(mask);
    levelRate.push_back(cfg.transferRate(target, l));
    shareOfByte.push_back(1.0 / capacity.back());
    secondsPerByte.push_back(1.0 / levelRate.back());
  }
  const unsigned n = problem.numNodes();
  auto flatten = [&](Csr &csr, auto &&listOf) {
    csr.start.push_back(0);
    for (unsigned i = 0; i < n; ++i) {
      for (unsigned j : listOf(i))
        csr.list.push_back(j);
      csr.start.push_back(csr.list.size());
    }
  };
  const WorkloadGraph &graph = problem.graph();
  flatten(producers, [&](unsigned i) { return graph.nodes[i].producers; });
  flatten(sharedWeights,
          [&](unsigned i) { return graph.nodes[i].sharedWeights; });
  flatten(consumers, [&](unsigned i) { return problem.consumers[i]; });
  for (unsigned i = 0; i < n; ++i)
    numProducers.push_back(producers[i].size());
  for (unsigned i = 0; i < n; ++i) {
    readBytes.push_back(double(problem.weightReadBytes[i]));
    for (int64_t bytes : problem.sharedReadBytes[i])
      sharedReadBytes.push_back(double(bytes));
    outBytes.push_back(double(problem.outputBytes[i]));
    hostBytes.push_back(double(problem.hostInputBytes[i]));
  }
  nodeEngines.resize(n);
  nodeComputeSeconds.resize(n);
  for (unsigned i = 0; i < n; ++i) {
    // The compiler's split (EngineRule.h), which the model charges too.
    EngineShare share = engineShare(cfg, problem.computeSeconds[i]);
    nodeEngines[i] = share.engines;
    nodeComputeSeconds[i] = share.seconds;
  }
  // A node streaming only its own weights from `level` moves readBytes at
  // this many seconds per byte: run()'s general formula (bytes summed over
  // levels, the read time over the bytes, at least the staging write) with
  // one nonzero term, which adds exact zeros. Worked out once, not per run.
  soleSecondsPerByte.assign(size_t(n) * numLevels, 0);
  for (unsigned i = 0; i < n; ++i)
    for (unsigned l = cfg.stagingLevel + 1; l < numLevels; ++l)
      if (readBytes[i] > 0)
        soleSecondsPerByte[size_t(i) * numLevels + l] =
            std::max(readBytes[i] * secondsPerByte[l] / readBytes[i],
                     secondsPerByte[cfg.stagingLevel]);
  // The tiling rule's totals do not depend on the placement: sum them once,
  // in the order run() used to.
  tiling.resize(n);
  if (cfg.workingSetPerEngineBytes > 0)
    for (unsigned i = 0; i < n; ++i) {
      double weightTotal = 0;
      weightTotal += readBytes[i];
      for (uint32_t k = sharedWeights.start[i]; k < sharedWeights.start[i + 1];
           ++k)
        weightTotal += sharedReadBytes[k];
      double inputTotal = hostBytes[i];
      for (unsigned producer : producers[i])
        inputTotal += outBytes[producer];
      double half = 0.5 * double(cfg.workingSetPerEngineBytes) * nodeEngines[i];
      Tiling &tile = tiling[i];
      tile.needed = inputTotal > half && weightTotal > half;
      if (tile.needed) {
        tile.inputPasses = std::ceil(weightTotal / half) - 1;
        tile.weightPasses = std::ceil(inputTotal / half) - 1;
      }
    }
}

//===----------------------------------------------------------------------===//
// Simulation
//===----------------------------------------------------------------------===//

namespace {
enum class JobState : uint8_t { Idle, Active };

/// A memory job: a layer's transfers (or one DMA chunk). Its bytes from
/// several levels are interleaved by the engines' DMA queue, so it is one
/// fluid job: alone it takes `work` seconds (its start-up latency plus the
/// sum of its bytes over each level's bandwidth, as in the analytical model;
/// a DMA copy's read and write overlap, so there the largest term) and
/// needs `demand[r]` of resource r, as a share of the resource's sustained
/// bandwidth; under contention it progresses at `speed` <= 1.
/// Progress is kept lazily (`work` left at time `since`), so an event costs
/// nothing for the jobs it does not touch and completion is an exact
/// comparison of times.
struct Job {
  double work = 0;
  double since = 0;
  double speed = 0;
  /// Completion time while active.
  double eventAt = std::numeric_limits<double>::infinity();
  /// The dominant share: under sharing the job's speed is set by it (set
  /// by computeRates, its only reader).
  double maxDemand = 0;
  uint32_t resources = 0;
  JobState state = JobState::Idle;
  double demand[kMaxLevels];
};

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
  std::vector<unsigned> items;     ///< Nodes with DRAM weights, in order.
  std::vector<uint8_t> slotOf;     ///< Slot of a dispatched, running node.
  std::vector<Slot> slots;
  llvm::SmallVector<uint8_t, kMaxEngines> active, freeSlots;
  /// evaluate()'s rectified copy of the placement.
  Placement rectified;
};
thread_local Scratch scratch;

/// The thread's scratch, looked up once per run: in a shared library every
/// mention of a thread_local is a __tls_get_addr call, and the compiler,
/// knowing what a reference to it is bound to, repeats the lookup inside the
/// event loop's lambdas. The empty asm hides that identity.
Scratch &threadScratch() {
  Scratch *s = &scratch;
  asm("" : "+r"(s));
  return *s;
}

/// The hot path records nothing; the trace recorder is the other instance.
struct NullRecorder {
  static constexpr bool enabled = false;
  void layer(unsigned, double, double, uint64_t) {}
  void dma(unsigned, double, double, double, bool) {}
  void rates(double, const double *, unsigned) {}
  void ring(double, double) {}
};

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
} // namespace

template <typename RecorderT>
double NnpiSim::run(const Placement &pl, RecorderT &rec) const {
  // The per-level loops run on every job start and rate update; with the
  // count known at compile time they unroll and keep their sums in
  // registers (measured 5-15% of an evaluation on BERT-base op).
  // Every bundled target has three levels.
  if (problem().numLevels() == 3)
    return runWithLevels<3>(pl, rec);
  return runWithLevels<0>(pl, rec);
}

template <unsigned NumLevels, typename RecorderT>
double NnpiSim::runWithLevels(const Placement &pl, RecorderT &rec) const {
  const Problem &p = problem();
  const unsigned n = p.numNodes();
  const unsigned numLevels = NumLevels ? NumLevels : p.numLevels();
  const unsigned slowest = p.slowestLevel();
  const unsigned numEngines = cfg.engines;
  const double overhead = p.target().layerOverhead;
  if (n == 0)
    return 0;

  Scratch &s = threadScratch();
  // Per-level constants on the stack: the event loop's stores through
  // byte-sized pointers (flags, slot indices) could alias the vectors'
  // buffers, so reading them through `this` would reload their addresses.
  struct LevelConstants {
    double secondsPerByte[kMaxLevels], accessLatency[kMaxLevels];
    uint32_t resources[kMaxLevels];
    /// shareOfByte[r] when level l's traffic uses resource r (resources
    /// are levels), else 0: demands become fixed-length sums, free of the
    /// bit loop's stores and reloads.
    double shareIfUses[kMaxLevels][kMaxLevels];
  } lv;
  for (unsigned l = 0; l < numLevels; ++l) {
    lv.secondsPerByte[l] = secondsPerByte[l];
    lv.accessLatency[l] = cfg.accessLatency[l];
    lv.resources[l] = levelResources[l];
    for (unsigned r = 0; r < numLevels; ++r)
      lv.shareIfUses[l][r] =
          (levelResources[l] >> r) & 1 ? shareOfByte[r] : 0.0;
  }
  s.pending.assign(numProducers.begin(), numProducers.end());
  s.dispatched.assign(n, 0);
  s.slotOf.resize(n);
  s.slots.resize(numEngines);
  s.active.clear();
  s.freeSlots.clear();
  for (unsigned e = numEngines; e-- > 0;)
    s.freeSlots.push_back(uint8_t(e));

  // The runtime streams every weight the placement leaves in a level
  // slower than the staging level (own or shared: DRAM, and the LLC when
  // the ring is in SRAM), in program order. Engines compute from local
  // memory, so such weights are DMA'd in either way; streaming them ahead
  // keeps a slower home from ever being cheaper than a faster one.
  const bool prefetch = cfg.prefetch;
  const unsigned staging = cfg.stagingLevel;
  auto streamed = [&](unsigned owner) {
    return prefetch && pl[owner].weights > staging;
  };
  s.items.clear();
  if (prefetch) {
    // Only items' entries are ever read, so only they are written.
    s.itemIndex.resize(n);
    s.dmaBytes.resize(n);
    s.dmaFrom.resize(size_t(n) * numLevels);
    s.dmaSecondsPerByte.resize(n);
    for (unsigned i = 0; i < n; ++i) {
      s.itemIndex[i] = -1;
      double *from = &s.dmaFrom[size_t(i) * numLevels];
      double bytes = 0, perByte = 0;
      if (sharedWeights.start[i] == sharedWeights.start[i + 1]) {
        // Own weights only (most nodes): one source level, whose figures
        // the constructor worked out with the general case's arithmetic.
        if (!streamed(i) || !(readBytes[i] > 0))
          continue;
        const unsigned level = pl[i].weights;
        std::fill_n(from, numLevels, 0.0);
        from[level] = 1;
        bytes = readBytes[i];
        perByte = soleSecondsPerByte[size_t(i) * numLevels + level];
      } else {
        std::fill_n(from, numLevels, 0.0);
        if (streamed(i))
          from[pl[i].weights] += readBytes[i];
        for (uint32_t k = sharedWeights.start[i];
             k < sharedWeights.start[i + 1]; ++k)
          if (streamed(sharedWeights.list[k]))
            from[pl[sharedWeights.list[k]].weights] += sharedReadBytes[k];
        double reading = 0;
        for (unsigned l = staging + 1; l < numLevels; ++l) {
          bytes += from[l];
          reading += from[l] * secondsPerByte[l];
        }
        if (!(bytes > 0))
          continue;
        for (unsigned l = staging + 1; l < numLevels; ++l)
          from[l] /= bytes;
        perByte = std::max(reading / bytes, secondsPerByte[staging]);
      }
      s.dmaBytes[i] = bytes;
      s.dmaSecondsPerByte[i] = perByte;
      s.itemIndex[i] = int(s.items.size());
      s.items.push_back(i);
    }
  }
  const double ringBytes = double(cfg.ringBytes);
  const double tileBytes = double(cfg.tileBytes);
  // Whole tiles that fit in `free` bytes. For a power-of-two tile (the
  // usual case) dividing is multiplying by its exact reciprocal.
  const bool tilePow2 = (cfg.tileBytes & (cfg.tileBytes - 1)) == 0;
  const double perTile = 1.0 / tileBytes;
  auto wholeTiles = [&](double free) {
    return std::floor(tilePow2 ? free * perTile : free / tileBytes) * tileBytes;
  };

  double t = 0;
  unsigned nextDispatch = 0, finished = 0;
  uint64_t freeMask =
      numEngines == 64 ? ~uint64_t(0) : (uint64_t(1) << numEngines) - 1;
  unsigned freeEngines = numEngines;
  bool ratesDirty = false;

  // DMA engine state: `dmaPos` is the item being fetched, `dmaFetched` the
  // bytes of it already landed, `dmaChunk` the bytes in flight (of which
  // `dmaTraced` are already in the trace). `ringUsed` holds landed tiles of
  // layers not yet issued and the chunk in flight into the ring; issued
  // layers hold their staged tiles (Slot::staged) until they consume them.
  // `dmaWakeAt` is when a DMA waiting for ring space finds enough of it.
  Job dma;
  size_t dmaPos = 0;
  double dmaFetched = 0, dmaChunk = 0, dmaTraced = 0, dmaIssued = 0;
  double ringUsed = 0, dmaWakeAt = kInf, dmaWork = 0;
  bool dmaStreaming = false;

  // Active jobs per resource. Fair shares decompose over groups of jobs
  // linked by shared resources, so a job that shares nothing with anyone
  // runs at full speed and its start or end leaves every other rate as it
  // was: most events need no rate computation at all.
  // Loops over every resource, used or not, rather than over the set bits:
  // with the level count known they unroll without branches on the
  // placement.
  unsigned users[kMaxLevels] = {};
  auto alone = [&](const Job &job) {
    bool shares = false;
    for (unsigned r = 0; r < numLevels; ++r)
      shares |= ((job.resources >> r) & 1) & (users[r] > 1);
    return !shares;
  };
  auto countUsers = [&](const Job &job, int delta) {
    for (unsigned r = 0; r < numLevels; ++r)
      users[r] += unsigned(delta) * ((job.resources >> r) & 1);
  };
  // A prefetch ahead of its layer runs at low priority (computeRates): it
  // is not counted among a level's users, so demand jobs sharing a level
  // only with it still run alone; its own speed is what they leave
  // (updateBackground), refreshed whenever they change on its levels.
  bool backgroundDirty = false;
  auto isBackground = [&](const Job &job) {
    return &job == &dma && !dmaStreaming;
  };
  auto touchesBackground = [&](const Job &job) {
    return dma.state == JobState::Active && !dmaStreaming &&
           (job.resources & dma.resources);
  };
  auto activate = [&](Job &job) {
    job.state = JobState::Active;
    job.since = t;
    if (isBackground(job)) {
      job.speed = 0;
      job.eventAt = kInf;
      backgroundDirty = true;
      return;
    }
    countUsers(job, +1);
    if (!cfg.contention || alone(job)) {
      job.speed = 1;
      job.eventAt = t + job.work;
    } else {
      // Its speed depends on the others: set with everyone's below.
      job.eventAt = t;
      ratesDirty = true;
    }
    backgroundDirty |= touchesBackground(job);
  };
  /// Turns bytes per level into a job starting now. False when there is
  /// nothing to move. A copy into level `overlapped` (a DMA chunk into the
  /// ring) writes while it reads, so that level's time overlaps the rest.
  auto startJob = [&](Job &job, const double *bytes, int overlapped) {
    job.work = 0;
    job.resources = 0;
    job.speed = 0;
    job.state = JobState::Idle;
    job.eventAt = kInf;
    // Without branches: which levels a layer touches follows the placement,
    // which the branch predictor cannot learn. A level without bytes adds
    // an exact zero to the sums, so they are those of the touched levels.
    uint32_t levels = 0;
    double latency = 0, moving = 0, writing = 0;
    for (unsigned l = 0; l < numLevels; ++l) {
      const bool touched = bytes[l] > 0;
      levels |= uint32_t(touched) << l;
      (int(l) == overlapped ? writing : moving) +=
          bytes[l] * lv.secondsPerByte[l];
      latency = std::max(latency, double(touched) * lv.accessLatency[l]);
    }
    if (!levels)
      return false;
    moving = std::max(moving, writing);
    // Requests to different levels are issued together: one start-up
    // latency per job, the longest of the levels it touches. It is part of
    // the job's time (exact alone; stretched with the job under sharing).
    job.work = moving + latency;
    const double perSecond = 1.0 / job.work;
    // Every level, touched or not (zeros again), so the loops' trip counts
    // do not depend on the placement.
    for (unsigned l = 0; l < numLevels; ++l)
      job.resources |= -uint32_t(bytes[l] > 0) & lv.resources[l];
    // Shares of each resource, not bytes/s: levels ~100x apart in bandwidth
    // are shared by dominant share (DRF), so a layer's heavy SRAM traffic
    // does not starve its own DRAM traffic. Levels not using a resource add
    // exact zeros, so each sum is that over the levels using it, in order.
    double rate[kMaxLevels];
    for (unsigned l = 0; l < numLevels; ++l)
      rate[l] = bytes[l] * perSecond;
    for (unsigned res = 0; res < numLevels; ++res) {
      double demand = 0;
      for (unsigned l = 0; l < numLevels; ++l)
        demand += rate[l] * lv.shareIfUses[l][res];
      job.demand[res] = demand;
    }
    activate(job);
    return true;
  };

  auto dispatch = [&](unsigned i) {
    llvm::ArrayRef<uint32_t> inputs = producers[i], shared = sharedWeights[i];
    llvm::ArrayRef<double> sharedRead = llvm::ArrayRef<double>(
        sharedReadBytes).slice(sharedWeights.start[i], shared.size());
    const unsigned k = nodeEngines[i];
    uint8_t slotIndex = s.freeSlots.pop_back_val();
    s.active.push_back(slotIndex);
    s.slotOf[i] = slotIndex;
    Slot &slot = s.slots[slotIndex];
    slot.node = i;
    slot.start = t;
    slot.computeEnd = t + overhead + nodeComputeSeconds[i];
    slot.memoryEnd = t;
    slot.waitDma = false;
    // Lowest-numbered free engines: deterministic, and it keeps the trace
    // readable.
    // Most layers take every free engine.
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
    addWeight(i, readBytes[i]);
    for (size_t k = 0; k < shared.size(); ++k)
      addWeight(shared[k], sharedRead[k]);
    bytes[slowest] += hostBytes[i];
    for (unsigned producer : inputs)
      bytes[pl[producer].output] += outBytes[producer];
    bytes[pl[i].output] += outBytes[i];

    // Tiling: when neither the inputs nor the weights fit in half of the
    // layer's working set, one of them is re-read once per block of the
    // other; a tiling compiler picks the cheaper loop order. Whether, and
    // how many passes, is fixed per node (constructor).
    {
      const Tiling &tile = tiling[i];
      if (tile.needed) {
        const double inputPasses = tile.inputPasses;
        const double weightPasses = tile.weightPasses;
        double inputCost = hostBytes[i] / levelRate[slowest];
        for (unsigned producer : inputs)
          inputCost += outBytes[producer] / levelRate[pl[producer].output];
        double weightCost = readBytes[i] / levelRate[pl[i].weights];
        for (size_t k = 0; k < shared.size(); ++k)
          weightCost += sharedRead[k] / levelRate[pl[shared[k]].weights];
        if (inputPasses * inputCost <= weightPasses * weightCost) {
          bytes[slowest] += inputPasses * hostBytes[i];
          for (unsigned producer : inputs)
            bytes[pl[producer].output] += inputPasses * outBytes[producer];
        } else {
          // Re-reads come from the weights' home level: the ring only
          // holds one pass.
          bytes[pl[i].weights] += weightPasses * readBytes[i];
          for (size_t k = 0; k < shared.size(); ++k)
            bytes[pl[shared[k]].weights] += weightPasses * sharedRead[k];
        }
      }
    }

    // Weights the DMA engine handles: what has landed is read from the
    // staging ring; the rest streams through it while the layer runs.
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
            // The chunk in flight is now consumed as it arrives: what
            // landed so far was a prefetch, the rest a stream.
            ringUsed -= dmaChunk;
            // Now demand traffic: it competes at full priority.
            dma.work -= dma.speed * (t - dma.since);
            dma.since = t;
            dmaStreaming = true;
            countUsers(dma, +1);
            ratesDirty = true;
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
    // Compute and traffic start together; the dispatch overhead is paid
    // once, when the engines signal completion (Slot::finishAt).
    startJob(slot.job, bytes, /*overlapped=*/-1);
    slot.stagedWork = slot.job.work;
    if (slot.staged > 0)
      slot.freeingAtFullSpeed = slot.staged / slot.stagedWork;
    s.dispatched[i] = 1;
  };

  // In-order issue, out-of-order completion: the next layer in program order
  // starts once its producers are done and enough engines are free.
  auto dispatchReady = [&]() {
    while (nextDispatch < n && s.pending[nextDispatch] == 0 &&
           freeEngines >= nodeEngines[nextDispatch])
      dispatch(nextDispatch++);
  };

  // Issued layers holding staged tiles: the ring space they still hold (in
  // proportion to the work their traffic has left) and the bytes/s they
  // free as they consume it. One pass; few layers are issued at a time.
  struct RingConsumers {
    double held = 0, freeing = 0;
  };
  auto ringConsumers = [&]() {
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
  };
  // Free ring space given what consumers hold. The slack (a billionth of
  // the ring) absorbs rounding when the DMA wakes exactly as the space it
  // waits for is freed.
  const double ringSlack = 1e-9 * ringBytes;
  auto ringFree = [&](const RingConsumers &c) {
    return ringBytes - ringUsed - c.held + ringSlack;
  };
  // Space a chunk filling at `fillRate` bytes/s can use: the free space,
  // and the held space too when the consumers free it at least as fast as
  // the chunk fills (the DMA engine queues descriptors as tiles free; the
  // fill never catches up with the consumers).
  auto ringUsable = [&](double fillRate) {
    RingConsumers c = ringConsumers();
    double free = ringFree(c);
    if (c.held > 0 && c.freeing >= fillRate)
      free += c.held;
    return free;
  };
  // A DMA waiting for space wakes when 1/32 of the ring (at least a tile)
  // is free rather than every tile: consumers free space at SRAM speed, so
  // the wait this adds is short, and it saves events. (An eighth once let a
  // move to a faster level cost 0.105% on ResNet-50, before chunks could
  // fill space their consumers were freeing.)
  const double wakeBytes = std::max(tileBytes, ringBytes / 32);
  auto recordRing = [&]() {
    if constexpr (RecorderT::enabled)
      rec.ring(t, ringUsed + ringConsumers().held);
  };
  // Bytes of a chunk that fit in `free`: whole tiles, or all of `rest`
  // when it fits; 0 when neither does.
  auto chunkFor = [&](double rest, double free) {
    if (free < tileBytes)
      return rest <= free ? rest : 0.0;
    return std::min(rest, wholeTiles(free));
  };
  auto dmaStart = [&](double chunk) {
    dmaChunk = chunk;
    dmaTraced = 0;
    dmaIssued = t;
    // Read from the weights' levels (DRAM traffic also across the
    // fabric), written into the staging level; a chunk streamed to a
    // running layer is also read from there by its engines.
    double bytes[kMaxLevels] = {};
    const double *from = &s.dmaFrom[size_t(s.items[dmaPos]) * numLevels];
    for (unsigned l = staging + 1; l < numLevels; ++l)
      bytes[l] = chunk * from[l];
    bytes[staging] = dmaStreaming ? 2 * chunk : chunk;
    startJob(dma, bytes, int(staging));
    dmaWork = dma.work;
  };

  auto dmaTryStart = [&]() {
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
  };

  // Space freed while a chunk is in flight extends that chunk rather than
  // waiting for it to end: the DMA engine queues more descriptors. Its
  // speed does not change, only its end.
  auto dmaExtend = [&]() {
    if (dma.state != JobState::Active || dmaStreaming)
      return;
    unsigned j = s.items[dmaPos];
    double rest = s.dmaBytes[j] - dmaFetched - dmaChunk;
    if (rest <= 0)
      return; // The whole item is in flight (most events).
    double extra =
        chunkFor(rest, ringUsable(dma.speed / s.dmaSecondsPerByte[j]));
    if (extra <= 0)
      return;
    double extraWork = extra * s.dmaSecondsPerByte[j];
    dma.work -= dma.speed * (t - dma.since);
    dma.since = t;
    dma.work += extraWork;
    dmaWork += extraWork;
    if (dma.speed > 0)
      dma.eventAt = t + dma.work / dma.speed;
    dmaChunk += extra;
    ringUsed += extra;
    recordRing();
  };

  // A DMA waiting for ring space (idle before its next chunk, or with more
  // of its item to queue) wakes when the issued layers, consuming their
  // staged tiles at their current speeds, have freed what it needs.
  auto dmaPlanWake = [&]() {
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
    // Wake when the space is there without the slack, so that rounding in
    // the progress of the consumers cannot leave it a hair short.
    RingConsumers c = ringConsumers();
    double deficit = std::min(rest, wakeBytes) - (ringFree(c) - ringSlack);
    // With no deficit the DMA has already taken the space (dmaTryStart,
    // dmaExtend run first); a wake-up now would not move time on.
    if (c.freeing > 0 && deficit > 0)
      dmaWakeAt = t + deficit / c.freeing;
  };

  // Weighted max-min fair speeds of the active jobs. A common level beta
  // rises; job j gets min(beta, its demand) on its most demanding resource,
  // i.e. speed min(1, beta / maxDemand_j), until a resource saturates and
  // the jobs crossing it freeze. For jobs on one level each this is plain
  // processor sharing of its bandwidth.
  Job *jobs[kMaxEngines + 1];
  auto computeRates = [&]() {
    ratesDirty = false;
    unsigned count = 0;
    uint32_t seen = 0;
    bool disjoint = true;
    auto collect = [&](Job &job) {
      if (job.state != JobState::Active)
        return;
      // Only this computation needs the dominant share: found here, not at
      // every job start.
      job.maxDemand = 0;
      for (uint32_t r = job.resources; r; r &= r - 1)
        job.maxDemand = std::max(job.maxDemand, job.demand[__builtin_ctz(r)]);
      job.work -= job.speed * (t - job.since);
      job.since = t;
      disjoint &= (seen & job.resources) == 0;
      seen |= job.resources;
      jobs[count++] = &job;
    };
    for (uint8_t index : s.active)
      collect(s.slots[index].job);
    // A prefetch runs at low priority: demand traffic (the layers', and a
    // chunk streamed to a running layer) is served first, and the prefetch
    // takes what is left (updateBackground). Fetching ahead earlier
    // therefore never slows a layer, so freeing the DMA (a weight moved on
    // chip) never hurts.
    if (!isBackground(dma))
      collect(dma);
    backgroundDirty = true;
    if (disjoint) {
      // Nobody shares a resource (the common case): full speed.
      for (unsigned f = 0; f < count; ++f)
        jobs[f]->speed = 1;
    } else if (count == 2) {
      // The usual contention, a layer beside the DMA engine, in closed form:
      // both freeze at the first shared resource to saturate, so beta is
      // the smallest root of usage_r(beta) = capacity_r over shared r.
      Job &a = *jobs[0], &b = *jobs[1];
      double lo = std::min(a.maxDemand, b.maxDemand);
      double beta = std::max(a.maxDemand, b.maxDemand);
      const Job &later = a.maxDemand < b.maxDemand ? b : a;
      for (uint32_t m = a.resources & b.resources; m; m &= m - 1) {
        unsigned r = __builtin_ctz(m);
        double slopeA = a.demand[r] / a.maxDemand;
        double slopeB = b.demand[r] / b.maxDemand;
        auto usage = [&](double x) {
          return slopeA * std::min(x, a.maxDemand) +
                 slopeB * std::min(x, b.maxDemand);
        };
        if (usage(beta) <= 1)
          continue;
        double atLo = usage(lo);
        double root = atLo >= 1 ? 1 / (slopeA + slopeB)
                                : lo + (1 - atLo) /
                                     (later.demand[r] / later.maxDemand);
        beta = std::min(beta, root);
      }
      a.speed = std::min(1.0, beta / a.maxDemand);
      b.speed = std::min(1.0, beta / b.maxDemand);
    } else {
      double left[kMaxLevels];
      std::fill_n(left, numLevels, 1.0);
      double slope[kMaxLevels];
      Job *open[kMaxEngines + 1];
      unsigned numOpen = count;
      for (unsigned f = 0; f < count; ++f) {
        open[f] = jobs[f];
        jobs[f]->speed = 0;
      }
      double beta = 0;
      while (numOpen > 0) {
        // Usage of each resource grows with slope[r] per unit of beta.
        std::fill_n(slope, numLevels, 0.0);
        uint32_t used = 0;
        double step = kInf;
        for (unsigned f = 0; f < numOpen; ++f) {
          Job &job = *open[f];
          used |= job.resources;
          step = std::min(step, job.maxDemand - beta);
          for (uint32_t m = job.resources; m; m &= m - 1) {
            unsigned r = __builtin_ctz(m);
            slope[r] += job.demand[r] / job.maxDemand;
          }
        }
        for (uint32_t m = used; m; m &= m - 1) {
          unsigned r = __builtin_ctz(m);
          step = std::min(step, left[r] / slope[r]);
        }
        step = std::max(step, 0.0);
        beta += step;
        uint32_t saturated = 0;
        for (uint32_t m = used; m; m &= m - 1) {
          unsigned r = __builtin_ctz(m);
          left[r] -= slope[r] * step;
          if (left[r] <= 1e-12)
            saturated |= 1u << r;
        }
        unsigned kept = 0;
        for (unsigned f = 0; f < numOpen; ++f) {
          Job &job = *open[f];
          job.speed = std::min(1.0, beta / job.maxDemand);
          if (job.speed < 1.0 && !(job.resources & saturated))
            open[kept++] = &job;
        }
        numOpen = kept;
      }
    }
    // work / 1.0 is work: skip the division for jobs at full speed.
    for (unsigned f = 0; f < count; ++f) {
      Job &job = *jobs[f];
      job.eventAt = t + (job.speed == 1.0 ? job.work : job.work / job.speed);
    }
  };

  // Bandwidth in use per level, for the trace: recorded whenever it changes.
  double traffic[kMaxLevels] = {};
  auto recordTraffic = [&]() {
    double now[kMaxLevels] = {};
    auto add = [&](const Job &job) {
      if (job.state == JobState::Active)
        for (uint32_t m = job.resources; m; m &= m - 1)
          now[__builtin_ctz(m)] += job.speed * job.demand[__builtin_ctz(m)] *
                                   capacity[__builtin_ctz(m)];
    };
    for (uint8_t index : s.active)
      add(s.slots[index].job);
    add(dma);
    if (!std::equal(now, now + numLevels, traffic)) {
      std::copy(now, now + numLevels, traffic);
      rec.rates(t, traffic, numLevels);
    }
  };

  /// Moves a job across its events at time t; true when it completed.
  auto settleJob = [&](Job &job) {
    if (job.eventAt > t)
      return false;
    const bool background = isBackground(job);
    job.state = JobState::Idle;
    job.eventAt = kInf;
    job.speed = 0;
    if (background)
      return true;
    // Others speed up only if it shared something with them.
    ratesDirty |= cfg.contention && !alone(job);
    backgroundDirty |= touchesBackground(job);
    countUsers(job, -1);
    return true;
  };

  // The prefetch's speed: what the demand jobs leave of its levels.
  auto updateBackground = [&]() {
    backgroundDirty = false;
    if (dma.state != JobState::Active || dmaStreaming)
      return;
    dma.work -= dma.speed * (t - dma.since);
    dma.since = t;
    dma.speed = 1;
    if (cfg.contention) {
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
      // A resource the prefetch does not use has demand 0: never below
      // what is left, so every resource can be looked at.
      for (unsigned r = 0; r < numLevels; ++r) {
        // What the layers leave usually covers the chunk's whole demand
        // (its speed stays 1, the min below would not change it): divide
        // only when it does not. The quotient rounds to at least 1 exactly
        // when the leftover is at least the demand, so this is exact.
        double left = std::max(0.0, 1 - used[r]);
        if (left < dma.demand[r])
          dma.speed = std::min(dma.speed, left / dma.demand[r]);
      }
    }
    // Starved until the demand traffic eases (a rate change). work / 1.0 is
    // work: skip the division at full speed.
    dma.eventAt = dma.speed == 1.0 ? t + dma.work
                  : dma.speed > 0  ? t + dma.work / dma.speed
                                   : kInf;
  };

  dispatchReady();
  dmaTryStart();
  if (ratesDirty)
    computeRates();
  if (backgroundDirty)
    updateBackground();
  dmaPlanWake();
  if constexpr (RecorderT::enabled)
    recordTraffic();

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
    if (settleJob(dma)) {
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
      freeEngines += nodeEngines[slot.node];
      for (unsigned consumer : consumers[slot.node])
        --s.pending[consumer];
      ++finished;
      latency = t;
      s.freeSlots.push_back(index);
      s.active[a] = s.active.back();
      s.active.pop_back();
    }

    dispatchReady();
    dmaTryStart();
    dmaExtend();
    if (ratesDirty)
      computeRates();
    if (backgroundDirty)
      updateBackground();
    dmaPlanWake();
    if constexpr (RecorderT::enabled)
      recordTraffic();
  }
  return latency;
}

// The trace writer (SimTrace.cpp) runs the loop with its recorder.
template double NnpiSim::run<NnpiSim::Recorder>(const Placement &,
                                                NnpiSim::Recorder &) const;

double NnpiSim::simulate(const Placement &placement) const {
  NullRecorder recorder;
  return run(placement, recorder);
}

EvalResult NnpiSim::evaluateRepeat(const Placement &placement,
                                   unsigned repeat) const {
  // The thread's copy keeps its buffer: no allocation per evaluation.
  Placement &copy = threadScratch().rectified;
  copy.nodes.assign(placement.nodes.begin(), placement.nodes.end());
  CapacityReport report = rectify(problem(), copy);
  EvalResult result{simulate(copy), report.valid, report.overflowBytes};
  if (cfg.noiseStddev > 0) {
    // Noise is a function of (seed, placement, repeat), not of a shared
    // generator: reproducible and thread-safe.
    uint64_t h = splitmix64(cfg.noiseSeed);
    for (const NodePlacement &np : copy.nodes)
      h = splitmix64(h ^ (uint64_t(np.weights) << 8 | np.output));
    // Measurement 0 keeps the draw it always had; each repeat its own.
    if (repeat > 0)
      h = splitmix64(h ^ (0x9e3779b97f4a7c15ULL * repeat));
    double u1 = (double((h >> 11) | 1) / 9007199254740992.0);
    double u2 = double(splitmix64(h) >> 11) / 9007199254740992.0;
    double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
    result.latency *= std::max(0.05, 1.0 + cfg.noiseStddev * z);
  }
  return result;
}

SimLowerBounds NnpiSim::lowerBounds() const {
  const Problem &p = problem();
  SimLowerBounds bounds;
  bounds.allFastest = simulate(Placement(p.numNodes(), 0));
  double engineSeconds = 0;
  for (unsigned i = 0; i < p.numNodes(); ++i)
    engineSeconds +=
        nodeEngines[i] * (p.target().layerOverhead + nodeComputeSeconds[i]);
  bounds.computeBound = engineSeconds / cfg.engines;
  // Weights of at least `excess` resident bytes must stay in the backing
  // store. The fewest bytes an inference then reads from it is a knapsack;
  // its fractional relaxation (least-read bytes per resident byte first) is
  // a lower bound.
  int64_t resident = 0, onChip = 0;
  double dramBytes = 0;
  // Every reader of a shared weight reads (its part of) it again.
  std::vector<double> reads(p.numNodes(), 0);
  for (unsigned i = 0; i < p.numNodes(); ++i) {
    reads[i] += double(p.weightReadBytes[i]);
    const std::vector<unsigned> &owners = p.graph().nodes[i].sharedWeights;
    for (size_t k = 0; k < owners.size(); ++k)
      reads[owners[k]] += double(p.sharedReadBytes[i][k]);
  }
  std::vector<std::pair<double, int64_t>> perByte;
  for (unsigned i = 0; i < p.numNodes(); ++i) {
    resident += p.weightBytes[i];
    dramBytes += double(p.hostInputBytes[i]);
    if (p.weightBytes[i] > 0) {
      perByte.push_back(
          {reads[i] / double(p.weightBytes[i]), p.weightBytes[i]});
    }
  }
  for (unsigned l = 0; l < p.slowestLevel(); ++l)
    onChip += p.usableBytes[l];
  double excess = double(std::max<int64_t>(0, resident - onChip));
  std::sort(perByte.begin(), perByte.end());
  for (const auto &[ratio, bytes] : perByte) {
    if (excess <= 0)
      break;
    double taken = std::min(excess, double(bytes));
    dramBytes += ratio * taken;
    excess -= taken;
  }
  bounds.dramBound = dramBytes / capacity[p.slowestLevel()];
  return bounds;
}

