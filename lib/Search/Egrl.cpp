//===- Egrl.cpp - Evolutionary Graph Reinforcement Learning ---------------===//
//
// The paper's algorithm (Khadka et al., ICLR 2021, section 3): a population
// mixing GNN policies and Boltzmann chromosomes evolves by elitism, tournament
// selection, crossover and mutation, while an off-policy learner trains a
// GNN actor from a replay buffer fed by every evaluation, and its actor
// migrates into the population every generation.
//
// One generation: the learner's actor samples `learnerRollouts` placements
// and every member one, all are measured in one evaluateBatch (so any
// thread count gives the same result and the budget is exact), every
// (placement, reward) goes into the buffer, the learner takes its steps,
// and the next population is the elites, the local members, tournament
// offspring and a copy of the learner's actor. Local members are sharp
// Boltzmann chromosomes re-centred every generation (ours, not the
// paper's) on a walk that takes every better placement the search finds
// and, as `anneal` does, sometimes its local members' best worse one: a
// local search that can leave a basin (candidates, such as a trained
// policy's placement, can win but are not searched around), which makes
// room for what it promotes before measuring. The population
// starts at `firstPopulation` members and doubles up to its size. The
// fitness of a member is the paper's reward of its one sample. All
// randomness comes from generators seeded by (seed, purpose, generation,
// member) on the calling thread, so a seed fixes the result.
//
// The learner (egrl/Policy/Learner.h) is an off-policy policy gradient on
// the newest generation of the buffer plus an on-policy step on its own
// samples, not the paper's discrete SAC; docs/strategies.md says what else
// differs.
//
//===----------------------------------------------------------------------===//

#include "egrl/CostModel/Capacity.h"
#include "egrl/Policy/Boltzmann.h"
#include "egrl/Policy/GnnPolicy.h"
#include "egrl/Policy/Learner.h"
#include "egrl/Policy/Population.h"
#include "egrl/Policy/ReplayBuffer.h"
#include "egrl/Policy/SacLearner.h"
#include "egrl/Search/Metropolis.h"
#include "egrl/Search/Strategy.h"

#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "llvm/ADT/STLExtras.h"

using namespace egrl;

namespace {

enum class Kind { Native, Seed, Candidate, Gnn, Boltzmann, Local, Learner };

const char *kindName(Kind kind) {
  switch (kind) {
  case Kind::Native:
    return "native";
  case Kind::Seed:
    return "seed";
  case Kind::Candidate:
    return "candidate";
  case Kind::Gnn:
    return "gnn";
  case Kind::Boltzmann:
    return "boltzmann";
  case Kind::Local:
    return "local";
  case Kind::Learner:
    return "learner";
  }
  return "?";
}

struct EgrlConfig {
  PopulationConfig population;
  /// Share of the initial non-local members that are GNN policies; the rest
  /// are Boltzmann chromosomes seeded from their log-probabilities (priors
  /// drawn from U(0.1, 10) as in `ea` measured worse: docs/strategies.md).
  double gnnShare = 0.5;
  /// Members of the first generation; the population doubles every
  /// generation up to `population.size` (0: full from the start).
  unsigned firstPopulation = 8;
  /// Share of the population re-centred on the walk's placement every
  /// generation (BoltzmannChromosome::centredOn): a local search started
  /// from native (or the best seed). Local slot j changes
  /// about localChanges[j % size] decisions per sample.
  double localShare = 0.5;
  std::vector<double> localChanges = {1, 2, 3};
  /// A local sample that repeats a measured placement, or does not fit the
  /// chip's capacity (a check that costs no measurement, as in `anneal`), is
  /// redrawn up to this many times.
  unsigned localRedraws = 32;
  /// A local sample that does not fit makes room (makeRoom) by demoting up
  /// to this many tensors, as `anneal` does.
  unsigned localEvictions = 4;
  /// The centre walks (walkCentre): any placement measured faster than the
  /// centre becomes it at once; after a generation that found none, the
  /// fastest of the local members' slower samples becomes it if it passes
  /// `anneal`'s Metropolis test (MetropolisSchedule), its slow-down relative
  /// to native's latency and the typical one that of the local steps.
  /// Without it the local members only climb from the best placement found,
  /// and a corpus graph's seeded search stalled in the model's basin
  /// (docs/mismatch.md).
  bool walkCentre = true;
  /// Every sample that fits the chip, but a local member's, moves tensors
  /// into the room its faster levels leave (useSpareRoom, in a random order)
  /// before it is measured: on this chip family a faster level never slows a
  /// node down, so placements that leave room unused are dominated, and the
  /// rule costs no measurement. Local members search the champion's
  /// neighbourhood as it is, so placements the rule would fill stay reachable
  /// (a simulator's DMA order can favour one by a hair).
  bool useSpareRoom = true;
  /// A sample that overflows the chip gets the paper's penalty (reward
  /// below -1, by the bytes that overflow) from the capacity rules, which
  /// know it without a measurement: it enters the cache and the replay
  /// buffer, but spends none of the budget. The paper measured such
  /// mappings; on a chip with little on-chip memory most early samples
  /// overflow, and measuring them left half the budget to learn nothing.
  bool scoreOverflows = true;
  /// Bounds the extra compute: after this many overflowing samples per
  /// evaluation of the budget, overflowing samples are measured again.
  uint64_t maxUnmeasuredOverflowsPerEvaluation = 10;
  /// Placements the learner's actor samples itself each generation.
  unsigned learnerRollouts = 8;
  /// GNN mutation: this share of the weights gets N(0, (scale x rms)^2).
  double gnnMutationFraction = 0.05;
  double gnnMutationScale = 0.2;
  BoltzmannConfig boltzmann;
  LearnerConfig learner = defaultLearner(population.size + learnerRollouts);
  size_t bufferCapacity = 20000;
  /// `egrl-sac`: the paper's discrete SAC instead of `learner`.
  bool useSac = false;
  SacConfig sac;

  /// The learner trains on the newest generation of the buffer (all the
  /// population's and its own samples), two passes per generation.
  static LearnerConfig defaultLearner(unsigned generationSize) {
    LearnerConfig config;
    config.recentShare = 1;
    config.recentWindow = generationSize;
    config.batchSize = generationSize;
    config.stepsPerGeneration = 2;
    return config;
  }
};

/// A seed for one purpose, generation and member.
uint64_t streamSeed(uint64_t seed, unsigned purpose, uint64_t generation,
                    uint64_t member) {
  return mixSeed(mixSeed(mixSeed(seed, purpose), generation), member);
}
enum Purpose : unsigned {
  InitGnn = 1,
  Sample,
  LearnerSample,
  Mutate,
  Cross,
  Select,
  Train,
  LearnerInit,
  Unused, // Was the draw of unseeded chromosomes; kept so streams stay.
  FillOrder,
  Walk
};

/// A generation in which fewer than one in kStaleShare placements is new is
/// stale; kMaxStaleGenerations stale generations in a row end the search.
constexpr unsigned kMaxStaleGenerations = 50;
constexpr unsigned kStaleShare = 8;

/// Makes `placement` fit the chip the way `anneal` makes room: the tensors
/// it moved to a faster level than `from` stay, and up to `maxEvictions`
/// random other residents of those levels move one level slower, one at a
/// time until it fits. Returns whether it fits.
bool makeRoom(const Problem &chip, const Placement &from, Placement &placement,
              unsigned maxEvictions, std::mt19937_64 &rng) {
  Placement fitted = placement;
  if (rectify(chip, fitted).valid)
    return true;
  auto level = [&](unsigned i, bool weights) -> uint8_t & {
    return levelOf(placement, {i, weights});
  };
  auto fromLevel = [&](unsigned i, bool weights) {
    return weights ? from[i].weights : from[i].output;
  };
  auto exists = [&](unsigned i, bool weights) {
    return weights ? chip.hasWeights(i) : chip.outputBytes[i] > 0;
  };
  std::vector<bool> promoted(chip.numLevels(), false);
  for (unsigned i = 0; i < placement.size(); ++i)
    for (bool weights : {true, false})
      if (exists(i, weights) && level(i, weights) < fromLevel(i, weights))
        promoted[level(i, weights)] = true;
  std::vector<std::pair<unsigned, bool>> residents;
  for (unsigned i = 0; i < placement.size(); ++i)
    for (bool weights : {true, false})
      if (exists(i, weights) && level(i, weights) == fromLevel(i, weights) &&
          promoted[level(i, weights)] &&
          level(i, weights) < chip.slowestLevel())
        residents.push_back({i, weights});
  std::shuffle(residents.begin(), residents.end(), rng);
  for (size_t k = 0; k < residents.size() && k < maxEvictions; ++k) {
    ++level(residents[k].first, residents[k].second);
    fitted = placement;
    if (rectify(chip, fitted).valid)
      return true;
  }
  return false;
}

/// The kind of the first sample of a batch with this key.
Kind kindOf(llvm::ArrayRef<Placement> batch, llvm::ArrayRef<std::string> keys,
            const std::string &key, llvm::ArrayRef<Kind> kinds) {
  for (size_t i = 0; i < batch.size(); ++i)
    if (keys[i] == key)
      return kinds[i];
  return Kind::Gnn;
}

/// A population member: a GNN policy or a Boltzmann chromosome.
struct Member {
  Kind kind = Kind::Gnn;
  std::unique_ptr<GnnPolicy> gnn;
  std::optional<BoltzmannChromosome> chromosome;

  Member copy() const {
    Member out;
    out.kind = kind;
    if (gnn)
      out.gnn = gnn->clone();
    out.chromosome = chromosome;
    return out;
  }
};

/// One run of the algorithm: its state, and a method for each step of a
/// generation, so that run() reads as the paper's loop.
class EgrlSearch {
public:
  // Progress lines open with the caller's label, as every strategy's do:
  // egrl-bench's names the model, budget and seed of the run.
  EgrlSearch(const SearchContext &context, bool useSac)
      : context(context), problem(context.problem),
        chip(context.evaluator.problem()), seed(context.options.seed),
        levels(problem.numLevels()), tracker(context),
        progress(context, context.options.progressLabel) {
    config.useSac = useSac;
    tracker.reportProgressElsewhere(); // Generations, below.
  }

  llvm::Expected<SearchResult> run() {
    if (problem.numNodes() == 0 || context.options.budget == 0)
      return tracker.finish();
    // `seed-from` seeds come measured; explicit seeds (the API's
    // seedPlacements) and candidates (candidatePlacements, e.g. a trained
    // policy's placement) are measured below, the candidates with room kept
    // for them however many seeds and re-measurements come first.
    const std::vector<Placement> &candidates =
        context.options.candidatePlacements;
    // With repeats a candidate needs its re-measurements too, or it could
    // not displace a seed measured K times.
    tracker.reserve(candidates.empty()
                        ? 0
                        : candidates.size() + context.options.repeats - 1);
    llvm::Expected<std::vector<SeedPlacement>> measuredSeeds =
        seedPlacements(context, tracker, &unmeasuredSeeds);
    if (!measuredSeeds)
      return measuredSeeds.takeError();
    optionSeeds = std::move(*measuredSeeds);
    reward.emplace(tracker, problem, optionSeeds);
    // The reward measures native when no seed is native and the budget has
    // room: a seed the budget left out that is native's placement (named
    // first, as NativeReward finds it) was measured after all.
    if (reward->measuredNative())
      llvm::erase_if(unmeasuredSeeds, SeedPlacement::isNative);
    // The champion as the tracker judges it starts as native, and so does
    // the centre the local members search around (see consider()).
    best = {reward->nativeLatency(), true, 0};
    centreLatency = reward->nativeLatency();
    centre = nativePlacement(problem);
    rectify(chip, centre);
    if (llvm::Error error = measureStarts())
      return std::move(error);
    buildPopulation();

    maxUnmeasuredOverflows =
        config.maxUnmeasuredOverflowsPerEvaluation * context.options.budget;
    while (!tracker.exhausted()) {
      fillOrder.seed(streamSeed(seed, FillOrder, generation, 0));
      Batch batch = sampleGeneration();
      // A batch cut short leaves what it did not measure for the next
      // generation: the budget is spent, or its last evaluations are kept
      // for re-measuring a new incumbent (repeats).
      size_t freshCount = measure(batch);
      walkCentre();
      // Adaptive exploration: mostly repeats raise epsilon, new ones lower it.
      if (freshCount * 4 < batch.placements.size())
        boost = std::min(1.0, std::max(0.02, boost * 2));
      else
        boost /= 2;
      staleGenerations = freshCount * kStaleShare < batch.placements.size()
                             ? staleGenerations + 1
                             : 0;
      std::vector<double> fitness, learnerRewards;
      recordGeneration(batch, fitness, learnerRewards);
      ++generation;
      progress.update(generation, tracker.used(), speedup());
      if (tracker.exhausted())
        break; // Budget spent.
      // Hardly anything new for this long even at epsilon 1: the reachable
      // space is exhausted (small graphs, or ones that fit on chip, where
      // using the spare room leaves few distinct placements).
      if (staleGenerations >= kMaxStaleGenerations) {
        exhaustedSpace = true;
        break;
      }

      std::mt19937_64 trainRng(streamSeed(seed, Train, generation, 0));
      learner->observeRollouts(learnerRewards);
      learner->train(buffer, trainRng);
      if (fitness.empty())
        continue; // Only the learner's samples were measured.
      population = breed(fitness);
    }
    return finish();
  }

private:
  /// A generation's samples: the learner's first, then one per member.
  struct Batch {
    std::vector<Placement> placements;
    std::vector<Kind> kinds;
    std::vector<std::string> keys;
    size_t rollouts = 0;

    void add(Placement placement, Kind kind, const Problem &problem) {
      keys.push_back(placementKey(problem, placement));
      placements.push_back(std::move(placement));
      kinds.push_back(kind);
    }
  };

  /// The champion as the tracker judged it (EvaluationTracker::judgedLast:
  /// with repeats, an incumbent's median), with its kind, for the reports;
  /// and the centre local members search around: a valid placement measured
  /// faster than the centre (by first measurement: with repeats, a lucky
  /// one still draws the local search; seeds as the tracker judged them),
  /// or a local member's slower one that walkCentre() takes.
  /// Candidates (a trained policy's placement when refining) can be the
  /// champion, and so the result, but are never the centre: started from a
  /// placement the policy got wrong, the local members stayed in its basin
  /// (docs/training.md).
  void consider(const EvalResult &measured, const EvalResult &judged, Kind kind,
                const Placement &placement, bool candidate = false) {
    // A candidate wins ties, as the tracker judges it (measureStarts()).
    if (measuredBetter(judged, best) ||
        (candidate && !measuredBetter(best, judged))) {
      best = judged;
      champion = kind;
    }
    if (!candidate && measured.valid && measured.latency < centreLatency) {
      centreLatency = measured.latency;
      centre = placement;
      centreMoved = true;
    } else if (walks() && kind == Kind::Local && measured.valid &&
               std::isfinite(measured.latency)) {
      walkSchedule.observe((measured.latency - centreLatency) /
                           reward->nativeLatency());
      if (!slowerStep || measured.latency < slowerStep->second)
        slowerStep = std::make_pair(placement, measured.latency);
    }
  }

  /// Slow-downs are relative to native's latency: an evaluator that answers
  /// native with 0 or nothing measurable leaves the centre climbing only.
  bool walks() const {
    double native = reward->nativeLatency();
    return config.walkCentre && native > 0 && std::isfinite(native);
  }

  /// After a generation that moved the centre to no faster placement, the
  /// Metropolis test on the fastest slower local step (EgrlConfig::walkCentre).
  void walkCentre() {
    if (walks() && !centreMoved && slowerStep) {
      double progressShare =
          double(tracker.used()) / double(context.options.budget);
      double slowdown =
          (slowerStep->second - centreLatency) / reward->nativeLatency();
      std::mt19937_64 rng(streamSeed(seed, Walk, generation, 0));
      if (MetropolisSchedule::passes(
              slowdown, walkSchedule.temperature(progressShare),
              std::uniform_real_distribution<double>(0, 1)(rng))) {
        centre = std::move(slowerStep->first);
        centreLatency = slowerStep->second;
        ++slowerCentres;
      }
    }
    centreMoved = false;
    slowerStep.reset();
  }

  double speedup() const {
    return best.valid && best.latency > 0
               ? reward->nativeLatency() / best.latency
               : 0.0;
  }

  /// Seeds, explicit seeds and candidates, measured as given, so the result
  /// is never worse than them.
  llvm::Error measureStarts() {
    const std::vector<Placement> &candidates =
        context.options.candidatePlacements;
    // What is measured before the first generation is known: a candidate
    // equal to native or a seed, a local step that changes nothing, or a
    // member that samples a seed, is not measured again.
    auto known = [&](const Placement &placement, const EvalResult &result) {
      cache.try_emplace(placementKey(problem, placement), result);
    };
    // Native as asked for and as the chip's capacity rules fit it.
    Placement native = nativePlacement(problem);
    known(native, reward->nativeResult());
    rectify(chip, native);
    known(native, reward->nativeResult());
    for (const SeedPlacement &s : optionSeeds) {
      seeds.push_back(s.placement);
      buffer.add(s.placement, (*reward)(s.result));
      consider(s.result, s.result, Kind::Seed, s.placement);
      known(s.placement, s.result);
    }
    const std::vector<Placement> &explicitSeeds =
        context.options.seedPlacements;
    for (const auto *given : {&explicitSeeds, &candidates})
      for (size_t k = 0; k < given->size(); ++k)
        if (!(*given)[k].hasShape(problem.numNodes(), levels))
          return llvm::createStringError(
              llvm::inconvertibleErrorCode(),
              "egrl: %s placement %zu does not fit the graph (%u nodes, "
              "levels 0..%u); it has %u nodes",
              given == &candidates ? "candidate" : "seed", k,
              problem.numNodes(), levels - 1, (*given)[k].size());
    std::vector<EvalResult> seedResults = tracker.evaluateBatch(explicitSeeds);
    for (size_t i = 0; i < seedResults.size(); ++i) {
      buffer.add(explicitSeeds[i], (*reward)(seedResults[i]));
      consider(seedResults[i], tracker.judgedLast()[i], Kind::Seed,
               explicitSeeds[i]);
      seeds.push_back(explicitSeeds[i]);
      known(explicitSeeds[i], seedResults[i]);
    }
    tracker.release();
    std::vector<Placement> newCandidates;
    for (const Placement &candidate : candidates) {
      auto measured = cache.find(placementKey(problem, candidate));
      if (measured == cache.end())
        newCandidates.push_back(candidate);
      else
        consider(measured->second, measured->second, Kind::Candidate, candidate,
                 /*candidate=*/true);
    }
    // A candidate as fast as the best so far is the result: it is what the
    // caller asked to be measured (a trained policy's placement), and where
    // it ties with native it may hold more in faster levels.
    tracker.preferOnTies(true);
    std::vector<EvalResult> candidateResults =
        tracker.evaluateBatch(newCandidates);
    tracker.preferOnTies(false);
    for (size_t i = 0; i < candidateResults.size(); ++i) {
      buffer.add(newCandidates[i], (*reward)(candidateResults[i]));
      consider(candidateResults[i], tracker.judgedLast()[i], Kind::Candidate,
               newCandidates[i], /*candidate=*/true);
      known(newCandidates[i], candidateResults[i]);
    }
    return llvm::Error::success();
  }

  /// How many of a population of `popSize` are local members.
  unsigned localCount(unsigned popSize) const {
    unsigned wanted = unsigned(std::lround(config.localShare * popSize));
    return std::min(wanted, popSize > elites + 1 ? popSize - elites - 1 : 0);
  }

  /// A local member around the centre (native or the best seed at first).
  Member localMember(unsigned slot) const {
    Member member;
    member.kind = Kind::Local;
    member.chromosome = BoltzmannChromosome::centredOn(
        centre, problem, config.boltzmann,
        config.localChanges[slot % config.localChanges.size()]);
    return member;
  }

  /// The learner, and the initial population: local members (around the
  /// centre), GNNs, Boltzmann chromosomes seeded from their
  /// log-probabilities, and the seeds as sharp chromosomes.
  void buildPopulation() {
    if (config.useSac) {
      SacConfig sacConfig = config.sac;
      sacConfig.policy.seed = streamSeed(seed, LearnerInit, 0, 0);
      learner = std::make_unique<SacLearner>(sacConfig, levels);
    } else {
      LearnerConfig learnerConfig = config.learner;
      learnerConfig.policy.seed = streamSeed(seed, LearnerInit, 0, 0);
      learner = std::make_unique<OffPolicyLearner>(learnerConfig, levels);
    }
    learner->bind(problem);
    elites = eliteCount(config.population);
    // The population starts with `firstPopulation` members and doubles each
    // generation up to its size, so the learner's first steps come sooner.
    const unsigned size = config.population.size;
    firstSize =
        config.firstPopulation ? std::min(size, config.firstPopulation) : size;
    localSlots = localCount(firstSize);
    const unsigned others = firstSize - localSlots;
    numGnn = std::max(
        1u, std::min(others, unsigned(std::lround(config.gnnShare * others))));
    for (unsigned k = 0; k < numGnn; ++k) {
      GnnPolicyConfig policyConfig = config.learner.policy;
      policyConfig.seed = streamSeed(seed, InitGnn, 0, k);
      Member member;
      member.gnn = std::make_unique<GnnPolicy>(policyConfig, levels);
      member.gnn->bind(problem);
      population.push_back(std::move(member));
    }
    unsigned decisions = 0;
    for (unsigned i = 0; i < problem.numNodes(); ++i)
      decisions += 1 + problem.hasWeights(i);
    const unsigned slots = others - numGnn;
    const unsigned seedSlots = std::min<unsigned>(seeds.size(), slots);
    for (unsigned slot = 0; slot < localSlots; ++slot)
      population.push_back(localMember(slot));
    for (unsigned slot = 0; slot < slots; ++slot) {
      Member member;
      if (slot >= slots - seedSlots) {
        // The last slots hold the first seeds (as many as fit).
        member.kind = Kind::Seed;
        // Each decision keeps the seed's level with probability 0.98.
        member.chromosome = BoltzmannChromosome::centredOn(
            seeds[slot - (slots - seedSlots)], problem, config.boltzmann,
            /*expectedChanges=*/0.02 * decisions);
      } else {
        member.kind = Kind::Boltzmann;
        member.chromosome = BoltzmannChromosome::fromLogProbabilities(
            problem.numNodes(), levels,
            population[slot % numGnn].gnn->logProbabilities(),
            config.boltzmann);
      }
      population.push_back(std::move(member));
    }
  }

  /// Every sample but a local member's moves tensors into the spare room,
  /// in this generation's order.
  void spareRoom(Placement &p) {
    if (config.useSpareRoom)
      useSpareRoom(chip, p, fillOrder);
  }

  /// The learner's samples, then one per member of the population.
  Batch sampleGeneration() {
    Batch batch;
    // Per-decision epsilon-greedy exploration of GNN samples: `boost`, which
    // rises while generations mostly repeat placements.
    double epsilon = std::min(1.0, boost);
    // The learner's samples first: they are measured first.
    for (Placement &p : learner->actor().sample(
             config.learnerRollouts,
             streamSeed(seed, LearnerSample, generation, 0))) {
      spareRoom(p);
      batch.add(std::move(p), Kind::Learner, problem);
    }
    batch.rollouts = batch.placements.size();
    for (unsigned k = 0; k < population.size(); ++k) {
      const Member &member = population[k];
      uint64_t sampleSeed = streamSeed(seed, Sample, generation, k);
      Placement p;
      if (member.gnn) {
        p = std::move(member.gnn->sample(1, sampleSeed, epsilon)[0]);
        spareRoom(p);
      } else if (member.kind == Kind::Local) {
        // A local step is worth measuring only when it is new and fits.
        std::mt19937_64 sampler(sampleSeed);
        for (unsigned attempt = 0; attempt < config.localRedraws; ++attempt) {
          p = member.chromosome->sample(problem, sampler);
          if (!makeRoom(chip, centre, p, config.localEvictions, sampler))
            continue;
          std::string key = placementKey(problem, p);
          if (!cache.count(key) && !llvm::is_contained(batch.keys, key))
            break;
        }
      } else {
        std::mt19937_64 sampler(sampleSeed);
        p = member.chromosome->sample(problem, sampler);
        spareRoom(p);
      }
      batch.add(std::move(p), member.kind, problem);
    }
    return batch;
  }

  /// Measures the placements of `batch` not measured before (a population
  /// that converged samples the same ones again, and a chip's measurements
  /// are scarce), as many as the tracker lets this batch measure; those
  /// that overflow get their reward from the capacity rules
  /// (EgrlConfig::scoreOverflows). A placement the chip would run as one
  /// it ran before (fitted alike) is answered from the tracker's memory.
  /// Returns how many were new to the chip.
  size_t measure(const Batch &batch) {
    std::vector<Placement> fresh;
    std::vector<std::string> freshKeys;
    size_t scoredNew = 0;
    for (size_t i = 0; i < batch.placements.size(); ++i) {
      const std::string &key = batch.keys[i];
      if (cache.count(key) || llvm::is_contained(freshKeys, key))
        continue;
      if (config.scoreOverflows &&
          unmeasuredOverflows < maxUnmeasuredOverflows) {
        Placement fitted = batch.placements[i];
        CapacityReport fit = rectify(chip, fitted);
        if (!fit.valid) {
          EvalResult known;
          known.valid = false;
          known.latency = std::numeric_limits<double>::infinity();
          known.overflowBytes = fit.overflowBytes;
          cache.try_emplace(key, known);
          consider(known, known, batch.kinds[i], batch.placements[i]);
          ++unmeasuredOverflows;
          // New only if the chip would run something new: on a chip with
          // little room most samples fit alike, and counted as new they
          // kept a 3-node graph searching for a minute (outside tester
          // s44).
          if (fittedSeen.insert(placementKey(problem, fitted)).second)
            ++scoredNew;
          continue;
        }
      }
      fresh.push_back(batch.placements[i]);
      freshKeys.push_back(key);
    }
    // Keyed by what the chip runs, not by the sample: once overflowing
    // samples are measured, those fitted alike were sent again (outside
    // tester s44: 200 measurements of 48 placements).
    const uint64_t answeredBefore = tracker.answeredFromMemory();
    std::vector<EvalResult> freshResults = tracker.evaluateBatchOnce(fresh);
    for (size_t j = 0; j < freshResults.size(); ++j) {
      cache.try_emplace(freshKeys[j], freshResults[j]);
      fittedSeen.insert(freshKeys[j]);
      consider(freshResults[j], tracker.judgedLast()[j],
               kindOf(batch.placements, batch.keys, freshKeys[j], batch.kinds),
               fresh[j]);
    }
    return freshResults.size() -
           size_t(tracker.answeredFromMemory() - answeredBefore) + scoredNew;
  }

  /// Rewards into the replay buffer, the members' fitness and the learner's
  /// rewards, and the generation's point of the history.
  void recordGeneration(const Batch &batch, std::vector<double> &fitness,
                        std::vector<double> &learnerRewards) {
    GenerationPoint point;
    point.generation = generation;
    for (size_t i = 0; i < batch.placements.size(); ++i) {
      auto known = cache.find(batch.keys[i]);
      if (known == cache.end())
        break; // Cut short by the budget.
      const EvalResult &result = known->second;
      double r = (*reward)(result);
      buffer.add(batch.placements[i], r);
      if (i < batch.rollouts)
        learnerRewards.push_back(r);
      else
        fitness.push_back(r);
      if (!result.valid)
        continue;
      bool fromLearner = batch.kinds[i] == Kind::Learner;
      double &part = fromLearner ? point.learnerBest : point.populationBest;
      if (part == 0 || result.latency < part)
        part = result.latency;
    }
    point.evaluations = tracker.used();
    point.bestSoFar = best.valid ? best.latency : 0;
    point.champion = kindName(champion);
    generations.push_back(point);
  }

  /// The next population: elites unchanged, local members around the
  /// centre, tournament offspring (crossover, mutation), and the learner's
  /// actor in the last slot.
  std::vector<Member> breed(const std::vector<double> &fitness) {
    std::mt19937_64 rng(streamSeed(seed, Select, generation, 0));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<unsigned> order = rankByFitness(fitness);
    std::vector<Member> next;
    for (unsigned e = 0; e < elites && e < order.size(); ++e)
      next.push_back(population[order[e]].copy());
    const unsigned nextSize =
        std::min<unsigned>(config.population.size, 2 * population.size());
    for (unsigned slot = 0, e = localCount(nextSize); slot < e; ++slot)
      next.push_back(localMember(slot));
    while (next.size() + 1 < nextSize) {
      const Member &first = population[tournamentSelect(
          fitness, config.population.tournamentSize, rng)];
      Member child;
      uint64_t childIndex = next.size();
      if (unit(rng) < config.population.crossoverProbability) {
        const Member &second = population[tournamentSelect(
            fitness, config.population.tournamentSize, rng)];
        child = crossover(first, second,
                          streamSeed(seed, Cross, generation, childIndex));
      } else {
        child = first.copy();
        child.kind = child.gnn ? Kind::Gnn : Kind::Boltzmann;
      }
      if (unit(rng) < config.population.mutationProbability) {
        uint64_t mutateSeed = streamSeed(seed, Mutate, generation, childIndex);
        if (child.gnn) {
          child.gnn->mutate(config.gnnMutationFraction, config.gnnMutationScale,
                            mutateSeed);
        } else {
          std::mt19937_64 mutator(mutateSeed);
          child.chromosome->mutate(mutator);
        }
        child.kind = child.gnn ? Kind::Gnn : Kind::Boltzmann;
      }
      next.push_back(std::move(child));
    }
    Member migrant;
    migrant.kind = Kind::Learner;
    migrant.gnn = learner->actor().clone();
    next.push_back(std::move(migrant));
    return next;
  }

  /// GNN x GNN crosses weights; any pair with a chromosome crosses
  /// chromosomes, a GNN parent converted through its log-probabilities.
  Member crossover(const Member &a, const Member &b, uint64_t crossSeed) const {
    Member child;
    if (a.gnn && b.gnn) {
      child.kind = Kind::Gnn;
      child.gnn = GnnPolicy::crossover(*a.gnn, *b.gnn, crossSeed);
      return child;
    }
    auto asChromosome = [&](const Member &m) {
      if (m.chromosome)
        return *m.chromosome;
      return BoltzmannChromosome::fromLogProbabilities(
          problem.numNodes(), problem.numLevels(), m.gnn->logProbabilities(),
          config.boltzmann);
    };
    std::mt19937_64 rng(crossSeed);
    child.kind = Kind::Boltzmann;
    child.chromosome =
        BoltzmannChromosome::crossover(asChromosome(a), asChromosome(b), rng);
    return child;
  }

  SearchResult finish() {
    SearchResult result = tracker.finish();
    recordSeeds(result, context.options, optionSeeds, unmeasuredSeeds,
                context.options.candidatePlacements.size());
    result.generations = std::move(generations);
    result.detail =
        std::to_string(generation) + " generations of up to " +
        std::to_string(config.population.size) + " (" +
        std::to_string(firstSize) + " at start: " + std::to_string(numGnn) +
        " GNN, " + std::to_string(localSlots) + " local) + " +
        std::to_string(config.learnerRollouts) + " learner samples, " +
        std::to_string(learner->steps()) + " learner steps (" +
        learner->name().str() + "); centre walked to " +
        std::to_string(slowerCentres) +
        " slower placements; champion: " + kindName(champion) +
        (exhaustedSpace
             ? "; stopped: fewer than 1 in " + std::to_string(kStaleShare) +
                   " placements new in " +
                   std::to_string(kMaxStaleGenerations) + " generations"
             : "");
    return result;
  }

  const SearchContext &context;
  const Problem &problem;
  /// What the evaluator measures: its capacity rules are the chip's.
  const Problem &chip;
  const uint64_t seed;
  const unsigned levels;
  EgrlConfig config;
  EvaluationTracker tracker;
  SearchProgress progress;
  std::vector<SeedPlacement> optionSeeds;
  /// Seeds the budget left unmeasured (recordSeeds says so).
  std::vector<std::string> unmeasuredSeeds;
  std::optional<NativeReward> reward;
  ReplayBuffer buffer{config.bufferCapacity};

  /// The champion's measurement, as the tracker judged it.
  EvalResult best{0, true, 0};
  Kind champion = Kind::Native;
  double centreLatency = 0;
  Placement centre;
  /// walkCentre()'s state: whether this generation moved the centre to a
  /// faster placement, the fastest slower local step, and the schedule that
  /// learns the typical slow-down of local steps.
  bool centreMoved = false;
  std::optional<std::pair<Placement, double>> slowerStep;
  MetropolisSchedule walkSchedule;
  unsigned slowerCentres = 0; ///< Slower steps the walk took, for `detail`.

  std::vector<Placement> seeds;
  std::unique_ptr<Learner> learner;
  unsigned elites = 0, firstSize = 0, localSlots = 0, numGnn = 0;
  std::vector<Member> population;

  /// Every placement measured or scored, by key.
  std::unordered_map<std::string, EvalResult> cache;
  /// What the chip would run (placements fitted to its capacity) of the
  /// samples scored or measured: measure()'s count of new ones.
  std::unordered_set<std::string> fittedSeen;
  /// Overflowing samples scored without a measurement (scoreOverflows).
  uint64_t unmeasuredOverflows = 0, maxUnmeasuredOverflows = 0;
  double boost = 0;
  unsigned staleGenerations = 0;
  bool exhaustedSpace = false;
  std::vector<GenerationPoint> generations;
  uint64_t generation = 0;
  /// Each generation fills in orders of its own, drawn on this thread.
  std::mt19937_64 fillOrder;
};

class EgrlStrategy : public Strategy {
public:
  explicit EgrlStrategy(bool useSac) : useSac(useSac) {}
  llvm::StringRef name() const override { return useSac ? "egrl-sac" : "egrl"; }

  llvm::Expected<SearchResult> run(const SearchContext &context) override {
    return EgrlSearch(context, useSac).run();
  }

private:
  bool useSac;
};

} // namespace

static StrategyRegistration registration("egrl", [] {
  return std::unique_ptr<Strategy>(
      std::make_unique<EgrlStrategy>(/*useSac=*/false));
});
static StrategyRegistration sacRegistration("egrl-sac", [] {
  return std::unique_ptr<Strategy>(
      std::make_unique<EgrlStrategy>(/*useSac=*/true));
});
