// Checkpoints: logits of Hugging Face-layout checkpoints against an independent computation
// (tests/model/reference/hf_reference_logits.py), save/reload, shards, load errors, weight hashes,
// and the weights of shared/reference/dpo_reference.py.
#include <gtest/gtest.h>

#include <spdlog/fmt/fmt.h>

#include <cstdio>
#include <regex>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "core/model/checkpoint.h"
#include "core/model/safetensors.h"
#include "tests/model/model_test_util.h"
#include "tests/support/test_support.h"

namespace ladder::model {
namespace {

using test::ReferenceTensor;
#include "tests/model/reference_logits.inc"

using test::errorOf;
using test::maxAbsDiff;

torch::Tensor referenceInput() {
    return torch::from_blob(const_cast<std::int64_t*>(&kReferenceInputIds[0][0]), {2, 7},
                            torch::kLong)
        .clone();
}

// Loads the reference checkpoint written by the test and returns max |logits - reference|.
double referenceDifference(const std::string& configJson,
                           const std::vector<ReferenceTensor>& tensors, const float* expected,
                           std::int64_t vocab) {
    ladder::test::TempDir dir;
    test::writeReferenceCheckpoint(dir.path(), configJson, tensors);
    const CausalLM model = loadPretrained(dir.path(), torch::kCPU, torch::kFloat);
    torch::NoGradGuard noGrad;
    const auto logits = model->forward({referenceInput()});  // (2, 7, V)
    const auto reference =
        torch::from_blob(const_cast<float*>(expected), {2, 7, vocab}, torch::kFloat);
    return maxAbsDiff(logits, reference);
}

TEST(Checkpoint, Qwen2WithGqaBiasUntiedHeadAndRopeTheta500MatchesIndependentLogits) {
    const double diff = referenceDifference(kQwen2Config, kQwen2Tensors, kQwen2Logits, 40);
    std::printf("[ figures  ] Qwen2 reference: max |logit diff| = %.3g\n", diff);
    EXPECT_LT(diff, 1e-4);
}

TEST(Checkpoint, LlamaWithTiedHeadOutputBiasAndHeadDimMatchesIndependentLogits) {
    const double diff =
        referenceDifference(kLlamaTiedConfig, kLlamaTiedTensors, kLlamaTiedLogits, 40);
    std::printf("[ figures  ] Llama (tied) reference: max |logit diff| = %.3g\n", diff);
    EXPECT_LT(diff, 1e-4);
}

TEST(Checkpoint, Gpt2WithConv1DWeightsMatchesIndependentLogits) {
    const double diff = referenceDifference(kGpt2Config, kGpt2Tensors, kGpt2Logits, 40);
    std::printf("[ figures  ] GPT-2 reference: max |logit diff| = %.3g\n", diff);
    EXPECT_LT(diff, 1e-4);
}

TEST(Checkpoint, Gpt2LoadsWithoutTransformerPrefixAndSkipsAttentionMaskBuffers) {
    ladder::test::TempDir dir;
    std::vector<ReferenceTensor> tensors = kGpt2Tensors;
    test::writeReferenceCheckpoint(dir / "prefixed", kGpt2Config, tensors);
    // The original gpt2 upload: no "transformer." prefix, plus attn.bias mask buffers.
    const SafetensorsFile prefixed(dir / "prefixed" / "model.safetensors");
    std::vector<std::pair<std::string, torch::Tensor>> bare;
    for (const auto& name : prefixed.names()) {
        bare.emplace_back(name.substr(std::string("transformer.").size()), prefixed.tensor(name));
    }
    bare.emplace_back("h.0.attn.bias", torch::ones({1, 1, 16, 16}));
    bare.emplace_back("h.0.attn.masked_bias", torch::tensor(-1e4));
    ladder::test::writeFile(dir / "bare" / "config.json", kGpt2Config);
    writeSafetensors(dir / "bare" / "model.safetensors", bare);

    const CausalLM a = loadPretrained(dir / "prefixed", torch::kCPU, torch::kFloat);
    const CausalLM b = loadPretrained(dir / "bare", torch::kCPU, torch::kFloat);
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::equal(a->forward({referenceInput()}), b->forward({referenceInput()})));
}

TEST(Checkpoint, SavedModelReloadsToIdenticalLogits) {
    ladder::test::TempDir dir;
    for (const ModelConfig& config : {test::smallLlamaConfig(), test::smallGpt2Config()}) {
        torch::manual_seed(11);
        const CausalLM model = buildModel(config, torch::kCPU, torch::kFloat);
        savePretrained(*model, dir / toString(config.family));
        const CausalLM back =
            loadPretrained(dir / toString(config.family), torch::kCPU, torch::kFloat);
        torch::NoGradGuard noGrad;
        const auto ids = torch::randint(0, config.vocabSize, {3, 6}, torch::kLong);
        EXPECT_TRUE(torch::equal(model->forward({ids}), back->forward({ids})))
            << toString(config.family);
        EXPECT_EQ(weightsHash(*model), weightsHash(*back));
    }
}

TEST(Checkpoint, SavedFolderIsHuggingFaceLayoutWithTiedHeadStoredOnce) {
    ladder::test::TempDir dir;
    torch::manual_seed(12);
    const CausalLM gpt2 = buildModel(test::smallGpt2Config(), torch::kCPU, torch::kFloat);
    savePretrained(*gpt2, dir.path(), torch::kBFloat16);
    const SafetensorsFile file(dir / "model.safetensors");
    EXPECT_FALSE(file.contains("lm_head.weight"));
    EXPECT_TRUE(file.contains("transformer.wte.weight"));
    EXPECT_EQ(file.entry("transformer.h.1.attn.c_attn.weight").shape,
              (std::vector<std::int64_t>{32, 96}));  // Conv1D: (in, out)
    EXPECT_EQ(file.entry("transformer.h.1.attn.c_attn.weight").dtype, "BF16");
    EXPECT_EQ(file.metadata().at("format"), "pt");
    const auto config = nlohmann::json::parse(ladder::test::readFile(dir / "config.json"));
    EXPECT_EQ(config.at("model_type"), "gpt2");
    EXPECT_EQ(config.at("torch_dtype"), "bfloat16");
    EXPECT_EQ(config.at("n_embd"), 32);

    // bf16 on disk, float32 in memory: the weights are the originals rounded to bf16.
    const CausalLM back = loadPretrained(dir.path(), torch::kCPU, torch::kFloat);
    const auto original = gpt2->hfWeights();
    const auto loaded = back->hfWeights();
    ASSERT_EQ(original.size(), loaded.size());
    for (std::size_t i = 0; i < original.size(); ++i) {
        EXPECT_TRUE(torch::equal(loaded[i].second,
                                 original[i].second.to(torch::kBFloat16).to(torch::kFloat)))
            << loaded[i].first;
    }
    EXPECT_NE(weightsHash(*gpt2), weightsHash(*back));
}

TEST(Checkpoint, LoadsInBfloat16) {
    ladder::test::TempDir dir;
    test::writeReferenceCheckpoint(dir.path(), kQwen2Config, kQwen2Tensors);
    const CausalLM model = loadPretrained(dir.path(), torch::kCPU, torch::kBFloat16);
    EXPECT_EQ(model->dtype(), torch::kBFloat16);
    torch::NoGradGuard noGrad;
    const auto logits = model->forward({referenceInput()});
    EXPECT_EQ(logits.scalar_type(), torch::kBFloat16);
    const auto reference = torch::from_blob(const_cast<float*>(kQwen2Logits), {2, 7, 40});
    // bf16 keeps about 3 significant digits; logits here are of order 1.
    EXPECT_LT(maxAbsDiff(logits, reference), 0.15);
}

// Beyond the largest shard, transformers' layout: shards filled in name order, each under the
// limit unless one weight alone is larger, and the index naming each weight's shard; a later
// unsharded save into the folder leaves no shard behind to be read instead.
TEST(Checkpoint, SaveBeyondTheShardSizeWritesShardsAndTheirIndex) {
    ladder::test::TempDir dir;
    torch::manual_seed(13);
    const CausalLM model = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kFloat);
    constexpr std::int64_t kLimit = 6000;  // bytes: the 37 x 32 float32 embedding is 4,736
    savePretrained(*model, dir.path(), torch::kFloat, kLimit);
    EXPECT_FALSE(std::filesystem::exists(dir / "model.safetensors"));
    const auto files = weightFiles(dir.path());
    ASSERT_GE(files.size(), 3u);
    const auto index =
        nlohmann::json::parse(ladder::test::readFile(dir / "model.safetensors.index.json"));
    std::int64_t total = 0;
    std::string last;
    for (std::size_t i = 0; i < files.size(); ++i) {
        EXPECT_EQ(files[i].filename().string(),
                  fmt::format("model-{:05d}-of-{:05d}.safetensors", i + 1, files.size()));
        const SafetensorsFile shard(files[i]);
        std::int64_t bytes = 0;
        for (const auto& name : shard.names()) {
            EXPECT_EQ(index.at("weight_map").at(name), files[i].filename().string());
            EXPECT_LT(last, name);  // name order across the shards
            last = name;
            bytes += static_cast<std::int64_t>(shard.view(name).nbytes());
        }
        EXPECT_TRUE(bytes <= kLimit || shard.names().size() == 1) << files[i];
        total += bytes;
    }
    EXPECT_EQ(index.at("metadata").at("total_size"), total);
    EXPECT_EQ(index.at("weight_map").size(), model->hfWeights().size());
    const CausalLM back = loadPretrained(dir.path(), torch::kCPU, torch::kFloat);
    EXPECT_EQ(weightsHash(*model), weightsHash(*back));

    savePretrained(*model, dir.path());
    EXPECT_EQ(weightFiles(dir.path()), std::vector<std::filesystem::path>{dir / "model.safetensors"});
    EXPECT_FALSE(std::filesystem::exists(dir / "model.safetensors.index.json"));
    EXPECT_FALSE(std::filesystem::exists(files[0]));
}

TEST(Checkpoint, ShardedCheckpointLoadsLikeSingleFile) {
    ladder::test::TempDir dir;
    test::writeReferenceCheckpoint(dir / "single", kQwen2Config, kQwen2Tensors);
    const SafetensorsFile single(dir / "single" / "model.safetensors");
    std::vector<std::pair<std::string, torch::Tensor>> first, second;
    nlohmann::json index = {{"metadata", {{"total_size", 0}}},
                            {"weight_map", nlohmann::json::object()}};
    for (const auto& name : single.names()) {
        const bool inFirst = name < "model.layers.1";
        (inFirst ? first : second).emplace_back(name, single.tensor(name));
        index["weight_map"][name] =
            inFirst ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
    }
    ladder::test::writeFile(dir / "sharded" / "config.json", kQwen2Config);
    writeSafetensors(dir / "sharded" / "model-00001-of-00002.safetensors", first);
    writeSafetensors(dir / "sharded" / "model-00002-of-00002.safetensors", second);
    ladder::test::writeFile(dir / "sharded" / "model.safetensors.index.json", index.dump());

    EXPECT_EQ(weightFiles(dir / "sharded").size(), 2u);
    const CausalLM a = loadPretrained(dir / "single", torch::kCPU, torch::kFloat);
    const CausalLM b = loadPretrained(dir / "sharded", torch::kCPU, torch::kFloat);
    EXPECT_EQ(weightsHash(*a), weightsHash(*b));

    std::filesystem::remove(dir / "sharded" / "model-00002-of-00002.safetensors");
    const std::string message = errorOf([&] { (void)weightFiles(dir / "sharded"); });
    EXPECT_NE(message.find("model-00002-of-00002.safetensors"), std::string::npos) << message;
}

TEST(Checkpoint, MissingUnexpectedAndMisshapenTensorsAreNamed) {
    ladder::test::TempDir dir;
    std::vector<ReferenceTensor> tensors = kQwen2Tensors;

    auto withoutOne = tensors;
    std::erase_if(withoutOne, [](const ReferenceTensor& t) {
        return std::string(t.name) == "model.layers.1.self_attn.k_proj.bias";
    });
    test::writeReferenceCheckpoint(dir / "missing", kQwen2Config, withoutOne);
    std::string message =
        errorOf([&] { (void)loadPretrained(dir / "missing", torch::kCPU, torch::kFloat); });
    EXPECT_NE(message.find("missing 1 tensor"), std::string::npos) << message;
    EXPECT_NE(message.find("model.layers.1.self_attn.k_proj.bias"), std::string::npos);

    auto extra = tensors;
    extra.push_back({"model.layers.7.mlp.up_proj.weight", {2, 2}, 1.0, 0.0});
    test::writeReferenceCheckpoint(dir / "extra", kQwen2Config, extra);
    message = errorOf([&] { (void)loadPretrained(dir / "extra", torch::kCPU, torch::kFloat); });
    EXPECT_NE(message.find("model.layers.7.mlp.up_proj.weight"), std::string::npos) << message;
    EXPECT_NE(message.find("no place"), std::string::npos) << message;

    auto misshapen = tensors;
    for (auto& t : misshapen) {
        if (std::string(t.name) == "model.layers.0.mlp.down_proj.weight") t.shape = {48, 32};
    }
    test::writeReferenceCheckpoint(dir / "shape", kQwen2Config, misshapen);
    message = errorOf([&] { (void)loadPretrained(dir / "shape", torch::kCPU, torch::kFloat); });
    EXPECT_NE(message.find("model.layers.0.mlp.down_proj.weight is [48, 32]"), std::string::npos)
        << message;
    EXPECT_NE(message.find("[32, 48]"), std::string::npos) << message;

    message = errorOf([&] { (void)loadPretrained(dir / "absent", torch::kCPU, torch::kFloat); });
    EXPECT_NE(message.find("config.json"), std::string::npos) << message;
}

// loadPretrained checks the files against weightShapes() before it builds the model: the table
// must hold every parameter of a built model, with its name and shape, and nothing else.
TEST(Checkpoint, WeightShapesOfAConfigAreThoseOfTheModelItBuilds) {
    std::vector<ModelConfig> configs = {test::smallLlamaConfig(), test::smallGpt2Config()};
    ModelConfig llama = test::smallLlamaConfig();
    llama.modelType = "llama";
    llama.attentionBias = llama.attentionOutputBias = true;
    llama.tieWordEmbeddings = true;
    llama.headDim = 16;
    configs.push_back(llama);
    ModelConfig qwen3 = test::smallLlamaConfig();
    qwen3.modelType = "qwen3";
    qwen3.qkNorm = true;
    qwen3.headDim = 24;  // explicit, not hidden / heads
    configs.push_back(qwen3);
    ModelConfig gpt2 = test::smallGpt2Config();
    gpt2.tieWordEmbeddings = !gpt2.tieWordEmbeddings;
    configs.push_back(gpt2);
    for (const ModelConfig& config : configs) {
        const CausalLM model = buildModel(config, torch::kCPU, torch::kFloat);
        std::vector<std::pair<std::string, std::vector<std::int64_t>>> built, table;
        double count = 0;
        for (const auto& [name, param] : model->hfWeights()) {
            built.emplace_back(name, param.sizes().vec());
            count += static_cast<double>(param.numel());
        }
        for (const WeightShape& w : weightShapes(config)) {
            std::vector<std::int64_t> sizes;
            for (const WeightDim& d : w.dims) sizes.push_back(d.size);
            table.emplace_back(w.name, sizes);
        }
        EXPECT_EQ(table, built) << toString(config.family) << " tied " << config.tieWordEmbeddings;
        EXPECT_EQ(parameterCount(config), count) << toString(config.family);
    }
}

// A config.json whose sizes are plausible but not those of the weights beside it: the old code
// built the model first (q_proj alone 64 GiB here) and died in LibTorch's allocator.
TEST(Checkpoint, ConfigThatDisagreesWithTheWeightsIsRefusedBeforeTheModelIsBuilt) {
    ladder::test::TempDir dir;
    test::writeReferenceCheckpoint(dir.path(), kQwen2Config, kQwen2Tensors);
    auto config = nlohmann::json::parse(kQwen2Config);
    config["hidden_size"] = 131072;
    ladder::test::writeFile(dir / "config.json", config.dump());
    const std::string message =
        errorOf([&] { (void)loadPretrained(dir.path(), torch::kCPU, torch::kFloat); });
    EXPECT_NE(message.find("lm_head.weight is [40, 32] in model.safetensors, but " +
                           (dir / "config.json").string() +
                           "'s hidden_size 131072 makes it [40, 131072]"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("check that config.json belongs to these weights"), std::string::npos)
        << message;

    config = nlohmann::json::parse(kQwen2Config);
    config["intermediate_size"] = 96;
    ladder::test::writeFile(dir / "config.json", config.dump());
    const std::string mlp =
        errorOf([&] { (void)loadPretrained(dir.path(), torch::kCPU, torch::kFloat); });
    EXPECT_NE(mlp.find("model.layers.0.mlp.down_proj.weight is [32, 48] in model.safetensors, "
                       "but " + (dir / "config.json").string() +
                       "'s intermediate_size 96 makes it [32, 96]"),
              std::string::npos)
        << mlp;
}

// A from-scratch model (the tiny model's overrides) has no weights to compare with: a model the
// machine cannot hold is refused from its size, not by the allocator's raw error.
TEST(Checkpoint, ModelTooLargeForThisMachineIsRefusedBeforeAllocating) {
    ModelConfig config = test::smallLlamaConfig();
    config.hiddenSize = 131072;
    config.numHeads = 1024;
    config.numKvHeads = 1024;
    const std::string message =
        errorOf([&] { (void)buildModel(config, torch::kCPU, torch::kFloat); });
    EXPECT_NE(message.find("parameters"), std::string::npos) << message;
    EXPECT_NE(message.find("GB of memory"), std::string::npos) << message;
    EXPECT_NE(message.find("hidden_size 131072"), std::string::npos) << message;
}

TEST(Checkpoint, WeightsHashIsStableAndSeesEveryWeight) {
    torch::manual_seed(5);
    const CausalLM model = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kFloat);
    const std::string before = weightsHash(*model);
    EXPECT_EQ(before.size(), 32u);
    EXPECT_EQ(before, weightsHash(*model));
    {
        torch::NoGradGuard noGrad;
        model->hfWeights().back().second.view(-1)[3] += 1e-3;
    }
    EXPECT_NE(before, weightsHash(*model));
}

// The DPO reference script's own weights and batch: our Llama must reproduce its log-probs.
TEST(Checkpoint, DpoReferenceWeightsGiveTheScriptsFirstStepLogps) {
    LADDER_REQUIRE_SHARED("reference/dpo_reference.py");
    if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "/usr/bin/python3 with torch is absent";
    }
    ladder::test::TempDir dir;
    const auto weights = dir / "init.safetensors";
    const std::string command =
        "/usr/bin/python3 " + (ladder::test::sharedDir() / "reference/dpo_reference.py").string() +
        " --steps 1 --save-init " + weights.string();
    std::string output;
    {
        FILE* pipe = ::popen(command.c_str(), "r");
        ASSERT_NE(pipe, nullptr);
        char buffer[512];
        while (std::fgets(buffer, sizeof(buffer), pipe)) output += buffer;
        ASSERT_EQ(::pclose(pipe), 0) << output;
    }
    std::smatch match;
    ASSERT_TRUE(std::regex_search(output, match, std::regex("first_step_logps_chosen=(-?[0-9.]+)")))
        << output;
    const double expected = std::stod(match[1]);

    const CausalLM model = buildModel(ModelConfig::referenceWorkload(), torch::kCPU, torch::kFloat);
    EXPECT_NE(errorOf([&] { loadWeights(*model, {weights}); }).find("input_ids"),
              std::string::npos);
    loadWeights(*model, {weights}, {.ignoreUnexpected = true});
    const SafetensorsFile file(weights);
    const auto ids = file.tensor("input_ids");   // (2 pairs, T), chosen rows first
    const auto mask = file.tensor("loss_mask");  // (2 pairs, T)
    torch::NoGradGuard noGrad;
    const auto t = ids.size(1);
    const auto logits = model->forward({ids.narrow(1, 0, t - 1)});  // (2P, T-1, V)
    const auto logps = logits.log_softmax(-1)
                           .gather(2, ids.narrow(1, 1, t - 1).unsqueeze(2))
                           .squeeze(2);                              // (2P, T-1)
    const auto perRow = (logps * mask.narrow(1, 1, t - 1)).sum(-1);  // (2P)
    const double chosen = perRow.narrow(0, 0, ids.size(0) / 2).mean().item<double>();
    std::printf(
        "[ figures  ] dpo_reference first_step_logps_chosen: script %.6f, Ladder %.6f "
        "(diff %.3g)\n",
        expected, chosen, chosen - expected);
    EXPECT_NEAR(chosen, expected, 2e-3);
}

}  // namespace
}  // namespace ladder::model
