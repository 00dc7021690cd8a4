#include "core/train/data_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/curriculum/curriculum_store.h"
#include "core/curriculum/length_grouped_sampler.h"
#include "core/curriculum/presets.h"
#include "core/format/text_format.h"
#include "core/pairs/training_pairs.h"
#include "core/store/workspace.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/batch.h"
#include "core/train/loss.h"
#include "core/train/pair_preview.h"
#include "core/train/run_config.h"

namespace ladder::train {

curriculum::Curriculum chooseCurriculum(store::Database& db, const RunConfig& config,
                                        const std::vector<pairs::TrainingPair>& train) {
    std::map<std::string, curriculum::TierInfo> byTier;
    for (const auto& p : train) {
        auto& t = byTier[p.tier];
        t.name = p.tier;
        t.rankGap = std::max(1, p.rankGap);
        ++t.pairs;
    }
    std::vector<curriculum::TierInfo> tiers;
    for (auto& [name, info] : byTier) tiers.push_back(info);
    const std::int64_t steps = config.maxSteps;

    if (!config.data.curriculumSpec.is_null()) {
        return curriculum::Curriculum::fromJson(config.data.curriculumSpec);
    }
    const std::string& name = config.data.curriculum;
    if (name.empty() || name == "uniform") {
        return curriculum::uniformMix(tiers, {.steps = steps});
    }
    for (const auto& stored : curriculum::listCurricula(db)) {
        if (stored.name == name) return stored;
    }
    if (name == "easy-then-hard") {
        std::set<int> gaps;
        for (const auto& t : tiers) gaps.insert(t.rankGap);
        const auto stages = static_cast<std::int64_t>(std::max<std::size_t>(1, gaps.size()));
        return curriculum::easyThenHard(tiers, {.steps = (steps + stages - 1) / stages});
    }
    if (name == "single-tier") {
        if (config.data.tiers.size() != 1) {
            throw Error("curriculum single-tier needs exactly one tier in data.tiers");
        }
        return curriculum::singleTier(config.data.tiers.front(), {.steps = steps});
    }
    // Not stored and not a preset: let the store's message list what exists.
    return curriculum::loadCurriculum(db, name);
}

namespace {

std::int64_t microSteps(const RunConfig& config) {
    // The sampler counts micro-batches: grad_accum of them make an optimiser step.
    return std::int64_t{config.maxSteps} * std::max(1, config.gradAccum);
}

}  // namespace

std::unique_ptr<curriculum::LengthGroupedSampler> makeRunSampler(
    const RunConfig& config, const curriculum::Curriculum& chosen,
    const std::vector<TokenizedPair>& train) {
    std::map<std::string, std::vector<std::int64_t>> byTier;
    curriculum::TierCounts counts;
    for (std::size_t i = 0; i < train.size(); ++i) {
        byTier[train[i].tier].push_back(static_cast<std::int64_t>(i));
        ++counts[train[i].tier];
    }
    auto resolved = chosen.resolved(counts, config.batchSize);
    const bool packed = config.packedPairs;
    return std::make_unique<curriculum::LengthGroupedSampler>(
        std::move(resolved), std::move(byTier), static_cast<std::uint64_t>(config.seed),
        curriculum::LengthGrouping{.groupBatches = config.data.lengthGroups, .endStep = microSteps(config)},
        [&train, packed](std::int64_t i) {
            return lengthGroupingKey(train.at(static_cast<std::size_t>(i)), packed);
        });
}

PaddingCount plannedPadding(const curriculum::LengthGroupedSampler& sampler, const RunConfig& config,
                            const std::vector<TokenizedPair>& train, bool withRejected) {
    curriculum::LengthGroupedSampler copy = sampler;
    std::vector<std::vector<std::int64_t>> batches;
    for (std::int64_t i = copy.step(); i < microSteps(config); ++i) {
        batches.push_back(copy.nextBatch(static_cast<std::size_t>(config.batchSize)));
    }
    return batchesPadding(train, batches, withRejected, config.packedPairs);
}

std::string DataPlan::text(const RunConfig& config) const {
    const auto percent = [](double share) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * share);
        return std::string(buf);
    };
    std::string out = std::to_string(trainPairs) + " training pairs (" + textFormat + "): ";
    out += percent(padding.share()) + " of the token slots are padding (";
    out += config.packedPairs ? "packed rows" : "padded rows";
    out += config.data.lengthGroups > 1
               ? ", length groups of " + std::to_string(config.data.lengthGroups) + ")"
               : ", no length groups)";
    out += "; longest prompt " + std::to_string(longestPrompt) + ", answer " +
           std::to_string(longestAnswer) + " tokens";
    if (promptsCut + answersCut > 0) {
        out += "; the caps cut " + std::to_string(promptsCut) + " prompts and " +
               std::to_string(answersCut) + " answers";
    }
    return out;
}

pairs::PairSelection runPairSelection(const RunConfig& config, const std::string& split) {
    pairs::PairSelection selection;
    selection.ladder = config.data.ladder;
    selection.datasetIds = config.data.datasets;
    selection.tiers = config.data.tiers;
    selection.split = split;
    return selection;
}

std::string dataPlanKey(store::Workspace& workspace, const RunConfig& config) {
    auto key = toJson(config);
    key.erase("name");
    key["workspace"] = workspace.path().string();
    try {
        key["pairs"] = workspace.db().queryInt64("SELECT count(*) FROM pairs");
        key["annotations"] = workspace.db().queryInt64("SELECT count(*) FROM pair_annotations");
    } catch (const std::exception&) {
        // An older or damaged workspace: the plan's own error says what is wrong.
    }
    return key.dump();
}

DataPlan planRunData(store::Workspace& workspace, const RunConfig& config) {
    const auto pairs = pairs::loadTrainingPairs(workspace.db(), runPairSelection(config));
    if (pairs.empty()) {
        throw Error("there are no training pairs for ladder '" + config.data.ladder + "'" +
                    (config.data.tiers.empty() ? "" : " in the chosen tiers") +
                    ": build them first (`ladder-cli pairs build --ladder " + config.data.ladder + "`)");
    }
    const auto tokenizer = loadSpecTokenizer(workspace, config.model, config.tokenizer);
    const auto format = format::TextFormat::resolve(config.templateName, *tokenizer);
    const LengthCaps caps{config.data.maxLength, config.data.maxPromptLength};
    std::vector<TokenizedPair> train;
    train.reserve(pairs.size());
    for (const auto& p : pairs) train.push_back(tokenizePair(p, format, caps));

    DataPlan plan;
    plan.trainPairs = static_cast<std::int64_t>(train.size());
    plan.textFormat = format.name();
    for (const auto& p : train) {
        plan.longestPrompt = std::max<std::int64_t>(plan.longestPrompt, static_cast<std::int64_t>(p.prompt.size()));
        plan.longestAnswer = std::max<std::int64_t>(
            plan.longestAnswer, static_cast<std::int64_t>(std::max(p.chosen.size(), p.rejected.size())));
    }
    const auto report = truncationReport(train);
    plan.promptsCut = report.promptsCut;
    plan.answersCut = report.answersCut;
    const auto sampler = makeRunSampler(config, chooseCurriculum(workspace.db(), config, pairs), train);
    bool withRejected = config.method != "sft";
    try {
        withRejected = lossRegistry().create(config.method)->usesRejected();
    } catch (const Error&) {
        // A plugin's loss not loaded in this process: it compares answers unless it is SFT.
    }
    plan.padding = plannedPadding(*sampler, config, train, withRejected);
    return plan;
}

}  // namespace ladder::train
