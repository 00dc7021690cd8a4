// RoPE scaling: what each type changes and where (transformers' oracle in tests/oracle checks the
// numbers against LlamaForCausalLM; these check the shape of the behaviour on any machine).
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/model/model_config.h"
#include "core/model/rotary.h"

namespace ladder::model {
namespace {

torch::Tensor angles(std::int64_t length, const RopeScaling& scaling) {
    const auto positions = torch::arange(length, torch::kLong).unsqueeze(0);  // (1, T)
    const auto [cos, sin] = rotaryCosSin(positions, 16, 10000.0, scaling, torch::kDouble);
    return torch::atan2(sin, cos).squeeze();  // (T, D)
}

TEST(Rotary, LinearScalingSlowsEveryFrequencyByItsFactor) {
    RopeScaling linear;
    linear.type = "linear";
    linear.factor = 2.0;
    // Position 2p under x2 linear scaling turns as far as position p without it.
    const auto scaled = angles(40, linear);
    const auto plain = angles(20, RopeScaling{});
    EXPECT_LT((scaled.index({torch::indexing::Slice(0, 40, 2)}) - plain).abs().max().item<double>(),
              1e-5);
}

TEST(Rotary, DynamicScalingActsOnlyOnTextsLongerThanTheContext) {
    RopeScaling dynamic;
    dynamic.type = "dynamic";
    dynamic.factor = 2.0;
    dynamic.originalMaxPositions = 32;
    // Up to the context, every position turns as without scaling.
    EXPECT_LT((angles(32, dynamic) - angles(32, RopeScaling{})).abs().max().item<double>(), 1e-9);
    // Beyond it the base grows for the whole text, its first positions included: the slowest
    // frequency turns less, the fastest (theta^0 = 1) the same.
    const auto longer = angles(64, dynamic).narrow(0, 0, 32);
    const auto plain = angles(32, RopeScaling{});
    EXPECT_GT((longer - plain).abs().max().item<double>(), 1e-3);
    EXPECT_LT(longer[31][7].item<double>(), plain[31][7].item<double>());
    EXPECT_NEAR(longer[31][0].item<double>(), plain[31][0].item<double>(), 1e-6);
}

}  // namespace
}  // namespace ladder::model
