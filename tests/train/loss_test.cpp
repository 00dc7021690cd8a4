// Each loss against values computed independently with PyTorch from the published formulas
// (tests/train/reference/losses.py; its output is pasted below), plus the registry's errors.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/train/loss.h"

namespace ladder::train {
namespace {

constexpr double kTolerance = 1e-9;  // float64 inputs: both sides compute the same formula

LossInputs fixture() {
    auto t = [](std::vector<double> v) { return torch::tensor(v, torch::kFloat64); };
    return {t({-12.5, -30.25, -7.0, -55.5}), t({-14.0, -29.0, -9.5, -60.25}),
            t({-13.0, -31.0, -7.25, -54.0}), t({-13.5, -28.5, -9.0, -61.0}),
            t({5.0, 12.0, 3.0, 20.0}),       t({6.0, 11.0, 4.0, 22.0})};
}

double lossValue(const std::string& name, const nlohmann::json& params) {
    auto loss = lossRegistry().create(name);
    loss->configure(params);
    return loss->compute(fixture()).loss.item<double>();
}

TEST(Loss, SftIsTokenMeanNllOfChosen) {
    EXPECT_NEAR(lossValue("sft", {}), 2.631250000000, kTolerance);
}

TEST(Loss, DpoMatchesReference) {
    EXPECT_NEAR(lossValue("dpo", {{"beta", 0.1}}), 0.686326959567, kTolerance);
}

TEST(Loss, DpoWithNllAddsTheWeightedTokenMeanNllOfChosen) {
    // The two reference values above: DPO's and SFT's (the token-mean NLL of chosen).
    EXPECT_NEAR(lossValue("dpo", {{"beta", 0.1}, {"nll", 0.5}}),
                0.686326959567 + 0.5 * 2.631250000000, kTolerance);
    EXPECT_THROW(lossValue("dpo", {{"nll", -1.0}}), Error);
}

TEST(Loss, ConservativeDpoMatchesReference) {
    EXPECT_NEAR(lossValue("cdpo", {{"beta", 0.1}, {"epsilon", 0.2}}), 0.690076959567, kTolerance);
}

TEST(Loss, RobustDpoMatchesReference) {
    EXPECT_NEAR(lossValue("robust", {{"beta", 0.1}, {"epsilon", 0.2}}), 0.680076959567, kTolerance);
}

TEST(Loss, IpoMatchesReference) {
    EXPECT_NEAR(lossValue("ipo", {{"beta", 0.1}}), 24.048816467229, kTolerance);
}

TEST(Loss, SlicMatchesReference) {
    EXPECT_NEAR(lossValue("slic", {{"delta", 1.0}, {"lambda", 0.1}}), 0.825625000000, kTolerance);
}

TEST(Loss, HingeOnTheLogRatioMarginMatchesReference) {
    EXPECT_NEAR(lossValue("hinge", {{"beta", 0.1}}), 0.981250000000, kTolerance);
    // At beta 1 two of the four pairs are past the margin (h >= 1): their loss is 0, not negative.
    EXPECT_NEAR(lossValue("hinge", {{"beta", 1.0}}), 0.875000000000, kTolerance);
    auto loss = lossRegistry().create("hinge");
    EXPECT_TRUE(loss->needsReference());
    EXPECT_THROW(loss->configure({{"beta", 0.0}}), Error);
}

TEST(Loss, DpoGradientMatchesReference) {
    auto in = fixture();
    in.policyChosen = in.policyChosen.clone().requires_grad_(true);
    auto loss = lossRegistry().create("dpo");
    loss->configure({{"beta", 0.1}});
    loss->compute(in).loss.backward();
    const std::vector<double> expected = {-0.011875520313, -0.011719765666, -0.012031469603,
                                          -0.013900347264};
    for (int i = 0; i < 4; ++i) {
        EXPECT_NEAR(in.policyChosen.grad()[i].item<double>(), expected[i], 1e-11);
    }
}

TEST(Loss, DpoAtEqualPolicyAndReferenceIsLog2) {
    auto in = fixture();
    in.referenceChosen = in.policyChosen;
    in.referenceRejected = in.policyRejected;
    auto loss = lossRegistry().create("dpo");
    loss->configure({});
    const auto out = loss->compute(in);
    EXPECT_NEAR(out.loss.item<double>(), std::log(2.0), 1e-12);
    EXPECT_EQ(out.chosenRewards.abs().sum().item<double>(), 0.0);
}

TEST(Loss, DpoRewardsAreBetaTimesLogRatios) {
    auto loss = lossRegistry().create("dpo");
    loss->configure({{"beta", 0.5}});
    const auto in = fixture();
    const auto out = loss->compute(in);
    EXPECT_NEAR(out.chosenRewards[0].item<double>(), 0.5 * (-12.5 + 13.0), 1e-12);
    EXPECT_NEAR(out.rejectedRewards[3].item<double>(), 0.5 * (-60.25 + 61.0), 1e-12);
    EXPECT_FALSE(out.chosenRewards.requires_grad());
}

TEST(Loss, RobustWithZeroEpsilonEqualsDpo) {
    EXPECT_NEAR(lossValue("robust", {{"beta", 0.1}, {"epsilon", 0.0}}),
                lossValue("dpo", {{"beta", 0.1}}), 1e-12);
}

TEST(Loss, ReferenceFreeLossesSaySoAndDpoNeedsReference) {
    EXPECT_FALSE(lossRegistry().create("sft")->needsReference());
    EXPECT_FALSE(lossRegistry().create("sft")->usesRejected());
    EXPECT_FALSE(lossRegistry().create("slic")->needsReference());
    EXPECT_TRUE(lossRegistry().create("dpo")->needsReference());
    auto in = fixture();
    in.referenceChosen = torch::Tensor();
    auto dpo = lossRegistry().create("dpo");
    dpo->configure({});
    EXPECT_THROW(dpo->compute(in), Error);
}

TEST(Loss, BadParametersAreRejectedWithTheirName) {
    auto dpo = lossRegistry().create("dpo");
    try {
        dpo->configure({{"bta", 0.1}});
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("'bta'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("beta"), std::string::npos) << e.what();
    }
    EXPECT_THROW(dpo->configure({{"beta", -1.0}}), Error);
    EXPECT_THROW(lossRegistry().create("cdpo")->configure({{"epsilon", 0.5}}), Error);
}

TEST(LossRegistry, UnknownNameListsTheKnownOnesAndDuplicatesAreRefused) {
    try {
        (void)lossRegistry().create("orpo");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("dpo"), std::string::npos) << e.what();
    }
    LossRegistry local;
    local.add("x", [] { return lossRegistry().create("dpo"); });
    EXPECT_THROW(local.add("x", [] { return lossRegistry().create("dpo"); }), Error);
}

}  // namespace
}  // namespace ladder::train
