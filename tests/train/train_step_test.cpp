// TrainStep over micro-batches (gradient accumulation) against one batch of the same pairs: the
// step's loss and gradient norm are the same, for SFT (a mean over the step's answer tokens, as
// SFTTrainer) and for DPO (a mean over pairs; equal micro-batches weigh the same, as DPOTrainer).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include <torch/torch.h>

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

}  // namespace
}  // namespace ladder::train
