// The trainer end to end on a small demo workspace: a run finishes and records what it should,
// resumes bit-exactly, stops within one step, refuses a NaN, reuses the reference cache, and reports
// bad setups clearly.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <map>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/demo/demo_workspace.h"
#include "core/model/checkpoint.h"
#include "core/model/model_config.h"
#include "core/model/safetensors.h"
#include "core/pairs/pair_dynamics.h"
#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/train/data_plan.h"
#include "core/train/loss.h"
#include "core/train/training_checkpoint.h"
#include "core/train/training_job.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_run.h"

namespace ladder::train {
namespace {
namespace fs = std::filesystem;

// A tiny run that evaluates, checkpoints and stores margins, so that every path is taken.
RunConfig smallConfig(const std::string& method) {
    RunConfig c = test::tinyRunConfig(method, 6);
    c.evalEvery = 3;
    c.checkpointEvery = 3;
    c.keepCheckpoints = 2;
    c.marginPairs = 20;
    return c;
}

// A pretrained model folder over the bytes: a small Llama saved as `dtype` and a byte-level BPE
// tokenizer (test::writeByteVocab) with `chatTemplate` when given.
void writeByteModelFolder(const fs::path& folder, torch::Dtype dtype,
                          const std::string& chatTemplate = "") {
    model::savePretrained(*model::buildModel(test::smallModelConfig(), torch::kCPU, torch::kFloat),
                          folder, dtype);
    test::writeByteVocab(folder, chatTemplate);
}

class TrainerTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_path = m_dir / "demo.ladder";
        demo::initWorkspace(m_path, {.prompts = 120, .seed = 5});
    }

    // Runs a job to its end and returns every event.
    std::vector<TrainingEvent> runToEnd(const JobRequest& request) {
        TrainingJob job(request);
        job.start();
        std::vector<TrainingEvent> events;
        while (true) {
            auto e = job.events().pop(std::chrono::seconds(120));
            if (!e) {
                ADD_FAILURE() << "no event for 120 s";
                break;
            }
            events.push_back(*e);
            if (e->isTerminal()) break;
        }
        job.wait();
        return events;
    }

    JobRequest request(const RunConfig& c) { return {m_path.string(), c, 0}; }

    // Loss per step of a run, from the workspace.
    std::map<std::int64_t, double> losses(std::int64_t runId) {
        auto ws = store::Workspace::open(m_path);
        std::map<std::int64_t, double> out;
        for (const auto& [step, value] : store::MetricsReader(ws.db()).series(runId, "loss")) {
            out[step] = value;
        }
        return out;
    }
    // `config` run again, stopped after step 2 and resumed: `expected`'s losses bit for bit, not
    // approximately.
    void expectStoppedAndResumedRunRepeats(const RunConfig& config,
                                           const std::map<std::int64_t, double>& expected) {
        const std::int64_t run = test::stopAtStep(request(config), 2);
        ASSERT_GT(run, 0);
        const auto resumed = runToEnd({m_path.string(), {}, run});
        ASSERT_EQ(resumed.back().kind, EventKind::Finished) << resumed.back().message;
        const auto actual = losses(run);
        ASSERT_EQ(actual.size(), expected.size());
        for (const auto& [step, loss] : expected) {
            EXPECT_EQ(actual.at(step), loss) << "step " << step;
        }
    }
    // The cache holds log-probs computed in batches of another padding than the training batches:
    // equal to float rounding, not bit for bit.
    void expectNearlyEqualLosses(std::int64_t a, std::int64_t b) {
        const auto x = losses(a), y = losses(b);
        ASSERT_EQ(x.size(), y.size());
        for (const auto& [step, value] : x) EXPECT_NEAR(value, y.at(step), 1e-5) << "step " << step;
    }

    test::TempDir m_dir;
    fs::path m_path;
};

TEST_F(TrainerTest, DpoRunFinishesAndRecordsMetricsCheckpointsAndMargins) {
    const auto events = runToEnd(request(smallConfig("dpo")));
    ASSERT_FALSE(events.empty());
    ASSERT_EQ(events.back().kind, EventKind::Finished) << events.back().message;
    const std::int64_t run = events.back().runId;
    auto ws = store::Workspace::open(m_path);
    store::RunStore runs(ws.db());
    const auto record = runs.get(run);
    EXPECT_EQ(record.status, store::RunStatus::Finished);
    EXPECT_EQ(record.lastStep, 6);
    EXPECT_EQ(parseRunConfig(nlohmann::json::parse(record.configJson)).method, "dpo");

    store::MetricsReader metrics(ws.db());
    const auto names = metrics.names(run);
    for (const char* expected :
         {"loss", "rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies",
          "logps/chosen", "logps/rejected", "grad_norm", "learning_rate", "tokens_per_second",
          "curriculum/stage", "eval/rewards/accuracies", "eval/loss"}) {
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    }
    EXPECT_EQ(metrics.series(run, "loss").size(), 6u);
    // The tokens trained on so far, at every step: rising by each step's tokens.
    const auto tokens = metrics.series(run, "tokens_seen");
    ASSERT_EQ(tokens.size(), 6u);
    for (std::size_t i = 1; i < tokens.size(); ++i) EXPECT_GT(tokens[i].second, tokens[i - 1].second);
    // The first DPO step starts from the reference itself: loss log 2, margins zero.
    EXPECT_NEAR(metrics.series(run, "loss").front().second, std::log(2.0), 1e-5);
    EXPECT_EQ(metrics.series(run, "eval/loss").size(), 2u);  // step 3 and the end
    // What the trainer held, from its first step: its resident memory (no GPU on the CPU).
    const auto resident = metrics.series(run, "system/resident_bytes");
    ASSERT_FALSE(resident.empty());
    EXPECT_EQ(resident.front().first, 1);
    EXPECT_GT(resident.front().second, 50e6);
    EXPECT_LT(resident.front().second, 64e9);
    EXPECT_TRUE(metrics.series(run, "system/gpu_used_bytes").empty());

    // keep = 2 periodic checkpoints at most, plus the final one, each a loadable HF folder.
    const auto checkpoints = runs.checkpoints(run);
    ASSERT_FALSE(checkpoints.empty());
    EXPECT_EQ(checkpoints.back().kind, "final");
    EXPECT_TRUE(fs::exists(ws.checkpointDir() / checkpoints.back().path / "model.safetensors"));
    EXPECT_TRUE(fs::exists(ws.checkpointDir() / checkpoints.back().path / "config.json"));
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM pair_margins WHERE run_id = " +
                                 std::to_string(run)),
              20);
    // Per-pair dynamics: at each evaluation (steps 3 and 6) the held-out pairs evaluated and as
    // many training pairs, each with its margin at both.
    const auto dynamics = pairs::pairDynamics(ws.db(), run);
    std::size_t heldOut = 0;
    for (const auto& p : dynamics) {
        ASSERT_EQ(p.margins.size(), 2u) << "pair " << p.pairId;
        EXPECT_EQ(p.margins[0].first, 3);
        EXPECT_EQ(p.margins[1].first, 6);
        heldOut += p.heldOut;
    }
    EXPECT_EQ(heldOut, 16u);  // evalPairs
    EXPECT_EQ(dynamics.size(), 32u);
}

TEST_F(TrainerTest, SftFromScratchThenDpoFromItsCheckpoint) {
    auto sft = smallConfig("sft");
    const auto sftEvents = runToEnd(request(sft));
    ASSERT_EQ(sftEvents.back().kind, EventKind::Finished) << sftEvents.back().message;
    auto dpo = smallConfig("dpo");
    dpo.model.kind = "run";
    dpo.model.runId = sftEvents.back().runId;
    const auto dpoEvents = runToEnd(request(dpo));
    ASSERT_EQ(dpoEvents.back().kind, EventKind::Finished) << dpoEvents.back().message;
    auto ws = store::Workspace::open(m_path);
    EXPECT_EQ(store::RunStore(ws.db()).get(dpoEvents.back().runId).parentRunId,
              sftEvents.back().runId);
}

TEST_F(TrainerTest, RunZeroStartsFromTheLatestFinishedSftRunAndRecordsWhichOne) {
    auto dpo = smallConfig("dpo");
    dpo.model.kind = "run";
    dpo.model.runId = kLatestSftRun;
    dpo.maxSteps = 2;
    // No SFT run yet: a failed run whose message says to train one.
    const auto early = runToEnd(request(dpo));
    ASSERT_EQ(early.back().kind, EventKind::Failed);
    EXPECT_NE(early.back().message.find("latest finished SFT run"), std::string::npos)
        << early.back().message;

    auto sft = smallConfig("sft");
    sft.maxSteps = 2;
    const auto first = runToEnd(request(sft)).back();
    const auto second = runToEnd(request(sft)).back();
    ASSERT_EQ(second.kind, EventKind::Finished) << second.message;
    const auto events = runToEnd(request(dpo));
    ASSERT_EQ(events.back().kind, EventKind::Finished) << events.back().message;

    auto ws = store::Workspace::open(m_path);
    const auto run = store::RunStore(ws.db()).get(events.back().runId);
    EXPECT_EQ(run.parentRunId, second.runId);
    EXPECT_NE(run.parentRunId, first.runId);
    EXPECT_EQ(parseRunConfig(nlohmann::json::parse(run.configJson)).model.runId, second.runId);
}

TEST_F(TrainerTest, ResumedRunContinuesTheSameLossCurveBitExactly) {
    auto config = smallConfig("dpo");
    config.checkpointEvery = 2;
    const auto whole = runToEnd(request(config));
    ASSERT_EQ(whole.back().kind, EventKind::Finished) << whole.back().message;
    const auto expected = losses(whole.back().runId);

    // The same run, stopped after a few steps and resumed.
    expectStoppedAndResumedRunRepeats(config, expected);
}

TEST_F(TrainerTest, StopTakesEffectWithinOneStepAndLeavesACheckpoint) {
    auto config = smallConfig("dpo");
    config.maxSteps = 500;
    config.checkpointEvery = 0;
    TrainingJob job(request(config));
    job.start();
    std::int64_t stoppedAfter = -1;
    std::optional<TrainingEvent> end;
    while (auto e = job.events().pop(std::chrono::seconds(120))) {
        if (e->kind == EventKind::Step && stoppedAfter < 0 && e->step >= 2) {
            stoppedAfter = e->step;
            job.stop();
        }
        if (e->isTerminal()) {
            end = e;
            break;
        }
    }
    ASSERT_TRUE(end.has_value());
    ASSERT_EQ(end->kind, EventKind::Stopped) << end->message;
    EXPECT_LE(end->step, stoppedAfter + 1);
    auto ws = store::Workspace::open(m_path);
    store::RunStore runs(ws.db());
    EXPECT_EQ(runs.get(end->runId).status, store::RunStatus::Stopped);
    const auto last = runs.latestCheckpoint(end->runId);
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->step, end->step);
    EXPECT_EQ(last->kind, "stop");
}

// A loss that turns NaN on its fourth call: a poisoned batch as far as the trainer can tell.
class PoisonedLoss final : public PreferenceLoss {
public:
    explicit PoisonedLoss(std::shared_ptr<std::atomic<int>> calls) : m_calls(std::move(calls)) {
        m_dpo = lossRegistry().create("dpo");
        m_dpo->configure({});
    }
    std::string name() const override { return "poisoned"; }
    std::string description() const override { return "DPO that turns NaN"; }
    bool needsReference() const override { return true; }
    void configure(const nlohmann::json&) override {}
    nlohmann::json parameters() const override { return nlohmann::json::object(); }
    LossOutputs compute(const LossInputs& in) const override {
        auto out = m_dpo->compute(in);
        if (++*m_calls == 4) out.loss = out.loss * std::nan("");
        return out;
    }

private:
    std::shared_ptr<std::atomic<int>> m_calls;
    std::unique_ptr<PreferenceLoss> m_dpo;
};

TEST_F(TrainerTest, NanLossStopsTheRunNamingTheStepAndKeepsTheLastGoodCheckpoint) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    if (!lossRegistry().contains("poisoned")) {
        lossRegistry().add("poisoned", [calls] { return std::make_unique<PoisonedLoss>(calls); });
    }
    auto config = smallConfig("poisoned");
    config.evalEvery = 0;
    config.evalPairs = 0;
    config.checkpointEvery = 2;
    config.maxSteps = 10;
    const auto events = runToEnd(request(config));
    ASSERT_EQ(events.back().kind, EventKind::Failed);
    const std::string message = events.back().message;
    EXPECT_NE(message.find("step 4"), std::string::npos) << message;
    EXPECT_NE(message.find("NaN"), std::string::npos) << message;
    auto ws = store::Workspace::open(m_path);
    store::RunStore runs(ws.db());
    const auto run = runs.get(events.back().runId);
    EXPECT_EQ(run.status, store::RunStatus::Failed);
    EXPECT_EQ(run.message, message);
    const auto last = runs.latestCheckpoint(run.id);
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->step, 3);  // the weights after step 3, the last good ones
    EXPECT_EQ(last->kind, "last-good");
    // No metric of the poisoned step was recorded.
    EXPECT_EQ(store::MetricsReader(ws.db()).series(run.id, "loss").size(), 3u);
}

TEST_F(TrainerTest, ReferenceCacheIsComputedOnceAndMatchesTheFrozenReference) {
    auto config = smallConfig("dpo");
    config.maxSteps = 2;
    config.evalEvery = 0;
    config.reference = "cache";
    const auto first = runToEnd(request(config));
    ASSERT_EQ(first.back().kind, EventKind::Finished) << first.back().message;
    std::int64_t cached = 0;
    {
        auto ws = store::Workspace::open(m_path);
        cached = ws.db().queryInt64("SELECT count(*) FROM ref_logps");
    }
    EXPECT_GT(cached, 0);
    {
        // Only what two steps, the held-out pairs and the margin pairs use: not every pair.
        auto ws = store::Workspace::open(m_path);
        EXPECT_LT(cached, ws.db().queryInt64("SELECT count(*) FROM pairs"));
        EXPECT_GE(cached, config.maxSteps * config.batchSize);
    }
    // A second run from the same start computes nothing new.
    const auto second = runToEnd(request(config));
    ASSERT_EQ(second.back().kind, EventKind::Finished);
    bool computed = false;
    for (const auto& e : second) {
        computed = computed || e.message.rfind("reference log-probs:", 0) == 0;
    }
    EXPECT_FALSE(computed);
    config.reference = "frozen";
    const auto frozen = runToEnd(request(config));
    ASSERT_EQ(frozen.back().kind, EventKind::Finished);
    expectNearlyEqualLosses(first.back().runId, frozen.back().runId);
    {
        auto ws = store::Workspace::open(m_path);
        EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM ref_logps"), cached);
    }
    // A longer run adds the pairs of its later batches and still trains as with a frozen reference.
    config.maxSteps = 5;
    const auto longer = runToEnd(request(config));
    ASSERT_EQ(longer.back().kind, EventKind::Finished) << longer.back().message;
    config.reference = "cache";
    const auto longerCached = runToEnd(request(config));
    ASSERT_EQ(longerCached.back().kind, EventKind::Finished) << longerCached.back().message;
    expectNearlyEqualLosses(longerCached.back().runId, longer.back().runId);
    auto ws = store::Workspace::open(m_path);
    EXPECT_GT(ws.db().queryInt64("SELECT count(*) FROM ref_logps"), cached);
}

TEST_F(TrainerTest, PauseHoldsTheRunAndResumeContinuesIt) {
    auto config = smallConfig("sft");
    config.maxSteps = 8;
    TrainingJob job(request(config));
    job.start();
    bool paused = false, resumed = false;
    std::optional<TrainingEvent> end;
    while (auto e = job.events().pop(std::chrono::seconds(120))) {
        if (e->kind == EventKind::Step && e->step == 2 && !paused) job.pause();
        if (e->kind == EventKind::Paused) {
            paused = true;
            auto ws = store::Workspace::open(m_path);
            EXPECT_EQ(store::RunStore(ws.db()).get(e->runId).status, store::RunStatus::Paused);
            job.resume();
        }
        if (e->kind == EventKind::Resumed) resumed = true;
        if (e->isTerminal()) {
            end = e;
            break;
        }
    }
    ASSERT_TRUE(end.has_value());
    EXPECT_EQ(end->kind, EventKind::Finished);
    EXPECT_TRUE(paused);
    EXPECT_TRUE(resumed);
}

TEST_F(TrainerTest, BadSetupsFailWithAClearMessageAndAFailedRun) {
    auto config = smallConfig("dpo");
    config.data.ladder = "no-such-ladder";
    auto events = runToEnd(request(config));
    ASSERT_EQ(events.back().kind, EventKind::Failed);
    EXPECT_NE(events.back().message.find("no-such-ladder"), std::string::npos)
        << events.back().message;
    {
        auto ws = store::Workspace::open(m_path);
        EXPECT_EQ(store::RunStore(ws.db()).get(events.back().runId).status,
                  store::RunStatus::Failed);
    }

    config = smallConfig("dpo");
    config.tokenizer = (m_dir / "missing" / "tokenizer.json").string();
    events = runToEnd(request(config));
    ASSERT_EQ(events.back().kind, EventKind::Failed);
    EXPECT_NE(events.back().message.find("tokenizer.json"), std::string::npos)
        << events.back().message;

    // An unknown loss is a problem of the config (validate() asks the loss catalog, as the
    // launcher's problems list does): refused before any run is made.
    config = smallConfig("orpo");
    events = runToEnd(request(config));
    ASSERT_EQ(events.back().kind, EventKind::Failed);
    EXPECT_NE(events.back().message.find("unknown loss 'orpo'"), std::string::npos)
        << events.back().message;
    EXPECT_EQ(events.back().runId, 0);
    auto ws = store::Workspace::open(m_path);
    EXPECT_EQ(store::RunStore(ws.db()).list().size(), 2u);  // the two above, failed
}

// A tokenizer with more tokens than the model has embedding rows (301 against the tiny model's
// 259): the run is refused before it trains, naming both sizes and what to do.
TEST_F(TrainerTest, ATokenizerLargerThanTheModelsVocabularyStopsTheRunBeforeItsFirstStep) {
    const fs::path folder = m_dir / "tokenizer";
    nlohmann::json vocab = nlohmann::json::object();
    for (int b = 0; b < 256; ++b) {
        vocab[b >= '!' && b <= '~' ? std::string(1, static_cast<char>(b))
                                   : "<byte" + std::to_string(b) + ">"] = b;
    }
    for (int id = 256; id < 300; ++id) vocab["<extra_" + std::to_string(id) + ">"] = id;
    test::writeFile(folder / "vocab.json", vocab.dump());
    test::writeFile(folder / "merges.txt", "#version: 0.2\n");
    test::writeFile(folder / "tokenizer_config.json", R"({"tokenizer_class": "Qwen2Tokenizer"})");
    auto config = test::tinyRunConfig("sft", 4);
    config.tokenizer = folder.string();
    const auto events = runToEnd(request(config));
    ASSERT_EQ(events.back().kind, EventKind::Failed);
    const std::string& message = events.back().message;
    EXPECT_EQ(message.rfind(folder.string() + " has 30", 0), 0u) << message;  // 300 and its eos
    EXPECT_NE(message.find(" tokens but tiny (from scratch, seed 3) says vocab_size 259: this "
                           "tokenizer does not belong to that model; pick the tokenizer.json from "
                           "the same folder as the model's config.json"),
              std::string::npos)
        << message;
    auto ws = store::Workspace::open(m_path);
    EXPECT_EQ(store::RunStore(ws.db()).get(events.back().runId).lastStep, 0);
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM metrics"), 0);
}

// A model whose chat template refuses the demo's conversations (raise_exception, as Gemma's does
// for a system turn): the run stops while it tokenises, naming the pair, the template's file and
// line and its message, before any step; the workspace keeps its pairs.
TEST_F(TrainerTest, AChatTemplateThatRaisesStopsTheRunNamingThePairAndTheTemplate) {
    const fs::path folder = m_dir / "model";
    writeByteModelFolder(folder, torch::kFloat,
                         "{% for m in messages %}{{ m['content'] }}{% endfor %}\n"
                         "{% if messages[0]['role'] != 'system' %}{{ raise_exception("
                         "'Conversations must start with a system message') }}{% endif %}");

    auto config = test::tinyRunConfig("sft", 4);
    config.model.kind = "pretrained";
    config.model.path = folder.string();
    config.model.overrides = nlohmann::json::object();
    config.templateName = "model";
    const auto events = runToEnd(request(config));
    ASSERT_EQ(events.back().kind, EventKind::Failed);
    const std::string& message = events.back().message;
    EXPECT_EQ(message.rfind("pair ", 0), 0u) << message;
    EXPECT_NE(message.find(" (chat template of " + folder.string() + "): model/"
                           "tokenizer_config.json (chat_template), line 2: the template refused "
                           "this conversation: Conversations must start with a system message"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("leave this pair out or train with another template"), std::string::npos)
        << message;
    auto ws = store::Workspace::open(m_path);
    const auto run = store::RunStore(ws.db()).get(events.back().runId);
    EXPECT_EQ(run.status, store::RunStatus::Failed);
    EXPECT_EQ(run.lastStep, 0);
    EXPECT_GT(ws.db().queryInt64("SELECT count(*) FROM pairs"), 0);
}

TEST_F(TrainerTest, ABfloat16ModelsCheckpointsAreBfloat16ShardedAndTheRunResumesFromFloat32) {
    const fs::path folder = m_dir / "bf16-model";
    writeByteModelFolder(folder, torch::kBFloat16);
    auto config = smallConfig("sft");
    config.model.kind = "pretrained";
    config.model.path = folder.string();
    config.model.overrides = nlohmann::json::object();
    config.templateName = "alpaca";
    config.checkpointEvery = 2;
    config.checkpointMaxShardSize = "20KB";  // the 259 x 32 bfloat16 embedding alone is 16.6 KB
    const auto whole = runToEnd(request(config));
    ASSERT_EQ(whole.back().kind, EventKind::Finished) << whole.back().message;
    const auto expected = losses(whole.back().runId);

    // The checkpoint: config.json says bfloat16, the weights are bfloat16 in shards with their
    // index, and the float32 weights training goes on from are beside them.
    auto ws = store::Workspace::open(m_path);
    const auto latest = store::RunStore(ws.db()).latestCheckpoint(whole.back().runId);
    ASSERT_TRUE(latest.has_value());
    const fs::path checkpoint = ws.checkpointDir() / latest->path;
    const auto saved = nlohmann::json::parse(test::readFile(checkpoint / "config.json"));
    EXPECT_EQ(saved.at("torch_dtype"), "bfloat16");
    EXPECT_FALSE(fs::exists(checkpoint / "model.safetensors"));
    const auto index =
        nlohmann::json::parse(test::readFile(checkpoint / "model.safetensors.index.json"));
    const auto files = model::weightFiles(checkpoint);
    ASSERT_GE(files.size(), 2u);
    std::int64_t bytes = 0;
    for (const auto& file : files) {
        const model::SafetensorsFile shard(file);
        for (const auto& name : shard.names()) {
            EXPECT_EQ(shard.entry(name).dtype, "BF16") << file << " " << name;
            EXPECT_EQ(index.at("weight_map").at(name), file.filename().string());
            bytes += static_cast<std::int64_t>(shard.view(name).nbytes());
        }
    }
    EXPECT_EQ(index.at("metadata").at("total_size"), bytes);
    const model::SafetensorsFile master(checkpoint / kTrainingWeightsFile);
    for (const auto& name : master.names()) EXPECT_EQ(master.entry(name).dtype, "F32") << name;

    // Stopped at step 2 and resumed from its checkpoint: the same losses, bit for bit (the
    // bfloat16 copy alone would have rounded the weights).
    expectStoppedAndResumedRunRepeats(config, expected);
}

TEST_F(TrainerTest, FullFineTuningInBfloat16StepsFloat32MasterWeightsAndResumesBitExactly) {
    auto config = smallConfig("dpo");
    config.dtype = "bfloat16";
    config.reference = "frozen";
    config.checkpointEvery = 2;
    EXPECT_TRUE(validate(config).empty());
    const auto whole = runToEnd(request(config));
    ASSERT_EQ(whole.back().kind, EventKind::Finished) << whole.back().message;
    const auto expected = losses(whole.back().runId);
    ASSERT_EQ(expected.size(), 6u);
    // The reference is the same bfloat16 model at the start: the first loss is log 2.
    EXPECT_NEAR(expected.at(1), std::log(2.0), 1e-6);
    for (const auto& [step, loss] : expected) EXPECT_TRUE(std::isfinite(loss)) << step;

    // The checkpoint: bfloat16 weights, and the float32 master weights training goes on from,
    // which are not the bfloat16 ones widened.
    auto ws = store::Workspace::open(m_path);
    const auto latest = store::RunStore(ws.db()).latestCheckpoint(whole.back().runId);
    ASSERT_TRUE(latest.has_value());
    const fs::path checkpoint = ws.checkpointDir() / latest->path;
    EXPECT_EQ(nlohmann::json::parse(test::readFile(checkpoint / "config.json")).at("torch_dtype"),
              "bfloat16");
    const model::SafetensorsFile weights(checkpoint / "model.safetensors");
    const model::SafetensorsFile master(checkpoint / kTrainingWeightsFile);
    std::int64_t finer = 0;
    for (const auto& name : master.names()) {
        EXPECT_EQ(master.entry(name).dtype, "F32") << name;
        EXPECT_EQ(weights.entry(name).dtype, "BF16") << name;
        const auto m = master.tensor(name);
        EXPECT_TRUE(torch::equal(m.to(torch::kBFloat16), weights.tensor(name))) << name;
        finer += m.ne(m.to(torch::kBFloat16).to(torch::kFloat)).sum().item<std::int64_t>();
    }
    EXPECT_GT(finer, 0);

    // Stopped at step 2 and resumed: the same losses, bit for bit.
    expectStoppedAndResumedRunRepeats(config, expected);
}

TEST_F(TrainerTest, TheDataPlanBeforeARunGivesThePaddedShareTheRunRecords) {
    for (const bool packed : {true, false}) {
        auto config = smallConfig("dpo");
        config.packedPairs = packed;
        config.data.lengthGroups = packed ? 16 : 1;
        DataPlan plan;
        {
            auto ws = store::Workspace::open(m_path);
            plan = planRunData(ws, config);
        }
        EXPECT_GT(plan.trainPairs, 0);
        EXPECT_GT(plan.padding.slots(), 0);
        EXPECT_GT(plan.longestPrompt, 0);
        EXPECT_GT(plan.longestAnswer, 0);
        EXPECT_LT(plan.longestPrompt, config.data.maxLength);  // prompt + answer within the cap
        EXPECT_NE(plan.text(config).find("of the token slots are padding"), std::string::npos)
            << plan.text(config);
        const auto events = runToEnd(request(config));
        ASSERT_EQ(events.back().kind, EventKind::Finished) << events.back().message;
        auto ws = store::Workspace::open(m_path);
        const auto recorded = store::MetricsReader(ws.db()).series(events.back().runId, "data/padded_share");
        ASSERT_EQ(recorded.size(), 1u);
        EXPECT_DOUBLE_EQ(recorded.front().second, plan.padding.share()) << "packed " << packed;
        EXPECT_EQ(static_cast<double>(plan.trainPairs),
                  store::MetricsReader(ws.db()).series(events.back().runId, "data/train_pairs").front().second);
    }
    // Nothing to train on: said before any run exists.
    auto config = smallConfig("dpo");
    config.data.ladder = "no-such-ladder";
    auto ws = store::Workspace::open(m_path);
    EXPECT_THROW((void)planRunData(ws, config), Error);
}

}  // namespace
}  // namespace ladder::train
