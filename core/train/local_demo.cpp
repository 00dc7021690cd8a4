// buildLocalDemo(): the simulated workspace, then per model an SFT run (a TrainingJob followed to
// its end), its answers to every prompt (generateSource), then the ladder, its pairs and curricula.
#include "core/train/local_demo.h"

#include <chrono>
#include <cstdio>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/curriculum/curriculum_store.h"
#include "core/curriculum/presets.h"
#include "core/demo/demo_judge.h"
#include "core/eval/source_generation.h"
#include "core/model/checkpoint.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_builder.h"
#include "core/store/workspace.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/model_source.h"
#include "core/train/training_job.h"

namespace ladder::train {
namespace {

namespace fs = std::filesystem;

double since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The demo's SFT preset (resources/presets/demo-sft.json) for one local model, without the
// evaluations a study needs: only the final checkpoint.
RunConfig sftConfig(const LocalModelPlan& plan, std::uint64_t seed) {
    RunConfig c;
    c.name = "local demo · " + plan.name;
    c.method = "sft";
    c.model.kind = "tiny";
    c.templateName = "chatml";
    c.data.ladder = demo::kDemoLadder;
    c.data.tiers = plan.tiers;
    c.data.maxLength = 160;
    c.data.maxPromptLength = 128;
    c.optimizer.lr = 2e-3;
    c.optimizer.weightDecay = 0.01;
    c.schedule.warmupSteps = std::min(20, plan.steps / 5);
    c.batchSize = 16;
    c.maxSteps = plan.steps;
    c.evalEvery = 0;
    c.evalPairs = 128;
    c.checkpointEvery = 0;
    c.keepCheckpoints = 1;
    c.marginPairs = 0;
    c.seed = static_cast<int>(seed % 1000);
    return c;
}

// Trains to the end and returns the run id; throws naming the model when the run fails.
std::int64_t train(const fs::path& path, const RunConfig& config,
                   const std::function<void(const std::string&)>& progress) {
    JobRequest request;
    request.workspacePath = path.string();
    request.config = config;
    request.withoutWinRate = true;
    TrainingJob job(request);
    job.start();
    while (auto e = job.events().pop(std::chrono::seconds(600))) {
        if (e->kind == EventKind::Step && progress && e->step % 50 == 0) {
            progress(config.name + ": step " + std::to_string(e->step) + "/" +
                     std::to_string(config.maxSteps));
        }
        if (e->kind == EventKind::Finished) return e->runId;
        if (e->isTerminal()) {
            throw Error("the local demo's run '" + config.name + "' did not finish: " + e->message);
        }
    }
    throw Error("the local demo's run '" + config.name + "' went silent for 10 minutes");
}

}  // namespace

LocalDemoSummary buildLocalDemo(const fs::path& path, const LocalDemoOptions& options,
                                const std::function<void(const std::string&)>& progress) {
    const auto start = std::chrono::steady_clock::now();
    if (options.models.size() < 2) throw Error("the local demo needs at least two models");
    const auto say = [&](const std::string& line) {
        if (progress) progress(line);
    };
    LocalDemoSummary summary;
    summary.world = demo::initWorkspace(path, options.world);
    say("simulated workspace: " + std::to_string(summary.world.prompts) + " prompts");

    std::vector<pairs::Rung> rungs;
    for (const LocalModelPlan& plan : options.models) {
        LocalModelResult result;
        result.name = plan.name;
        result.steps = plan.steps;
        auto t = std::chrono::steady_clock::now();
        result.runId = train(path, sftConfig(plan, options.world.seed), say);
        result.trainSeconds = since(t);
        say(plan.name + ": trained in " + clock::formatDuration(result.trainSeconds));

        t = std::chrono::steady_clock::now();
        auto ws = store::Workspace::open(path);
        const fs::path folder = runCheckpointFolder(ws, result.runId, -1);
        auto model = model::loadPretrained(folder, torch::kCPU, torch::kFloat);
        const auto tokenizer = tokenizer::loadModelTokenizer(folder);
        eval::SourceGenerationSettings settings;
        settings.source = plan.name;
        settings.answers.templateSetting = "chatml";
        settings.answers.maxNewTokens = options.maxNewTokens;
        settings.answers.maxPromptTokens = 128;
        settings.answers.batchSize = options.batch;
        settings.modelKey = eval::answerModelKey(*model, *tokenizer);
        settings.provenance = {{"run", result.runId}, {"local_demo", true}};
        const auto prompts = eval::workspacePrompts(ws.db());
        const auto generated = eval::generateSource(
            ws.db(), *model, *tokenizer, prompts, settings,
            [&](const eval::SourceGenerationProgress& p) {
                if (p.done % 512 < static_cast<std::size_t>(options.batch)) {
                    say(plan.name + ": answers " + std::to_string(p.done) + "/" +
                        std::to_string(p.total));
                }
            });
        result.generateSeconds = since(t);
        result.answers = static_cast<std::int64_t>(generated.progress.done);

        auto answers = ws.db().prepare(
            "SELECT p.instruction, p.input, r.text FROM responses r JOIN prompts p ON "
            "p.id = r.prompt_id WHERE r.dataset_id = ?");
        answers.bind(1, generated.datasetId);
        demo::GradeCount grades;
        while (answers.step()) {
            grades.add(demo::grade(answers.textView(0), answers.textView(1), answers.textView(2)));
        }
        result.correct = grades.correctShare();
        result.exact = grades.exactShare();
        say(plan.name + ": " + std::to_string(result.answers) + " answers in " +
            clock::formatDuration(result.generateSeconds));
        rungs.push_back({plan.name, static_cast<int>(rungs.size()) + 1});
        summary.models.push_back(result);
    }

    auto ws = store::Workspace::open(path);
    pairs::Ladder ladder;
    ladder.name = kLocalLadder;
    ladder.rungs = rungs;
    pairs::saveLadder(ws.db(), ladder);
    pairs::PairBuildOptions build;
    build.heldoutFraction = options.world.heldoutFraction;
    summary.pairs = pairs::PairBuilder(ws.db(), kLocalLadder, build).build();
    std::vector<curriculum::TierInfo> tiers;
    for (const auto& t : summary.pairs.tiers) {
        if (t.train > 0) tiers.push_back({t.tier, t.rankGap, t.train});  // a tier of equal answers has none
    }
    if (!tiers.empty()) {
        const curriculum::StageLength oneEpoch{0, 1.0};
        for (const auto& c : {curriculum::easyThenHard(tiers, oneEpoch, 0, "local easy-then-hard"),
                              curriculum::uniformMix(tiers, oneEpoch, "local uniform")}) {
            curriculum::saveCurriculum(ws.db(), c);
            summary.curricula.push_back(c.name);
        }
    }
    summary.seconds = since(start);
    return summary;
}

std::string renderLocalDemoSummary(const LocalDemoSummary& s) {
    std::string out = demo::renderDemoSummary(s.world);
    char line[256];
    out += "local models (tiny, trained here; greedy answers to every prompt):\n";
    for (const auto& m : s.models) {
        std::snprintf(line, sizeof line,
                      "  %-14s run %-4lld %4d SFT steps  correct %5.1f%%, right and well formatted "
                      "%5.1f%%  (trained in %s, answered in %s)\n",
                      m.name.c_str(), static_cast<long long>(m.runId), m.steps, 100.0 * m.correct,
                      100.0 * m.exact, clock::formatDuration(m.trainSeconds).c_str(),
                      clock::formatDuration(m.generateSeconds).c_str());
        out += line;
    }
    out += "ladder " + std::string(kLocalLadder) + ": " + s.pairs.ladderSpec + "\n";
    out += pairs::renderTierCounts(s.pairs, "  ");
    if (s.pairs.pairs == 0) out += "  no pairs: the models gave the same answers\n";
    if (!s.curricula.empty()) {
        out += "curricula: ";
        for (std::size_t i = 0; i < s.curricula.size(); ++i) out += (i ? ", " : "") + s.curricula[i];
        out += "\n";
    }
    out += "local demo built in " + clock::formatDuration(s.seconds) + "\n";
    return out;
}

}  // namespace ladder::train
