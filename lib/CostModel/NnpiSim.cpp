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

#include "egrl/CostModel/NnpiSim.h"
#include "egrl/CostModel/Capacity.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/JSON.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace egrl;
using json = nlohmann::json;

namespace {
/// Level bitmasks and per-level arrays are fixed-size so the hot loop does
/// not allocate.
constexpr unsigned kMaxLevels = 8;
constexpr unsigned kMaxEngines = 64;
constexpr double kInf = std::numeric_limits<double>::infinity();
} // namespace

//===----------------------------------------------------------------------===//
// Configuration
//===----------------------------------------------------------------------===//

SimConfig SimConfig::defaults(const Target &target) {
  SimConfig cfg;
  const unsigned numLevels = target.numLevels();
  const unsigned slowest = numLevels - 1;
  // The level just above the backing store is the shared cache whose fabric
  // DRAM traffic crosses on NNP-I; with two levels there is none.
  cfg.fabricLevel = numLevels >= 3 ? int(slowest - 1) : -1;
  cfg.sustainedFraction.assign(numLevels, 0.9);
  cfg.accessLatency.assign(numLevels, 30e-9);
  if (numLevels > 1) {
    cfg.sustainedFraction[0] = 0.95;
    cfg.accessLatency[0] = 5e-9;
  }
  cfg.sustainedFraction[slowest] = 0.8;
  cfg.accessLatency[slowest] = 100e-9;
  cfg.prefetch = numLevels > 1;
  cfg.stagingLevel = 0;
  // The ring must come out of the reserve, so by default take no more than
  // the reserve holds.
  cfg.ringBytes =
      std::min<int64_t>(cfg.ringBytes, target.levels[0].reservedBytes);
  return cfg;
}

namespace {
/// Reads the "sim" section, collecting the first error with the JSON path of
/// the offending field.
struct SimReader {
  const Target &target;
  std::string error;

  bool fail(const std::string &path, const std::string &what) {
    if (error.empty())
      error = "target '" + target.name + "': " + path + ": " + what;
    return false;
  }

  bool onlyKeys(const json &obj, const std::string &path,
                std::initializer_list<const char *> allowed) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool known = false;
      for (const char *key : allowed)
        known |= it.key() == key;
      if (!known) {
        std::string list;
        for (const char *key : allowed)
          list += (list.empty() ? "" : ", ") + std::string(key);
        return fail(path + "." + it.key(),
                    "unknown field (known: " + list + ")");
      }
    }
    return true;
  }

  bool number(const json &obj, const char *key, const std::string &path,
              double &out) {
    auto it = obj.find(key);
    if (it == obj.end())
      return true;
    if (!it->is_number())
      return fail(path + "." + key,
                  "must be a number (got " + it->dump() + ")");
    double value = it->get<double>();
    if (!std::isfinite(value))
      return fail(path + "." + key, "must be finite");
    out = value;
    return true;
  }

  template <typename IntT>
  bool integer(const json &obj, const char *key, const std::string &path,
               IntT &out) {
    auto it = obj.find(key);
    if (it == obj.end())
      return true;
    // 4194304 and 4.194304e6 are both fine as long as they are whole.
    if (!it->is_number() || it->get<double>() != std::floor(it->get<double>()))
      return fail(path + "." + key,
                  "must be a whole number (got " + it->dump() + ")");
    double value = it->get<double>();
    if (value < 0 || value > 9.0e18)
      return fail(path + "." + key, "must be >= 0 (got " + it->dump() + ")");
    out = IntT(value);
    return true;
  }

  bool boolean(const json &obj, const char *key, const std::string &path,
               bool &out) {
    auto it = obj.find(key);
    if (it == obj.end())
      return true;
    if (!it->is_boolean())
      return fail(path + "." + key, "must be true or false");
    out = it->get<bool>();
    return true;
  }

  bool level(const json &value, const std::string &path, unsigned &out) {
    if (!value.is_string())
      return fail(path,
                  "must be a level name (one of " + target.levelNames() + ")");
    auto index = target.findLevel(value.get<std::string>());
    if (!index)
      return fail(path, "unknown level '" + value.get<std::string>() +
                            "' (levels: " + target.levelNames() + ")");
    out = *index;
    return true;
  }
};
} // namespace

llvm::Expected<SimConfig> SimConfig::fromTarget(const Target &target) {
  if (target.levels.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "target '%s' has no memory levels",
                                   target.name.c_str());
  SimConfig cfg = defaults(target);
  if (!target.simSection.empty()) {
    SimReader r{target, {}};
    auto makeError = [&]() {
      return llvm::createStringError(llvm::inconvertibleErrorCode(), r.error);
    };
    json root = json::parse(target.simSection, nullptr,
                            /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_object()) {
      r.fail("sim", "must be a JSON object");
      return makeError();
    }
    const std::string p = "sim";
    if (!r.onlyKeys(root, p,
                    {"engines", "min_engine_work_s",
                     "working_set_per_engine_bytes", "contention",
                     "fabric_level", "levels", "prefetch", "noise_stddev",
                     "noise_seed"}) ||
        !r.integer(root, "engines", p, cfg.engines) ||
        !r.number(root, "min_engine_work_s", p, cfg.minEngineWorkSeconds) ||
        !r.integer(root, "working_set_per_engine_bytes", p,
                   cfg.workingSetPerEngineBytes) ||
        !r.boolean(root, "contention", p, cfg.contention) ||
        !r.number(root, "noise_stddev", p, cfg.noiseStddev) ||
        !r.integer(root, "noise_seed", p, cfg.noiseSeed))
      return makeError();
    if (auto it = root.find("fabric_level"); it != root.end()) {
      unsigned level = 0;
      if (it->is_null())
        cfg.fabricLevel = -1;
      else if (!r.level(*it, p + ".fabric_level", level))
        return makeError();
      else
        cfg.fabricLevel = int(level);
    }
    if (auto it = root.find("levels"); it != root.end()) {
      if (!it->is_object()) {
        r.fail(p + ".levels", "must be an object keyed by level name");
        return makeError();
      }
      for (auto entry = it->begin(); entry != it->end(); ++entry) {
        std::string path = p + ".levels." + entry.key();
        unsigned level = 0;
        if (!r.level(json(entry.key()), path, level))
          return makeError();
        if (!entry->is_object()) {
          r.fail(path, "must be an object");
          return makeError();
        }
        if (!r.onlyKeys(*entry, path,
                        {"sustained_fraction", "access_latency_s"}) ||
            !r.number(*entry, "sustained_fraction", path,
                      cfg.sustainedFraction[level]) ||
            !r.number(*entry, "access_latency_s", path,
                      cfg.accessLatency[level]))
          return makeError();
      }
    }
    if (auto it = root.find("prefetch"); it != root.end()) {
      std::string path = p + ".prefetch";
      if (!it->is_object()) {
        r.fail(path, "must be an object");
        return makeError();
      }
      if (!r.onlyKeys(*it, path,
                      {"enabled", "staging_level", "ring_bytes", "tile_bytes",
                       "layers_ahead"}) ||
          !r.boolean(*it, "enabled", path, cfg.prefetch) ||
          !r.integer(*it, "ring_bytes", path, cfg.ringBytes) ||
          !r.integer(*it, "tile_bytes", path, cfg.tileBytes) ||
          !r.integer(*it, "layers_ahead", path, cfg.layersAhead))
        return makeError();
      if (auto level = it->find("staging_level"); level != it->end()) {
        if (!r.level(*level, path + ".staging_level", cfg.stagingLevel))
          return makeError();
        // A default ring sized for level 0's reserve follows the level.
        if (!it->contains("ring_bytes"))
          cfg.ringBytes =
              std::min<int64_t>(SimConfig().ringBytes,
                                target.levels[cfg.stagingLevel].reservedBytes);
      }
    }
  }
  if (llvm::Error err = cfg.validate(target))
    return std::move(err);
  return cfg;
}

llvm::Error SimConfig::validate(const Target &target) const {
  auto fail = [&](const std::string &path, const std::string &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "target '" + target.name + "': sim." + path +
                                       ": " + what);
  };
  const unsigned numLevels = target.numLevels();
  if (numLevels == 0 || numLevels > kMaxLevels)
    return fail("levels", "the simulator supports 1 to " +
                              std::to_string(kMaxLevels) + " memory levels");
  if (engines < 1 || engines > kMaxEngines)
    return fail("engines", "must be between 1 and " +
                               std::to_string(kMaxEngines) + " (got " +
                               std::to_string(engines) + ")");
  if (!(minEngineWorkSeconds >= 0))
    return fail("min_engine_work_s", "must be >= 0");
  if (workingSetPerEngineBytes < 0)
    return fail("working_set_per_engine_bytes", "must be >= 0");
  if (sustainedFraction.size() != numLevels ||
      accessLatency.size() != numLevels)
    return fail("levels", "one entry per target level expected");
  for (unsigned l = 0; l < numLevels; ++l) {
    const std::string &name = target.levels[l].name;
    if (!(sustainedFraction[l] > 0 && sustainedFraction[l] <= 1))
      return fail("levels." + name + ".sustained_fraction",
                  "must be in (0, 1] (got " +
                      std::to_string(sustainedFraction[l]) + ")");
    if (!(accessLatency[l] >= 0))
      return fail("levels." + name + ".access_latency_s", "must be >= 0");
  }
  if (fabricLevel >= int(numLevels) ||
      (fabricLevel >= 0 && unsigned(fabricLevel) == numLevels - 1))
    return fail("fabric_level",
                "must be a level faster than the backing store '" +
                    target.levels.back().name + "'");
  if (!(noiseStddev >= 0 && noiseStddev < 1))
    return fail("noise_stddev", "must be in [0, 1)");
  if (prefetch) {
    if (numLevels < 2 || stagingLevel >= numLevels - 1)
      return fail("prefetch.staging_level",
                  "must be a level faster than the backing store '" +
                      target.levels.back().name + "'");
    const MemoryLevel &staging = target.levels[stagingLevel];
    if (ringBytes > staging.reservedBytes)
      return fail("prefetch.ring_bytes",
                  "the staging ring (" + std::to_string(ringBytes) +
                      " bytes) must fit in the reserved_bytes (" +
                      std::to_string(staging.reservedBytes) + ") of level '" +
                      staging.name +
                      "', so that placements cannot use its space");
    if (tileBytes <= 0)
      return fail("prefetch.tile_bytes", "must be > 0");
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Construction
//===----------------------------------------------------------------------===//

llvm::Expected<std::unique_ptr<NnpiSim>>
NnpiSim::create(const Problem &problem) {
  auto cfg = SimConfig::fromTarget(problem.target());
  if (!cfg)
    return cfg.takeError();
  return std::make_unique<NnpiSim>(problem, std::move(*cfg));
}

NnpiSim::NnpiSim(const Problem &problem, SimConfig config)
    : Evaluator(problem), cfg(std::move(config)) {
  const Target &target = problem.target();
  const unsigned numLevels = problem.numLevels();
  const unsigned slowest = problem.slowestLevel();
  for (unsigned l = 0; l < numLevels; ++l) {
    capacity.push_back(target.levels[l].bandwidth * cfg.sustainedFraction[l]);
    uint32_t mask = 1u << l;
    if (l == slowest && cfg.fabricLevel >= 0)
      mask |= 1u << cfg.fabricLevel;
    levelResources.push_back(mask);
  }
  for (unsigned l = 0; l < numLevels; ++l) {
    double rate = capacity[l];
    for (uint32_t m = levelResources[l]; m; m &= m - 1)
      rate = std::min(rate, capacity[__builtin_ctz(m)]);
    levelRate.push_back(rate);
    secondsPerByte.push_back(1.0 / rate);
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
    // Problem::computeSeconds is at the chip's full rate; one engine does
    // 1/engines of it.
    double oneEngine = problem.computeSeconds[i] * cfg.engines;
    unsigned k = cfg.engines;
    if (cfg.minEngineWorkSeconds > 0) {
      double want = std::ceil(oneEngine / cfg.minEngineWorkSeconds);
      k = unsigned(std::clamp(want, 1.0, double(cfg.engines)));
    }
    nodeEngines[i] = k;
    nodeComputeSeconds[i] =
        k == cfg.engines ? problem.computeSeconds[i] : oneEngine / k;
  }
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
/// sum of its bytes over each level's bandwidth, as in the analytical model)
/// and needs `demand[r]` bytes/s of resource r; under contention it
/// progresses at `speed` <= 1.
/// Progress is kept lazily (`work` left at time `since`), so an event costs
/// nothing for the jobs it does not touch and completion is an exact
/// comparison of times.
struct Job {
  double work = 0;
  double since = 0;
  double speed = 0;
  /// Completion time while active.
  double eventAt = std::numeric_limits<double>::infinity();
  /// The largest demand: under sharing the job's speed is set by it.
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
  std::vector<double> dmaBytes;    ///< DRAM weight bytes streamed per node.
  std::vector<unsigned> items;     ///< Nodes with DRAM weights, in order.
  std::vector<uint8_t> slotOf;     ///< Slot of a dispatched, running node.
  std::vector<Slot> slots;
  llvm::SmallVector<uint8_t, kMaxEngines> active, freeSlots;
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

/// What writeChromeTrace() needs from one run.
struct NnpiSim::Recorder {
  static constexpr bool enabled = true;
  struct LayerRec {
    unsigned node;
    double start, end;
    uint64_t engines;
  };
  struct DmaRec {
    unsigned node;
    double start, end, bytes;
    bool streaming;
  };
  struct RateRec {
    double time;
    std::vector<double> perLevel;
  };
  std::vector<LayerRec> layers;
  std::vector<DmaRec> dmas;
  std::vector<RateRec> rateChanges;
  std::vector<std::pair<double, double>> ringUse;

  void layer(unsigned node, double start, double end, uint64_t engines) {
    layers.push_back({node, start, end, engines});
  }
  void dma(unsigned node, double start, double end, double bytes,
           bool streaming) {
    dmas.push_back({node, start, end, bytes, streaming});
  }
  void rates(double time, const double *perLevel, unsigned numLevels) {
    rateChanges.push_back(
        {time, std::vector<double>(perLevel, perLevel + numLevels)});
  }
  void ring(double time, double bytes) { ringUse.push_back({time, bytes}); }
};

template <typename RecorderT>
double NnpiSim::run(const Placement &pl, RecorderT &rec) const {
  const Problem &p = problem();
  const unsigned n = p.numNodes();
  const unsigned numLevels = p.numLevels();
  const unsigned slowest = p.slowestLevel();
  const unsigned numEngines = cfg.engines;
  const double overhead = p.target().layerOverhead;
  if (n == 0)
    return 0;

  Scratch &s = threadScratch();
  s.pending.resize(n);
  s.dispatched.assign(n, 0);
  s.slotOf.resize(n);
  s.slots.resize(numEngines);
  s.active.clear();
  s.freeSlots.clear();
  for (unsigned e = numEngines; e-- > 0;)
    s.freeSlots.push_back(uint8_t(e));
  for (unsigned i = 0; i < n; ++i)
    s.pending[i] = producers[i].size();

  // The runtime streams every weight the placement leaves in the backing
  // store (own or shared), in program order.
  const bool prefetch = cfg.prefetch;
  s.items.clear();
  if (prefetch) {
    s.itemIndex.assign(n, -1);
    s.dmaBytes.assign(n, 0);
    for (unsigned i = 0; i < n; ++i) {
      double bytes = pl[i].weights == slowest ? readBytes[i] : 0;
      for (uint32_t k = sharedWeights.start[i]; k < sharedWeights.start[i + 1];
           ++k)
        if (pl[sharedWeights.list[k]].weights == slowest)
          bytes += sharedReadBytes[k];
      if (bytes > 0) {
        s.dmaBytes[i] = bytes;
        s.itemIndex[i] = int(s.items.size());
        s.items.push_back(i);
      }
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
  // bytes of it already landed, `dmaChunk` the bytes in flight.
  Job dma;
  size_t dmaPos = 0;
  double dmaFetched = 0, dmaChunk = 0, dmaIssued = 0, ringUsed = 0;
  bool dmaStreaming = false;

  // Active jobs per resource. Fair shares decompose over groups of jobs
  // linked by shared resources, so a job that shares nothing with anyone
  // runs at full speed and its start or end leaves every other rate as it
  // was: most events need no rate computation at all.
  unsigned users[kMaxLevels] = {};
  auto alone = [&](const Job &job) {
    for (uint32_t m = job.resources; m; m &= m - 1)
      if (users[__builtin_ctz(m)] > 1)
        return false;
    return true;
  };
  auto activate = [&](Job &job) {
    job.state = JobState::Active;
    job.since = t;
    for (uint32_t m = job.resources; m; m &= m - 1)
      ++users[__builtin_ctz(m)];
    if (!cfg.contention || alone(job)) {
      job.speed = 1;
      job.eventAt = t + job.work;
    } else {
      // Its speed depends on the others: set with everyone's below.
      job.eventAt = t;
      ratesDirty = true;
    }
  };
  /// Turns bytes per level into a job starting now. False when there is
  /// nothing to move.
  auto startJob = [&](Job &job, const double *bytes) {
    job.work = 0;
    job.resources = 0;
    job.speed = 0;
    job.state = JobState::Idle;
    job.eventAt = kInf;
    uint32_t levels = 0;
    double latency = 0, moving = 0;
    for (unsigned l = 0; l < numLevels; ++l)
      if (bytes[l] > 0) {
        levels |= 1u << l;
        moving += bytes[l] * secondsPerByte[l];
        latency = std::max(latency, cfg.accessLatency[l]);
      }
    if (!levels)
      return false;
    // Requests to different levels are issued together: one start-up
    // latency per job, the longest of the levels it touches. It is part of
    // the job's time (exact alone; stretched with the job under sharing).
    job.work = moving + latency;
    const double perSecond = 1.0 / job.work;
    job.maxDemand = 0;
    for (uint32_t m = levels; m; m &= m - 1) {
      unsigned l = __builtin_ctz(m);
      for (uint32_t r = levelResources[l]; r; r &= r - 1) {
        unsigned res = __builtin_ctz(r);
        if (!(job.resources & (1u << res)))
          job.demand[res] = 0;
        job.resources |= 1u << res;
        job.demand[res] += bytes[l] * perSecond;
      }
    }
    for (uint32_t r = job.resources; r; r &= r - 1)
      job.maxDemand = std::max(job.maxDemand, job.demand[__builtin_ctz(r)]);
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
    uint64_t mask = 0, rest = freeMask;
    for (unsigned taken = 0; taken < k; ++taken) {
      uint64_t bit = rest & (~rest + 1);
      mask |= bit;
      rest &= ~bit;
    }
    slot.engineMask = mask;
    freeMask &= ~mask;
    freeEngines -= k;

    double bytes[kMaxLevels] = {};
    auto addWeight = [&](unsigned owner, double read) {
      if (!(prefetch && pl[owner].weights == slowest))
        bytes[pl[owner].weights] += read;
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
            // The chunk in flight is now consumed as it arrives.
            ringUsed -= dmaChunk;
            dmaStreaming = true;
          }
        }
      }
      bytes[cfg.stagingLevel] += landed;
      // The layer consumes its staged tiles first and frees them as it
      // goes; at staging-level speed that takes less than the dispatch
      // overhead, so they are freed now.
      ringUsed -= landed;
      if constexpr (RecorderT::enabled)
        rec.ring(t, ringUsed);
    }
    // Compute and traffic start together; the dispatch overhead is paid
    // once, when the engines signal completion (Slot::finishAt).
    startJob(slot.job, bytes);
    s.dispatched[i] = 1;
  };

  // In-order issue, out-of-order completion: the next layer in program order
  // starts once its producers are done and enough engines are free.
  auto dispatchReady = [&]() {
    while (nextDispatch < n && s.pending[nextDispatch] == 0 &&
           freeEngines >= nodeEngines[nextDispatch])
      dispatch(nextDispatch++);
  };

  auto dmaTryStart = [&]() {
    if (!prefetch || dma.state != JobState::Idle || dmaPos >= s.items.size())
      return;
    unsigned j = s.items[dmaPos];
    double rest = s.dmaBytes[j] - dmaFetched;
    double chunk;
    if (s.dispatched[j]) {
      // Its layer is running: tiles are consumed as they land, so the
      // remainder streams through without waiting for ring space.
      chunk = rest;
      dmaStreaming = true;
    } else {
      if (j >= nextDispatch + cfg.layersAhead)
        return;
      double free = ringBytes - ringUsed;
      // Less than a tile free: no whole tile (chunk <= 0 below).
      chunk = std::min(rest, free < tileBytes ? 0.0 : wholeTiles(free));
      if (chunk <= 0) {
        if (rest > free)
          return; // Ring full; a consumer will free space.
        chunk = rest;
      }
      ringUsed += chunk;
      dmaStreaming = false;
      if constexpr (RecorderT::enabled)
        rec.ring(t, ringUsed);
    }
    dmaChunk = chunk;
    dmaIssued = t;
    // Read from the backing store and across the fabric. Its writes into
    // the staging level are not charged: at most DRAM bandwidth, a few
    // percent of the staging level's.
    double bytes[kMaxLevels] = {};
    bytes[slowest] = chunk;
    startJob(dma, bytes);
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
    double free = ringBytes - ringUsed;
    // With less than a tile free there is no whole tile: only a remainder
    // that fits entirely extends the chunk.
    double extra;
    if (free < tileBytes) {
      if (rest > free)
        return;
      extra = rest;
    } else {
      extra = std::min(rest, wholeTiles(free));
    }
    dma.work -= dma.speed * (t - dma.since);
    dma.since = t;
    dma.work += extra / levelRate[slowest];
    if (dma.speed > 0)
      dma.eventAt = t + dma.work / dma.speed;
    dmaChunk += extra;
    ringUsed += extra;
    if constexpr (RecorderT::enabled)
      rec.ring(t, ringUsed);
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
      job.work -= job.speed * (t - job.since);
      job.since = t;
      disjoint &= (seen & job.resources) == 0;
      seen |= job.resources;
      jobs[count++] = &job;
    };
    for (uint8_t index : s.active)
      collect(s.slots[index].job);
    collect(dma);
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
        if (usage(beta) <= capacity[r])
          continue;
        double atLo = usage(lo);
        double root = atLo >= capacity[r]
                          ? capacity[r] / (slopeA + slopeB)
                          : lo + (capacity[r] - atLo) /
                                     (later.demand[r] / later.maxDemand);
        beta = std::min(beta, root);
      }
      a.speed = std::min(1.0, beta / a.maxDemand);
      b.speed = std::min(1.0, beta / b.maxDemand);
    } else {
      double left[kMaxLevels];
      std::copy(capacity.begin(), capacity.end(), left);
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
          if (left[r] <= 1e-12 * capacity[r])
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
          now[__builtin_ctz(m)] += job.speed * job.demand[__builtin_ctz(m)];
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
    job.state = JobState::Idle;
    job.eventAt = kInf;
    job.speed = 0;
    // Others speed up only if it shared something with them.
    ratesDirty |= cfg.contention && !alone(job);
    for (uint32_t m = job.resources; m; m &= m - 1)
      --users[__builtin_ctz(m)];
    return true;
  };

  dispatchReady();
  dmaTryStart();
  if (ratesDirty)
    computeRates();
  if constexpr (RecorderT::enabled)
    recordTraffic();

  double latency = 0;
  while (finished < n) {
    // While a layer's memory is busy its end is unknown; once done, its
    // finish is a fixed time. Compute ends are not events of their own.
    double next = dma.eventAt;
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
        rec.dma(j, dmaIssued, t, dmaChunk, dmaStreaming);
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
    if constexpr (RecorderT::enabled)
      recordTraffic();
  }
  return latency;
}

double NnpiSim::simulate(const Placement &placement) const {
  NullRecorder recorder;
  return run(placement, recorder);
}

EvalResult NnpiSim::evaluate(const Placement &placement) const {
  Placement copy = placement;
  CapacityReport report = rectify(problem(), copy);
  EvalResult result{simulate(copy), report.valid, report.overflowBytes};
  if (cfg.noiseStddev > 0) {
    // Noise is a function of (seed, placement), not of a shared generator:
    // reproducible and thread-safe.
    uint64_t h = splitmix64(cfg.noiseSeed);
    for (const NodePlacement &np : copy.nodes)
      h = splitmix64(h ^ (uint64_t(np.weights) << 8 | np.output));
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

//===----------------------------------------------------------------------===//
// Trace
//===----------------------------------------------------------------------===//

void NnpiSim::writeChromeTrace(const Placement &placement,
                               llvm::raw_ostream &os) const {
  const Problem &p = problem();
  const Target &target = p.target();
  Placement rectified = placement;
  rectify(p, rectified);
  Recorder rec;
  double latency = run(rectified, rec);

  // Chrome traces count in microseconds.
  auto us = [](double seconds) { return seconds * 1e6; };
  constexpr int kEnginesPid = 1, kDmaPid = 2, kMemoryPid = 3;
  llvm::json::OStream j(os);
  auto meta = [&](int pid, int tid, llvm::StringRef what,
                  llvm::StringRef name) {
    j.object([&] {
      j.attribute("ph", "M");
      j.attribute("pid", pid);
      j.attribute("tid", tid);
      j.attribute("name", what);
      j.attributeObject("args", [&] { j.attribute("name", name); });
    });
  };
  auto counter = [&](double time, llvm::StringRef name, llvm::StringRef key,
                     double value) {
    j.object([&] {
      j.attribute("ph", "C");
      j.attribute("pid", kMemoryPid);
      j.attribute("ts", us(time));
      j.attribute("name", name);
      j.attributeObject("args", [&] { j.attribute(key, value); });
    });
  };

  j.object([&] {
    j.attribute("displayTimeUnit", "ns");
    j.attributeObject("otherData", [&] {
      j.attribute("target", target.name);
      j.attribute("graph", p.graph().name);
      j.attribute("evaluator", "nnpi-sim");
      j.attribute("latency_s", latency);
    });
    j.attributeArray("traceEvents", [&] {
      meta(kEnginesPid, 0, "process_name", "compute engines");
      for (unsigned e = 0; e < cfg.engines; ++e)
        meta(kEnginesPid, int(e), "thread_name", "engine " + std::to_string(e));
      meta(kDmaPid, 0, "process_name", "runtime DMA (weight prefetch)");
      meta(kMemoryPid, 0, "process_name", "memory levels");

      // One "layer" event per layer on its first engine; its other engines
      // carry "layer.lane" events so every engine track shows its work.
      for (const Recorder::LayerRec &layer : rec.layers) {
        const Node &node = p.graph().nodes[layer.node];
        bool firstLane = true;
        for (uint64_t m = layer.engines; m; m &= m - 1) {
          j.object([&] {
            j.attribute("ph", "X");
            j.attribute("cat", firstLane ? "layer" : "layer.lane");
            j.attribute("name", node.name);
            j.attribute("pid", kEnginesPid);
            j.attribute("tid", __builtin_ctzll(m));
            j.attribute("ts", us(layer.start));
            j.attribute("dur", us(layer.end - layer.start));
            if (firstLane)
              j.attributeObject("args", [&] {
                j.attribute("node", layer.node);
                j.attribute("op", node.opName);
                j.attribute("engines", nodeEngines[layer.node]);
                j.attribute("compute_s", nodeComputeSeconds[layer.node]);
                j.attribute("weights",
                            target.levels[rectified[layer.node].weights].name);
                j.attribute("output",
                            target.levels[rectified[layer.node].output].name);
              });
          });
          firstLane = false;
        }
      }

      for (const Recorder::DmaRec &dmaRec : rec.dmas)
        j.object([&] {
          j.attribute("ph", "X");
          j.attribute("cat", dmaRec.streaming ? "stream" : "prefetch");
          j.attribute("name", p.graph().nodes[dmaRec.node].name);
          j.attribute("pid", kDmaPid);
          j.attribute("tid", 0);
          j.attribute("ts", us(dmaRec.start));
          j.attribute("dur", us(dmaRec.end - dmaRec.start));
          j.attributeObject("args",
                            [&] { j.attribute("bytes", dmaRec.bytes); });
        });

      // Traffic: bandwidth in use per level, stepwise between rate changes.
      for (const Recorder::RateRec &change : rec.rateChanges)
        for (unsigned l = 0; l < p.numLevels(); ++l)
          counter(change.time, "traffic " + target.levels[l].name, "GB/s",
                  change.perLevel[l] * 1e-9);
      for (unsigned l = 0; l < p.numLevels(); ++l)
        counter(latency, "traffic " + target.levels[l].name, "GB/s", 0);

      // Occupancy: weights for the whole run; an activation from its
      // producer's start to the end of its last consumer.
      llvm::SmallVector<double, 8> weights(p.numLevels(), 0);
      for (unsigned i = 0; i < p.numNodes(); ++i)
        weights[rectified[i].weights] += double(p.weightBytes[i]);
      std::vector<double> start(p.numNodes(), 0), end(p.numNodes(), 0);
      for (const Recorder::LayerRec &layer : rec.layers) {
        start[layer.node] = layer.start;
        end[layer.node] = layer.end;
      }
      struct Change {
        double time;
        unsigned level;
        double delta;
      };
      std::vector<Change> changes;
      for (unsigned i = 0; i < p.numNodes(); ++i) {
        double bytes = double(p.outputBytes[i]);
        if (bytes == 0)
          continue;
        double until = end[i];
        for (unsigned consumer : p.consumers[i])
          until = std::max(until, end[consumer]);
        if (p.graph().nodes[i].isGraphOutput)
          until = latency;
        changes.push_back({start[i], rectified[i].output, bytes});
        changes.push_back({until, rectified[i].output, -bytes});
      }
      std::stable_sort(
          changes.begin(), changes.end(),
          [](const Change &a, const Change &b) { return a.time < b.time; });
      llvm::SmallVector<double, 8> resident(weights.begin(), weights.end());
      for (unsigned l = 0; l < p.numLevels(); ++l)
        counter(0, "occupancy " + target.levels[l].name, "MiB",
                resident[l] / (1 << 20));
      for (const Change &change : changes) {
        resident[change.level] += change.delta;
        counter(change.time, "occupancy " + target.levels[change.level].name,
                "MiB", resident[change.level] / (1 << 20));
      }
      if (cfg.prefetch) {
        counter(0, "staging ring " + target.levels[cfg.stagingLevel].name,
                "MiB", 0);
        for (const auto &[time, bytes] : rec.ringUse)
          counter(time, "staging ring " + target.levels[cfg.stagingLevel].name,
                  "MiB", bytes / (1 << 20));
      }
    });
  });
}
