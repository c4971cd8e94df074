//===- SacLearner.cpp - Discrete soft actor-critic over the graph ---------===//

#include "egrl/Policy/SacLearner.h"
#include "GnnPolicyImpl.h"
#include "egrl/Policy/Features.h"

#include <random>

using namespace egrl;

namespace {

/// Q(graph, placement): a residual GCN over features ++ one-hot levels,
/// max- and mean-pooled, then an MLP.
struct CriticNetImpl : torch::nn::Module {
  CriticNetImpl(unsigned inputs, unsigned hidden, unsigned layers)
      : input(register_module("input", torch::nn::Linear(inputs, hidden))),
        hiddenLayer(
            register_module("mlp0", torch::nn::Linear(2 * hidden, hidden))),
        out(register_module("mlp1", torch::nn::Linear(hidden, 1))) {
    gcn.registerIn(*this, hidden, layers);
  }

  /// x [n, F], adjacency [n, n] (sparse), actions [B, n, A] -> [B].
  torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &adj,
                        const torch::Tensor &actions) {
    const int64_t batch = actions.size(0), n = x.size(0);
    torch::Tensor h = torch::tanh(input->forward(torch::cat(
        {x.unsqueeze(0).expand({batch, n, x.size(1)}), actions}, 2)));
    const int64_t width = h.size(2);
    for (size_t l = 0; l < gcn.size(); ++l) {
      // One sparse product for the whole batch: [n, B * H].
      torch::Tensor flat = h.permute({1, 0, 2}).reshape({n, batch * width});
      torch::Tensor mixed =
          torch::mm(adj, flat).reshape({n, batch, width}).permute({1, 0, 2});
      h = gcn.step(l, h, mixed);
    }
    torch::Tensor pooled =
        torch::cat({std::get<0>(h.max(1)), h.mean(1)}, 1); // [B, 2H]
    return out->forward(torch::relu(hiddenLayer->forward(pooled))).squeeze(1);
  }

  torch::nn::Linear input, hiddenLayer, out;
  egrl::detail::ResidualGcnLayers gcn;
};
TORCH_MODULE(CriticNet);

} // namespace

struct SacLearner::Critics {
  CriticNet q1{nullptr}, q2{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer;
};

SacLearner::SacLearner(const SacConfig &config, unsigned numLevels)
    : config(config), policy(config.policy, numLevels),
      critics(std::make_unique<Critics>()) {
  // The critics' initial weights continue the actor's seeded stream, from
  // where the actor's initialisation left it.
  std::lock_guard<std::mutex> lock(detail::torchInitMutex());
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  generator.set_state(policy.internals().generatorAfterInit);
  unsigned inputs = kNumNodeFeatures + 2 * numLevels;
  critics->q1 = CriticNet(inputs, config.criticHidden, config.criticLayers);
  critics->q2 = CriticNet(inputs, config.criticHidden, config.criticLayers);
  std::vector<torch::Tensor> params = critics->q1->parameters();
  for (const torch::Tensor &p : critics->q2->parameters())
    params.push_back(p);
  critics->optimizer = std::make_unique<torch::optim::Adam>(
      params, torch::optim::AdamOptions(config.criticLearningRate));
}

SacLearner::~SacLearner() = default;

void SacLearner::bind(const Problem &problem) { policy.bind(problem); }

namespace {
/// One-hot levels of placements, [B, n, 2 * L], zero where a decision does
/// not exist (the weights of a weightless node).
torch::Tensor oneHot(llvm::ArrayRef<Placement> placements,
                     const GnnPolicy::Impl &impl) {
  const int64_t n = impl.numNodes, levels = impl.levels;
  std::vector<int64_t> actions;
  actions.reserve(placements.size() * n * 2);
  for (const Placement &p : placements)
    for (int64_t i = 0; i < n; ++i) {
      actions.push_back(p[i].weights);
      actions.push_back(p[i].output);
    }
  torch::Tensor index = torch::tensor(actions, torch::kInt64)
                            .view({int64_t(placements.size()), n, 2});
  torch::Tensor hot =
      torch::one_hot(index, levels).to(torch::kFloat32); // [B, n, 2, L]
  hot = hot * impl.decisionMask.unsqueeze(0).unsqueeze(3);
  return hot.reshape({int64_t(placements.size()), n, 2 * levels});
}
} // namespace

std::vector<double> SacLearner::predict(llvm::ArrayRef<Placement> placements) {
  torch::NoGradGuard noGrad;
  GnnPolicy::Impl &impl = policy.internals();
  torch::Tensor actions = oneHot(placements, impl);
  torch::Tensor q =
      torch::min(critics->q1->forward(impl.features, impl.adjacency, actions),
                 critics->q2->forward(impl.features, impl.adjacency, actions));
  return std::vector<double>(q.data_ptr<float>(),
                             q.data_ptr<float>() + q.numel());
}

double SacLearner::train(const ReplayBuffer &buffer, std::mt19937_64 &rng) {
  if (buffer.size() < std::max(2u, config.warmup))
    return 0;
  GnnPolicy::Impl &impl = policy.internals();
  double lossSum = 0;
  // Critics: regress the reward of placements drawn from the whole buffer
  // (one-step episodes: the target is the reward).
  for (unsigned step = 0; step < config.criticSteps; ++step) {
    std::vector<Placement> placements;
    std::vector<float> rewards;
    for (size_t index : buffer.sample(config.batchSize, rng)) {
      placements.push_back(buffer[index].placement);
      rewards.push_back(float(buffer[index].reward));
    }
    torch::Tensor actions = oneHot(placements, impl);
    torch::Tensor target = torch::tensor(rewards);
    torch::Tensor loss =
        torch::mse_loss(
            critics->q1->forward(impl.features, impl.adjacency, actions),
            target) +
        torch::mse_loss(
            critics->q2->forward(impl.features, impl.adjacency, actions),
            target);
    critics->optimizer->zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(critics->q1->parameters(), 5.0);
    torch::nn::utils::clip_grad_norm_(critics->q2->parameters(), 5.0);
    critics->optimizer->step();
    lossSum += loss.item<double>();
    ++totalSteps;
  }
  // Actor: maximise min(Q1, Q2) of straight-through Gumbel-softmax samples
  // plus alpha times the mean entropy per decision.
  const int64_t n = impl.numNodes, levels = impl.levels,
                samples = config.actorSamples;
  std::uniform_real_distribution<float> unit(1e-6f, 1.0f - 1e-6f);
  for (unsigned step = 0; step < config.actorSteps; ++step) {
    torch::Tensor logits =
        impl.net->forward(impl.features, impl.adjacency); // [n, 2, L]
    torch::Tensor logp = torch::log_softmax(logits, -1);
    torch::Tensor entropy =
        -(logp.exp() * logp).sum(-1).mul(impl.decisionMask).sum() /
        impl.decisionMask.sum().clamp_min(1);
    // Gumbel noise from our generator, so a seed fixes it.
    std::vector<float> noise(size_t(samples) * n * 2 * levels);
    for (float &g : noise)
      g = -std::log(-std::log(unit(rng)));
    torch::Tensor gumbel =
        torch::from_blob(noise.data(), {samples, n, 2, levels}, torch::kFloat32)
            .clone();
    torch::Tensor soft = torch::softmax(
        (logp.unsqueeze(0) + gumbel) / config.gumbelTemperature, -1);
    torch::Tensor hard =
        torch::one_hot(soft.argmax(-1), levels).to(torch::kFloat32);
    torch::Tensor actions = (hard - soft.detach() + soft) *
                            impl.decisionMask.unsqueeze(0).unsqueeze(3);
    actions = actions.reshape({samples, n, 2 * levels});
    torch::Tensor q = torch::min(
        critics->q1->forward(impl.features, impl.adjacency, actions),
        critics->q2->forward(impl.features, impl.adjacency, actions));
    torch::Tensor loss = -q.mean() - config.alpha * entropy;
    lossSum += impl.descend(loss);
    ++totalSteps;
  }
  return lossSum / std::max(1u, config.criticSteps + config.actorSteps);
}
