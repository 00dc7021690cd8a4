// bench_padding: the share of padded tokens in a run's batches on the shared AlpacaEval ladder,
// drawn by the plain curriculum sampler and by the length-grouped one for a few group sizes.
// Pairs as the README's walk-through of the paper builds them (gpt4 > gpt-3.5-turbo-0301 >
// text_davinci_003 > text_davinci_001, 5% of prompts held out), tokenized with Qwen2.5-0.5B-
// Instruct's chat template and Ladder's default length caps. Counts tokens only: no model runs.
//
// What it shows (batch 8, caps 256/128): about 48% of the slots are padding in the old layout
// without grouping and 28-29% with groups of 16 batches; most of that cannot be removed by
// batching while a pair's chosen and rejected rows share one answer width (one pair a batch still
// pads 19%). Packed pairs (a row per pair, the runs' default) with groups of 16: about 4%.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bench/bench_args.h"
#include "core/common/paths.h"
#include "core/curriculum/length_grouped_sampler.h"
#include "core/curriculum/presets.h"
#include "core/data/dataset_import.h"
#include "core/format/text_format.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_builder.h"
#include "core/pairs/training_pairs.h"
#include "core/store/workspace.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/batch.h"
#include "core/train/padding_share.h"

namespace {

namespace fs = std::filesystem;
using ladder::curriculum::Curriculum;
using ladder::train::TokenizedPair;
using Batches = std::vector<std::vector<std::int64_t>>;

const std::vector<std::string> kLadder = {"gpt4", "gpt-3.5-turbo-0301", "text_davinci_003",
                                          "text_davinci_001"};
constexpr std::int64_t kGroupSizes[] = {4, 8, 16, 32, 64};

// A folder removed when the benchmark ends, however it ends.
struct TempFolder {
    fs::path path = fs::temp_directory_path() / ("bench_padding-" + std::to_string(::getpid()));
    TempFolder() { fs::create_directories(path); }
    ~TempFolder() {
        std::error_code ignored;
        ladder::paths::removeTree(path, ignored);
    }
};

struct Schedule {
    std::string label;
    Curriculum curriculum;  // resolved
    std::int64_t steps = 0;
};

template <typename Sampler>
Batches draw(Sampler sampler, std::int64_t steps, std::size_t batchSize) {
    Batches batches;
    for (std::int64_t s = 0; s < steps; ++s) batches.push_back(sampler.nextBatch(batchSize));
    return batches;
}

double percentile(std::vector<std::int64_t> v, double q) {
    std::sort(v.begin(), v.end());
    return static_cast<double>(v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))]);
}

}  // namespace

int main(int argc, char** argv) {
    const ladder::bench::PositionalArgs args(
        argc, argv, "[batch=8] [steps=200] [max_length=256] [max_prompt_length=128]\n"
                    "  the shared data: $LADDER_SHARED_DIR (default " LADDER_SHARED_DIR ")", 4);
    const auto batchSize = static_cast<std::size_t>(args.integer(1, 8, 1, 4096));
    const std::int64_t runSteps = args.integer(2, 200, 1, 1'000'000);
    const ladder::train::LengthCaps caps{args.integer(3, 256, 2, 1 << 20),
                                         args.integer(4, 128, 1, 1 << 20)};
    fs::path shared = LADDER_SHARED_DIR;
    if (const char* env = std::getenv("LADDER_SHARED_DIR"); env && *env) shared = env;
    const fs::path alpaca = shared / "data/alpaca_eval";
    const fs::path model = shared / "data/models/Qwen2.5-0.5B-Instruct";
    for (const fs::path& needed :
         {alpaca / "gpt4.model_outputs.json", model / "tokenizer_config.json"}) {
        if (!fs::exists(needed)) {
            std::printf("bench_padding: skipped: %s is missing. It reads the AlpacaEval outputs "
                        "and the Qwen2.5-0.5B-Instruct tokenizer of the shared data folder: point "
                        "$LADDER_SHARED_DIR at a folder with data/alpaca_eval/ and "
                        "data/models/Qwen2.5-0.5B-Instruct/\n",
                        needed.c_str());
            return 0;
        }
    }

    try {
        const auto started = std::chrono::steady_clock::now();
        TempFolder temp;
        auto ws = ladder::store::Workspace::create(temp.path / "padding.ladder");
        for (const auto& source : kLadder) {
            (void)ladder::data::importFile(ws.db(), alpaca / (source + ".model_outputs.json"));
        }
        ladder::pairs::saveLadder(ws.db(), ladder::pairs::parseLadder("main", kLadder));
        (void)ladder::pairs::PairBuilder(ws.db(), "main").build();
        ladder::pairs::PairSelection selection;
        selection.ladder = "main";
        selection.split = "train";
        const auto train = ladder::pairs::loadTrainingPairs(ws.db(), selection);

        const auto tokenizer = ladder::tokenizer::loadTokenizer(model);
        const auto textFormat = ladder::format::TextFormat::resolve("auto", *tokenizer);
        std::vector<TokenizedPair> pairs;
        std::map<std::string, std::vector<std::int64_t>> byTier;
        ladder::curriculum::TierCounts counts;
        std::map<std::string, ladder::curriculum::TierInfo> tierInfo;
        std::vector<std::int64_t> promptLengths, answerLengths;
        for (const auto& p : train) {
            byTier[p.tier].push_back(static_cast<std::int64_t>(pairs.size()));
            ++counts[p.tier];
            tierInfo[p.tier] = {p.tier, std::max(1, p.rankGap), counts[p.tier]};
            pairs.push_back(ladder::train::tokenizePair(p, textFormat, caps));
            promptLengths.push_back(static_cast<std::int64_t>(pairs.back().prompt.size()));
            answerLengths.push_back(static_cast<std::int64_t>(pairs.back().chosen.size()));
            answerLengths.push_back(static_cast<std::int64_t>(pairs.back().rejected.size()));
        }
        std::vector<ladder::curriculum::TierInfo> tiers;
        for (const auto& [name, info] : tierInfo) tiers.push_back(info);
        const auto truncation = ladder::train::truncationReport(pairs);
        std::printf("%zu training pairs in %zu tiers, %s; caps %d / %d tokens; %.1f s to build and "
                    "tokenize\n", pairs.size(), tiers.size(), textFormat.name().c_str(),
                    caps.maxLength, caps.maxPromptLength,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                        .count());
        std::printf("truncation: %s\n", truncation.text().c_str());
        std::printf("tokens: prompts median %.0f, p90 %.0f, max %.0f; answers median %.0f, p90 "
                    "%.0f, max %.0f\n\n",
                    percentile(promptLengths, 0.5), percentile(promptLengths, 0.9),
                    percentile(promptLengths, 1.0), percentile(answerLengths, 0.5),
                    percentile(answerLengths, 0.9), percentile(answerLengths, 1.0));

        // What the trainer builds for a run of runSteps (trainer.cpp chooseCurriculum), and the
        // README's stored preset (`ladder-cli curriculum preset easy-then-hard`: one epoch a stage).
        std::set<int> gaps;
        for (const auto& t : tiers) gaps.insert(t.rankGap);
        const auto stages = static_cast<std::int64_t>(gaps.size());
        const auto batch = static_cast<std::int64_t>(batchSize);
        std::vector<Schedule> schedules;
        schedules.push_back({"uniform (the run config's default)",
                             ladder::curriculum::uniformMix(tiers, {.steps = runSteps})
                                 .resolved(counts, batch),
                             runSteps});
        schedules.push_back(
            {"easy-then-hard, " + std::to_string(runSteps) + " steps",
             ladder::curriculum::easyThenHard(tiers, {.steps = (runSteps + stages - 1) / stages})
                 .resolved(counts, batch),
             runSteps});
        auto epochs = ladder::curriculum::easyThenHard(tiers, {.epochs = 1.0})
                          .resolved(counts, batch);
        const std::int64_t epochSteps = epochs.totalSteps();
        schedules.push_back({"easy-then-hard, 1 epoch a stage (README)", std::move(epochs),
                             epochSteps});

        // Padding no batching removes while a pair's two answer rows share one width: one pair a
        // batch (its shorter answer up to its longer, nothing else).
        Batches onePairEach;
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            onePairEach.push_back({static_cast<std::int64_t>(i)});
        }
        const double floor = ladder::train::batchesPadding(pairs, onePairEach, true).share();

        using LengthOf = ladder::curriculum::LengthGroupedSampler::LengthOf;
        const LengthOf byKey = [&pairs](std::int64_t i) {
            return ladder::train::lengthGroupingKey(pairs[static_cast<std::size_t>(i)]);
        };
        const LengthOf byPacked = [&pairs](std::int64_t i) {
            return ladder::train::lengthGroupingKey(pairs[static_cast<std::size_t>(i)], true);
        };
        const LengthOf byTotal = [&pairs](std::int64_t i) {  // the simpler key, for comparison
            const TokenizedPair& p = pairs[static_cast<std::size_t>(i)];
            return static_cast<std::int64_t>(p.prompt.size() +
                                             std::max(p.chosen.size(), p.rejected.size()));
        };
        std::printf("batch %zu, chosen and rejected rows, seed 0. Shares of all slots of the prompt "
                    "and answer tensors\n  (packed: the one row per pair the runs use by default):\n  padded = prompt + within pairs (a pair's shorter "
                    "answer up to its longer) + across pairs;\n  groups sorted by the longer "
                    "answer, then the prompt (\"p+a\": by prompt + longer answer)\n",
                    batchSize);
        std::printf("%-42s %6s %11s %8s %8s %8s %8s %11s\n", "curriculum", "steps", "grouping",
                    "padded", "prompt", "within", "across", "slots/step");
        for (const Schedule& s : schedules) {
            const auto row = [&](const std::string& grouping, const Batches& batches,
                                 bool packed = false) {
                const auto c = ladder::train::batchesPadding(pairs, batches, true, packed);
                const auto pct = [&c](std::int64_t n) {
                    return 100.0 * static_cast<double>(n) / static_cast<double>(c.slots());
                };
                std::printf("%-42s %6lld %11s %7.1f%% %7.1f%% %7.1f%% %7.1f%% %11.0f\n",
                            s.label.c_str(), static_cast<long long>(s.steps), grouping.c_str(),
                            100.0 * c.share(), pct(c.promptPadded), pct(c.withinPairs),
                            pct(c.paddedTokens - c.promptPadded - c.withinPairs),
                            static_cast<double>(c.slots()) / static_cast<double>(s.steps));
            };
            const auto grouped = [&](std::int64_t g, const LengthOf& key) {
                return draw(ladder::curriculum::LengthGroupedSampler(
                                s.curriculum, byTier, 0, {.groupBatches = g, .endStep = s.steps},
                                key),
                            s.steps, batchSize);
            };
            row("none", draw(ladder::curriculum::CurriculumSampler(s.curriculum, byTier, 0),
                             s.steps, batchSize));
            for (const std::int64_t g : kGroupSizes) row("G=" + std::to_string(g), grouped(g, byKey));
            row("G=16 p+a", grouped(16, byTotal));
            // Packed pairs (the run default): a row per pair, sorted by the row's length.
            row("packed", draw(ladder::curriculum::CurriculumSampler(s.curriculum, byTier, 0),
                               s.steps, batchSize), true);
            for (const std::int64_t g : kGroupSizes) {
                row("packed G=" + std::to_string(g), grouped(g, byPacked), true);
            }
        }
        std::printf("\nfloor with one pair a batch (all of it within pairs): %.1f%%. Below it only "
                    "rows without padding (packed pairs, the rows marked packed) go.\n", 100.0 * floor);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_padding: %s\n", e.what());
        return 1;
    }
}
