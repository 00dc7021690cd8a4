// The metrics of one step (what the trainer logs and `ladder-cli model loss` prints), from
// hand-made per-pair values: means over pairs as TRL logs them, accuracy by a strictly positive
// margin, per-tier splits, and no rewards for a loss that skips the rejected answers.
#include <gtest/gtest.h>

#include <map>

#include "core/train/train_step.h"

namespace ladder::train {
namespace {

std::map<std::string, double> asMap(const std::vector<std::pair<std::string, double>>& metrics) {
    std::map<std::string, double> out;
    for (const auto& [name, value] : metrics) {
        EXPECT_TRUE(out.emplace(name, value).second) << "twice: " << name;
    }
    return out;
}

TEST(StepMetrics, PreferenceStepGivesTrlNamedMeansOverPairs) {
    StepResult r;
    r.loss = 0.75;
    r.gradNorm = 2.5;
    r.chosenRewards = {0.5f, -0.25f, 0.0f, 1.0f};
    r.rejectedRewards = {0.25f, 0.25f, 0.0f, -1.0f};
    r.policyChosen = {-10.0f, -20.0f, -30.0f, -40.0f};
    r.policyRejected = {-12.0f, -22.0f, -32.0f, -44.0f};
    const auto m = asMap(stepMetrics(r, {"easy", "hard", "hard", "easy"}));
    EXPECT_DOUBLE_EQ(m.at("loss"), 0.75);
    EXPECT_DOUBLE_EQ(m.at("grad_norm"), 2.5);
    EXPECT_DOUBLE_EQ(m.at("logps/chosen"), -25.0);
    EXPECT_DOUBLE_EQ(m.at("logps/rejected"), -27.5);
    EXPECT_DOUBLE_EQ(m.at("rewards/chosen"), 0.3125);
    EXPECT_DOUBLE_EQ(m.at("rewards/rejected"), -0.125);
    // Margins 0.25, -0.5, 0, 2: a tie is not counted as correct (TRL: chosen > rejected).
    EXPECT_DOUBLE_EQ(m.at("rewards/margins"), 0.4375);
    EXPECT_DOUBLE_EQ(m.at("rewards/accuracies"), 0.5);
    EXPECT_DOUBLE_EQ(m.at("tier/easy/accuracies"), 1.0);
    EXPECT_DOUBLE_EQ(m.at("tier/easy/margins"), 1.125);
    EXPECT_DOUBLE_EQ(m.at("tier/hard/accuracies"), 0.0);
    EXPECT_DOUBLE_EQ(m.at("tier/hard/margins"), -0.25);
    EXPECT_EQ(m.size(), 12u);
}

TEST(StepMetrics, LossWithoutRejectedAnswersHasNoRewards) {
    StepResult r;
    r.loss = 3.0;
    r.gradNorm = 1.0;
    r.chosenRewards = {-1.0f, -3.0f};
    r.rejectedRewards = {0.0f, 0.0f};
    r.policyChosen = {-1.0f, -3.0f};
    const auto m = asMap(stepMetrics(r, {"easy", "easy"}));
    EXPECT_EQ(m.size(), 3u);
    EXPECT_DOUBLE_EQ(m.at("loss"), 3.0);
    EXPECT_DOUBLE_EQ(m.at("logps/chosen"), -2.0);
    EXPECT_DOUBLE_EQ(m.at("grad_norm"), 1.0);
}

}  // namespace
}  // namespace ladder::train
