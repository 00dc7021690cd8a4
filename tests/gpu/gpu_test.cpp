// The CUDA path: the same model gives the same numbers on the GPU as on the CPU, the fused attention
// kernel agrees with the explicit one, bf16 autocast stays close to float32, a short training
// run on cuda finishes, and its checkpoints carry the CUDA generator's state through a resume.
// Every test skips where CUDA is absent.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/demo/demo_workspace.h"
#include "core/model/attention.h"
#include "core/model/causal_lm.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/train/training_checkpoint.h"
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

// Runs a job until its end (or, with stopAtStep, stops it after that step) and returns the last event.
std::optional<train::TrainingEvent> runJob(const train::JobRequest& request,
                                           std::int64_t stopAtStep = -1) {
    train::TrainingJob job(request);
    job.start();
    while (auto e = job.events().pop(std::chrono::seconds(300))) {
        if (e->kind == train::EventKind::Step && e->step == stopAtStep) job.stop();
        if (e->isTerminal()) return e;
    }
    return std::nullopt;
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
    const auto end = runJob({(dir / "demo.ladder").string(), c, 0});
    ASSERT_TRUE(end.has_value());
    EXPECT_EQ(end->kind, train::EventKind::Finished) << end->message;
}

TEST(Gpu, CudaGeneratorStateRestoresTheSameRandomNumbers) {
    LADDER_REQUIRE_CUDA();
    const torch::Device cuda(torch::kCUDA, 0);
    torch::manual_seed(7);
    const auto saved = nlohmann::json::parse(train::saveGeneratorState(cuda).dump());
    ASSERT_TRUE(saved.contains("cuda")) << saved.dump();
    const auto onGpu = torch::rand({16}, torch::TensorOptions().device(cuda)).cpu();
    const auto onCpu = torch::rand({16});
    train::restoreGeneratorState(saved, cuda);
    EXPECT_TRUE(torch::equal(torch::rand({16}, torch::TensorOptions().device(cuda)).cpu(), onGpu));
    EXPECT_TRUE(torch::equal(torch::rand({16}), onCpu));
}

TEST(Gpu, ResumedCudaRunRestoresTheCudaGeneratorOfItsCheckpoint) {
    LADDER_REQUIRE_CUDA();
    const torch::Device cuda(torch::kCUDA, 0);
    test::TempDir dir;
    const auto path = dir / "demo.ladder";
    demo::initWorkspace(path, {.prompts = 80, .seed = 2});
    train::RunConfig c = test::tinyRunConfig("dpo", 4);
    c.threads = 0;
    c.device = "cuda";
    const auto stopped = runJob({path.string(), c, 0}, /*stopAtStep=*/2);
    ASSERT_TRUE(stopped.has_value());
    ASSERT_EQ(stopped->kind, train::EventKind::Stopped) << stopped->message;

    // Plant a CUDA state in the stop checkpoint that the run cannot reach by itself.
    auto latestState = [&] {
        auto ws = store::Workspace::open(path);
        const auto latest = store::RunStore(ws.db()).latestCheckpoint(stopped->runId);
        EXPECT_TRUE(latest.has_value());
        return ws.checkpointDir() / latest->path / "trainer_state.json";
    };
    const auto stopFile = latestState();
    auto state = nlohmann::json::parse(test::readFile(stopFile));
    ASSERT_TRUE(state["generator"].contains("cuda")) << state["generator"].dump();
    torch::manual_seed(12345);
    const auto planted = train::saveGeneratorState(cuda)["cuda"];
    ASSERT_NE(planted, state["generator"]["cuda"]);
    state["generator"]["cuda"] = planted;
    test::writeFile(stopFile, state.dump());

    const auto resumed = runJob({path.string(), {}, stopped->runId});
    ASSERT_TRUE(resumed.has_value());
    ASSERT_EQ(resumed->kind, train::EventKind::Finished) << resumed->message;
    // Training draws nothing from the CUDA generator (no dropout), so the final checkpoint holds
    // the state the resume restored.
    const auto last = nlohmann::json::parse(test::readFile(latestState()));
    EXPECT_EQ(last["generator"]["cuda"], planted);
}

}  // namespace
}  // namespace ladder
