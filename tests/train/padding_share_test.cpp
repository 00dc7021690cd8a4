// The padded share of a run's batches: a hand-computed case, the same count as collate()'s masks
// (the tensors the model reads), and length grouping cutting it on a synthetic length distribution.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/random.h"
#include "core/curriculum/length_grouped_sampler.h"
#include "core/train/batch.h"
#include "core/train/padding_share.h"

namespace ladder::train {
namespace {

TokenizedPair pairOfLengths(std::int64_t id, std::size_t prompt, std::size_t chosen,
                            std::size_t rejected, std::string tier = "t") {
    TokenizedPair p;
    p.pairId = id;
    p.tier = std::move(tier);
    p.prompt.assign(prompt, 7);
    p.chosen.assign(chosen, 8);
    p.rejected.assign(rejected, 9);
    return p;
}

// Padding slots of the tensors collate() builds: the false entries of its masks.
std::int64_t collatedPadding(const std::vector<const TokenizedPair*>& batch, bool withRejected) {
    const Batch b = collate(batch, withRejected, /*padId=*/0, torch::kCPU);
    return (~b.promptMask).sum().item<std::int64_t>() + (~b.answerMask).sum().item<std::int64_t>();
}

TEST(PaddingShare, CountsHandComputedBatches) {
    const std::vector<TokenizedPair> pairs = {pairOfLengths(1, 3, 2, 4), pairOfLengths(2, 5, 1, 1)};
    // {0, 1}: Tp 5, Ta 4: 2 x 5 + 4 x 4 = 26 slots, 3+2+4 + 5+1+1 = 16 real, 10 padded.
    // {0}:    Tp 3, Ta 4: 1 x 3 + 2 x 4 = 11 slots, 9 real, 2 padded.
    // Of the padding: prompt 2 + 0, a pair's shorter answer up to its longer 2 + 0 and 2.
    const auto both = batchesPadding(pairs, {{0, 1}, {0}}, /*withRejected=*/true);
    EXPECT_EQ(both.realTokens, 25);
    EXPECT_EQ(both.paddedTokens, 12);
    EXPECT_EQ(both.promptPadded, 2);
    EXPECT_EQ(both.withinPairs, 4);
    EXPECT_DOUBLE_EQ(both.share(), 12.0 / 37.0);
    // Chosen only (SFT), {0, 1}: Tp 5, Ta 2: 2 x 5 + 2 x 2 = 14 slots, 3+2 + 5+1 = 11 real.
    const auto chosen = batchesPadding(pairs, {{0, 1}}, /*withRejected=*/false);
    EXPECT_EQ(chosen.realTokens, 11);
    EXPECT_EQ(chosen.paddedTokens, 3);
    EXPECT_EQ(chosen.promptPadded, 2);
    EXPECT_EQ(chosen.withinPairs, 0);
    EXPECT_EQ(PaddingCount{}.share(), 0.0);
    EXPECT_THROW((void)batchesPadding(pairs, {{0, 2}}, true), Error);
    // Longer answer first, then prompt.
    EXPECT_LT(lengthGroupingKey(pairOfLengths(3, 90, 3, 1)), lengthGroupingKey(pairs[0]));
    EXPECT_LT(lengthGroupingKey(pairOfLengths(4, 2, 4, 1)), lengthGroupingKey(pairs[0]));
    EXPECT_GT(lengthGroupingKey(pairOfLengths(5, 4, 1, 4)), lengthGroupingKey(pairs[0]));
}

TEST(PaddingShare, PackedRowsPadOnlyToTheLongestPair) {
    const std::vector<TokenizedPair> pairs = {pairOfLengths(1, 3, 2, 4), pairOfLengths(2, 5, 1, 1)};
    // Rows of 3+2+4 = 9 and 5+1+1 = 7 tokens: 2 x 9 = 18 slots, 16 real, 2 padded.
    const auto packed = batchesPadding(pairs, {{0, 1}}, /*withRejected=*/true, /*packed=*/true);
    EXPECT_EQ(packed.realTokens, 16);
    EXPECT_EQ(packed.paddedTokens, 2);
    EXPECT_EQ(packed.promptPadded, 0);
    EXPECT_EQ(packed.withinPairs, 0);
    // Chosen only: 3+2 and 5+1: 2 x 6 slots, 11 real.
    const auto chosen = batchesPadding(pairs, {{0, 1}}, /*withRejected=*/false, /*packed=*/true);
    EXPECT_EQ(chosen.paddedTokens, 1);
    EXPECT_EQ(lengthGroupingKey(pairs[0], true), 9);
}

TEST(PaddingShare, MatchesTheMasksCollateBuilds) {
    random::Stream rng(3);
    std::vector<TokenizedPair> pairs;
    for (int i = 0; i < 12; ++i) {
        pairs.push_back(pairOfLengths(i, static_cast<std::size_t>(rng.between(1, 30)),
                                      static_cast<std::size_t>(rng.between(1, 40)),
                                      static_cast<std::size_t>(rng.between(1, 40))));
    }
    for (const bool withRejected : {true, false}) {
        for (const std::vector<std::int64_t>& indices :
             std::vector<std::vector<std::int64_t>>{{0}, {1, 2, 3}, {4, 5, 6, 7, 8, 9, 10, 11}}) {
            std::vector<const TokenizedPair*> batch;
            for (auto i : indices) batch.push_back(&pairs[static_cast<std::size_t>(i)]);
            const PaddingCount count = batchPadding(batch, withRejected);
            EXPECT_EQ(count.paddedTokens, collatedPadding(batch, withRejected))
                << indices.size() << " pairs, rejected " << withRejected;
        }
    }
}

TEST(PaddingShare, LengthGroupingCutsItOnASyntheticLengthDistribution) {
    // Long-tailed lengths, as chat data has: most answers short, some near the cap.
    random::Stream rng(11);
    std::vector<TokenizedPair> pairs;
    std::map<std::string, std::vector<std::int64_t>> byTier;
    auto longTailed = [&](double median, std::int64_t cap) {
        const double u = std::max(rng.unit(), 1e-9);
        return static_cast<std::size_t>(
            std::clamp<std::int64_t>(static_cast<std::int64_t>(median * std::exp(-std::log(u) * 0.8 - 0.3)), 1, cap));
    };
    for (std::int64_t i = 0; i < 1200; ++i) {
        const std::string tier = i % 3 == 0 ? "hard" : "easy";
        pairs.push_back(pairOfLengths(i, longTailed(20, 128), longTailed(60, 200),
                                      longTailed(50, 200), tier));
        byTier[tier].push_back(i);
    }
    curriculum::Curriculum c;
    curriculum::Stage easy;
    easy.steps = 60;
    easy.tierWeights = {{"easy", 1.0}};
    curriculum::Stage mix;
    mix.steps = 60;
    mix.tierWeights = {{"easy", 1.0}, {"hard", 1.0}};
    c.stages = {easy, mix};

    constexpr std::size_t kBatch = 8;
    curriculum::CurriculumSampler plain(c, byTier, 0);
    curriculum::LengthGroupedSampler grouped(
        c, byTier, 0, {.groupBatches = 16, .endStep = 120},
        [&](std::int64_t i) { return lengthGroupingKey(pairs[static_cast<std::size_t>(i)]); });
    std::vector<std::vector<std::int64_t>> plainBatches, groupedBatches;
    for (int step = 0; step < 120; ++step) {
        plainBatches.push_back(plain.nextBatch(kBatch));
        groupedBatches.push_back(grouped.nextBatch(kBatch));
    }
    const auto before = batchesPadding(pairs, plainBatches, true);
    const auto after = batchesPadding(pairs, groupedBatches, true);
    // What grouping can remove: padding beyond a pair's shorter answer up to its longer one.
    const auto avoidable = [](const PaddingCount& c) {
        return static_cast<double>(c.paddedTokens - c.withinPairs) / static_cast<double>(c.slots());
    };
    std::printf("padded share: %.1f%% plain, %.1f%% length-grouped (16 batches a group); beyond "
                "the answers' gaps within pairs %.1f%% and %.1f%%\n",
                100 * before.share(), 100 * after.share(), 100 * avoidable(before),
                100 * avoidable(after));
    EXPECT_GT(before.share(), 0.4);
    EXPECT_LT(after.share(), before.share() * 0.75);
    EXPECT_LT(avoidable(after), avoidable(before) / 2);
}

}  // namespace
}  // namespace ladder::train
