// The CUDA path: the same model gives the same numbers on the GPU as on the CPU, the fused attention
// kernel agrees with the explicit one, bf16 autocast stays close to float32, and a short training
// run on cuda finishes. Every test skips where CUDA is absent.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/demo/demo_workspace.h"
#include "core/model/attention.h"
#include "core/model/causal_lm.h"
#include "core/train/training_job.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_run.h"

namespace ladder {
namespace {

#define LADDER_REQUIRE_CUDA()                                                   \
    do {                                                                        \
        if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";     \
    } while (0)

model::ModelConfig smallLlama() {
    auto c = model::ModelConfig::tiny();
    c.hiddenSize = 64;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.intermediateSize = 128;
    return c;
}

TEST(Gpu, LlamaLogitsOnCudaEqualCpuLogits) {
    LADDER_REQUIRE_CUDA();
    torch::manual_seed(1);
    auto cpu = model::buildModel(smallLlama(), torch::kCPU, torch::kFloat);
    auto gpu = model::cloneModel(*cpu, torch::Device(torch::kCUDA));
    auto ids = torch::randint(0, 259, {3, 40}, torch::kLong);
    torch::NoGradGuard noGrad;
    const auto a = cpu->forward({ids});
    const auto b = gpu->forward({ids.cuda()}).cpu();
    EXPECT_LT((a - b).abs().max().item<double>(), 1e-4);
}

TEST(Gpu, FusedAttentionAgreesWithExplicitAttention) {
    LADDER_REQUIRE_CUDA();
    torch::manual_seed(2);
    const auto opts = torch::TensorOptions().device(torch::kCUDA);
    auto q = torch::randn({2, 4, 16, 32}, opts);
    auto k = torch::randn({2, 4, 24, 32}, opts);
    auto v = torch::randn({2, 4, 24, 32}, opts);
    auto padding = torch::ones({2, 24}, opts.dtype(torch::kBool));
    padding.index_put_({0, torch::indexing::Slice(0, 5)}, false);
    const auto mask = model::buildAttentionMask(padding, 16, 24);
    for (const auto& m : {torch::Tensor(), mask}) {
        const auto fused = model::attention(q, k, v, m);
        const auto plain = model::explicitAttention(q, k, v, m);
        EXPECT_LT((fused - plain).abs().max().item<double>(), 1e-4);
    }
}

TEST(Gpu, DpoRunOnCudaWithBf16AutocastFinishes) {
    LADDER_REQUIRE_CUDA();
    test::TempDir dir;
    demo::initWorkspace(dir / "demo.ladder", {.prompts = 80, .seed = 2});
    train::RunConfig c = test::tinyRunConfig("dpo", 3);
    c.evalPairs = 8;
    c.threads = 0;
    c.device = "cuda";
    c.dtype = "bfloat16";
    train::TrainingJob job({(dir / "demo.ladder").string(), c, 0});
    job.start();
    std::optional<train::TrainingEvent> end;
    while (auto e = job.events().pop(std::chrono::seconds(300))) {
        if (e->isTerminal()) {
            end = e;
            break;
        }
    }
    ASSERT_TRUE(end.has_value());
    EXPECT_EQ(end->kind, train::EventKind::Finished) << end->message;
}

}  // namespace
}  // namespace ladder
