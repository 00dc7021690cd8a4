// The chunked LM head (only the real answer positions, a chunk of tokens at a time, recomputed in
// the backward pass) gives today's log-probs and gradients; the setting picks it for large
// vocabularies. Gradient checkpointing through a whole training step gives the same step.
#include <gtest/gtest.h>

#include <vector>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/causal_lm.h"
#include "core/model/model_config.h"
#include "core/train/batch.h"
#include "core/train/memory_estimate.h"
#include "core/train/sequence_logps.h"
#include "tests/support/test_support.h"

namespace ladder::train {
namespace {

std::vector<TokenizedPair> pairs() {
    std::vector<TokenizedPair> p(3);
    p[0] = {0, "easy", false, {10, 11, 12}, {20, 21, 22}, {30, 31}};
    p[1] = {1, "hard", false, {13}, {23, 24, 25, 26, 27, 28, 29, 40, 41}, {32}};
    p[2] = {2, "easy", false, {14, 15}, {42, 43}, {33, 34, 35, 36}};
    return p;
}

Batch batchOf(const std::vector<TokenizedPair>& p) {
    std::vector<const TokenizedPair*> pointers;
    for (const auto& x : p) pointers.push_back(&x);
    return collate(pointers, /*withRejected=*/true, 0, torch::kCPU);
}

struct Result {
    torch::Tensor logps;
    std::vector<torch::Tensor> grads;
};

Result run(model::CausalLMImpl& model, const Batch& batch, const ForwardOptions& options) {
    model.zero_grad();
    const auto out = answerLogps(model, batch, options);
    // An uneven weighting, so each row's gradient counts differently.
    const auto weights = torch::linspace(0.5, 2.0, out.logps.size(0), out.logps.options());
    (out.logps * weights).sum().backward();
    Result r{out.logps.detach().clone(), {}};
    for (const auto& p : model.parameters()) r.grads.push_back(p.grad().clone());
    return r;
}

void expectSame(const Result& a, const Result& b, double tolerance) {
    EXPECT_LT((a.logps - b.logps).abs().max().item<double>(), tolerance);
    ASSERT_EQ(a.grads.size(), b.grads.size());
    for (std::size_t i = 0; i < a.grads.size(); ++i) {
        const double scale = std::max(1.0, a.grads[i].abs().max().item<double>());
        EXPECT_LT((a.grads[i] - b.grads[i]).abs().max().item<double>(), tolerance * scale) << i;
    }
}

class ChunkedHeadTest : public ::testing::TestWithParam<bool> {};

TEST_P(ChunkedHeadTest, GivesTheFullHeadsLogpsAndGradients) {
    const bool prefixSharing = GetParam();
    const auto batch = batchOf(pairs());
    for (const auto dtype : {torch::kDouble, torch::kFloat}) {
        torch::manual_seed(7);
        auto model = model::buildModel(model::ModelConfig::tiny(), torch::kCPU, dtype);
        ForwardOptions full;
        full.prefixSharing = prefixSharing;
        const auto reference = run(*model, batch, full);
        for (const std::int64_t chunk : {1, 4, 1000}) {
            ForwardOptions chunked = full;
            chunked.headChunkTokens = chunk;
            // 1e-6 in float32 relative to the values (sums of ~10 log-probs of ~-6 each), far
            // tighter in float64.
            const double tolerance = dtype == torch::kDouble ? 1e-12 : 1e-6 * 64;
            SCOPED_TRACE("chunk " + std::to_string(chunk));
            expectSame(run(*model, batch, chunked), reference, tolerance);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(PrefixSharing, ChunkedHeadTest, ::testing::Bool());

TEST(ChunkedHead, TheSettingChunksLargeVocabulariesByDefault) {
    EXPECT_EQ(headChunkTokens("full", 151936), 0);
    EXPECT_EQ(headChunkTokens("auto", 259), 0);
    EXPECT_EQ(headChunkTokens("auto", 151936), (std::int64_t{1} << 24) / 151936);
    EXPECT_EQ(headChunkTokens("chunked", 259), (std::int64_t{1} << 24) / 259);
    EXPECT_EQ(headChunkTokens("chunked", 1'000'000'000), 16);
    EXPECT_NE(test::errorOf([] { (void)headChunkTokens("fast", 10); }).find("logits_head"),
              std::string::npos);
}

Batch batchOf(const std::vector<TokenizedPair>& p, bool withRejected) {
    std::vector<const TokenizedPair*> pointers;
    for (const auto& x : p) pointers.push_back(&x);
    return collate(pointers, withRejected, 0, torch::kCPU);
}

// A GPT-2 small enough for a test (learned positions: packed rows must give each answer the
// positions after its prompt).
model::ModelConfig tinyGpt2() {
    model::ModelConfig c;
    c.family = model::ModelFamily::Gpt2;
    c.modelType = "gpt2";
    c.vocabSize = 64;
    c.hiddenSize = 32;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 4;
    c.intermediateSize = 64;
    c.maxPositionEmbeddings = 64;
    c.tieWordEmbeddings = true;
    c.attentionBias = c.attentionOutputBias = true;
    return c;
}

// Float64 models, but RMSNorm and LayerNorm compute in float32 as transformers does: gradients
// that reach a token through other sums (the prompt's, from both answers of its row) round
// differently at float32's 1e-7. A wrong mask or position is off by 1e-2 and more.
constexpr double kLayoutTolerance = 1e-6;

TEST(PackedPairs, GiveTheLogpsAndGradientsOfEveryOtherLayout) {
    for (const bool withRejected : {true, false}) {
        const auto batch = batchOf(pairs(), withRejected);
        for (const auto& config : {model::ModelConfig::tiny(), tinyGpt2()}) {
            torch::manual_seed(9);
            auto model = model::buildModel(config, torch::kCPU, torch::kDouble);
            ForwardOptions rows;
            rows.prefixSharing = false;
            const auto expected = run(*model, batch, rows);
            ForwardOptions shared;
            expectSame(run(*model, batch, shared), expected, kLayoutTolerance);
            ForwardOptions packed;
            packed.packedPairs = true;
            SCOPED_TRACE(std::string(model::toString(config.family)) + (withRejected ? " pairs" : " chosen only"));
            expectSame(run(*model, batch, packed), expected, kLayoutTolerance);
            // Packed rows need no KvCache: gradient checkpointing and the chunked head apply.
            model->setGradientCheckpointing(true);
            packed.headChunkTokens = 3;
            expectSame(run(*model, batch, packed), expected, kLayoutTolerance);
        }
    }
}

// The rows layout's log-probs and gradients, after checking that a shared prompt and packed
// pairs give them too.
Result expectEveryLayoutAgrees(model::CausalLMImpl& model, const Batch& batch) {
    ForwardOptions rows;
    rows.prefixSharing = false;
    const auto expected = run(model, batch, rows);
    ForwardOptions packed;
    packed.packedPairs = true;
    for (const auto& options : {ForwardOptions{}, packed}) {
        SCOPED_TRACE(options.packedPairs ? "packed" : "shared prompt");
        expectSame(run(model, batch, options), expected, kLayoutTolerance);
    }
    return expected;
}

// Mistral's sliding window (3 positions here, answers up to 9 tokens): every layout keeps it
// (packed rows by positions, not columns), and it is there at all (the log-probs move without it).
TEST(PackedPairs, KeepMistralsSlidingWindowInEveryLayout) {
    const auto batch = batchOf(pairs(), /*withRejected=*/true);
    model::ModelConfig config = model::ModelConfig::tiny();
    config.modelType = "mistral";
    config.slidingWindow = 3;
    torch::manual_seed(10);
    auto model = model::buildModel(config, torch::kCPU, torch::kDouble);
    const auto expected = expectEveryLayoutAgrees(*model, batch);
    auto unwindowed = model::buildModel(model::ModelConfig::tiny(), torch::kCPU, torch::kDouble);
    {
        torch::NoGradGuard noGrad;
        const auto from = model->parameters();
        const auto to = unwindowed->parameters();
        ASSERT_EQ(from.size(), to.size());
        for (std::size_t i = 0; i < from.size(); ++i) to[i].copy_(from[i]);
    }
    const auto whole = expectEveryLayoutAgrees(*unwindowed, batch);
    EXPECT_GT((whole.logps - expected.logps).abs().max().item<double>(), 1e-3);
}

// Dynamic and longrope RoPE scale by the text's length: rows, a shared prompt and packed pairs
// all take the whole texts' (prompt + answer), so they agree even where their forwards see less
// (the shared prompt alone, the answers without their last token).
TEST(PackedPairs, TakeTheWholeTextsLengthForDynamicAndLongRope) {
    const auto batch = batchOf(pairs(), /*withRejected=*/true);
    for (const std::string type : {"dynamic", "longrope"}) {
        SCOPED_TRACE(type);
        model::ModelConfig config = model::ModelConfig::tiny();
        config.maxPositionEmbeddings = 8;  // the longest pair is 1 + 9 = 10 tokens
        config.ropeScaling.type = type;
        config.ropeScaling.factor = 2.0;
        config.ropeScaling.originalMaxPositions = 8;
        if (type == "longrope") {
            config.modelType = "phi3";
            config.fusedProjections = true;
            const auto half = static_cast<std::size_t>(config.headDimension() / 2);
            config.ropeScaling.shortFactor.assign(half, 1.0);
            config.ropeScaling.longFactor.assign(half, 4.0);
            config.ropeScaling.attentionFactor = 1.2;
        }
        torch::manual_seed(11);
        auto model = model::buildModel(config, torch::kCPU, torch::kDouble);
        (void)expectEveryLayoutAgrees(*model, batch);
    }
}

TEST(GradientCheckpointingStep, AnswerLogpsAndGradientsMatchWithoutPrefixSharing) {
    const auto batch = batchOf(pairs());
    torch::manual_seed(8);
    auto model = model::buildModel(model::ModelConfig::tiny(), torch::kCPU, torch::kDouble);
    ForwardOptions options;
    options.prefixSharing = false;
    const auto plain = run(*model, batch, options);
    model->setGradientCheckpointing(true);
    options.headChunkTokens = 5;
    expectSame(run(*model, batch, options), plain, 1e-12);
}

}  // namespace
}  // namespace ladder::train
