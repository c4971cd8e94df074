//===- GnnPolicyImpl.h - The GNN policy's LibTorch internals ----*- C++ -*-===//
//
// Private to lib/Policy: the network and state behind GnnPolicy's pimpl, for
// the few files that train it with LibTorch directly (GnnPolicy.cpp,
// SacLearner.cpp). Everything else uses egrl/Policy/GnnPolicy.h.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_POLICY_GNNPOLICYIMPL_H
#define EGRL_LIB_POLICY_GNNPOLICYIMPL_H

#include "egrl/Policy/GnnPolicy.h"

#include <torch/torch.h>

#include <mutex>

namespace egrl::detail {

/// LibTorch initialises parameters from its process-wide generator. Seeding
/// it and building a network happen under this lock, so that passes running
/// at once (nested modules on MLIR's threads) cannot draw from each other's
/// stream and every seed gives the same network.
std::mutex &torchInitMutex();

/// The residual graph-convolution layers the policy and the SAC critics
/// share: h <- LayerNorm(h + relu(W_l (A h))), with A h computed by the
/// caller (one sparse product per layer, batched or not). Registered in
/// the owning module as conv<l>, norm<l>.
struct ResidualGcnLayers {
  std::vector<torch::nn::Linear> convs;
  std::vector<torch::nn::LayerNorm> norms;

  void registerIn(torch::nn::Module &module, unsigned hidden,
                  unsigned layers) {
    for (unsigned l = 0; l < layers; ++l) {
      convs.push_back(module.register_module(
          "conv" + std::to_string(l), torch::nn::Linear(hidden, hidden)));
      norms.push_back(module.register_module(
          "norm" + std::to_string(l),
          torch::nn::LayerNorm(
              torch::nn::LayerNormOptions({int64_t(hidden)}))));
    }
  }
  size_t size() const { return convs.size(); }
  /// Layer `l` given h and its neighbourhood mix A h.
  torch::Tensor step(size_t l, const torch::Tensor &h,
                     const torch::Tensor &mixed) {
    return norms[l]->forward(h + torch::relu(convs[l]->forward(mixed)));
  }
};

struct GcnNetImpl : torch::nn::Module {
  /// `contextColumns` > 0 adds the input layer of a conditioned policy
  /// (GnnPolicyConfig::conditioned), registered last so that every other
  /// parameter is initialised as in an unconditioned network of the seed.
  GcnNetImpl(unsigned features, unsigned hidden, unsigned layers,
             unsigned levels, unsigned contextColumns = 0)
      : input(register_module("input", torch::nn::Linear(features, hidden))),
        weightHead(
            register_module("weight_head", torch::nn::Linear(hidden, levels))),
        outputHead(
            register_module("output_head", torch::nn::Linear(hidden, levels))) {
    gcn.registerIn(*this, hidden, layers);
    if (contextColumns)
      context = register_module(
          "context",
          torch::nn::Linear(
              torch::nn::LinearOptions(contextColumns, hidden).bias(false)));
  }

  /// Returns logits [nodes, 2, levels]. `decided` [nodes, context columns]
  /// describes the decisions made so far (conditioned networks only); an
  /// undefined or all-zero one is "nothing decided yet".
  torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &adj,
                        const torch::Tensor &decided = {}) {
    torch::Tensor pre = input->forward(x);
    if (context && decided.defined())
      pre = pre + context->forward(decided);
    torch::Tensor h = torch::tanh(pre);
    for (size_t l = 0; l < gcn.size(); ++l)
      h = gcn.step(l, h, torch::mm(adj, h));
    return torch::stack({weightHead->forward(h), outputHead->forward(h)}, 1);
  }

  torch::nn::Linear input, weightHead, outputHead;
  ResidualGcnLayers gcn;
  torch::nn::Linear context{nullptr};
};
TORCH_MODULE(GcnNet);

} // namespace egrl::detail

namespace egrl {

struct GnnPolicy::Impl {
  GnnPolicyConfig config;
  unsigned levels;
  detail::GcnNet net{nullptr};
  /// The generator's state right after `net` was initialised: a network
  /// built next from the same seed (SAC's critics) continues from it.
  torch::Tensor generatorAfterInit;
  std::unique_ptr<torch::optim::Adam> optimizer;
  torch::Tensor features, adjacency;
  /// The actor's Adam, made on first use.
  torch::optim::Adam &adam() {
    if (!optimizer)
      optimizer = std::make_unique<torch::optim::Adam>(
          net->parameters(), torch::optim::AdamOptions(config.learningRate));
    return *optimizer;
  }
  /// One clipped Adam step of the actor on `loss` (every learner's actor
  /// step); the cached log-probabilities are stale after it. Returns the
  /// loss.
  double descend(const torch::Tensor &loss) {
    // Gradients are dropped, not zeroed: a parameter this loss does not
    // reach (a conditioned policy's context layer, in an unconditioned
    // step) then has none, and Adam leaves it and its moments alone, as it
    // does in a process that has not yet given it one (a resumed run).
    for (torch::Tensor &parameter : net->parameters())
      parameter.mutable_grad() = torch::Tensor();
    adam();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(net->parameters(), 5.0);
    adam().step();
    cachedLogp.clear();
    return loss.item<double>();
  }
  /// Masks per node: 1 where a decision matters (weightless nodes have no
  /// weight decision; empty outputs no output decision).
  torch::Tensor decisionMask;
  /// Of the bound graph, for the context of a conditioned policy: each
  /// node's own weight bytes, and each level's usable bytes.
  std::vector<double> weightBytes, usableBytes;
  unsigned numNodes = 0;
  /// Actions of the last sample() call: [count, nodes, 2].
  torch::Tensor lastActions;
  /// logProbabilities() until the parameters or the graph change: a
  /// population re-samples unchanged members every generation.
  std::vector<float> cachedLogp;
};

} // namespace egrl

#endif // EGRL_LIB_POLICY_GNNPOLICYIMPL_H
