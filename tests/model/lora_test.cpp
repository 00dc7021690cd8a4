// LoRA adapters: an adapted model starts as its base, switched off it is its base, merged it
// computes what base + adapter computed, saved and loaded it is the same adapter, and only A and B
// train. That PEFT computes the same is tests/oracle/peft_lora.py's.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/model/checkpoint.h"
#include "core/model/lora.h"
#include "core/model/safetensors.h"
#include "tests/model/model_test_util.h"

namespace ladder::model {
namespace {

using test::maxAbsDiff;

torch::Tensor someIds() { return torch::randint(3, 37, {2, 9}, torch::kLong); }

torch::Tensor logitsOf(CausalLMImpl& model, const torch::Tensor& ids) {
    const torch::NoGradGuard noGrad;
    ForwardInput in;
    in.inputIds = ids;
    return model.forward(in);
}

// Gives every B a random value, as training would, so the adapter changes the model.
void perturb(const LoraAdapter& adapter) {
    const torch::NoGradGuard noGrad;
    for (const auto& m : adapter.modules()) m->b.normal_(0, 0.05);
}

LoraSpec spec(int rank = 4) {
    LoraSpec s;
    s.rank = rank;
    s.alpha = 8;
    s.dropout = 0;
    return s;
}

class LoraTest : public ::testing::Test {
protected:
    void SetUp() override {
        torch::manual_seed(11);
        m_model = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kFloat);
        m_model->eval();
        m_ids = someIds();
        m_base = logitsOf(*m_model, m_ids);
    }
    CausalLM m_model{nullptr};
    torch::Tensor m_ids, m_base;
};

TEST_F(LoraTest, AnAdaptedModelStartsAsItsBaseAndOnlyTheAdapterTrains) {
    const auto adapter = attachLora(*m_model, spec());
    // all-linear: q, k, v, o, gate, up, down of each of the 2 layers.
    EXPECT_EQ(adapter->modules().size(), 14u);
    EXPECT_EQ(adapter->modules()[0]->name, "model.layers.0.self_attn.q_proj");
    EXPECT_EQ(adapter->modules()[0]->a.sizes(), (std::vector<std::int64_t>{4, 32}));
    EXPECT_EQ(adapter->modules()[0]->b.sizes(), (std::vector<std::int64_t>{32, 4}));
    EXPECT_LT(maxAbsDiff(logitsOf(*m_model, m_ids), m_base), 1e-6);  // B = 0 (adding zeros may reorder sums)
    const auto trainable = m_model->trainableParameters();
    EXPECT_EQ(trainable.size(), 28u);
    for (const auto& p : m_model->parameters()) EXPECT_FALSE(p.requires_grad());
    for (const auto& p : trainable) EXPECT_TRUE(p.requires_grad());
}

TEST(LoraFused, Phi3sFusedProjectionsAreRefusedAndTheModelStaysTrainable) {
    torch::manual_seed(12);
    const CausalLM phi3 = buildModel(test::configOf(test::TestModel::Phi3), torch::kCPU,
                                     torch::kFloat);
    const std::string message = test::errorOf([&] { (void)attachLora(*phi3, spec()); });
    EXPECT_NE(message.find("qkv_proj"), std::string::npos) << message;
    EXPECT_EQ(phi3->lora(), nullptr);
    for (const auto& p : phi3->parameters()) EXPECT_TRUE(p.requires_grad());
}

TEST_F(LoraTest, TheUpdateIsScaledByAlphaOverRankAndSwitchesOff) {
    auto s = spec();
    s.targetModules = {"q_proj", "v_proj"};
    const auto adapter = attachLora(*m_model, s);
    EXPECT_EQ(adapter->modules().size(), 4u);
    perturb(*adapter);
    const auto adapted = logitsOf(*m_model, m_ids);
    EXPECT_GT(maxAbsDiff(adapted, m_base), 1e-3);
    {
        const LoraOff off(*m_model);
        EXPECT_EQ(maxAbsDiff(logitsOf(*m_model, m_ids), m_base), 0.0);
    }
    EXPECT_EQ(maxAbsDiff(logitsOf(*m_model, m_ids), adapted), 0.0);  // on again after the scope

    // delta = alpha / r * B A x, by hand for one module.
    const auto& q = *adapter->modules()[0];
    const auto x = torch::randn({3, 32});
    const auto expected = torch::matmul(x, torch::matmul(q.b, q.a).t()) * (8.0 / 4.0);
    EXPECT_LT(maxAbsDiff(adapter->delta(q, x, /*training=*/false), expected), 1e-6);
}

TEST_F(LoraTest, MergingGivesTheAdaptedModelsLogitsWithoutAnAdapter) {
    const auto adapter = attachLora(*m_model, spec());
    perturb(*adapter);
    const auto adapted = logitsOf(*m_model, m_ids);
    mergeAttachedLora(*m_model);
    EXPECT_EQ(m_model->lora(), nullptr);
    EXPECT_LT(maxAbsDiff(logitsOf(*m_model, m_ids), adapted), 1e-5);
}

TEST_F(LoraTest, ASavedAdapterLoadsAndMergesFromItsFolder) {
    const ladder::test::TempDir dir;
    const auto adapter = attachLora(*m_model, spec());
    perturb(*adapter);
    const auto adapted = logitsOf(*m_model, m_ids);
    saveLora(*adapter, dir.path(), "/models/base");

    const auto config = nlohmann::json::parse(std::ifstream(dir.path() / "adapter_config.json"));
    EXPECT_EQ(config["peft_type"], "LORA");
    EXPECT_EQ(config["r"], 4);
    EXPECT_EQ(config["lora_alpha"], 8.0);
    EXPECT_EQ(config["base_model_name_or_path"], "/models/base");
    EXPECT_EQ(config["target_modules"].size(), 7u);
    const SafetensorsFile file(dir.path() / "adapter_model.safetensors");
    EXPECT_TRUE(file.contains("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"));
    EXPECT_EQ(file.names().size(), 28u);
    EXPECT_TRUE(isLoraFolder(dir.path()));

    // Into a fresh adapter on the base: the same model.
    torch::manual_seed(11);
    auto other = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kFloat);
    other->eval();
    const auto loaded = attachLora(*other, loadLoraSpec(dir.path()));
    loadLoraWeights(*loaded, dir.path());
    EXPECT_LT(maxAbsDiff(logitsOf(*other, m_ids), adapted), 1e-6);

    // Merged from the folder into a third copy of the base.
    torch::manual_seed(11);
    auto merged = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kFloat);
    merged->eval();
    mergeLoraFolder(*merged, dir.path());
    EXPECT_LT(maxAbsDiff(logitsOf(*merged, m_ids), adapted), 1e-5);
}

TEST_F(LoraTest, AnAdapterOfOtherTargetsOrShapesIsRefusedByName) {
    const ladder::test::TempDir dir;
    auto s = spec();
    s.targetModules = {"q_proj"};
    saveLora(*attachLora(*m_model, s), dir.path(), "base");
    torch::manual_seed(11);
    auto other = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kFloat);
    const auto wider = attachLora(*other, spec());  // all-linear: more modules than saved
    EXPECT_NE(test::errorOf([&] { loadLoraWeights(*wider, dir.path()); }).find("has no tensor"),
              std::string::npos);
}

TEST_F(LoraTest, WhatLadderCannotApplyIsRefusedWithTheFileNamed) {
    const ladder::test::TempDir dir;
    auto config = loraConfigJson(spec(), "base");
    config["use_dora"] = true;
    std::ofstream(dir.path() / "adapter_config.json") << config.dump();
    const auto message = test::errorOf([&] { (void)loadLoraSpec(dir.path()); });
    EXPECT_NE(message.find("adapter_config.json"), std::string::npos);
    EXPECT_NE(message.find("DoRA"), std::string::npos);

    auto bad = spec();
    bad.targetModules = {"qkv"};
    EXPECT_EQ(loraProblems(bad).size(), 1u);
    EXPECT_NE(test::errorOf([&] { (void)attachLora(*m_model, bad); }).find("qkv"), std::string::npos);
}

TEST(LoraFamilies, Gpt2SaysLoraIsForTheLlamaFamily) {
    auto gpt2 = buildModel(test::smallGpt2Config(), torch::kCPU, torch::kFloat);
    EXPECT_NE(test::errorOf([&] { (void)attachLora(*gpt2, spec()); }).find("Llama-family"),
              std::string::npos);
}

}  // namespace
}  // namespace ladder::model
