// The CUDA path: the same model gives the same numbers on the GPU as on the CPU, the fused attention
// kernel agrees with the explicit one, bf16 autocast stays close to float32, a short training
// run on cuda finishes, and its checkpoints carry the CUDA generator's state through a resume. The
// memory options on CUDA: the chunked LM head with gradient checkpointing gives the full head's
// log-probs and gradients; a LoRA run on a bfloat16 base with both trains (its loss falls).
// Two processes on NCCL train as one of the double batch. Every test skips where CUDA is absent.
#include <gtest/gtest.h>

#include <cstdlib>

#include <torch/torch.h>

#include "core/demo/demo_workspace.h"
#include "core/model/attention.h"
#include "core/model/causal_lm.h"
#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/train/batch.h"
#include "core/train/memory_estimate.h"
#include "core/train/run_config.h"
#include "core/train/sequence_logps.h"
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

// bfloat16 weights stepped from float32 master weights, forward under bf16 autocast.
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

// The pre-start check reads the device's free memory (NVML), here capped to 1 MB: the run stops
// before its first step naming the device and what to change.
TEST(Gpu, ARunThatWillNotFitTheGpuStopsBeforeItsFirstStep) {
    LADDER_REQUIRE_CUDA();
    EXPECT_GT(train::availableDeviceMemory("cuda"), 0);  // the driver's figure
    test::TempDir dir;
    demo::initWorkspace(dir / "demo.ladder", {.prompts = 80, .seed = 2});
    train::RunConfig c = test::tinyRunConfig("dpo", 3);
    c.device = "cuda";
    ::setenv("LADDER_GPU_MEMORY_LIMIT", "1000000", 1);
    const auto end = runJob({(dir / "demo.ladder").string(), c, 0});
    ::unsetenv("LADDER_GPU_MEMORY_LIMIT");
    ASSERT_TRUE(end.has_value());
    EXPECT_EQ(end->kind, train::EventKind::Failed);
    EXPECT_NE(end->message.find("will not fit in cuda"), std::string::npos) << end->message;
}

TEST(Gpu, ChunkedHeadWithCheckpointingOnCudaGivesTheFullHeadsLogpsAndGradients) {
    LADDER_REQUIRE_CUDA();
    const torch::Device cuda(torch::kCUDA);
    std::vector<train::TokenizedPair> pairs(3);
    pairs[0] = {0, "easy", false, {10, 11, 12}, {20, 21, 22}, {30, 31}};
    pairs[1] = {1, "hard", false, {13}, {23, 24, 25, 26, 27, 28, 29, 40, 41}, {32}};
    pairs[2] = {2, "easy", false, {14, 15}, {42, 43}, {33, 34, 35, 36}};
    const auto batch = train::collate({&pairs[0], &pairs[1], &pairs[2]}, true, 0, cuda);
    torch::manual_seed(7);
    auto model = model::buildModel(smallLlama(), cuda, torch::kFloat);
    auto run = [&](const train::ForwardOptions& options) {
        model->zero_grad();
        const auto out = train::answerLogps(*model, batch, options);
        const auto weights = torch::linspace(0.5, 2.0, out.logps.size(0), out.logps.options());
        (out.logps * weights).sum().backward();
        std::vector<torch::Tensor> grads;
        for (const auto& p : model->parameters()) grads.push_back(p.grad().cpu().clone());
        return std::make_pair(out.logps.detach().cpu(), grads);
    };
    train::ForwardOptions full;
    full.prefixSharing = false;
    const auto [logps, grads] = run(full);
    train::ForwardOptions lean = full;
    lean.headChunkTokens = 4;
    model->setGradientCheckpointing(true);
    const auto [leanLogps, leanGrads] = run(lean);
    // float32 on the GPU (other kernels, other summation orders): 1e-4 relative to the values.
    EXPECT_LT((logps - leanLogps).abs().max().item<double>(), 1e-4 * logps.abs().max().item<double>());
    ASSERT_EQ(grads.size(), leanGrads.size());
    for (std::size_t i = 0; i < grads.size(); ++i) {
        const double scale = std::max(1.0, grads[i].abs().max().item<double>());
        EXPECT_LT((grads[i] - leanGrads[i]).abs().max().item<double>(), 1e-4 * scale) << i;
    }
}

TEST(Gpu, LoraRunOnABfloat16BaseWithCheckpointingAndTheChunkedHeadLearns) {
    LADDER_REQUIRE_CUDA();
    test::TempDir dir;
    demo::initWorkspace(dir / "demo.ladder", {.prompts = 80, .seed = 2});
    train::RunConfig c = test::tinyRunConfig("sft", 12);
    c.threads = 0;
    c.device = "cuda";
    c.dtype = "bfloat16";
    c.lora.rank = 8;
    c.lora.alpha = 16;
    c.lora.dropout = 0;
    c.gradientCheckpointing = true;
    c.logitsHead = "chunked";
    c.optimizer.lr = 2e-2;
    train::TrainingJob job({(dir / "demo.ladder").string(), c, 0});
    job.start();
    std::vector<double> losses;
    std::optional<train::TrainingEvent> end;
    while (auto e = job.events().pop(std::chrono::seconds(300))) {
        if (e->kind == train::EventKind::Step) losses.push_back(e->metric("loss", NAN));
        if (e->isTerminal()) {
            end = e;
            break;
        }
    }
    ASSERT_TRUE(end.has_value());
    ASSERT_EQ(end->kind, train::EventKind::Finished) << end->message;
    ASSERT_GE(losses.size(), 6u);
    for (const double l : losses) ASSERT_TRUE(std::isfinite(l));
    const double first = (losses[0] + losses[1] + losses[2]) / 3;
    const double last = (losses[losses.size() - 1] + losses[losses.size() - 2] + losses[losses.size() - 3]) / 3;
    EXPECT_LT(last, first) << "LoRA on CUDA did not learn: first " << first << ", last " << last;
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

namespace ladder {
namespace {

// Data parallel on NCCL (issue 18): two processes of batch 4, a GPU each, give the losses of one
// process of batch 8 (scripts/gpu-check.sh runs it where two GPUs exist).
TEST(Gpu, TwoRanksOnNcclTrainAsOneProcessOfTheDoubleBatch) {
    LADDER_REQUIRE_CUDA();
    if (torch::cuda::device_count() < 2) GTEST_SKIP() << "fewer than 2 CUDA devices";
    test::TempDir dir;
    demo::initWorkspace(dir / "demo.ladder", {.prompts = 120, .seed = 5});
    auto config = test::tinyRunConfig("dpo", 20);
    config.device = "cuda";
    config.batchSize = 4;
    train::saveRunConfig(config, (dir / "two.json").string());
    config.batchSize = 8;
    train::saveRunConfig(config, (dir / "one.json").string());
    const auto two = test::runLadderCli(dir.path(), "train -w demo.ladder -c two.json --nproc-per-node 2");
    ASSERT_EQ(two.exitCode, 0) << two.output;
    const auto one = test::runLadderCli(dir.path(), "train -w demo.ladder -c one.json");
    ASSERT_EQ(one.exitCode, 0) << one.output;
    auto ws = store::Workspace::open(dir / "demo.ladder");
    store::MetricsReader metrics(ws.db());
    const auto a = metrics.series(1, "loss"), b = metrics.series(2, "loss");
    ASSERT_EQ(a.size(), 20u);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i].second, b[i].second, 1e-5) << "step " << a[i].first;
}

}  // namespace
}  // namespace ladder
