// LoRA runs end to end on a small demo workspace: the reference is the policy with its adapter off
// (no second copy: the first DPO step's loss is log 2), the checkpoint keeps the base weights and
// the adapter as PEFT saves it, the merged model computes what base + adapter computes, a stopped
// run resumes bit-exactly (dropout's masks included), and DPO starts from an SFT LoRA run.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <map>

#include <torch/torch.h>
#include <torch/version.h>
#include <c10/core/CPUAllocator.h>

#include "core/demo/demo_workspace.h"
#include "core/model/checkpoint.h"
#include "core/model/lora.h"
#include "core/model/safetensors.h"
#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/train/training_job.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_run.h"

namespace ladder::train {
namespace {
namespace fs = std::filesystem;

RunConfig loraConfig(const std::string& method, int steps) {
    RunConfig c = test::tinyRunConfig(method, steps);
    c.lora.rank = 4;
    c.lora.alpha = 8;
    c.lora.dropout = 0.1;
    c.optimizer.lr = 1e-2;
    c.gradientCheckpointing = true;
    c.logitsHead = "chunked";
    return c;
}

class LoraTrainingTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_path = m_dir / "demo.ladder";
        demo::initWorkspace(m_path, {.prompts = 120, .seed = 5});
    }

    TrainingEvent runToEnd(const JobRequest& request) {
        TrainingJob job(request);
        job.start();
        std::optional<TrainingEvent> last;
        while (auto e = job.events().pop(std::chrono::seconds(120))) {
            last = *e;
            if (e->isTerminal()) break;
        }
        job.wait();
        if (!last) ADD_FAILURE() << "no event for 120 s";
        return last.value_or(TrainingEvent{});
    }

    std::map<std::int64_t, double> series(std::int64_t runId, const std::string& name) {
        auto ws = store::Workspace::open(m_path);
        std::map<std::int64_t, double> out;
        for (const auto& [step, value] : store::MetricsReader(ws.db()).series(runId, name)) out[step] = value;
        return out;
    }

    fs::path finalCheckpoint(std::int64_t runId) {
        auto ws = store::Workspace::open(m_path);
        const auto all = store::RunStore(ws.db()).checkpoints(runId);
        if (all.empty()) return {};
        return ws.checkpointDir() / all.back().path;
    }

    test::TempDir m_dir;
    fs::path m_path;
};

torch::Tensor logitsOf(model::CausalLMImpl& model) {
    const torch::NoGradGuard noGrad;
    model.eval();
    model::ForwardInput in;
    in.inputIds = torch::arange(3, 40, torch::kLong).unsqueeze(0);
    return model.forward(in);
}

TEST_F(LoraTrainingTest, ADpoRunKeepsItsBaseAndSavesAPeftAdapterAndTheMergedModel) {
    auto config = loraConfig("dpo", 4);
    config.reference = "frozen";
    config.loraSaveMerged = true;
    const auto end = runToEnd({m_path.string(), config, 0});
    ASSERT_EQ(end.kind, EventKind::Finished) << end.message;
    // The reference is the base: the first step starts from it (B = 0), loss log 2.
    EXPECT_NEAR(series(end.runId, "loss").at(1), std::log(2.0), 1e-5);

    const auto folder = finalCheckpoint(end.runId);
    ASSERT_TRUE(model::isLoraFolder(folder / "adapter"));
    EXPECT_TRUE(fs::exists(folder / "adapter" / "adapter_model.safetensors"));
    const auto spec = model::loadLoraSpec(folder / "adapter");
    EXPECT_EQ(spec.rank, 4);
    EXPECT_EQ(spec.alpha, 8);

    // model.safetensors is the base, untouched: the tiny model of the run's seed.
    const auto tinyConfig = model::loadPretrained(folder / "merged", torch::kCPU, torch::kFloat)->config();
    torch::manual_seed(static_cast<std::uint64_t>(config.seed));
    auto base = model::buildModel(tinyConfig, torch::kCPU, torch::kFloat);
    auto saved = model::buildModel(base->config(), torch::kCPU, torch::kFloat);
    model::loadWeights(*saved, model::weightFiles(folder));
    const auto baseWeights = base->hfWeights();
    const auto savedWeights = saved->hfWeights();
    ASSERT_EQ(baseWeights.size(), savedWeights.size());
    for (std::size_t i = 0; i < baseWeights.size(); ++i) {
        EXPECT_TRUE(torch::equal(savedWeights[i].second, baseWeights[i].second)) << baseWeights[i].first;
    }

    // The checkpoint loads merged, and equals the merged model saved beside it; training moved it.
    auto trained = model::loadPretrained(folder, torch::kCPU, torch::kFloat);
    auto merged = model::loadPretrained(folder / "merged", torch::kCPU, torch::kFloat);
    EXPECT_LT((logitsOf(*trained) - logitsOf(*merged)).abs().max().item<double>(), 1e-5);
    EXPECT_GT((logitsOf(*trained) - logitsOf(*base)).abs().max().item<double>(), 1e-4);
}

TEST_F(LoraTrainingTest, AStoppedLoraRunResumesBitExactly) {
    auto config = loraConfig("dpo", 5);
    config.checkpointEvery = 2;
    const auto whole = runToEnd({m_path.string(), config, 0});
    ASSERT_EQ(whole.kind, EventKind::Finished) << whole.message;
    const auto expected = series(whole.runId, "loss");

    const std::int64_t run = test::stopAtStep({m_path.string(), config, 0}, 2);
    ASSERT_GT(run, 0);
    const auto resumed = runToEnd({m_path.string(), {}, run});
    ASSERT_EQ(resumed.kind, EventKind::Finished) << resumed.message;
    const auto actual = series(run, "loss");
    ASSERT_EQ(actual.size(), expected.size());
    for (const auto& [step, loss] : expected) EXPECT_EQ(actual.at(step), loss) << "step " << step;
}

TEST_F(LoraTrainingTest, DpoStartsFromAnSftLoraRunWithTheMergedSftModelAsReference) {
    const auto sft = runToEnd({m_path.string(), loraConfig("sft", 3), 0});
    ASSERT_EQ(sft.kind, EventKind::Finished) << sft.message;
    auto dpo = loraConfig("dpo", 2);
    dpo.model.kind = "run";
    dpo.model.runId = sft.runId;
    dpo.reference = "cache";
    const auto end = runToEnd({m_path.string(), dpo, 0});
    ASSERT_EQ(end.kind, EventKind::Finished) << end.message;
    // Policy and reference both start as the merged SFT model.
    EXPECT_NEAR(series(end.runId, "loss").at(1), std::log(2.0), 1e-5);
    // The DPO checkpoint's base is that merged SFT model.
    auto sftMerged = model::loadPretrained(finalCheckpoint(sft.runId), torch::kCPU, torch::kFloat);
    auto dpoBase = model::buildModel(sftMerged->config(), torch::kCPU, torch::kFloat);
    model::loadWeights(*dpoBase, model::weightFiles(finalCheckpoint(end.runId)));
    EXPECT_LT((logitsOf(*dpoBase) - logitsOf(*sftMerged)).abs().max().item<double>(), 1e-6);
}

TEST_F(LoraTrainingTest, ABfloat16BaseTrainsFloat32AdaptersOnTheCpu) {
    auto config = loraConfig("dpo", 3);
    config.dtype = "bfloat16";
    config.reference = "frozen";
    config.loraSaveMerged = true;
    EXPECT_TRUE(validate(config).empty());
    const auto end = runToEnd({m_path.string(), config, 0});
    ASSERT_EQ(end.kind, EventKind::Finished) << end.message;
    const auto losses = series(end.runId, "loss");
    ASSERT_EQ(losses.size(), 3u);
    EXPECT_NEAR(losses.at(1), std::log(2.0), 1e-5);  // the reference is the same bfloat16 base
    for (const auto& [step, loss] : losses) EXPECT_TRUE(std::isfinite(loss)) << step;
    const auto folder = finalCheckpoint(end.runId);
    const model::SafetensorsFile base(folder / "model.safetensors");
    const model::SafetensorsFile adapter(folder / "adapter" / "adapter_model.safetensors");
    EXPECT_EQ(base.entry(base.names().front()).dtype, "BF16");
    EXPECT_EQ(adapter.entry(adapter.names().front()).dtype, "F32");
    // Loaded merged in float32, it computes what merged/ (saved from the run) computes.
    auto trained = model::loadPretrained(folder, torch::kCPU, torch::kFloat);
    auto merged = model::loadPretrained(folder / "merged", torch::kCPU, torch::kFloat);
    EXPECT_LT((logitsOf(*trained) - logitsOf(*merged)).abs().max().item<double>(), 2e-2);
}

TEST_F(LoraTrainingTest, ARunThatWillNotFitStopsBeforeItsFirstStepSayingWhatToChange) {
    ::setenv("LADDER_MEMORY_LIMIT", "1000000", 1);  // 1 MB free
    const auto end = runToEnd({m_path.string(), test::tinyRunConfig("dpo", 3), 0});
    ::unsetenv("LADDER_MEMORY_LIMIT");
    ASSERT_EQ(end.kind, EventKind::Failed);
    EXPECT_NE(end.message.find("will not fit in memory"), std::string::npos) << end.message;
    EXPECT_NE(end.message.find("gradient checkpointing"), std::string::npos) << end.message;
    EXPECT_TRUE(series(end.runId, "loss").empty());  // no step ran
    auto ws = store::Workspace::open(m_path);
    EXPECT_EQ(store::RunStore(ws.db()).get(end.runId).status, store::RunStatus::Failed);
}

// LibTorch's CPU allocator, failing as its own fails ("not enough memory") for blocks of 64 KB
// and more once armed: an allocator failure in the middle of a run, as a longer batch meets a
// full memory.
class FailingCpuAllocator final : public c10::Allocator {
public:
    FailingCpuAllocator() : m_inner(c10::GetDefaultCPUAllocator()) {}
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
    c10::DataPtr allocate(size_t n) override {
        check(n);
        return m_inner->allocate(n);
    }
    void copy_data(void* dest, const void* src, std::size_t count) const override {
        default_copy_data(dest, src, count);
    }
#else
    c10::DataPtr allocate(size_t n) const override {
        check(n);
        return m_inner->allocate(n);
    }
#endif
    c10::DeleterFnPtr raw_deleter() const override { return m_inner->raw_deleter(); }
    std::atomic<bool> armed{false};
    std::atomic<int> failures{0};

private:
    void check(size_t n) const {
        if (armed && n >= 65536) {
            ++const_cast<std::atomic<int>&>(failures);
            TORCH_CHECK(false, "DefaultCPUAllocator: not enough memory: you tried to allocate ", n,
                        " bytes.");
        }
    }
    c10::Allocator* m_inner;
};

TEST_F(LoraTrainingTest, AnAllocatorFailureAtALaterStepFailsTheRunNamingTheStepAndKeepsWhatWasWritten) {
    auto config = test::tinyRunConfig("dpo", 8);
    config.checkpointEvery = 2;
    config.keepCheckpoints = 3;
    static FailingCpuAllocator allocator;  // LibTorch keeps the pointer for the process
    c10::Allocator* const before = c10::GetAllocator(c10::DeviceType::CPU);
    c10::SetAllocator(c10::DeviceType::CPU, &allocator, /*priority=*/255);
    TrainingJob job({m_path.string(), config, 0});
    job.start();
    std::optional<TrainingEvent> last;
    while (auto e = job.events().pop(std::chrono::seconds(120))) {
        // Once step 2's checkpoint is written, the memory runs out.
        if (e->kind == EventKind::Checkpoint && e->step == 2) allocator.armed = true;
        last = *e;
        if (e->isTerminal()) break;
    }
    job.wait();
    allocator.armed = false;
    c10::SetAllocator(c10::DeviceType::CPU, before, /*priority=*/255);
    ASSERT_TRUE(last.has_value());
    ASSERT_EQ(last->kind, EventKind::Failed) << last->message;
    EXPECT_GT(allocator.failures.load(), 0);
    // Named: the step, what failed, what to change, and that nothing is lost.
    EXPECT_TRUE(last->message.find("step 3 ran out of memory") != std::string::npos ||
                last->message.find("step 4 ran out of memory") != std::string::npos)
        << last->message;
    EXPECT_NE(last->message.find("not enough memory"), std::string::npos) << last->message;
    EXPECT_NE(last->message.find("gradient checkpointing"), std::string::npos) << last->message;
    EXPECT_NE(last->message.find("LoRA"), std::string::npos) << last->message;
    EXPECT_NE(last->message.find("checkpoints and metrics so far are kept"), std::string::npos)
        << last->message;
    const auto losses = series(last->runId, "loss");
    ASSERT_GE(losses.size(), 2u);
    EXPECT_TRUE(losses.count(1) && losses.count(2));
    {
        auto ws = store::Workspace::open(m_path);
        store::RunStore runs(ws.db());
        EXPECT_EQ(runs.get(last->runId).status, store::RunStatus::Failed);
        const auto latest = runs.latestCheckpoint(last->runId);
        ASSERT_TRUE(latest.has_value());
        EXPECT_EQ(latest->step, 2);
        const fs::path folder = ws.checkpointDir() / latest->path;
        EXPECT_TRUE(fs::is_regular_file(folder / "model.safetensors"));
        EXPECT_TRUE(fs::is_regular_file(folder / "optimizer.pt"));
        EXPECT_TRUE(fs::is_regular_file(folder / "trainer_state.json"));
    }
    // With the memory back, the run resumes from that checkpoint and finishes.
    const auto resumed = runToEnd({m_path.string(), {}, last->runId});
    ASSERT_EQ(resumed.kind, EventKind::Finished) << resumed.message;
    EXPECT_EQ(series(last->runId, "loss").size(), 8u);
}

}  // namespace
}  // namespace ladder::train
