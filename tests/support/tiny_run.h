// A run configuration small enough for tests: a tiny model on the demo ladder, short sequences,
// four pairs a batch, one thread, no evaluation or checkpoints unless a test asks. Seconds, not
// minutes. Tests change the fields they are about.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/model/model_config.h"
#include "core/train/run_config.h"
#include "core/train/training_job.h"
#include "tests/support/test_support.h"

namespace ladder::test {

inline train::RunConfig tinyRunConfig(const std::string& method, int steps) {
    train::RunConfig c;
    c.name = method + " test";
    c.method = method;
    c.model.kind = "tiny";
    c.model.overrides = {{"hidden_size", 32}, {"num_hidden_layers", 2}, {"num_attention_heads", 2},
                         {"num_key_value_heads", 2}, {"intermediate_size", 64}};
    c.templateName = "chatml";
    c.data.ladder = "demo";
    c.data.maxLength = 96;
    c.data.maxPromptLength = 64;
    c.optimizer.lr = 3e-3;
    c.batchSize = 4;
    c.maxSteps = steps;
    c.evalEvery = 0;
    c.evalPairs = 16;
    c.checkpointEvery = 0;
    c.keepCheckpoints = 1;
    c.marginPairs = 0;
    c.threads = 1;  // bit-exact comparisons need the same reduction order every time
    c.seed = 3;
    return c;
}

// The tiny model (byte vocabulary) one layer deep and 32 wide: a model folder for tests in
// milliseconds.
inline model::ModelConfig smallModelConfig() {
    auto config = model::ModelConfig::tiny();
    config.hiddenSize = 32;
    config.numLayers = 1;
    config.numHeads = 2;
    config.numKvHeads = 2;
    config.intermediateSize = 64;
    return config;
}

// Starts `request`, stops it once step `step` is done and returns its run id (0, with a test
// failure, when it ends otherwise).
inline std::int64_t stopAtStep(const train::JobRequest& request, std::int64_t step) {
    train::TrainingJob job(request);
    job.start();
    while (auto e = job.events().pop(std::chrono::seconds(120))) {
        if (e->kind == train::EventKind::Step && e->step == step) job.stop();
        if (e->isTerminal()) {
            EXPECT_EQ(e->kind, train::EventKind::Stopped) << e->message;
            return e->kind == train::EventKind::Stopped ? e->runId : 0;
        }
    }
    ADD_FAILURE() << "no event for 120 s";
    return 0;
}

// A byte-level BPE tokenizer in `folder` as Qwen2.5 ships one (vocab.json of the 256 bytes,
// merges.txt without merges, tokenizer_config.json with <|endoftext|> as id 256 and EOS), with
// `chatTemplate` when given.
inline void writeByteVocab(const std::filesystem::path& folder,
                           const std::string& chatTemplate = "") {
    nlohmann::json vocab = nlohmann::json::object();
    for (int b = 0; b < 256; ++b) {
        vocab[b >= '!' && b <= '~' ? std::string(1, static_cast<char>(b))
                                   : "<byte" + std::to_string(b) + ">"] = b;
    }
    writeFile(folder / "vocab.json", vocab.dump());
    writeFile(folder / "merges.txt", "#version: 0.2\n");
    nlohmann::json tokenizerConfig = {
        {"tokenizer_class", "Qwen2Tokenizer"},
        {"eos_token", "<|endoftext|>"},
        {"added_tokens_decoder", {{"256", {{"content", "<|endoftext|>"}, {"special", true}}}}}};
    if (!chatTemplate.empty()) tokenizerConfig["chat_template"] = chatTemplate;
    writeFile(folder / "tokenizer_config.json", tokenizerConfig.dump());
}

// A study of tiny runs (core/study): an SFT parent per seed, then DPO and IPO from it, seeds 1
// and 2, `steps` steps each, a checkpoint every 2 steps.
inline nlohmann::json tinyStudyJson(int steps) {
    auto parent = train::toJson(tinyRunConfig("sft", steps));
    auto base = train::toJson(tinyRunConfig("dpo", steps));
    for (auto* config : {&parent, &base}) {
        (*config)["checkpoint"]["every"] = 2;
        (*config)["checkpoint"]["keep"] = 1;
    }
    base.erase("model");  // the parent's
    return {{"name", "tiny study"},
            {"parent", parent},
            {"base", base},
            {"variants", {{{"name", "dpo"}}, {{"name", "ipo"}, {"set", {{"method", "ipo"}}}}}},
            {"grid", {{"seed", {1, 2}}}}};
}

}  // namespace ladder::test
