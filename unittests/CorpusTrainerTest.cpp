//===- CorpusTrainerTest.cpp - egrl-train's training algorithm ------------===//

#include "egrl/Policy/CorpusTrainer.h"
#include "TestUtil.h"
#include "egrl/Policy/PolicyFile.h"
#include "egrl/Support/Interrupt.h"

#include <csignal>
#include <nlohmann/json.hpp>

#include <limits>
#include <memory>
#include <optional>

using namespace egrl;
using json = nlohmann::json;

namespace {

/// Two small graphs on nnpi-1000, each measured by its analytical model.
struct Corpus {
  Target target = test::nnpiTarget();
  WorkloadGraph graphs[2] = {test::randomGraph(30, 3),
                             test::randomGraph(24, 4)};
  Problem problems[2] = {{graphs[0], target}, {graphs[1], target}};
  AnalyticalModel models[2] = {AnalyticalModel(problems[0]),
                               AnalyticalModel(problems[1])};

  /// A trainer of `options` on the first `count` graphs.
  std::unique_ptr<CorpusTrainer>
  trainer(const CorpusTrainerOptions &options, unsigned count = 2,
          std::optional<std::vector<std::string>> levels = {}) const {
    auto trainer = std::make_unique<CorpusTrainer>(
        options, levels.value_or(target.levelNameList()));
    for (unsigned g = 0; g < count; ++g)
      EXPECT_FALSE(bool(trainer->addGraph("g" + std::to_string(g), problems[g],
                                          problems[g], models[g], models[g])));
    return trainer;
  }
};

CorpusTrainerOptions smallOptions() {
  CorpusTrainerOptions options;
  options.policy.hidden = 8;
  options.policy.layers = 1;
  options.seed = 11;
  options.batch = 4;
  options.elites = 2;
  options.runDescription = R"({"target": "nnpi-1000"})";
  return options;
}

/// What must agree between two runs that should be the same: parameters,
/// per-graph baselines, elites and evaluations, and the curves.
json stateOf(const CorpusTrainer &trainer) {
  json state = json::parse(trainer.checkpointText(0));
  return {state["policy"]["parameters"], state["graphs"], state["curves"],
          state["losses"], state["round"]};
}

std::string errorOf(llvm::Error err) {
  EXPECT_TRUE(bool(err));
  return llvm::toString(std::move(err));
}

/// Answers `answers` measurements of the model's, then fails as an external
/// command that died does (infinite latencies, a failure()) and is sent
/// nothing more. Every request sent counts in `sent`, which the graphs'
/// evaluators share; `sentAtDeath` is its count when this one failed.
class DyingEvaluator : public Evaluator {
public:
  DyingEvaluator(const AnalyticalModel &model, uint64_t answers, uint64_t &sent,
                 uint64_t &sentAtDeath)
      : Evaluator(model.problem()), model(model), answers(answers), sent(sent),
        sentAtDeath(sentAtDeath) {}
  llvm::StringRef name() const override { return "dying"; }
  EvalResult evaluate(const Placement &placement) const override {
    const EvalResult none{std::numeric_limits<double>::infinity(), false, 0};
    if (dead)
      return none;
    ++sent;
    if (answered == answers) {
      dead = true;
      sentAtDeath = sent;
      return none;
    }
    ++answered;
    return model.evaluate(placement);
  }
  std::string failure() const override {
    return dead ? "exited with status 6" : "";
  }

private:
  const AnalyticalModel &model;
  uint64_t answers;
  uint64_t &sent, &sentAtDeath;
  mutable uint64_t answered = 0;
  mutable bool dead = false;
};

} // namespace

TEST(CorpusTrainer, CountsEveryEvaluationAndLearns) {
  Corpus corpus;
  CorpusTrainerOptions options = smallOptions();
  auto trainer = corpus.trainer(options);
  ASSERT_FALSE(bool(trainer->measureNative()));
  EXPECT_EQ(trainer->totalEvaluations(), 2u) << "one native each";
  json before = stateOf(*trainer)[0];
  for (unsigned round = 0; round < 3; ++round)
    ASSERT_FALSE(bool(trainer->trainRound()));
  EXPECT_EQ(trainer->rounds(), 3u);
  // Per graph and round: the batch and the policy's own placement.
  EXPECT_EQ(trainer->totalEvaluations(), 2u + 3 * 2 * (options.batch + 1));
  EXPECT_NE(stateOf(*trainer)[0], before) << "the policy took steps";
  EXPECT_GT(trainer->meanBestSpeedup(), 0.0);
  EXPECT_EQ(llvm::count(trainer->graphCurvesCsv(), '\n'), 1 + 3 * 2)
      << "a header and a row per round and graph";
  EXPECT_EQ(llvm::count(trainer->lossCurvesCsv(), '\n'), 1 + 3);
}

TEST(CorpusTrainer, AStopRequestEndsTheRoundWithAnError) {
  // Ctrl-C leaves the trackers no budget: the round says it was cut short
  // instead of learning from (or reading past) an empty batch.
  Corpus corpus;
  auto trainer = corpus.trainer(smallOptions());
  ASSERT_FALSE(bool(trainer->measureNative()));
  ASSERT_FALSE(bool(trainer->trainRound()));
  InterruptScope scope;
  requestStop(SIGINT);
  EXPECT_NE(errorOf(trainer->trainRound()).find("was cut short"),
            std::string::npos);
  clearStopRequest();
  EXPECT_EQ(trainer->rounds(), 1u);
}

TEST(CorpusTrainer, AFailedEvaluatorEndsTheRoundAtOnce) {
  // A command that died mid-batch had the rest of its batch answered with
  // no time: the round learnt from those answers and went on, the other
  // graphs' commands measuring placements that were all thrown away once
  // the next round found the dead one (and named that round).
  Corpus corpus;
  CorpusTrainerOptions options = smallOptions();
  // Each graph dies in its turn, so that in one case the other graph comes
  // after it in the round.
  for (unsigned dying = 0; dying < 2; ++dying) {
    uint64_t sent = 0, sentAtDeath = 0;
    std::vector<std::unique_ptr<DyingEvaluator>> evaluators;
    CorpusTrainer trainer(options, corpus.target.levelNameList());
    for (unsigned g = 0; g < 2; ++g) {
      // Native, round 0's batch and policy placement, then 2 of round 1's.
      uint64_t answers = g == dying ? 1 + (options.batch + 1) + 2 : 1000;
      evaluators.push_back(std::make_unique<DyingEvaluator>(
          corpus.models[g], answers, sent, sentAtDeath));
      ASSERT_FALSE(bool(trainer.addGraph(
          "g" + std::to_string(g), corpus.problems[g], corpus.problems[g],
          corpus.models[g], *evaluators.back())));
    }
    ASSERT_FALSE(bool(trainer.measureNative()));
    ASSERT_FALSE(bool(trainer.trainRound()));
    std::string message = errorOf(trainer.trainRound());
    EXPECT_NE(message.find("round 1 was cut short on graph 'g" +
                           std::to_string(dying) +
                           "': the evaluator failed at evaluation 9: exited "
                           "with status 6"),
              std::string::npos)
        << message;
    EXPECT_EQ(sent, sentAtDeath) << "nothing is sent after the failure";
    EXPECT_EQ(trainer.rounds(), 1u);
  }
}

TEST(CorpusTrainer, AFailedNativeMeasurementEndsTraining) {
  // A command that died measuring native left native infinite: the next
  // graph's native was measured, and round 0's batches of the graphs before
  // the dead one, before round 0 said the dead graph was cut short.
  Corpus corpus;
  uint64_t sent = 0, sentAtDeath = 0;
  DyingEvaluator dying(corpus.models[0], 0, sent, sentAtDeath);
  DyingEvaluator working(corpus.models[1], 1000, sent, sentAtDeath);
  CorpusTrainer trainer(smallOptions(), corpus.target.levelNameList());
  ASSERT_FALSE(bool(trainer.addGraph(
      "g0", corpus.problems[0], corpus.problems[0], corpus.models[0], dying)));
  ASSERT_FALSE(
      bool(trainer.addGraph("g1", corpus.problems[1], corpus.problems[1],
                            corpus.models[1], working)));
  std::string message = errorOf(trainer.measureNative());
  EXPECT_EQ(message, "g0: before the first round, measuring native: the "
                     "evaluator failed at evaluation 1: exited with status 6");
  EXPECT_EQ(sent, sentAtDeath) << "nothing is sent after the failure";
}

TEST(CorpusTrainer, CountsTheSeedsMeasurementsBeforeMeasuringAny) {
  // egrl-train measured native and the seeds, then found that the budget
  // left no room for a round (outside tester s44): planSeeds() says what
  // measureNative() will spend while nothing has been sent to the chip.
  Corpus corpus;
  for (SeedFrom from : {SeedFrom::None, SeedFrom::Native, SeedFrom::Model,
                        SeedFrom::Portfolio}) {
    SCOPED_TRACE(seedFromName(from).str());
    CorpusTrainerOptions options = smallOptions();
    options.seedFrom = from;
    uint64_t sent = 0, sentAtDeath = 0;
    std::vector<std::unique_ptr<DyingEvaluator>> evaluators;
    CorpusTrainer trainer(options, corpus.target.levelNameList());
    for (unsigned g = 0; g < 2; ++g) {
      evaluators.push_back(std::make_unique<DyingEvaluator>(
          corpus.models[g], 1000, sent, sentAtDeath));
      ASSERT_FALSE(bool(trainer.addGraph(
          "g" + std::to_string(g), corpus.problems[g], corpus.problems[g],
          corpus.models[g], *evaluators.back())));
    }
    llvm::Expected<uint64_t> planned = trainer.planSeeds();
    ASSERT_TRUE(bool(planned)) << llvm::toString(planned.takeError());
    EXPECT_EQ(sent, 0u) << "planning measures nothing";
    EXPECT_EQ(trainer.totalEvaluations(), 0u);
    if (plansModelSeeds(from))
      EXPECT_GT(*planned, 2u) << "seeds besides native on these graphs";
    else
      EXPECT_EQ(*planned, 2u) << "native alone, on each graph";
    ASSERT_FALSE(bool(trainer.measureNative()));
    EXPECT_EQ(trainer.totalEvaluations(), *planned);
    EXPECT_EQ(sent, *planned);
    // Measured from the plans made, not planned again: the same elites as
    // a trainer that planned and measured in one go.
    auto unplanned = corpus.trainer(options);
    ASSERT_FALSE(bool(unplanned->measureNative()));
    EXPECT_EQ(stateOf(*unplanned), stateOf(trainer));
    // A resumed run has native and the seeds from its checkpoint.
    auto resumed = corpus.trainer(options);
    ASSERT_FALSE(bool(trainer.trainRound()));
    llvm::Error restored = resumed->resume(trainer.checkpointText(0), "ckpt");
    ASSERT_FALSE(bool(restored)) << llvm::toString(std::move(restored));
    llvm::Expected<uint64_t> again = resumed->planSeeds();
    ASSERT_TRUE(bool(again));
    EXPECT_EQ(*again, 0u);
  }
}

TEST(CorpusTrainer, SameRunForAnyThreadCount) {
  Corpus corpus;
  CorpusTrainerOptions options = smallOptions();
  auto one = corpus.trainer(options);
  options.threads = 2;
  auto two = corpus.trainer(options);
  for (CorpusTrainer *trainer : {one.get(), two.get()}) {
    ASSERT_FALSE(bool(trainer->measureNative()));
    for (unsigned round = 0; round < 3; ++round)
      ASSERT_FALSE(bool(trainer->trainRound()));
  }
  EXPECT_EQ(stateOf(*one), stateOf(*two));
}

TEST(CorpusTrainer, ResumedRunEndsWhereTheUninterruptedOneDoes) {
  Corpus corpus;
  CorpusTrainerOptions options = smallOptions();
  auto whole = corpus.trainer(options);
  ASSERT_FALSE(bool(whole->measureNative()));
  for (unsigned round = 0; round < 4; ++round)
    ASSERT_FALSE(bool(whole->trainRound()));

  auto first = corpus.trainer(options);
  ASSERT_FALSE(bool(first->measureNative()));
  ASSERT_FALSE(bool(first->trainRound()));
  ASSERT_FALSE(bool(first->trainRound()));
  const std::string checkpoint = first->checkpointText(12.5);

  auto resumed = corpus.trainer(options);
  ASSERT_FALSE(bool(resumed->resume(checkpoint, "ckpt")));
  ASSERT_FALSE(bool(resumed->measureNative()));
  EXPECT_EQ(resumed->rounds(), 2u);
  EXPECT_EQ(resumed->secondsBefore(), 12.5);
  ASSERT_FALSE(bool(resumed->trainRound()));
  ASSERT_FALSE(bool(resumed->trainRound()));
  EXPECT_EQ(stateOf(*resumed), stateOf(*whole));
  EXPECT_EQ(resumed->totalEvaluations(), whole->totalEvaluations());
}

TEST(CorpusTrainer, RefusesWhatDoesNotMatch) {
  Corpus corpus;
  CorpusTrainerOptions options = smallOptions();
  auto trainer = corpus.trainer(options);
  ASSERT_FALSE(bool(trainer->measureNative()));
  ASSERT_FALSE(bool(trainer->trainRound()));
  const std::string checkpoint = trainer->checkpointText(1);

  EXPECT_NE(
      errorOf(trainer->addGraph("g0", corpus.problems[0], corpus.problems[0],
                                corpus.models[0], corpus.models[0]))
          .find("two corpus graphs are called 'g0'"),
      std::string::npos);

  CorpusTrainerOptions otherSeed = options;
  otherSeed.seed = 12;
  EXPECT_NE(errorOf(corpus.trainer(otherSeed)->resume(checkpoint, "ckpt"))
                .find("ckpt: written with other training options: 'seed' is "
                      "11 there, 12 here"),
            std::string::npos);
  CorpusTrainerOptions otherChip = options;
  otherChip.runDescription = R"({"target": "edge-small"})";
  EXPECT_NE(errorOf(corpus.trainer(otherChip)->resume(checkpoint, "ckpt"))
                .find("'target' is \"nnpi-1000\" there, \"edge-small\" here"),
            std::string::npos);
  // A chip edited under its old name: its description is compared, and
  // named rather than printed whole.
  CorpusTrainerOptions described = options, redescribed = options;
  described.runDescription =
      R"({"target": "nnpi-1000", "target_spec": {"a": 1}})";
  redescribed.runDescription =
      R"({"target": "nnpi-1000", "target_spec": {"a": 2}})";
  auto describedTrainer = corpus.trainer(described);
  ASSERT_FALSE(bool(describedTrainer->measureNative()));
  EXPECT_EQ(errorOf(corpus.trainer(redescribed)
                        ->resume(describedTrainer->checkpointText(0), "ckpt")),
            "ckpt: written with other training options: 'target_spec' (the "
            "chip's description differs)");
  // Levels of other names: the checkpoint's network decides other levels.
  EXPECT_NE(errorOf(corpus.trainer(options, 2, {{"l0", "l1", "l2"}})
                        ->resume(checkpoint, "ckpt"))
                .find("the checkpoint's policy places on levels sram, llc, "
                      "dram, this run's target has l0, l1, l2"),
            std::string::npos);
  EXPECT_NE(errorOf(corpus.trainer(options, 1)->resume(checkpoint, "ckpt"))
                .find("ckpt: written for another corpus"),
            std::string::npos);
  // The same graphs in another order: per-graph state is kept in order.
  auto reversed =
      std::make_unique<CorpusTrainer>(options, corpus.target.levelNameList());
  for (unsigned g : {1u, 0u})
    EXPECT_FALSE(bool(reversed->addGraph("g" + std::to_string(g),
                                         corpus.problems[g], corpus.problems[g],
                                         corpus.models[g], corpus.models[g])));
  EXPECT_NE(errorOf(reversed->resume(checkpoint, "ckpt"))
                .find("ckpt: written for the same graphs in another order"),
            std::string::npos);
  EXPECT_NE(errorOf(corpus.trainer(options)->resume("{}", "ckpt"))
                .find("not an egrl-train checkpoint"),
            std::string::npos);
  // Cut short: the JSON error says where.
  EXPECT_NE(errorOf(corpus.trainer(options)->resume(
                        checkpoint.substr(0, checkpoint.size() / 2), "ckpt"))
                .find("ckpt: not valid JSON (an egrl-train checkpoint cut "
                      "short?): malformed JSON at byte"),
            std::string::npos);
  // As every JSON input: a number past double range is an error, not an
  // exception.
  EXPECT_NE(errorOf(corpus.trainer(options)->resume(
                        "{\"format\": \"egrl-train-checkpoint\", "
                        "\"version\": 1e400}",
                        "ckpt"))
                .find("ckpt: not valid JSON (an egrl-train checkpoint cut "
                      "short?): version: a number outside the range of a "
                      "double at byte 52"),
            std::string::npos);
  // Edited values: each would index past a tensor, wrap a count or be
  // silently used.
  auto edited = [&](auto edit) {
    json state = json::parse(checkpoint);
    edit(state);
    return errorOf(corpus.trainer(options)->resume(state.dump(), "ckpt"));
  };
  EXPECT_NE(edited([](json &s) {
              s["graphs"][0]["elites"][0]["placement"][0] = {7, 9};
            }).find("an elite placement is not 30 pairs of levels below 3"),
            std::string::npos);
  EXPECT_NE(edited([](json &s) {
              s["graphs"][0]["elites"][0]["placement"].erase(0);
            }).find("an elite placement is not 30 pairs"),
            std::string::npos);
  EXPECT_NE(edited([](json &s) {
              s["graphs"][1]["evaluations"] = -5;
            }).find("graph 'g1': \"evaluations\" must be a positive integer"),
            std::string::npos);
  EXPECT_NE(edited([](json &s) { s["round"] = -1; }).find("\"round\""),
            std::string::npos);
  EXPECT_NE(edited([](json &s) { s["graphs"][0]["native_latency"] = 0; })
                .find("native's latency and the best one (0: none yet) at "
                      "least 1e-15 s"),
            std::string::npos);
  EXPECT_NE(edited([](json &s) {
              json elite = s["graphs"][0]["elites"][0];
              for (int k = 0; k < 3; ++k)
                s["graphs"][0]["elites"].push_back(elite);
            }).find("elites, --elites is 2"),
            std::string::npos);
  EXPECT_NE(edited([](json &s) {
              s["graphs"].push_back(s["graphs"][0]);
            }).find("3 graph states for a corpus of 2"),
            std::string::npos);
  EXPECT_NE(edited([](json &s) {
              s["version"] = 99;
            }).find("checkpoint version 99, this build reads version 1"),
            std::string::npos);
  EXPECT_NE(edited([](json &s) { s["adam"] = ""; }).find("no optimizer state"),
            std::string::npos);
  // Curve rows are counts and numbers: a float or negative count is not
  // converted (undefined for 1e300, a wrap for -1).
  EXPECT_NE(edited([](json &s) {
              s["curves"][0][1] = 1e300;
            }).find("a row of \"curves\" is not round, evaluations"),
            std::string::npos);
  EXPECT_NE(edited([](json &s) {
              s["losses"][0][0] = -1;
            }).find("a row of \"losses\" is not round"),
            std::string::npos);
  EXPECT_NE(edited([](json &s) {
              s["losses"][0] = {1, 2};
            }).find("a row of \"losses\""),
            std::string::npos);
  // The network stored in the checkpoint is the one its options describe.
  // (A whole policy file of another shape: copying its tensors crashed.)
  GnnPolicyConfig deeper = options.policy;
  deeper.layers = 2;
  PolicyMetadata deeperMetadata;
  deeperMetadata.levels = corpus.target.levelNameList();
  std::string deeperPolicy = policyFileText(
      GnnPolicy(deeper, corpus.target.numLevels()), deeperMetadata);
  EXPECT_NE(edited([&](json &s) { s["policy"] = json::parse(deeperPolicy); })
                .find("corrupt checkpoint: its policy has hidden 8, 2 layers, "
                      "its options hidden 8, 1 layers"),
            std::string::npos);
  std::string halfAdam = edited([](json &s) {
    std::string adam = s["adam"];
    s["adam"] = adam.substr(0, adam.size() / 2 / 4 * 4);
  });
  EXPECT_NE(halfAdam.find("bad optimizer state"), std::string::npos)
      << halfAdam;
  EXPECT_EQ(halfAdam.find("frame #"), std::string::npos)
      << "no LibTorch backtrace: " << halfAdam;

  json cut = json::parse(checkpoint);
  cut.erase("graphs");
  EXPECT_NE(errorOf(corpus.trainer(options)->resume(cut.dump(), "ckpt"))
                .find("ckpt: corrupt checkpoint"),
            std::string::npos);
}

TEST(CorpusTrainer, SaysWhenTrainingDiverges) {
  Corpus corpus;
  CorpusTrainerOptions options = smallOptions();
  options.policy.learningRate = 1e30;
  auto trainer = corpus.trainer(options);
  ASSERT_FALSE(bool(trainer->measureNative()));
  std::string message;
  for (unsigned round = 0; round < 5 && message.empty(); ++round)
    if (llvm::Error err = trainer->trainRound())
      message = llvm::toString(std::move(err));
  EXPECT_NE(message.find("training diverged in round"), std::string::npos)
      << message;
  EXPECT_NE(message.find("a loss is not finite"), std::string::npos);
}
