//===- SimBandwidth.h - Fluid jobs sharing the memory levels ---*- C++ -*-===//
//
// Private to the simulator. A job is one layer's (or one DMA chunk's)
// traffic; jobs that use the same level share its bandwidth by weighted
// max-min fairness over dominant shares (DRF). The event loop
// (SimEventLoop.cpp) starts and ends jobs; this header says how fast they go.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_COSTMODEL_SIMBANDWIDTH_H
#define EGRL_LIB_COSTMODEL_SIMBANDWIDTH_H

#include "egrl/CostModel/SimConfig.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace egrl::sim {

/// Level bitmasks and per-level arrays are fixed-size so the hot loop does
/// not allocate.
constexpr unsigned kMaxLevels = SimConfig::kMaxLevels;
constexpr unsigned kMaxEngines = SimConfig::kMaxEngines;
constexpr double kInf = std::numeric_limits<double>::infinity();

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
  double eventAt = kInf;
  /// The dominant share: under sharing the job's speed is set by it (set
  /// by shareBandwidth, its only reader).
  double maxDemand = 0;
  uint32_t resources = 0;
  JobState state = JobState::Idle;
  double demand[kMaxLevels];

  /// Takes the progress made since `since` off the work left.
  void settleProgress(double now) {
    work -= speed * (now - since);
    since = now;
  }
};

/// Sets the speeds and completion times of the active jobs `jobs[0..count)`,
/// whose progress is settled at time `t`: the weighted max-min fair speeds.
/// A common level beta rises; job j gets min(beta, its demand) on its most
/// demanding resource, i.e. speed min(1, beta / maxDemand_j), until a
/// resource saturates and the jobs crossing it freeze. For jobs on one level
/// each this is plain processor sharing of its bandwidth.
inline void shareBandwidth(Job *const *jobs, unsigned count, unsigned numLevels,
                           double t) {
  uint32_t seen = 0;
  bool disjoint = true;
  for (unsigned f = 0; f < count; ++f) {
    Job &job = *jobs[f];
    // Only this computation needs the dominant share: found here, not at
    // every job start.
    job.maxDemand = 0;
    for (uint32_t r = job.resources; r; r &= r - 1)
      job.maxDemand = std::max(job.maxDemand, job.demand[__builtin_ctz(r)]);
    disjoint &= (seen & job.resources) == 0;
    seen |= job.resources;
  }
  if (disjoint) {
    // Nobody shares a resource (the common case): full speed.
    for (unsigned f = 0; f < count; ++f)
      jobs[f]->speed = 1;
  } else if (count == 2) {
    // The usual contention, a layer beside the DMA engine, in closed form:
    // both freeze at the first shared resource to saturate, so beta is the
    // smallest root of usage_r(beta) = capacity_r over shared r.
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
      double root = atLo >= 1
                        ? 1 / (slopeA + slopeB)
                        : lo + (1 - atLo) / (later.demand[r] / later.maxDemand);
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
}

/// The speed a low-priority job (a prefetch) gets from what the jobs using
/// resources it shares leave: `used[r]`, the share of resource r they take.
/// Exact: divides only when the leftover is below the job's demand.
inline double leftoverSpeed(const Job &job, const double *used,
                            unsigned numLevels) {
  double speed = 1;
  // A resource the job does not use has demand 0: never below what is
  // left, so every resource can be looked at.
  for (unsigned r = 0; r < numLevels; ++r) {
    // What the others leave usually covers the job's whole demand (its speed
    // stays 1, the min below would not change it): divide only when it does
    // not. The quotient rounds to at least 1 exactly when the leftover is at
    // least the demand, so this is exact.
    double left = std::max(0.0, 1 - used[r]);
    if (left < job.demand[r])
      speed = std::min(speed, left / job.demand[r]);
  }
  return speed;
}

} // namespace egrl::sim

#endif // EGRL_LIB_COSTMODEL_SIMBANDWIDTH_H
