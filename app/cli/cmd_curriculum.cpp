// ladder-cli curriculum show | preset | list: the stage table and each tier's share over the steps,
// and the ready-made curricula (easy-then-hard, uniform, single tier) for a ladder's tiers.
#include <cstdio>
#include <memory>

#include "app/cli/cli_context.h"
#include "core/common/error.h"
#include "core/curriculum/curriculum_store.h"
#include "core/curriculum/curriculum_table.h"
#include "core/curriculum/presets.h"
#include "core/pairs/ladder.h"
#include "core/pairs/training_pairs.h"

namespace ladder::cli {
namespace {

struct ShowArgs {
    std::string name;
    std::string ladder;
    std::int64_t batchSize = 16;
};

struct PresetArgs {
    std::string kind;
    std::string name;
    std::string ladder;
    std::string tier;
    std::int64_t steps = 0;
    double epochs = 0;
    std::int64_t blend = 0;
};

// Training pairs per tier (the held-out split is not trained on).
curriculum::TierCounts trainCounts(store::Database& db, const std::string& ladder) {
    curriculum::TierCounts counts;
    for (const auto& t : pairs::tierCounts(db, {.ladder = ladder})) counts[t.tier] = t.train;
    return counts;
}

void show(store::Database& db, const curriculum::Curriculum& c, const ShowArgs& args) {
    std::optional<curriculum::TierCounts> counts;
    if (!args.ladder.empty() || pairs::listLadders(db).size() == 1) {
        counts = trainCounts(db, ladderOrOnly(db, args.ladder));
    }
    std::fputs(curriculum::renderStageTable(c, counts ? &*counts : nullptr).c_str(), stdout);
    curriculum::Curriculum resolved = c;
    if (!c.isResolved()) {
        if (!counts) {
            std::printf("(give --ladder to turn epochs into steps and see the shares over time)\n");
            return;
        }
        bool usable = true;
        for (const auto& m : c.validate(&*counts)) {
            usable = usable && m.severity != curriculum::ValidationMessage::Severity::Error;
        }
        if (!usable) return;
        resolved = c.resolved(*counts, args.batchSize);
        std::printf("with batch size %lld:", static_cast<long long>(args.batchSize));
        for (std::size_t i = 0; i < resolved.stages.size(); ++i) {
            std::printf(" stage %zu = %lld steps;", i + 1,
                        static_cast<long long>(resolved.stages[i].steps));
        }
        std::printf(" total %lld\n", static_cast<long long>(resolved.totalSteps()));
    }
    std::fputs(curriculum::renderShareTable(resolved).c_str(), stdout);
}

void runPreset(const CliContext& context, const PresetArgs& args) {
    auto ws = context.openWorkspace();
    auto& db = ws.db();
    curriculum::StageLength length{args.steps, args.steps > 0 ? 0.0 : args.epochs};
    if (length.steps <= 0 && length.epochs <= 0) length.epochs = 1.0;
    curriculum::Curriculum c;
    if (args.kind == "single-tier") {
        if (args.tier.empty()) throw Error("single-tier needs --tier \"A>B\"");
        c = curriculum::singleTier(args.tier, length, args.name);
    } else {
        const std::string ladder = ladderOrOnly(db, args.ladder);
        std::vector<curriculum::TierInfo> tiers;
        for (const auto& t : pairs::tierCounts(db, {.ladder = ladder})) {
            tiers.push_back({t.tier, t.rankGap, t.train});
        }
        if (tiers.empty()) {
            throw Error("ladder " + ladder +
                        " has no pairs yet: `ladder-cli pairs build --ladder " + ladder +
                        "` first");
        }
        c = args.kind == "uniform"
                ? curriculum::uniformMix(tiers, length, args.name.empty() ? "uniform" : args.name)
                : curriculum::easyThenHard(tiers, length, args.blend,
                                           args.name.empty() ? "easy-then-hard" : args.name);
    }
    curriculum::saveCurriculum(db, c);
    std::printf("stored curriculum %s\n", c.name.c_str());
    show(db, c, ShowArgs{c.name, args.ladder, 16});
}

}  // namespace

void addCurriculumCommands(CLI::App& app, CliContext& context) {
    auto* cmd = app.add_subcommand("curriculum", "Show and make curricula (stages of tier mixes)");
    cmd->require_subcommand(1);

    auto showArgs = std::make_shared<ShowArgs>();
    auto* showCmd = cmd->add_subcommand(
        "show", "The stage table and each tier's share of the batch over the steps");
    addWorkspaceOption(*showCmd, context);
    showCmd->add_option("name", showArgs->name, "Curriculum (default: all)");
    showCmd->add_option("--ladder", showArgs->ladder, "Count the pairs of this ladder's tiers");
    showCmd
        ->add_option("--batch-size", showArgs->batchSize,
                     "Pairs per step, to turn epochs into steps")
        ->check(CLI::PositiveNumber);
    showCmd->callback([&context, showArgs] {
        auto ws = context.openWorkspace(/*readOnly=*/true);
        if (!showArgs->name.empty()) {
            show(ws.db(), curriculum::loadCurriculum(ws.db(), showArgs->name), *showArgs);
            return;
        }
        const auto all = curriculum::listCurricula(ws.db());
        if (all.empty())
            std::printf("no curricula yet: `ladder-cli curriculum preset easy-then-hard`\n");
        for (const auto& c : all) {
            show(ws.db(), c, *showArgs);
            std::printf("\n");
        }
    });

    auto presetArgs = std::make_shared<PresetArgs>();
    auto* presetCmd = cmd->add_subcommand("preset", "Store a ready-made curriculum for a ladder");
    addWorkspaceOption(*presetCmd, context);
    presetCmd->add_option("kind", presetArgs->kind, "easy-then-hard, uniform or single-tier")
        ->required()
        ->check(CLI::IsMember(curriculum::presetNames()));
    presetCmd->add_option("--name", presetArgs->name, "Name to store it under (default: the kind)");
    presetCmd->add_option("--ladder", presetArgs->ladder, "The ladder whose tiers it mixes");
    presetCmd->add_option("--tier", presetArgs->tier, "The tier of single-tier (\"A>B\")");
    presetCmd->add_option("--steps", presetArgs->steps, "Steps per stage");
    presetCmd->add_option("--epochs", presetArgs->epochs, "Epochs per stage (default 1)");
    presetCmd->add_option("--blend", presetArgs->blend,
                          "easy-then-hard: blend each stage in over N steps (0 = switch)");
    presetCmd->callback([&context, presetArgs] { runPreset(context, *presetArgs); });

    auto* listCmd = cmd->add_subcommand("list", "List the stored curricula");
    addWorkspaceOption(*listCmd, context);
    listCmd->callback([&context] {
        auto ws = context.openWorkspace(/*readOnly=*/true);
        for (const auto& c : curriculum::listCurricula(ws.db())) {
            std::printf("%-24s %zu stage%s\n", c.name.c_str(), c.stages.size(),
                        c.stages.size() == 1 ? "" : "s");
        }
    });
}

}  // namespace ladder::cli
