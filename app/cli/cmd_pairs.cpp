// ladder-cli pairs build | stats | judge | self-rank | export: make preference pairs from a ladder (with the
// preflight report), summarise them with the judges' agreement, have a judge (a local model) give
// its verdicts on them, and write them out as TRL JSONL.
#include <cstdio>
#include <map>
#include <memory>

#include "app/cli/cli_context.h"
#include "app/cli/judge_choice.h"
#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/eval/pair_judging.h"
#include "core/eval/self_rank.h"
#include "core/pairs/judge_agreement.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_builder.h"
#include "core/pairs/pair_dynamics.h"
#include "core/pairs/training_pairs.h"
#include "core/store/workspace_files.h"
#include "core/tokenizer/tokenizer.h"

namespace ladder::cli {
namespace {

struct BuildArgs {
    std::string ladder;
    std::vector<std::string> tiers;
    std::size_t maxChars = 0;
    std::string tokenizer;
    std::size_t maxTokens = 0;
    bool dropOverLength = false;
    double heldout = 0.05;
    bool keepIdentical = false;
    bool keepEmpty = false;
    bool noDedupe = false;
    bool dryRun = false;
};

struct StatsArgs {
    std::string ladder;
    std::size_t listDisagreements = 0;
};

struct JudgeArgs {
    std::string ladder;
    JudgeChoice judge;
    std::vector<std::string> tiers;
    std::string split;
    int limit = 0;
    int batch = 16;
};

struct SelfRankArgs {
    std::string source;
    std::string ladder;
    JudgeChoice judge;
    double heldout = 0.05;
};

struct ExportArgs {
    std::string out;
    std::string ladder;
    std::vector<std::int64_t> datasets;
    std::vector<std::string> tiers;
    std::string split;
    bool metadata = false;
    bool force = false;
};

void runBuild(const CliContext& context, const BuildArgs& args) {
    auto ws = context.openWorkspace(/*readOnly=*/args.dryRun);
    pairs::PairBuildOptions options;
    options.tiers = args.tiers;
    options.maxChars = args.maxChars;
    if (!args.tokenizer.empty()) {
        options.countTokens = tokenizer::tokenCounter(args.tokenizer);
        options.tokenizerName = std::filesystem::path(args.tokenizer).filename().string();
        options.maxTokens = args.maxTokens;
    } else if (args.maxTokens > 0) {
        throw Error("--max-tokens counts with a tokenizer: give --tokenizer (a model folder or "
                    "its tokenizer.json)");
    }
    options.dropOverLength = args.dropOverLength;
    options.heldoutFraction = args.heldout;
    options.skipIdentical = !args.keepIdentical;
    options.skipEmpty = !args.keepEmpty;
    options.dedupe = !args.noDedupe;
    pairs::PairBuilder builder(ws.db(), args.ladder, options);
    const auto report = args.dryRun ? builder.preflight() : builder.build();
    std::fputs(pairs::renderPreflightReport(report).c_str(), stdout);
    const auto agreement = pairs::judgeAgreement(ws.db(), args.ladder);
    if (!agreement.tiers.empty()) {
        std::printf("\n%s", pairs::renderJudgeAgreement(agreement).c_str());
    }
}

// Judges against each other on the same two sources' answers to the same prompts: every pair of
// judges of the workspace, or `only` against the others.
void printJudgesAgreement(store::Database& db, const std::string& only) {
    std::vector<std::string> judges;
    if (only.empty()) {
        auto q = db.prepare("SELECT DISTINCT judge FROM verdicts ORDER BY judge");
        while (q.step()) judges.push_back(q.text(0));
    } else {
        judges.push_back(only);
    }
    bool header = false;
    for (const auto& judge : judges) {
        for (const auto& a : eval::agreementWithOtherJudges(db, judge)) {
            if (only.empty() && a.other < judge) continue;  // each pair of judges once
            if (!header) std::printf("judges against each other (the same prompt and two sources):\n");
            header = true;
            std::printf("  %s and %s prefer the same answer in %lld of %lld (%.1f%%)\n",
                        judge.c_str(), a.other.c_str(), static_cast<long long>(a.same),
                        static_cast<long long>(a.prompts), 100.0 * a.share());
        }
    }
}

void runStats(const CliContext& context, const StatsArgs& args) {
    auto ws = context.openWorkspace(/*readOnly=*/true);
    std::vector<pairs::Ladder> ladders;
    if (args.ladder.empty()) {
        ladders = pairs::listLadders(ws.db());
    } else {
        ladders.push_back(pairs::loadLadder(ws.db(), args.ladder));
    }
    if (ladders.empty()) std::printf("no ladders yet: `ladder-cli ladder set NAME A B C`\n");
    for (const auto& ladder : ladders) {
        std::printf("ladder %s: %s\n", ladder.name.c_str(), ladder.describe().c_str());
        std::printf("  %-44s %4s %5s %8s %8s %6s  %s\n", "tier", "gap", "diff", "train", "heldout",
                    "trunc", "annotations keep/flip/tie/discard");
        std::int64_t total = 0;
        for (const auto& t : pairs::tierCounts(ws.db(), {.ladderId = ladder.id})) {
            std::printf("  %-44s %4d %5.2f %8lld %8lld %6lld  %lld/%lld/%lld/%lld\n",
                        t.tier.c_str(), t.rankGap, t.difficulty, static_cast<long long>(t.train),
                        static_cast<long long>(t.heldout), static_cast<long long>(t.truncated),
                        static_cast<long long>(t.kept), static_cast<long long>(t.flipped),
                        static_cast<long long>(t.tied), static_cast<long long>(t.discarded));
            total += t.train + t.heldout;
        }
        if (total == 0) {
            std::printf("  no pairs: `ladder-cli pairs build --ladder %s`\n", ladder.name.c_str());
        }
        std::fputs(pairs::renderJudgeAgreement(pairs::judgeAgreement(ws.db(), ladder.name),
                                               args.listDisagreements)
                       .c_str(),
                   stdout);
    }
    auto imported = ws.db().prepare(
        "SELECT d.id, d.name, d.format, count(p.id), sum(p.split = 'heldout') FROM datasets d "
        "JOIN pairs p ON p.dataset_id = d.id GROUP BY d.id ORDER BY d.id");
    bool header = false;
    while (imported.step()) {
        if (!header) std::printf("imported pairs:\n");
        header = true;
        std::printf("  dataset #%lld %-28s %-18s %8lld pairs (%lld held out)\n",
                    static_cast<long long>(imported.int64(0)), imported.text(1).c_str(),
                    imported.text(2).c_str(), static_cast<long long>(imported.int64(3)),
                    static_cast<long long>(imported.int64(4)));
    }
    printJudgesAgreement(ws.db(), "");
}

void runExport(const CliContext& context, const ExportArgs& args) {
    auto ws = context.openWorkspace(/*readOnly=*/true);
    store::refuseOverwritingDatabase(args.out, ws.path(), args.force);
    pairs::PairSelection selection;
    selection.ladder = args.ladder;
    selection.datasetIds = args.datasets;
    selection.tiers = args.tiers;
    selection.split = args.split;
    if (selection.datasetIds.empty()) selection.ladder = ladderOrOnly(ws.db(), args.ladder);
    pairs::AnnotationEffects effects;
    const auto pairs = pairs::loadTrainingPairs(ws.db(), selection, &effects);
    const auto n = pairs::exportTrlJsonl(pairs, args.out, args.metadata);
    std::printf(
        "wrote %lld pairs to %s (%lld flipped by annotators; left out: %lld discarded, "
        "%lld ties)\n",
        static_cast<long long>(n), args.out.c_str(), static_cast<long long>(effects.flipped),
        static_cast<long long>(effects.discarded), static_cast<long long>(effects.tied));
}

void runJudge(const CliContext& context, const JudgeArgs& args) {
    auto ws = context.openWorkspace();
    const auto judge = makeChosenJudge(args.judge, ws.db());
    eval::PairJudgingOptions options;
    options.tiers = args.tiers;
    options.split = args.split;
    options.limit = args.limit;
    options.batch = args.batch;
    if (!context.quiet) {
        std::fprintf(stderr, "judging ladder %s's pairs with %s (%s)\n", args.ladder.c_str(),
                     judge->name().c_str(), judge->symmetric() ? "one order" : "both orders");
    }
    bool shown = false;
    double lastShown = -1;
    const auto progress = [&](const eval::PairJudgingProgress& p) {
        if (context.quiet || (p.done < p.total && p.seconds - lastShown < 0.5)) return;
        lastShown = p.seconds;
        shown = true;
        const double fresh = static_cast<double>(p.done - p.resumed);
        const double left = static_cast<double>(p.total - p.done);
        std::fprintf(stderr, "\rpairs %lld/%lld  %.2f pairs/s  ETA %s   ",
                     static_cast<long long>(p.done), static_cast<long long>(p.total),
                     p.seconds > 0 ? fresh / p.seconds : 0.0,
                     fresh > 0 ? clock::formatDuration(p.seconds / fresh * left).c_str() : "--");
        std::fflush(stderr);
    };
    eval::PairJudgingProgress result;
    {
        const StopOnInterrupt interrupts;
        result = eval::judgePairs(ws.db(), args.ladder, *judge, options, progress,
                                  &StopOnInterrupt::requested());
    }
    if (shown) std::fprintf(stderr, "\n");
    std::printf("%s: %lld of %lld pairs have its verdict%s%s\n", judge->name().c_str(),
                static_cast<long long>(result.done), static_cast<long long>(result.total),
                result.errors ? (" (" + std::to_string(result.errors) + " failed: run again)").c_str() : "",
                result.done < result.total && !result.errors
                    ? " (stopped: the same command goes on)"
                    : "");
    const auto agreement = pairs::judgeAgreement(ws.db(), args.ladder);
    if (!agreement.tiers.empty()) std::printf("%s", pairs::renderJudgeAgreement(agreement).c_str());
    printJudgesAgreement(ws.db(), judge->name());
}

void runSelfRank(const CliContext& context, const SelfRankArgs& args) {
    auto ws = context.openWorkspace();
    const auto judge = makeChosenJudge(args.judge, ws.db());
    eval::SelfRankOptions options;
    options.source = args.source;
    options.ladder = args.ladder;
    options.heldoutFraction = args.heldout;
    const auto result = eval::selfRankPairs(
        ws.db(), *judge, options, [&](std::int64_t done, std::int64_t total) {
            if (context.quiet || (done % 50 != 0 && done != total)) return;
            std::fprintf(stderr, "\rprompts %lld/%lld   ", static_cast<long long>(done),
                         static_cast<long long>(total));
            if (done == total) std::fprintf(stderr, "\n");
        });
    std::printf("ladder %s, tier %s: %lld pairs (best against worst by %s) from %lld prompts with "
                "several answers; %lld where the judge scored them all alike; %lld comparisons in %s\n",
                result.ladder.c_str(), result.tier.c_str(), static_cast<long long>(result.pairs),
                judge->name().c_str(), static_cast<long long>(result.prompts),
                static_cast<long long>(result.undecided), static_cast<long long>(result.comparisons),
                clock::formatDuration(result.seconds).c_str());
    std::printf("next: train on it with \"data\": {\"ladder\": \"%s\"} in a run config\n",
                result.ladder.c_str());
}

struct DynamicsArgs {
    std::int64_t run = 0;
    bool bySource = false;
    std::string list;  // never, learned, forgotten, right
    int limit = 20;
};

// ladder-cli pairs dynamics: what a run learned pair by pair (per-pair margins at each evaluation).
void runDynamics(const CliContext& context, const DynamicsArgs& args) {
    auto ws = context.openWorkspace(/*readOnly=*/true);
    const auto all = pairs::pairDynamics(ws.db(), args.run);
    if (all.empty()) {
        throw Error("run " + std::to_string(args.run) + " has no pair margins at two evaluations or "
                    "more: runs record them at each evaluation (eval.every) while margin_pairs > 0");
    }
    for (const bool heldOut : {false, true}) {
        const auto rows = pairs::learnability(all, args.bySource, heldOut);
        if (rows.empty()) continue;
        std::printf("%s pairs by %s: learned / never learned / forgotten / right from the start\n",
                    heldOut ? "held-out" : "training (a fixed sample)", args.bySource ? "chosen source" : "tier");
        for (const auto& r : rows) {
            const auto pct = [&r](std::int64_t n) { return 100.0 * static_cast<double>(n) / static_cast<double>(r.pairs); };
            std::printf("  %-28s %5lld pairs  %5.1f%% / %5.1f%% / %5.1f%% / %5.1f%%\n", r.group.c_str(),
                        static_cast<long long>(r.pairs), pct(r.learned), pct(r.neverLearned),
                        pct(r.forgotten), pct(r.rightFromTheStart));
        }
    }
    if (args.list.empty()) return;
    const std::map<std::string, pairs::PairLearning> kinds = {
        {"never", pairs::PairLearning::NeverLearned}, {"learned", pairs::PairLearning::LearnedAt},
        {"forgotten", pairs::PairLearning::Forgotten}, {"right", pairs::PairLearning::RightFromTheStart}};
    const auto wanted = kinds.at(args.list);
    int shown = 0;
    for (const auto& d : all) {
        if (d.learning != wanted || shown >= args.limit) continue;
        ++shown;
        std::string path;
        for (const auto& [step, margin] : d.margins) {
            char part[48];
            std::snprintf(part, sizeof part, "%s%lld:%+.3f", path.empty() ? "" : " ",
                          static_cast<long long>(step), margin);
            path += part;
        }
        std::printf("pair %lld (%s%s)%s: %s\n", static_cast<long long>(d.pairId), d.tier.c_str(),
                    d.heldOut ? ", held out" : "",
                    d.learning == pairs::PairLearning::LearnedAt
                        ? (" learned at step " + std::to_string(d.learnedAt)).c_str()
                        : "",
                    path.c_str());
    }
}

}  // namespace

void addPairCommands(CLI::App& app, CliContext& context) {
    auto* pairsCmd = app.add_subcommand("pairs", "Build, summarise, judge and export preference pairs");
    pairsCmd->require_subcommand(1);

    auto build = std::make_shared<BuildArgs>();
    auto* buildCmd = pairsCmd->add_subcommand(
        "build", "Build pairs from a ladder (higher rank = chosen) and print the preflight report");
    addWorkspaceOption(*buildCmd, context);
    buildCmd->add_option("--ladder", build->ladder, "Ladder name")->required();
    buildCmd->add_option("--tiers", build->tiers, "Only these tiers (\"A>B\"; quote the >)");
    buildCmd->add_option("--max-chars", build->maxChars,
                         "Length cap on prompt + answer in characters; longer pairs are marked "
                         "truncated (0 = none)");
    buildCmd->add_option("--tokenizer", build->tokenizer,
                         "A model folder (or tokenizer.json): the report gives each tier's "
                         "lengths in its tokens");
    buildCmd->add_option("--max-tokens", build->maxTokens,
                         "Length cap on prompt + answer in --tokenizer's tokens (the training "
                         "max_length); longer pairs are marked truncated (0 = none)");
    buildCmd->add_flag("--drop-over-length", build->dropOverLength,
                       "Drop pairs over --max-chars or --max-tokens instead of marking them");
    buildCmd->add_option("--heldout", build->heldout, "Share of prompts held out for evaluation")
        ->check(CLI::Range(0.0, 0.99));
    buildCmd->add_flag("--keep-identical", build->keepIdentical, "Keep pairs of identical answers");
    buildCmd->add_flag("--keep-empty", build->keepEmpty, "Keep pairs with an empty answer");
    buildCmd->add_flag("--no-dedupe", build->noDedupe,
                       "Keep repeated (chosen, rejected) texts of one prompt in several tiers");
    buildCmd->add_flag("--dry-run", build->dryRun, "Only print the report; write nothing");
    buildCmd->callback([&context, build] { runBuild(context, *build); });

    auto stats = std::make_shared<StatsArgs>();
    auto* statsCmd = pairsCmd->add_subcommand(
        "stats", "Pairs per ladder and tier, annotations, and the judges' agreement with ladders");
    addWorkspaceOption(*statsCmd, context);
    statsCmd->add_option("--ladder", stats->ladder, "Only this ladder");
    statsCmd->add_option("--list-disagreements", stats->listDisagreements,
                         "List up to N pairs where a judge prefers the rejected answer");
    statsCmd->callback([&context, stats] { runStats(context, *stats); });

    auto judgeArgs = std::make_shared<JudgeArgs>();
    auto* judgeCmd = pairsCmd->add_subcommand(
        "judge",
        "A judge's verdicts on a ladder's pairs (both orders), stored beside imported ones: its "
        "agreement with the ladder and with other judges (Ctrl+C stops, the same command goes on)");
    addWorkspaceOption(*judgeCmd, context);
    judgeCmd->add_option("--ladder", judgeArgs->ladder, "Ladder name")->required();
    addJudgeOptions(*judgeCmd, judgeArgs->judge);
    judgeCmd->add_option("--tiers", judgeArgs->tiers, "Only these tiers (\"A>B\"; quote the >)");
    judgeCmd->add_option("--split", judgeArgs->split, "train or heldout (default: both)")
        ->check(CLI::IsMember({"train", "heldout"}));
    judgeCmd->add_option("--limit", judgeArgs->limit, "An evenly spread subset of N pairs (0: all)")
        ->check(CLI::NonNegativeNumber);
    judgeCmd->add_option("--batch", judgeArgs->batch, "Pairs per judge call and per commit")
        ->check(CLI::Range(1, 4096));
    judgeCmd->callback([&context, judgeArgs] { runJudge(context, *judgeArgs); });

    auto selfRank = std::make_shared<SelfRankArgs>();
    auto* selfRankCmd = pairsCmd->add_subcommand(
        "self-rank",
        "Pairs from one source's several answers to each prompt (generate-source "
        "--samples-per-prompt K): a judge ranks them, best against worst makes the tier "
        "SOURCE:best>worst of a ladder of its own");
    addWorkspaceOption(*selfRankCmd, context);
    selfRankCmd->add_option("--source", selfRank->source, "The source with several answers a prompt")
        ->required();
    selfRankCmd->add_option("--ladder", selfRank->ladder, "The ladder's name (default SOURCE-self)");
    addJudgeOptions(*selfRankCmd, selfRank->judge);
    selfRankCmd->add_option("--heldout", selfRank->heldout, "Share of prompts held out for evaluation")
        ->check(CLI::Range(0.0, 0.99));
    selfRankCmd->callback([&context, selfRank] { runSelfRank(context, *selfRank); });

    auto exportArgs = std::make_shared<ExportArgs>();
    auto* exportCmd = pairsCmd->add_subcommand(
        "export", "Write pairs (annotations applied) as TRL JSONL {prompt, chosen, rejected}");
    addWorkspaceOption(*exportCmd, context);
    exportCmd->add_option("--out", exportArgs->out, "Output file (.jsonl)")->required();
    exportCmd->add_option("--ladder", exportArgs->ladder, "The ladder's pairs");
    exportCmd->add_option("--dataset", exportArgs->datasets, "Imported pair datasets (ids)");
    exportCmd->add_option("--tiers", exportArgs->tiers, "Only these tiers");
    exportCmd->add_option("--split", exportArgs->split, "train or heldout (default: both)")
        ->check(CLI::IsMember({"train", "heldout"}));
    exportCmd->add_flag("--metadata", exportArgs->metadata, "Add pair_id, tier and split");
    exportCmd->add_flag("--force", exportArgs->force,
                        "Write even over an SQLite database (never over the workspace itself)");
    exportCmd->callback([&context, exportArgs] { runExport(context, *exportArgs); });

    auto dynamics = std::make_shared<DynamicsArgs>();
    auto* dynamicsCmd = pairsCmd->add_subcommand(
        "dynamics", "What a run learned pair by pair: learned, never learned, forgotten, per tier "
                    "or source (its margins at each evaluation)");
    addWorkspaceOption(*dynamicsCmd, context);
    dynamicsCmd->add_option("--run", dynamics->run, "The run")->required();
    dynamicsCmd->add_flag("--by-source", dynamics->bySource, "Group by the chosen answer's source, not the tier");
    dynamicsCmd->add_option("--list", dynamics->list, "List pairs that were: never, learned, forgotten, right")
        ->check(CLI::IsMember({"never", "learned", "forgotten", "right"}));
    dynamicsCmd->add_option("--limit", dynamics->limit, "How many to list (20)");
    dynamicsCmd->callback([&context, dynamics] { runDynamics(context, *dynamics); });
}

}  // namespace ladder::cli
