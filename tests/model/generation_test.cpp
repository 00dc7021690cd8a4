// Generation: the KV cache changes nothing in greedy decoding, batching changes nothing, sampling
// is seeded, and stop ids / sequences / callbacks end rows where they should.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/generation.h"
#include "tests/model/model_test_util.h"

namespace ladder::model {
namespace {

const std::vector<std::vector<std::int64_t>> kPrompts = {{1, 5, 9}, {1, 20, 21, 22, 23, 24}, {1}};

class GenerationTest : public ::testing::TestWithParam<test::TestModel> {
protected:
    CausalLM makeModel() {
        torch::manual_seed(31);
        ModelConfig config = test::configOf(GetParam());
        config.eosTokenIds = {};  // these tests choose their stop ids themselves
        const CausalLM model = buildModel(config, torch::kCPU, torch::kFloat);
        // Larger weights than the initialisation's 0.02, so that greedy outputs vary.
        torch::NoGradGuard noGrad;
        for (auto& p : model->parameters()) {
            if (p.dim() == 2) p.normal_(0.0, 0.5);
        }
        return model;
    }
};

TEST_P(GenerationTest, GreedyTokensAreIdenticalWithAndWithoutCache) {
    const CausalLM model = makeModel();
    GenerationOptions options;
    options.maxNewTokens = 16;
    const auto cached = generate(*model, kPrompts, options);
    options.useCache = false;
    const auto recomputed = generate(*model, kPrompts, options);
    ASSERT_EQ(cached.size(), kPrompts.size());
    for (std::size_t r = 0; r < kPrompts.size(); ++r) {
        EXPECT_EQ(cached[r].tokens, recomputed[r].tokens) << "row " << r;
        EXPECT_EQ(cached[r].tokens.size(), 16u);
        EXPECT_EQ(cached[r].reason, StopReason::MaxTokens);
    }
    // Not a degenerate model: the rows don't all say the same thing.
    EXPECT_NE(cached[0].tokens, cached[1].tokens);
}

TEST_P(GenerationTest, BatchedRowsEqualRowsGeneratedAlone) {
    const CausalLM model = makeModel();
    GenerationOptions options;
    options.maxNewTokens = 10;
    const auto batched = generate(*model, kPrompts, options);
    for (std::size_t r = 0; r < kPrompts.size(); ++r) {
        const auto alone = generate(*model, {kPrompts[r]}, options);
        EXPECT_EQ(batched[r].tokens, alone[0].tokens) << "row " << r;
    }
}

TEST_P(GenerationTest, SamplingIsSeededAndTinyTopPIsGreedy) {
    const CausalLM model = makeModel();
    GenerationOptions options;
    options.maxNewTokens = 20;
    options.temperature = 1.0;
    options.seed = 7;
    const auto a = generate(*model, kPrompts, options);
    const auto b = generate(*model, kPrompts, options);
    options.seed = 8;
    const auto c = generate(*model, kPrompts, options);
    bool anyDifferent = false;
    for (std::size_t r = 0; r < kPrompts.size(); ++r) {
        EXPECT_EQ(a[r].tokens, b[r].tokens);
        anyDifferent = anyDifferent || a[r].tokens != c[r].tokens;
    }
    EXPECT_TRUE(anyDifferent);

    options.topP = 1e-9;  // only the most likely token survives
    const auto nucleus = generate(*model, kPrompts, options);
    GenerationOptions greedyOptions;
    greedyOptions.maxNewTokens = 20;
    const auto greedy = generate(*model, kPrompts, greedyOptions);
    for (std::size_t r = 0; r < kPrompts.size(); ++r)
        EXPECT_EQ(nucleus[r].tokens, greedy[r].tokens);
}

TEST_P(GenerationTest, TopKOfOneIsGreedyAndTopKLimitsTheDraws) {
    const CausalLM model = makeModel();
    GenerationOptions greedyOptions;
    greedyOptions.maxNewTokens = 20;
    const auto greedy = generate(*model, kPrompts, greedyOptions);
    GenerationOptions options;
    options.maxNewTokens = 20;
    options.temperature = 5.0;  // hot: without a limit, far from greedy
    options.seed = 3;
    options.topK = 1;
    const auto one = generate(*model, kPrompts, options);
    for (std::size_t r = 0; r < kPrompts.size(); ++r) EXPECT_EQ(one[r].tokens, greedy[r].tokens);
    options.topK = 0;
    const auto unlimited = generate(*model, kPrompts, options);
    bool anyDifferent = false;
    for (std::size_t r = 0; r < kPrompts.size(); ++r) {
        anyDifferent = anyDifferent || unlimited[r].tokens != greedy[r].tokens;
    }
    EXPECT_TRUE(anyDifferent);
    options.topK = -1;
    EXPECT_THROW((void)generate(*model, kPrompts, options), Error);
}

TEST_P(GenerationTest, StopIdsSequencesAndCallbacksEndRows) {
    const CausalLM model = makeModel();
    GenerationOptions options;
    options.maxNewTokens = 12;
    const auto free = generate(*model, {kPrompts[1]}, options)[0].tokens;
    ASSERT_EQ(free.size(), 12u);

    // A stop id: the row ends at its first occurrence, without it.
    options.stopIds = {free[4]};
    const auto byId = generate(*model, {kPrompts[1]}, options)[0];
    const auto firstAt = std::find(free.begin(), free.end(), free[4]) - free.begin();
    EXPECT_EQ(byId.reason, StopReason::Eos);
    EXPECT_EQ(byId.tokens, std::vector<std::int64_t>(free.begin(), free.begin() + firstAt));

    // A stop sequence: cut off where it first completes.
    options.stopIds = {};
    options.stopSequences = {{free[5], free[6]}};
    const auto bySequence = generate(*model, {kPrompts[1]}, options)[0];
    std::size_t end = 2;
    while (!(free[end - 2] == free[5] && free[end - 1] == free[6])) ++end;
    EXPECT_EQ(bySequence.reason, StopReason::StopSequence);
    EXPECT_EQ(bySequence.tokens, std::vector<std::int64_t>(free.begin(), free.begin() + end - 2));

    // A callback (what a stop string check does after decoding).
    options.stopSequences = {};
    options.stopWhen = [](std::size_t, const std::vector<std::int64_t>& tokens) {
        return tokens.size() == 3;
    };
    const auto byCallback = generate(*model, {kPrompts[1]}, options)[0];
    EXPECT_EQ(byCallback.reason, StopReason::StopWhen);
    EXPECT_EQ(byCallback.tokens, std::vector<std::int64_t>(free.begin(), free.begin() + 3));
}

INSTANTIATE_TEST_SUITE_P(Families, GenerationTest,
                         ::testing::Values(test::TestModel::Llama, test::TestModel::Gpt2,
                                           test::TestModel::MistralWindow, test::TestModel::Phi3,
                                           test::TestModel::Gemma2),
                         [](const auto& info) { return std::string(test::toString(info.param)); });

TEST(Generation, RejectsEmptyPromptsAndBadTopP) {
    torch::manual_seed(2);
    const CausalLM model = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kFloat);
    EXPECT_NE(test::errorOf([&] {
                  (void)generate(*model, {{1, 2}, {}}, {});
              }).find("prompt 1"),
              std::string::npos);
    GenerationOptions options;
    options.topP = 0.0;
    EXPECT_NE(test::errorOf([&] { (void)generate(*model, {{1}}, options); }).find("top_p"),
              std::string::npos);
}

}  // namespace
}  // namespace ladder::model
