// TrainStep over micro-batches (gradient accumulation) against one batch of the same pairs: the
// step's loss and gradient norm are the same, for SFT (a mean over the step's answer tokens, as
// SFTTrainer) and for DPO (a mean over pairs; equal micro-batches weigh the same, as DPOTrainer).
// A bfloat16 policy stepped from float32 master weights keeps updates bfloat16 cannot hold.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/causal_lm.h"
#include "core/model/model_config.h"
#include "core/train/batch.h"
#include "core/train/loss.h"
#include "core/train/train_step.h"

namespace ladder::train {
namespace {

// Four pairs whose answers differ in length, so that two micro-batches of two pairs hold
// different numbers of answer tokens (3 + 9 chosen tokens, then 2 + 2).
std::vector<TokenizedPair> pairsOfUnequalLength() {
    std::vector<TokenizedPair> pairs(4);
    pairs[0] = {0, "easy", false, {10, 11, 12}, {20, 21, 22}, {30, 31}};
    pairs[1] = {1, "hard", false, {13}, {23, 24, 25, 26, 27, 28, 29, 40, 41}, {32}};
    pairs[2] = {2, "easy", false, {14, 15}, {42, 43}, {33, 34, 35, 36}};
    pairs[3] = {3, "hard", false, {16, 17, 18, 19}, {44, 45}, {37, 38, 39}};
    return pairs;
}

StepResult stepOver(const std::string& method, model::CausalLM& policy, model::CausalLM& reference,
                    const std::vector<TokenizedPair>& pairs, std::size_t perMicroBatch) {
    auto loss = lossRegistry().create(method);
    loss->configure({});
    const bool withRejected = loss->usesRejected();
    std::vector<Batch> micro;
    std::vector<ReferenceLogps> refs;
    for (std::size_t at = 0; at < pairs.size(); at += perMicroBatch) {
        std::vector<const TokenizedPair*> part;
        for (std::size_t i = at; i < at + perMicroBatch; ++i) part.push_back(&pairs[i]);
        micro.push_back(collate(part, withRejected, 0, torch::kCPU));
        refs.push_back(loss->needsReference() ? referenceLogps(*reference, micro.back(), {})
                                              : ReferenceLogps{});
    }
    std::vector<const Batch*> pointers;
    for (const auto& b : micro) pointers.push_back(&b);
    OptimizerSpec optimizer;
    optimizer.gradClip = 0;
    TrainStep step(policy, std::shared_ptr<const PreferenceLoss>(std::move(loss)), optimizer, {});
    return step.run(pointers, refs, /*lr=*/0.0);  // lr 0: the weights stay for the next call
}

class TrainStepTest : public ::testing::Test {
protected:
    void SetUp() override {
        torch::manual_seed(3);
        m_policy = model::buildModel(model::ModelConfig::tiny(), torch::kCPU, torch::kFloat);
        torch::manual_seed(4);
        m_reference = model::buildModel(model::ModelConfig::tiny(), torch::kCPU, torch::kFloat);
        m_reference->eval();
    }
    model::CausalLM m_policy{nullptr};
    model::CausalLM m_reference{nullptr};
};

TEST_F(TrainStepTest, SftOverMicroBatchesIsTheMeanOverAllAnswerTokens) {
    const auto pairs = pairsOfUnequalLength();
    const auto whole = stepOver("sft", m_policy, m_reference, pairs, 4);
    const auto accumulated = stepOver("sft", m_policy, m_reference, pairs, 2);
    EXPECT_NEAR(accumulated.loss, whole.loss, 1e-5);
    EXPECT_NEAR(accumulated.gradNorm, whole.gradNorm, 1e-4 * whole.gradNorm);
}

TEST_F(TrainStepTest, DpoOverEqualMicroBatchesIsTheMeanOverAllPairs) {
    const auto pairs = pairsOfUnequalLength();
    const auto whole = stepOver("dpo", m_policy, m_reference, pairs, 4);
    const auto accumulated = stepOver("dpo", m_policy, m_reference, pairs, 2);
    EXPECT_NEAR(accumulated.loss, whole.loss, 1e-6);
    EXPECT_NEAR(accumulated.gradNorm, whole.gradNorm, 1e-4 * whole.gradNorm);
    ASSERT_EQ(accumulated.chosenRewards.size(), 4u);
    EXPECT_GT(whole.gradNorm, 0);
}


// The largest |a - b| over two models' trainable weights, in float32.
double maxDifference(model::CausalLMImpl& a, model::CausalLMImpl& b) {
    double most = 0;
    const auto x = a.trainableParameters(), y = b.trainableParameters();
    for (std::size_t i = 0; i < x.size(); ++i) {
        most = std::max(most, (x[i].to(torch::kFloat) - y[i].to(torch::kFloat)).abs().max().item<double>());
    }
    return most;
}

TEST_F(TrainStepTest, ABfloat16PolicyIsSteppedFromFloat32MasterWeights) {
    const auto pairs = pairsOfUnequalLength();
    std::vector<const TokenizedPair*> all;
    for (const auto& p : pairs) all.push_back(&p);
    const Batch batch = collate(all, true, 0, torch::kCPU);
    const auto dpo = [] {
        auto loss = lossRegistry().create("dpo");
        loss->configure({});
        return std::shared_ptr<const PreferenceLoss>(std::move(loss));
    };
    const auto reference = referenceLogps(*m_reference, batch, {});
    OptimizerSpec optimizer;
    optimizer.gradClip = 0;
    optimizer.weightDecay = 0;
    // An update of 1e-6 a step is far below bfloat16's resolution for weights of about 0.02
    // (about 1e-4): stepped in bfloat16 itself it would be rounded away.
    constexpr double kLr = 1e-6;
    auto start = model::cloneModel(*m_policy);
    auto master = model::cloneModel(*m_policy);
    auto policy = model::cloneModel(*m_policy, torch::kCPU, torch::kBFloat16);
    auto plain = model::cloneModel(*m_policy, torch::kCPU, torch::kBFloat16);
    TrainStep mixed(policy, dpo(), optimizer, {}, master);
    TrainStep bf16Only(plain, dpo(), optimizer, {});
    auto float32 = model::cloneModel(*m_policy);
    TrainStep reference32(float32, dpo(), optimizer, {});
    for (int step = 0; step < 3; ++step) {
        const auto a = mixed.run({&batch}, {reference}, kLr);
        const auto b = reference32.run({&batch}, {reference}, kLr);
        (void)bf16Only.run({&batch}, {reference}, kLr);
        ASSERT_TRUE(a.finite);
        EXPECT_NEAR(a.loss, b.loss, 1e-2);  // bfloat16 forward against float32
    }
    // The master moved by about the learning rate a step (AdamW's first steps move each weight
    // by about lr), as the float32 run did; the bfloat16-only run lost most of it.
    const double moved = maxDifference(*master, *start);
    EXPECT_GT(moved, 2 * kLr);
    EXPECT_LT(moved, 4 * kLr);
    // Most weights moved the way the float32 run moved them (bfloat16's rounding turns a few
    // gradients near zero around).
    std::int64_t agree = 0, count = 0;
    {
        const auto m = master->trainableParameters(), f = float32->trainableParameters();
        const auto s0 = start->trainableParameters();
        for (std::size_t i = 0; i < m.size(); ++i) {
            agree += (m[i] - s0[i]).sign().eq((f[i] - s0[i]).sign()).sum().item<std::int64_t>();
            count += m[i].numel();
        }
    }
    EXPECT_GT(static_cast<double>(agree), 0.8 * static_cast<double>(count)) << agree << " of " << count;
    // The policy holds the master rounded to bfloat16, exactly.
    const auto p = policy->trainableParameters(), m = master->trainableParameters();
    for (std::size_t i = 0; i < p.size(); ++i) {
        ASSERT_EQ(p[i].scalar_type(), torch::kBFloat16);
        EXPECT_TRUE(torch::equal(p[i], m[i].to(torch::kBFloat16))) << i;
    }
    // Stepped in bfloat16 itself, nearly every weight stayed where it was.
    std::int64_t changed = 0, total = 0;
    const auto q = plain->trainableParameters(), s0 = start->trainableParameters();
    for (std::size_t i = 0; i < q.size(); ++i) {
        changed += q[i].ne(s0[i].to(torch::kBFloat16)).sum().item<std::int64_t>();
        total += q[i].numel();
    }
    EXPECT_LT(static_cast<double>(changed), 0.1 * static_cast<double>(total));
}

TEST_F(TrainStepTest, MasterWeightsThatAreNotAFloat32CopyOfThePolicyAreRefused) {
    auto policy = model::cloneModel(*m_policy, torch::kCPU, torch::kBFloat16);
    auto loss = lossRegistry().create("dpo");
    auto shared = std::shared_ptr<const PreferenceLoss>(std::move(loss));
    EXPECT_THROW(TrainStep(policy, shared, OptimizerSpec{}, {},
                           model::cloneModel(*m_policy, torch::kCPU, torch::kBFloat16)),
                 Error);
    auto other = model::ModelConfig::tiny();
    other.numLayers += 1;
    EXPECT_THROW(TrainStep(policy, shared, OptimizerSpec{}, {},
                           model::buildModel(other, torch::kCPU, torch::kFloat)),
                 Error);
}

}  // namespace
}  // namespace ladder::train
