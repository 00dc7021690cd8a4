#include "core/demo/demo_workspace.h"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/lists.h"
#include "core/common/log.h"
#include "core/common/paths.h"
#include "core/curriculum/curriculum_store.h"
#include "core/curriculum/presets.h"
#include "core/data/dataset_import.h"
#include "core/demo/demo_judge.h"
#include "core/demo/demo_models.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_builder.h"
#include "core/store/workspace.h"

namespace ladder::demo {
namespace fs = std::filesystem;

namespace {

// Bumped whenever the generator's output changes, so that content keys never mix versions.
constexpr int kGeneratorVersion = 1;

ModelRates importModel(store::Database& db, const std::vector<DemoPrompt>& prompts,
                       const ModelProfile& model, const DemoOptions& options) {
    ModelRates rates;
    rates.model = model.name;
    GradeCount grades;
    data::GeneratedDataset dataset;
    dataset.name = "demo-" + model.name;
    dataset.format = "demo";
    dataset.kind = data::DatasetKind::Responses;
    dataset.contentKey = "v" + std::to_string(kGeneratorVersion) + " model=" + model.name +
                         " prompts=" + std::to_string(prompts.size()) +
                         " seed=" + std::to_string(options.seed);
    dataset.description = "generated: demo task, model " + model.name + ", " +
                          std::to_string(prompts.size()) + " prompts, seed " +
                          std::to_string(options.seed);
    data::ImportOptions importOptions;
    importOptions.heldoutFraction = options.heldoutFraction;
    data::importGenerated(db, dataset, importOptions, [&](data::ImportSink& sink) {
        for (std::size_t i = 0; i < prompts.size(); ++i) {
            const DemoPrompt& p = prompts[i];
            data::ResponseRecord r;
            r.instruction = p.instruction;
            r.output = simulateAnswer(p, model, options.seed, i);
            r.source = model.name;
            r.category = toString(p.kind);
            r.at = {static_cast<std::int64_t>(i), 0};
            grades.add(grade(p.instruction, "", r.output));
            sink.addResponse(std::move(r));
        }
    });
    rates.answers = grades.answers;
    rates.correct = grades.correctShare();
    rates.exact = grades.exactShare();
    return rates;
}

// The demo judge's verdict on every pair: lets the window and `pairs stats` show how often a
// judge agrees with the ladder, as AlpacaEval annotations do for real data.
std::pair<std::int64_t, std::int64_t> judgePairs(store::Database& db, std::int64_t ladderId) {
    store::Transaction tx(db);
    auto pairs = db.prepare(
        "SELECT p.prompt_id, p.chosen_id, p.rejected_id, pr.instruction, pr.input, c.text, r.text "
        "FROM pairs p JOIN prompts pr ON pr.id = p.prompt_id "
        "JOIN responses c ON c.id = p.chosen_id JOIN responses r ON r.id = p.rejected_id "
        "WHERE p.ladder_id = ? ORDER BY p.id");
    auto insert = db.prepare(
        "INSERT INTO verdicts(judge, prompt_id, response_1_id, response_2_id, preference) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(judge, response_1_id, response_2_id) DO UPDATE SET "
        "preference = excluded.preference");
    pairs.bind(1, ladderId);
    std::int64_t count = 0;
    std::int64_t agree = 0;
    while (pairs.step()) {
        const double preference =
            judge(pairs.textView(3), pairs.textView(4), pairs.textView(5), pairs.textView(6));
        insert.bind(1, kDemoJudgeName)
            .bind(2, pairs.int64(0))
            .bind(3, pairs.int64(1))
            .bind(4, pairs.int64(2))
            .bind(5, preference)
            .run();
        ++count;
        agree += preference == 1.0 ? 1 : 0;
    }
    tx.commit();
    return {count, agree};
}

}  // namespace

fs::path defaultWorkspacePath() {
    return paths::dataDir() / "demo.ladder";
}

DemoSummary initWorkspace(const fs::path& path, const DemoOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    if (options.prompts <= 0) {
        throw Error("the demo needs a positive number of prompts, not " +
                    std::to_string(options.prompts));
    }
    if (!(options.heldoutFraction >= 0 && options.heldoutFraction < 1)) {
        throw Error("the held-out fraction must be at least 0 and below 1");
    }
    if (path.has_parent_path()) {
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        if (ec) {
            throw Error("cannot create the folder " + path.parent_path().string() +
                        " for the demo "
                        "workspace (" +
                        ec.message() + "): choose another path");
        }
    }
    auto ws = store::Workspace::create(path, options.overwrite);
    store::Database& db = ws.db();

    DemoSummary summary;
    summary.path = path;
    const auto prompts = generatePrompts(options.prompts, options.seed);
    summary.prompts = static_cast<std::int64_t>(prompts.size());
    std::vector<std::string> ranks;
    for (const ModelProfile& model : demoModels()) {
        summary.models.push_back(importModel(db, prompts, model, options));
        ranks.push_back(model.name);
    }

    pairs::saveLadder(db, pairs::parseLadder(kDemoLadder, ranks));
    pairs::PairBuildOptions buildOptions;
    buildOptions.heldoutFraction = options.heldoutFraction;
    summary.pairs = pairs::PairBuilder(db, kDemoLadder, buildOptions).build();
    const auto [verdicts, agree] = judgePairs(db, summary.pairs.ladderId);
    summary.verdicts = verdicts;
    summary.judgeAgreement =
        verdicts > 0 ? static_cast<double>(agree) / static_cast<double>(verdicts) : 0;

    std::vector<curriculum::TierInfo> tiers;
    for (const auto& t : summary.pairs.tiers) tiers.push_back({t.tier, t.rankGap, t.train});
    const curriculum::StageLength oneEpoch{0, 1.0};
    std::vector<curriculum::Curriculum> presets = {
        curriculum::easyThenHard(tiers, oneEpoch),
        curriculum::uniformMix(tiers, oneEpoch),
        curriculum::singleTier(pairs::tierName(ranks.front(), ranks.back()), oneEpoch,
                               "single-tier"),
    };
    for (const auto& c : presets) {
        curriculum::saveCurriculum(db, c);
        summary.curricula.push_back(c.name);
    }
    ws.setInfo("demo", nlohmann::json{{"prompts", options.prompts},
                                      {"seed", options.seed},
                                      {"heldout_fraction", options.heldoutFraction},
                                      {"generator_version", kGeneratorVersion}}
                           .dump());
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log::get("demo")->info("demo workspace {}: {} prompts, {} pairs, {:.2f} s", path.string(),
                           summary.prompts, summary.pairs.pairs, summary.seconds);
    return summary;
}

std::string renderDemoSummary(const DemoSummary& s) {
    std::string out;
    char buf[256];
    std::snprintf(buf, sizeof buf, "demo workspace %s: %lld prompts, made in %.1f s\n",
                  s.path.c_str(), static_cast<long long>(s.prompts), s.seconds);
    out += buf;
    for (const auto& m : s.models) {
        std::snprintf(buf, sizeof buf,
                      "  model %-7s correct %5.1f%%, right and well formatted %5.1f%%\n",
                      m.model.c_str(), m.correct * 100.0, m.exact * 100.0);
        out += buf;
    }
    out += "  ladder " + std::string(kDemoLadder) + ": " + s.pairs.ladderSpec + "\n";
    out += pairs::renderTierCounts(s.pairs, "  ");
    std::snprintf(buf, sizeof buf,
                  "  demo judge prefers the chosen answer in %.1f%% of %lld pairs\n",
                  s.judgeAgreement * 100.0, static_cast<long long>(s.verdicts));
    out += buf;
    out += "  curricula: " + text::join(s.curricula) + "\n";
    return out;
}

}  // namespace ladder::demo
