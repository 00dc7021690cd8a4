// KV cache and padding: a forward in chunks through the cache, a left-padded row, and a prompt
// shared by several answers (prefix sharing) give the same logits, and the same gradients, as
// the plain forward over whole sequences.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/model/causal_lm.h"
#include "tests/model/model_test_util.h"

namespace ladder::model {
namespace {

using test::maxAbsDiff;

class KvCacheTest : public ::testing::TestWithParam<test::TestModel> {
protected:
    CausalLM makeModel() {
        torch::manual_seed(21);
        const ModelConfig config = test::configOf(GetParam());
        return buildModel(config, torch::kCPU, torch::kFloat);
    }
};

TEST_P(KvCacheTest, ForwardInChunksEqualsFullForward) {
    const CausalLM model = makeModel();
    torch::NoGradGuard noGrad;
    const auto ids = torch::randint(3, 37, {2, 9}, torch::kLong);  // (B, T)
    const auto full = model->forward({ids});                       // (B, T, V)

    KvCache cache;
    std::vector<torch::Tensor> pieces;
    std::int64_t start = 0;
    for (const std::int64_t length : {4, 3, 1, 1}) {
        pieces.push_back(model->forward({ids.narrow(1, start, length), {}, {}, &cache}));
        start += length;
        EXPECT_EQ(cache.pastLength(), start);
    }
    const double diff = maxAbsDiff(torch::cat(pieces, 1), full);
    std::printf("[ figures  ] %s: chunked KV-cache forward vs full: max |diff| = %.3g\n",
                test::toString(GetParam()), diff);
    EXPECT_LT(diff, 1e-5);
}

TEST_P(KvCacheTest, LeftPaddedRowEqualsTheRowAlone) {
    const CausalLM model = makeModel();
    torch::NoGradGuard noGrad;
    const auto row = torch::randint(3, 37, {1, 5}, torch::kLong);                  // (1, 5)
    const auto alone = model->forward({row});                                      // (1, 5, V)
    const auto padded = torch::cat({torch::zeros({1, 3}, torch::kLong), row}, 1);  // (1, 8)
    auto mask = torch::ones({1, 8}, torch::kBool);
    mask.narrow(1, 0, 3).fill_(false);
    const auto logits = model->forward({padded, positionIdsFromMask(mask, 8), mask});  // (1, 8, V)
    EXPECT_FALSE(logits.isnan().any().item<bool>());
    EXPECT_LT(maxAbsDiff(logits.narrow(1, 3, 5), alone), 1e-5);

    // Continuing the padded row through the cache sees the same history.
    KvCache cache;
    (void)model->forward({padded, positionIdsFromMask(mask, 8), mask, &cache});
    const auto next = torch::tensor({{7}}, torch::kLong);
    const auto longMask = torch::cat({mask, torch::ones({1, 1}, torch::kBool)}, 1);
    const auto cached = model->forward({next, positionIdsFromMask(longMask, 1), longMask, &cache});
    const auto reference = model->forward({torch::cat({row, next}, 1)});
    EXPECT_LT(maxAbsDiff(cached.select(1, 0), reference.select(1, 5)), 1e-5);
}

// Two pairs: prompts of 3 and 5 tokens (left-padded), chosen/rejected answers of different
// lengths (right-padded). Log-prob of answer tokens, summed, backpropagated.
struct PrefixBatch {
    torch::Tensor promptIds, promptMask;  // (N, P)
    torch::Tensor answerIds, answerMask;  // (2N, A): chosen rows, then rejected rows
    torch::Tensor rows;                   // (2N): the prompt of each answer row
};

PrefixBatch makeBatch() {
    PrefixBatch b;
    b.promptIds = torch::tensor({{0, 0, 5, 6, 7}, {8, 9, 10, 11, 12}}, torch::kLong);
    b.promptMask = b.promptIds != 0;
    b.answerIds = torch::tensor(
        {{13, 14, 15, 16}, {17, 18, 0, 0}, {19, 20, 21, 0}, {22, 23, 24, 25}}, torch::kLong);
    b.answerMask = b.answerIds != 0;
    b.rows = torch::tensor({0, 1, 0, 1}, torch::kLong);
    return b;
}

// Sum over answer tokens of log p(token | everything before it). logitsBefore (2N, A, V):
// logits that predict each answer token.
torch::Tensor answerLogps(const torch::Tensor& logitsBefore, const PrefixBatch& b) {
    const auto logps = logitsBefore.log_softmax(-1).gather(2, b.answerIds.unsqueeze(2)).squeeze(2);
    return (logps * b.answerMask).sum();
}

std::vector<torch::Tensor> gradients(const CausalLM& model) {
    std::vector<torch::Tensor> out;
    for (const auto& p : model->parameters()) out.push_back(p.grad().clone());
    model->zero_grad();
    return out;
}

TEST_P(KvCacheTest, PrefixSharedForwardGivesSameLogitsAndGradients) {
    const CausalLM model = makeModel();
    const PrefixBatch b = makeBatch();
    const auto p = b.promptIds.size(1), a = b.answerIds.size(1);

    // Plain: each row is its pair's prompt followed by its answer.
    const auto ids = torch::cat({b.promptIds.index_select(0, b.rows), b.answerIds}, 1);
    const auto mask = torch::cat({b.promptMask.index_select(0, b.rows), b.answerMask}, 1);
    const auto plainLogits = model->forward({ids, positionIdsFromMask(mask, p + a), mask});
    const auto plainBefore = plainLogits.narrow(1, p - 1, a);  // (2N, A, V)
    answerLogps(plainBefore, b).backward();
    const auto plainGrads = gradients(model);

    // Shared: the prompts once, then the answers through the selected cache.
    KvCache promptCache;
    const auto promptHidden = model->hidden(
        {b.promptIds, positionIdsFromMask(b.promptMask, p), b.promptMask, &promptCache});
    KvCache answerCache = promptCache.indexSelect(b.rows);
    const auto answerHidden =
        model->hidden({b.answerIds, positionIdsFromMask(mask, a), mask, &answerCache});
    const auto lastPrompt = promptHidden.select(1, p - 1).index_select(0, b.rows).unsqueeze(1);
    const auto sharedBefore =
        model->logits(torch::cat({lastPrompt, answerHidden.narrow(1, 0, a - 1)}, 1));
    answerLogps(sharedBefore, b).backward();
    const auto sharedGrads = gradients(model);

    const auto real = b.answerMask.unsqueeze(2);  // padding positions may differ: ignore them
    const double logitDiff = maxAbsDiff(sharedBefore.detach() * real, plainBefore.detach() * real);
    double gradDiff = 0.0, gradScale = 0.0;
    for (std::size_t i = 0; i < plainGrads.size(); ++i) {
        gradDiff = std::max(gradDiff, maxAbsDiff(plainGrads[i], sharedGrads[i]));
        gradScale = std::max(gradScale, plainGrads[i].abs().max().item<double>());
    }
    std::printf(
        "[ figures  ] %s prefix sharing: max |logit diff| = %.3g, max |grad diff| = %.3g "
        "(max |grad| %.3g)\n",
        test::toString(GetParam()), logitDiff, gradDiff, gradScale);
    EXPECT_LT(logitDiff, 1e-5);
    EXPECT_GT(gradScale, 1e-3);  // the loss reaches the weights at all
    EXPECT_LT(gradDiff, 1e-5 * std::max(1.0, gradScale));
}

TEST_P(KvCacheTest, DetachedCacheCarriesNoGraph) {
    const CausalLM model = makeModel();
    KvCache cache;
    (void)model->hidden({torch::tensor({{4, 5, 6}}, torch::kLong), {}, {}, &cache});
    EXPECT_TRUE(cache.keys(0).requires_grad());
    const KvCache detached = cache.detached();
    EXPECT_FALSE(detached.keys(0).requires_grad());
    EXPECT_EQ(detached.pastLength(), 3);
    EXPECT_EQ(cache.indexSelect(torch::tensor({0, 0, 0})).batchSize(), 3);
}

INSTANTIATE_TEST_SUITE_P(Families, KvCacheTest,
                         ::testing::Values(test::TestModel::Llama, test::TestModel::Gpt2,
                                           test::TestModel::MistralWindow, test::TestModel::Phi3,
                                           test::TestModel::Gemma2),
                         [](const auto& info) { return std::string(test::toString(info.param)); });

TEST(CausalLM, CloneHasEqualLogitsAndIndependentWeights) {
    torch::manual_seed(9);
    const CausalLM model = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kFloat);
    const CausalLM copy = cloneModel(*model);
    torch::NoGradGuard noGrad;
    const auto ids = torch::tensor({{1, 7, 9, 4}}, torch::kLong);
    EXPECT_TRUE(torch::equal(model->forward({ids}), copy->forward({ids})));
    copy->parameters().front().add_(1.0);
    EXPECT_FALSE(torch::equal(model->forward({ids}), copy->forward({ids})));
    EXPECT_EQ(cloneModel(*model, torch::kCPU, torch::kBFloat16)->dtype(), torch::kBFloat16);
}

TEST(CausalLM, RejectsBadInputsWithClearErrors) {
    torch::manual_seed(1);
    const CausalLM model = buildModel(test::smallLlamaConfig(), torch::kCPU, torch::kFloat);
    torch::NoGradGuard noGrad;
    EXPECT_NE(test::errorOf([&] {
                  (void)model->forward({torch::tensor({{1, 99}})});
              }).find("outside the vocabulary"),
              std::string::npos);
    EXPECT_NE(
        test::errorOf([&] {
            (void)model->forward({torch::tensor({{1, 2}}), {}, torch::ones({1, 3}, torch::kBool)});
        }).find("keyPaddingMask"),
        std::string::npos);
    KvCache cache;
    (void)model->forward({torch::tensor({{1, 2}, {3, 4}}), {}, {}, &cache});
    EXPECT_NE(test::errorOf([&] {
                  (void)model->forward({torch::tensor({{1}}), {}, {}, &cache});
              }).find("indexSelect"),
              std::string::npos);
    const CausalLM gpt2 = buildModel(test::smallGpt2Config(), torch::kCPU, torch::kFloat);
    EXPECT_NE(test::errorOf([&] {
                  (void)gpt2->forward({torch::ones({1, 65}, torch::kLong)});
              }).find("n_positions"),
              std::string::npos);
}

}  // namespace
}  // namespace ladder::model
