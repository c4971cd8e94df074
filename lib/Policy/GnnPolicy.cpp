//===- GnnPolicy.cpp - Graph convolutional placement policy (LibTorch) ----===//
//
// A GCN over the WorkloadGraph's data edges (producer -> consumer, and shared
// weights), symmetric-normalised with self loops (Kipf & Welling), with
// residual connections and layer norm; two linear heads give per-node logits
// over levels for the weights and the output. The paper's Graph U-Net adds
// pooling levels; a plain residual GCN keeps every node's own features, which
// is what a placement decision mostly needs, and trains fast on a CPU.
//
//===----------------------------------------------------------------------===//

#include "egrl/Policy/GnnPolicy.h"
#include "GnnPolicyImpl.h"
#include "egrl/CostModel/Capacity.h"
#include "egrl/Policy/Features.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

using namespace egrl;

GnnPolicy::GnnPolicy(const GnnPolicyConfig &config, unsigned numLevels)
    : impl(std::make_unique<Impl>()) {
  impl->config = config;
  impl->levels = numLevels;
  // One thread: results stay bit-identical for a seed and searches use the
  // cores to evaluate placements instead.
  torch::set_num_threads(1);
  std::lock_guard<std::mutex> lock(detail::torchInitMutex());
  torch::manual_seed(config.seed);
  impl->net =
      detail::GcnNet(kNumNodeFeatures, config.hidden, config.layers, numLevels,
                     config.conditioned ? contextColumns(numLevels) : 0);
  impl->generatorAfterInit = at::detail::getDefaultCPUGenerator().get_state();
  // The optimiser is made on the first step (Impl::adam()): population
  // members that are only sampled and varied never need one.
}

GnnPolicy::~GnnPolicy() = default;

std::mutex &egrl::detail::torchInitMutex() {
  static std::mutex mutex;
  return mutex;
}

unsigned GnnPolicy::numLevels() const { return impl->levels; }

const GnnPolicyConfig &GnnPolicy::config() const { return impl->config; }

void GnnPolicy::bind(const Problem &problem) {
  impl->cachedLogp.clear();
  const unsigned n = problem.numNodes();
  impl->numNodes = n;
  std::vector<float> rows = computeNodeFeatures(problem);
  impl->features =
      torch::from_blob(rows.data(), {int64_t(n), int64_t(kNumNodeFeatures)},
                       torch::kFloat32)
          .clone();

  // Â = D^-1/2 (A + I) D^-1/2 over undirected data and shared-weight edges.
  std::vector<std::vector<unsigned>> neighbours(n);
  for (unsigned i = 0; i < n; ++i) {
    neighbours[i].push_back(i);
    const Node &node = problem.graph().nodes[i];
    for (unsigned p : node.producers) {
      neighbours[i].push_back(p);
      neighbours[p].push_back(i);
    }
    for (unsigned owner : node.sharedWeights) {
      neighbours[i].push_back(owner);
      neighbours[owner].push_back(i);
    }
  }
  std::vector<int64_t> rowsIdx, colsIdx;
  std::vector<float> values;
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j : neighbours[i]) {
      rowsIdx.push_back(i);
      colsIdx.push_back(j);
      values.push_back(float(1.0 / std::sqrt(double(neighbours[i].size()) *
                                             double(neighbours[j].size()))));
    }
  torch::Tensor indices = torch::stack({torch::tensor(rowsIdx, torch::kInt64),
                                        torch::tensor(colsIdx, torch::kInt64)});
  impl->adjacency = torch::sparse_coo_tensor(indices, torch::tensor(values),
                                             {int64_t(n), int64_t(n)})
                        .coalesce();

  std::vector<float> mask(size_t(n) * 2, 1.0f);
  for (unsigned i = 0; i < n; ++i) {
    mask[2 * i] = problem.hasWeights(i) ? 1.0f : 0.0f;
    mask[2 * i + 1] = problem.outputBytes[i] > 0 ? 1.0f : 0.0f;
  }
  impl->decisionMask =
      torch::from_blob(mask.data(), {int64_t(n), 2}, torch::kFloat32).clone();
  impl->weightBytes.assign(problem.weightBytes.begin(),
                           problem.weightBytes.end());
  impl->usableBytes.assign(problem.usableBytes.begin(),
                           problem.usableBytes.end());
}

unsigned GnnPolicy::contextColumns(unsigned numLevels) {
  // The level of each decision (one-hot, weights then output) and the fill
  // of every level but the slowest.
  return 3 * numLevels - 1;
}

namespace {
/// A decision's level, or kUndecided.
constexpr int kUndecided = -1;

/// The decisions-so-far input of a conditioned policy from `levels`
/// ([node][decision], kUndecided where not decided): [nodes, columns].
torch::Tensor decidedColumns(const GnnPolicy::Impl &impl,
                             llvm::ArrayRef<int> levels) {
  const unsigned n = impl.numNodes, numLevels = impl.levels;
  const unsigned columns = GnnPolicy::contextColumns(numLevels);
  std::vector<float> rows(size_t(n) * columns, 0.0f);
  // How full each faster level is with the weights decided for it: the
  // graph-wide budget a per-node decision cannot see otherwise.
  std::vector<double> fill(numLevels, 0.0);
  for (unsigned i = 0; i < n; ++i)
    if (levels[2 * i] != kUndecided)
      fill[levels[2 * i]] += impl.weightBytes[i];
  for (unsigned i = 0; i < n; ++i) {
    float *row = rows.data() + size_t(i) * columns;
    for (unsigned d = 0; d < 2; ++d)
      if (levels[2 * i + d] != kUndecided)
        row[d * numLevels + levels[2 * i + d]] = 1.0f;
    for (unsigned l = 0; l + 1 < numLevels; ++l)
      row[2 * numLevels + l] =
          float(std::min(2.0, fill[l] / std::max(impl.usableBytes[l], 1.0)));
  }
  return torch::from_blob(rows.data(), {int64_t(n), int64_t(columns)},
                          torch::kFloat32)
      .clone();
}

/// MaskGIT-style decoding of a conditioned policy: in each of `rounds`
/// rounds, the undecided decisions the policy is surest of are fixed at
/// their likeliest level (a cosine schedule: few at first, when least is
/// known), and the next round reads them. Returns, per decision, the
/// log-probabilities of the round that fixed it ([node][decision][level]).
std::vector<float> decodeInRounds(GnnPolicy::Impl &impl, unsigned rounds) {
  torch::NoGradGuard noGrad;
  const unsigned n = impl.numNodes, levels = impl.levels;
  std::vector<int> decided(size_t(n) * 2, kUndecided);
  std::vector<float> rows(size_t(n) * 2 * levels, 0.0f);
  std::vector<unsigned> open;
  const float *mask = impl.decisionMask.data_ptr<float>();
  for (unsigned k = 0; k < 2 * n; ++k)
    if (mask[k] > 0)
      open.push_back(k);
  const size_t total = open.size();
  bool first = true;
  for (unsigned round = 0; round < rounds && !open.empty(); ++round) {
    torch::Tensor logp =
        torch::log_softmax(impl.net->forward(impl.features, impl.adjacency,
                                             decidedColumns(impl, decided)),
                           -1)
            .contiguous();
    const float *all = logp.data_ptr<float>();
    if (first) // Decisions that do not exist keep the first round's rows.
      std::copy(all, all + rows.size(), rows.begin());
    first = false;
    const double doneAfter =
        1.0 - std::cos(M_PI / 2 * double(round + 1) / rounds);
    size_t toFix = round + 1 == rounds ? open.size()
                                       : size_t(std::ceil(doneAfter * total)) -
                                             (total - open.size());
    toFix = std::clamp<size_t>(toFix, 1, open.size());
    auto confidence = [&](unsigned k) {
      const float *row = all + size_t(k) * levels;
      return *std::max_element(row, row + levels);
    };
    std::stable_sort(open.begin(), open.end(), [&](unsigned a, unsigned b) {
      return confidence(a) > confidence(b);
    });
    for (size_t j = 0; j < toFix; ++j) {
      const unsigned k = open[j];
      const float *row = all + size_t(k) * levels;
      std::copy(row, row + levels, rows.begin() + size_t(k) * levels);
      decided[k] = int(std::max_element(row, row + levels) - row);
    }
    open.erase(open.begin(), open.begin() + toFix);
    // Program order again for the next round's ties.
    std::sort(open.begin(), open.end());
  }
  return rows;
}
} // namespace

std::vector<float> GnnPolicy::logProbabilities() {
  if (!impl->cachedLogp.empty())
    return impl->cachedLogp;
  torch::NoGradGuard noGrad;
  torch::Tensor logp = torch::log_softmax(
      impl->net->forward(impl->features, impl->adjacency), -1);
  logp = logp.contiguous();
  impl->cachedLogp.assign(logp.data_ptr<float>(),
                          logp.data_ptr<float>() + logp.numel());
  return impl->cachedLogp;
}

std::vector<Placement> GnnPolicy::sample(unsigned count, uint64_t seed,
                                         double epsilon) {
  std::vector<float> logp = logProbabilities();
  const unsigned n = impl->numNodes, levels = impl->levels;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<Placement> placements(count, Placement(n, levels - 1));
  std::vector<int64_t> actions(size_t(count) * n * 2);
  for (unsigned k = 0; k < count; ++k)
    for (unsigned i = 0; i < n; ++i)
      for (unsigned d = 0; d < 2; ++d) {
        const float *row = logp.data() + (size_t(i) * 2 + d) * levels;
        double u = uniform(rng), cumulative = 0;
        unsigned chosen = levels - 1;
        for (unsigned l = 0; l < levels; ++l) {
          cumulative += std::exp(double(row[l]));
          if (u < cumulative) {
            chosen = l;
            break;
          }
        }
        // No extra draw without exploration: pg's samples stay as they were.
        if (epsilon > 0 && uniform(rng) < epsilon)
          chosen = std::min(unsigned(uniform(rng) * levels), levels - 1);
        (d == 0 ? placements[k][i].weights : placements[k][i].output) =
            uint8_t(chosen);
        actions[(size_t(k) * n + i) * 2 + d] = chosen;
      }
  impl->lastActions = torch::tensor(actions, torch::kInt64)
                          .view({int64_t(count), int64_t(n), 2});
  return placements;
}

namespace {
/// The likeliest level of every decision of `logp` ([node][decision][level]).
Placement argmaxPlacement(llvm::ArrayRef<float> logp, unsigned n,
                          unsigned levels) {
  Placement placement(n, levels - 1);
  for (unsigned i = 0; i < n; ++i)
    for (unsigned d = 0; d < 2; ++d) {
      const float *row = logp.data() + (size_t(i) * 2 + d) * levels;
      uint8_t best = uint8_t(std::max_element(row, row + levels) - row);
      (d == 0 ? placement[i].weights : placement[i].output) = best;
    }
  return placement;
}
} // namespace

Placement GnnPolicy::mostLikely() {
  return argmaxPlacement(logProbabilities(), impl->numNodes, impl->levels);
}

namespace {
/// Reorders each run of equal scores (of one kind of tensor) from program
/// order into bit-reversed order of rank: 0, 8, 4, 12, 2, ... of 16. A
/// policy scores the identical layers of a transformer alike, and the fit
/// keeps the first of equals and demotes the last: in program order the
/// demoted ones are the last layers', so their slow fetches come back to
/// back with no compute between them for the prefetch to hide behind
/// (docs/training.md). Spread over the run, every demoted tensor has kept
/// ones around it.
template <typename Entry> void spreadTies(std::vector<Entry> &scored) {
  for (size_t begin = 0; begin < scored.size();) {
    size_t end = begin + 1;
    while (end < scored.size() && scored[end].first == scored[begin].first &&
           scored[end].second.weights == scored[begin].second.weights)
      ++end;
    const size_t count = end - begin;
    unsigned bits = 0;
    while ((size_t(1) << bits) < count)
      ++bits;
    std::vector<std::pair<size_t, size_t>> byReversedRank;
    for (size_t rank = 0; rank < count; ++rank) {
      size_t reversed = 0;
      for (unsigned bit = 0; bit < bits; ++bit)
        if (rank & (size_t(1) << bit))
          reversed |= size_t(1) << (bits - 1 - bit);
      byReversedRank.push_back({reversed, rank});
    }
    llvm::sort(byReversedRank);
    std::vector<Entry> run(scored.begin() + begin, scored.begin() + end);
    for (size_t k = 0; k < count; ++k)
      scored[begin + k] = run[byReversedRank[k].second];
    begin = end;
  }
}
} // namespace

Placement GnnPolicy::mostLikelyFitted(const Problem &chip) {
  const unsigned n = impl->numNodes, levels = impl->levels;
  // Sixteen rounds of the cosine schedule fix 0.5% of the decisions in the
  // first round, up to 10% in the last: a decision reads most of those
  // fixed before it, and no more than a tenth are fixed unseen by each
  // other (with eight, a chain of layers that must alternate does not).
  constexpr unsigned kDecodingRounds = 16;
  std::vector<float> logp = impl->config.conditioned
                                ? decodeInRounds(*impl, kDecodingRounds)
                                : logProbabilities();
  const Placement wanted = argmaxPlacement(logp, n, levels);
  assert(chip.numNodes() == n && chip.numLevels() == levels &&
         "the chip of the bound graph");
  auto row = [&](unsigned i, unsigned decision) {
    return logp.data() + (size_t(i) * 2 + decision) * levels;
  };
  auto bytesOf = [&](unsigned i, unsigned decision) {
    return decision == 0 ? chip.weightBytes[i] : chip.outputBytes[i];
  };
  // Activations first, then weights, each by `score`, highest first (ties
  // spread over the program, spreadTies()). An activation in a slower level
  // costs its write and every read, and no prefetch hides them, while a
  // weight's fetch streams ahead of its layer: when both cannot have the fast
  // level, activations keep it. (Weights first, as rectify() visits them,
  // placed a held-out BERT-base's activations in DRAM behind weights that
  // filled SRAM and LLC.)
  auto byScore = [&](auto score) {
    std::vector<std::pair<float, TensorRef>> scored;
    for (bool weights : {false, true})
      for (unsigned i = 0; i < n; ++i)
        scored.push_back({score(i, weights ? 0u : 1u), TensorRef{i, weights}});
    std::stable_sort(
        scored.begin(), scored.end(), [](const auto &a, const auto &b) {
          return a.second.weights != b.second.weights ? !a.second.weights
                                                      : a.first > b.first;
        });
    spreadTies(scored);
    std::vector<TensorRef> order;
    for (const auto &entry : scored)
      order.push_back(entry.second);
    return order;
  };
  // What the policy loses in log-likelihood when the tensor is denied its
  // level: log p(its level) - log p(the likeliest slower level).
  const unsigned slowest = levels - 1;
  auto loss = [&](unsigned i, unsigned decision) {
    const unsigned level = decision == 0 ? wanted[i].weights : wanted[i].output;
    if (level == slowest || bytesOf(i, decision) == 0)
      return 0.0; // Always fits (the backing store), or holds nothing.
    const float *r = row(i, decision);
    return double(r[level] - *std::max_element(r + level + 1, r + levels));
  };
  // Fits `wanted` in the order of `score`, then gives the room its faster
  // levels have left first to what the policy most wants faster than it
  // got (the probability of the faster levels).
  auto fitBy = [&](auto score) {
    Placement fitted = wanted;
    fitInOrder(chip, fitted, byScore(score));
    auto wantsFaster = [&](unsigned i, unsigned decision) {
      const unsigned got = decision == 0 ? fitted[i].weights : fitted[i].output;
      float sum = 0;
      for (unsigned level = 0; level < got; ++level)
        sum += std::exp(row(i, decision)[level]);
      return sum;
    };
    promoteIntoSpareRoom(chip, fitted, byScore(wantsFaster));
    return fitted;
  };
  // What a demotion costs is the traffic it sends to a slower level, not
  // the room it frees: the bytes one inference reads of a weight (all of a
  // layer's, a few rows of an embedding table, and what the layers sharing
  // it read) and an activation's write and reads.
  const std::vector<double> weightTraffic = chip.weightReadsWithSharers();
  std::vector<double> outputTraffic(n);
  for (unsigned j = 0; j < n; ++j)
    outputTraffic[j] =
        double(chip.outputBytes[j]) * double(1 + chip.consumers[j].size());
  // The traffic the fit moved below the levels the policy chose, times the
  // levels it fell.
  auto demotedTraffic = [&](const Placement &fitted) {
    double sum = 0;
    for (unsigned i = 0; i < n; ++i) {
      if (fitted[i].weights > wanted[i].weights)
        sum += weightTraffic[i] * (fitted[i].weights - wanted[i].weights);
      if (fitted[i].output > wanted[i].output)
        sum += outputTraffic[i] * (fitted[i].output - wanted[i].output);
    }
    return sum;
  };
  // Two orders, as for a knapsack: the loss per byte (the ratio rule, which
  // keeps the placement as likely as it can when many small tensors compete)
  // and the loss of each decision whole (which keeps a large tensor the
  // ratio rule would demote for want of a few bytes, as a 4-layer MLP's
  // 16 MiB weights behind its 4 MiB ones and their activations). The fit
  // that demotes less traffic wins; the ratio rule's on a tie.
  Placement perByte = fitBy([&](unsigned i, unsigned d) {
    const int64_t bytes = bytesOf(i, d);
    return float(bytes == 0 ? 0.0 : loss(i, d) / double(bytes));
  });
  // Nothing to win when it demotes nothing that moves (everything fits).
  const double perByteDemoted = demotedTraffic(perByte);
  if (perByteDemoted == 0)
    return perByte;
  Placement whole =
      fitBy([&](unsigned i, unsigned d) { return float(loss(i, d)); });
  return demotedTraffic(whole) < perByteDemoted ? whole : perByte;
}

namespace {
/// Loss of a batch of actions [count, nodes, 2] weighted per sample: the
/// REINFORCE and the weighted-likelihood steps differ only in where the
/// actions and weights come from.
double weightedStep(GnnPolicy::Impl &impl, const torch::Tensor &actions,
                    llvm::ArrayRef<double> weights) {
  torch::Tensor logp = torch::log_softmax(
      impl.net->forward(impl.features, impl.adjacency), -1); // [n, 2, L]
  const int64_t count = actions.size(0);
  // log pi(a) per sample: gather the chosen levels, mask, sum over nodes.
  torch::Tensor expanded =
      logp.unsqueeze(0).expand({count, logp.size(0), 2, logp.size(2)});
  torch::Tensor chosen = expanded.gather(3, actions.unsqueeze(3)).squeeze(3);
  torch::Tensor mask = impl.decisionMask.unsqueeze(0);
  torch::Tensor sampleLogp = (chosen * mask).sum({1, 2}); // [count]
  torch::Tensor w = torch::tensor(
      std::vector<double>(weights.begin(), weights.end()), torch::kFloat32);
  torch::Tensor entropy =
      -(logp.exp() * logp).sum(-1).mul(impl.decisionMask).sum() /
      impl.decisionMask.sum().clamp_min(1);
  torch::Tensor loss =
      -(w * sampleLogp).mean() - impl.config.entropyWeight * entropy;
  return impl.descend(loss);
}
} // namespace

double GnnPolicy::update(llvm::ArrayRef<double> advantages) {
  if (!impl->lastActions.defined() ||
      int64_t(advantages.size()) != impl->lastActions.size(0))
    return 0;
  return weightedStep(*impl, impl->lastActions, advantages);
}

double GnnPolicy::updateOn(llvm::ArrayRef<Placement> placements,
                           llvm::ArrayRef<double> weights) {
  if (placements.empty() || placements.size() != weights.size())
    return 0;
  const unsigned n = impl->numNodes;
  std::vector<int64_t> actions(placements.size() * n * 2);
  for (size_t k = 0; k < placements.size(); ++k) {
    assert(placements[k].size() == n && "placement of the bound graph");
    for (unsigned i = 0; i < n; ++i) {
      actions[(k * n + i) * 2] = placements[k][i].weights;
      actions[(k * n + i) * 2 + 1] = placements[k][i].output;
    }
  }
  torch::Tensor tensor = torch::tensor(actions, torch::kInt64)
                             .view({int64_t(placements.size()), int64_t(n), 2});
  return weightedStep(*impl, tensor, weights);
}

double GnnPolicy::updateOnMasked(llvm::ArrayRef<Placement> placements,
                                 llvm::ArrayRef<double> weights,
                                 uint64_t seed) {
  if (!impl->config.conditioned || placements.empty() ||
      placements.size() != weights.size())
    return 0;
  const unsigned n = impl->numNodes;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const float *exists = impl->decisionMask.data_ptr<float>();
  torch::Tensor loss = torch::zeros({});
  for (size_t k = 0; k < placements.size(); ++k) {
    assert(placements[k].size() == n && "placement of the bound graph");
    // Hidden share from MaskGIT's cosine schedule: often most, sometimes
    // nearly none, so every decoding round has examples.
    const double hiddenShare = std::cos(M_PI / 2 * unit(rng));
    std::vector<int> given(size_t(n) * 2, kUndecided);
    std::vector<int64_t> targets(size_t(n) * 2);
    std::vector<float> hidden(size_t(n) * 2, 0.0f);
    for (unsigned i = 0; i < n; ++i)
      for (unsigned d = 0; d < 2; ++d) {
        const size_t index = size_t(i) * 2 + d;
        const int level =
            d == 0 ? placements[k][i].weights : placements[k][i].output;
        targets[index] = level;
        if (exists[index] == 0)
          continue;
        if (unit(rng) < hiddenShare)
          hidden[index] = 1.0f;
        else
          given[index] = level;
      }
    torch::Tensor logp =
        torch::log_softmax(impl->net->forward(impl->features, impl->adjacency,
                                              decidedColumns(*impl, given)),
                           -1); // [n, 2, L]
    torch::Tensor chosen =
        logp.gather(
                2,
                torch::tensor(targets, torch::kInt64).view({int64_t(n), 2, 1}))
            .squeeze(2);
    torch::Tensor mask =
        torch::from_blob(hidden.data(), {int64_t(n), 2}, torch::kFloat32)
            .clone();
    loss = loss - weights[k] * (chosen * mask).sum();
  }
  return impl->descend(loss / double(placements.size()));
}

std::unique_ptr<GnnPolicy> GnnPolicy::clone() const {
  auto copy = std::make_unique<GnnPolicy>(impl->config, impl->levels);
  copy->copyParametersFrom(*this);
  // The graph tensors are never modified in place, so sharing them is safe.
  copy->impl->features = impl->features;
  copy->impl->adjacency = impl->adjacency;
  copy->impl->decisionMask = impl->decisionMask;
  copy->impl->weightBytes = impl->weightBytes;
  copy->impl->usableBytes = impl->usableBytes;
  copy->impl->numNodes = impl->numNodes;
  copy->impl->cachedLogp = impl->cachedLogp;
  return copy;
}

void GnnPolicy::copyParametersFrom(const GnnPolicy &other) {
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> to = impl->net->parameters(),
                             from = other.impl->net->parameters();
  assert(to.size() == from.size() && "same architecture");
  for (size_t p = 0; p < to.size(); ++p)
    to[p].copy_(from[p]);
  impl->cachedLogp.clear();
}

void GnnPolicy::mutate(double fraction, double scale, uint64_t seed) {
  // Our own generator, not torch's: a member's mutation depends on the
  // search's seed only.
  torch::NoGradGuard noGrad;
  if (fraction <= 0)
    return;
  fraction = std::min(fraction, 1.0);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (torch::Tensor &param : impl->net->parameters()) {
    torch::Tensor flat = param.view({-1});
    float *data = flat.data_ptr<float>();
    const int64_t count = flat.numel();
    double rms = 0;
    for (int64_t i = 0; i < count; ++i)
      rms += double(data[i]) * data[i];
    // Zero-initialised biases still move a little.
    rms = std::max(std::sqrt(rms / std::max<int64_t>(1, count)), 1e-2);
    // Skip geometrically to the next perturbed weight: one draw per
    // perturbation instead of one per weight.
    std::geometric_distribution<int64_t> gap(fraction);
    for (int64_t i = gap(rng); i < count; i += 1 + gap(rng))
      data[i] += float(noise(rng) * scale * rms);
  }
  impl->cachedLogp.clear();
}

std::unique_ptr<GnnPolicy>
GnnPolicy::crossover(const GnnPolicy &a, const GnnPolicy &b, uint64_t seed) {
  std::unique_ptr<GnnPolicy> child = a.clone();
  torch::NoGradGuard noGrad;
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution fromB(0.5);
  std::vector<torch::Tensor> to = child->impl->net->parameters(),
                             from = b.impl->net->parameters();
  for (size_t p = 0; p < to.size(); ++p) {
    if (to[p].dim() == 0)
      continue;
    for (int64_t row = 0; row < to[p].size(0); ++row)
      if (fromB(rng))
        to[p][row].copy_(from[p][row]);
  }
  child->impl->cachedLogp.clear();
  return child;
}

size_t GnnPolicy::numParameters() const {
  size_t total = 0;
  for (const torch::Tensor &param : impl->net->parameters())
    total += param.numel();
  return total;
}

std::vector<ParameterTensor> GnnPolicy::exportParameters() const {
  std::vector<ParameterTensor> out;
  for (const auto &item : impl->net->named_parameters()) {
    torch::Tensor value = item.value().detach().contiguous();
    ParameterTensor tensor;
    tensor.name = item.key();
    tensor.shape.assign(value.sizes().begin(), value.sizes().end());
    tensor.values.assign(value.data_ptr<float>(),
                         value.data_ptr<float>() + value.numel());
    out.push_back(std::move(tensor));
  }
  return out;
}

llvm::Error
GnnPolicy::importParameters(llvm::ArrayRef<ParameterTensor> tensors) {
  auto fail = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   message.str());
  };
  torch::NoGradGuard noGrad;
  auto named = impl->net->named_parameters();
  if (tensors.size() != named.size())
    return fail("has " + llvm::Twine(tensors.size()) +
                " parameter tensors, the network " + llvm::Twine(named.size()));
  // As many tensors as the network, each named once: a name given twice
  // would leave another tensor at its initial values.
  std::set<std::string> seen;
  for (const ParameterTensor &tensor : tensors) {
    torch::Tensor *param = named.find(tensor.name);
    if (!param)
      return fail("unknown parameter tensor '" + tensor.name + "'");
    if (!seen.insert(tensor.name).second)
      return fail("parameter tensor '" + tensor.name + "' is given twice");
    std::vector<int64_t> want(param->sizes().begin(), param->sizes().end());
    auto shapeText = [](llvm::ArrayRef<int64_t> shape) {
      std::string text = "[";
      for (int64_t d : shape)
        text += (text.size() > 1 ? "x" : "") + std::to_string(d);
      return text + "]";
    };
    if (tensor.shape != want)
      return fail("parameter '" + tensor.name + "' has shape " +
                  shapeText(tensor.shape) + ", the network needs " +
                  shapeText(want));
    if (int64_t(tensor.values.size()) != param->numel())
      return fail("parameter '" + tensor.name + "' has " +
                  llvm::Twine(tensor.values.size()) + " values for shape " +
                  shapeText(want));
    param->copy_(torch::from_blob(const_cast<float *>(tensor.values.data()),
                                  param->sizes(), torch::kFloat32));
  }
  impl->cachedLogp.clear();
  return llvm::Error::success();
}

std::string GnnPolicy::optimizerState() const {
  if (!impl->optimizer)
    return {};
  std::ostringstream os;
  torch::serialize::OutputArchive archive;
  impl->optimizer->save(archive);
  archive.save_to(os);
  return os.str();
}

llvm::Error GnnPolicy::setOptimizerState(llvm::StringRef bytes) {
  if (bytes.empty())
    return llvm::Error::success();
  try {
    std::istringstream is(bytes.str());
    torch::serialize::InputArchive archive;
    archive.load_from(is);
    impl->adam().load(archive);
  } catch (const c10::Error &e) {
    // LibTorch's what() carries a C++ backtrace: the message is enough.
    std::string message = e.what_without_backtrace();
    return llvm::createStringError(
        "bad optimizer state: " +
        llvm::StringRef(message).split('\n').first.str());
  } catch (const std::exception &e) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "bad optimizer state: %s", e.what());
  }
  return llvm::Error::success();
}
