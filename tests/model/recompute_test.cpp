// Gradient checkpointing (model::recomputed per decoder layer) gives the gradients a plain backward
// pass gives: for the Llama family and GPT-2, full weights and LoRA with dropout (whose masks the
// recomputation must draw again exactly).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include <torch/torch.h>

#include "core/model/lora.h"
#include "core/model/recompute.h"
#include "tests/model/model_test_util.h"

namespace ladder::model {
namespace {

using test::maxAbsDiff;

// The gradient of every trainable parameter after one backward pass of a fixed function of the
// logits; the generator is seeded first, so dropout draws the same masks in both runs.
std::map<std::string, torch::Tensor> gradients(CausalLMImpl& model, const torch::Tensor& ids,
                                               const torch::Tensor& weights) {
    for (auto& p : model.trainableParameters()) p.mutable_grad() = torch::Tensor();
    torch::manual_seed(99);
    ForwardInput in;
    in.inputIds = ids;
    (model.forward(in) * weights).sum().backward();
    std::map<std::string, torch::Tensor> out;
    for (const auto& item : model.named_parameters()) {
        if (item.value().grad().defined()) out[item.key()] = item.value().grad().clone();
    }
    if (model.lora()) {
        for (const auto& m : model.lora()->modules()) {
            out[m->name + ".A"] = m->a.grad().clone();
            out[m->name + ".B"] = m->b.grad().clone();
        }
    }
    return out;
}

void expectSameGradients(CausalLMImpl& model) {
    torch::manual_seed(5);
    const auto ids = torch::randint(3, 37, {3, 11}, torch::kLong);
    const auto weights = torch::randn({3, 11, 37}, model.dtype());
    model.train();
    model.setGradientCheckpointing(false);
    const auto plain = gradients(model, ids, weights);
    model.setGradientCheckpointing(true);
    const auto checkpointed = gradients(model, ids, weights);
    model.setGradientCheckpointing(false);
    ASSERT_FALSE(plain.empty());
    ASSERT_EQ(plain.size(), checkpointed.size());
    for (const auto& [name, grad] : plain) {
        ASSERT_TRUE(checkpointed.count(name)) << name;
        EXPECT_LT(maxAbsDiff(checkpointed.at(name), grad), 1e-12) << name;
        EXPECT_GT(grad.abs().max().item<double>(), 0.0) << name;  // it does get a gradient
    }
}

TEST(GradientCheckpointing, LlamaGradientsEqualThoseWithoutIt) {
    torch::manual_seed(1);
    auto model = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kDouble);
    expectSameGradients(*model);
}

TEST(GradientCheckpointing, Gpt2GradientsEqualThoseWithoutIt) {
    torch::manual_seed(2);
    auto model = buildModel(test::smallGpt2Config(), torch::kCPU, torch::kDouble);
    expectSameGradients(*model);
}

TEST(GradientCheckpointing, LoraWithDropoutDrawsTheSameMasksWhenRecomputed) {
    torch::manual_seed(3);
    auto model = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kDouble);
    LoraSpec spec;
    spec.rank = 4;
    spec.dropout = 0.3;
    const auto adapter = attachLora(*model, spec);
    {
        const torch::NoGradGuard noGrad;
        for (const auto& m : adapter->modules()) m->b.normal_(0, 0.1);  // every A gets a gradient
    }
    expectSameGradients(*model);
}

TEST(Recomputed, OutsideGradModeItIsThePlainFunction) {
    const auto x = torch::randn({4});
    const torch::NoGradGuard noGrad;
    const auto y = recomputed([](const torch::Tensor& t) { return t * 2; }, x, false);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_LT(maxAbsDiff(y, x * 2), 1e-7);
}

}  // namespace
}  // namespace ladder::model
