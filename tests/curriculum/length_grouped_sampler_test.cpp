// LengthGroupedSampler: the same batches for the same seed, exact resumption from any step (mid-group
// included), each stage drawing exactly the plain sampler's pairs, groups that stop at stage starts
// and at the run's end, and batches of adjacent lengths in a shuffled order.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "core/common/error.h"
#include "core/curriculum/length_grouped_sampler.h"

namespace ladder::curriculum {
namespace {

using Items = std::map<std::string, std::vector<std::int64_t>>;
using Batches = std::vector<std::vector<std::int64_t>>;

// Stage lengths that are not multiples of the group size, and a blend.
Curriculum threeStages() {
    Curriculum c;
    c.name = "test";
    Stage easy;
    easy.name = "easy";
    easy.steps = 7;
    easy.tierWeights = {{"easy", 1.0}};
    Stage mix;
    mix.name = "mix";
    mix.steps = 10;
    mix.tierWeights = {{"easy", 1.0}, {"hard", 3.0}};
    mix.transition = Transition::Blend;
    mix.blendSteps = 4;
    Stage hard;
    hard.name = "hard";
    hard.steps = 6;
    hard.tierWeights = {{"hard", 1.0}};
    c.stages = {easy, mix, hard};
    return c;
}

Items rangeItems(std::int64_t easy, std::int64_t hard) {
    Items items;
    for (std::int64_t i = 0; i < easy; ++i) items["easy"].push_back(i);
    for (std::int64_t i = 0; i < hard; ++i) items["hard"].push_back(10'000 + i);
    return items;
}

// A length per item that is unrelated to its id's order.
std::int64_t lengthOf(std::int64_t item) { return (item * 7919) % 503; }

LengthGroupedSampler grouped(std::uint64_t seed, std::int64_t groupBatches = 4,
                             std::int64_t endStep = 0) {
    return LengthGroupedSampler(threeStages(), rangeItems(37, 53), seed,
                                {.groupBatches = groupBatches, .endStep = endStep}, lengthOf);
}

std::vector<std::int64_t> sorted(std::vector<std::int64_t> v) {
    std::sort(v.begin(), v.end());
    return v;
}

TEST(LengthGroupedSampler, SameSeedSameBatchesOtherSeedOtherBatches) {
    auto a = grouped(7);
    auto b = grouped(7);
    auto c = grouped(8);
    bool differs = false;
    for (int step = 0; step < 30; ++step) {
        const auto batch = a.nextBatch(5);
        EXPECT_EQ(batch, b.nextBatch(5)) << "step " << step;
        EXPECT_EQ(a.lastBatchTiers(), b.lastBatchTiers()) << "step " << step;
        differs = differs || batch != c.nextBatch(5);
    }
    EXPECT_TRUE(differs);
    EXPECT_EQ(a.step(), 30);
}

TEST(LengthGroupedSampler, ResumesExactlyFromEveryStepIncludingMidGroup) {
    auto original = grouped(99, 4, /*endStep=*/20);
    Batches batches;
    std::vector<std::vector<std::string>> tiers;
    std::vector<std::string> saved;  // JSON text, as a checkpoint stores it
    for (int step = 0; step < 26; ++step) {
        saved.push_back(original.position().toJson().dump());
        batches.push_back(original.nextBatch(6));
        tiers.push_back(original.lastBatchTiers());
    }
    int midGroup = 0;
    for (std::size_t from = 0; from < saved.size(); ++from) {
        SCOPED_TRACE("resumed at step " + std::to_string(from));
        const auto position = GroupedSamplerPosition::fromJson(nlohmann::json::parse(saved[from]));
        midGroup += position.offset > 0 ? 1 : 0;
        auto resumed = grouped(99, 4, 20);
        resumed.restore(position);
        EXPECT_EQ(resumed.step(), static_cast<std::int64_t>(from));
        EXPECT_EQ(resumed.position(), position);
        for (std::size_t step = from; step < batches.size(); ++step) {
            ASSERT_EQ(resumed.nextBatch(6), batches[step]) << "step " << step;
            EXPECT_EQ(resumed.lastBatchTiers(), tiers[step]) << "step " << step;
        }
        EXPECT_EQ(resumed.position(), original.position());
    }
    EXPECT_GT(midGroup, 10);  // most saved positions are inside a group
}

TEST(LengthGroupedSampler, EachStageDrawsExactlyThePlainSamplersPairs) {
    // The run ends at step 20, inside the last stage's first group (the curriculum has 23 steps).
    constexpr std::int64_t kEnd = 20;
    CurriculumSampler plain(threeStages(), rangeItems(37, 53), 5);
    auto lengthGrouped = grouped(5, 4, kEnd);
    std::map<std::size_t, std::vector<std::int64_t>> plainByStage, groupedByStage;
    bool reordered = false;
    for (std::int64_t step = 0; step < kEnd; ++step) {
        const std::size_t stage = plain.currentStage();
        ASSERT_EQ(lengthGrouped.currentStage(), stage);
        const auto p = plain.nextBatch(8);
        const auto g = lengthGrouped.nextBatch(8);
        reordered = reordered || sorted(p) != sorted(g);
        plainByStage[stage].insert(plainByStage[stage].end(), p.begin(), p.end());
        groupedByStage[stage].insert(groupedByStage[stage].end(), g.begin(), g.end());
    }
    EXPECT_TRUE(reordered);  // else the test would not tell grouping from no grouping
    ASSERT_EQ(groupedByStage.size(), 3u);
    for (auto& [stage, items] : plainByStage) {
        EXPECT_EQ(sorted(groupedByStage[stage]), sorted(items)) << "stage " << stage;
    }
}

TEST(LengthGroupedSampler, GroupsStopAtStageStartsAndAtTheRunsEnd) {
    auto sampler = grouped(3, 4, /*endStep=*/20);
    // Stages start at steps 0, 7 and 17; the run ends at 20, and past it groups are 4 again.
    const std::vector<std::int64_t> starts = {0, 4, 7, 11, 15, 17, 20, 24};
    const std::vector<std::int64_t> lengths = {4, 3, 4, 4, 2, 3, 4, 4};
    for (std::size_t g = 0; g < starts.size(); ++g) {
        EXPECT_EQ(sampler.groupLengthAt(starts[g]), lengths[g]) << "group at " << starts[g];
    }
    std::vector<std::int64_t> seenStarts;
    for (std::int64_t step = 0; step < 28; ++step) {
        (void)sampler.nextBatch(3);
        const auto& p = sampler.position();
        if (p.offset == 0) {
            seenStarts.push_back(p.groupStart.step);
        } else {
            EXPECT_EQ(sampler.stageAt(p.groupStart.step), sampler.stageAt(p.step()))
                << "step " << p.step();
        }
    }
    EXPECT_EQ(seenStarts, std::vector<std::int64_t>({4, 7, 11, 15, 17, 20, 24, 28}));
}

TEST(LengthGroupedSampler, CutsEachGroupIntoBatchesOfAdjacentLengthsInAShuffledOrder) {
    auto sampler = grouped(11, 4);
    int shuffledGroups = 0;
    for (int group = 0; group < 6; ++group) {
        const std::int64_t start = sampler.step();
        const std::int64_t n = sampler.groupLengthAt(start);
        std::vector<std::pair<std::int64_t, std::int64_t>> ranges;  // (shortest, longest) per batch
        for (std::int64_t b = 0; b < n; ++b) {
            const auto batch = sampler.nextBatch(6);
            std::vector<std::int64_t> lengths;
            for (auto item : batch) lengths.push_back(lengthOf(item));
            ranges.emplace_back(*std::min_element(lengths.begin(), lengths.end()),
                                *std::max_element(lengths.begin(), lengths.end()));
        }
        auto byLength = ranges;
        std::sort(byLength.begin(), byLength.end());
        for (std::size_t i = 1; i < byLength.size(); ++i) {
            EXPECT_LE(byLength[i - 1].second, byLength[i].first) << "group at step " << start;
        }
        shuffledGroups += ranges != byLength ? 1 : 0;
    }
    EXPECT_GE(shuffledGroups, 2);  // not always shortest first
}

TEST(LengthGroupedSampler, TiersFollowTheirItems) {
    auto sampler = grouped(4, 4);
    for (int step = 0; step < 23; ++step) {
        const auto batch = sampler.nextBatch(7);
        ASSERT_EQ(sampler.lastBatchTiers().size(), batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
            EXPECT_EQ(sampler.lastBatchTiers()[i], batch[i] >= 10'000 ? "hard" : "easy");
        }
    }
}

TEST(LengthGroupedSampler, GroupsOfOneBatchAreThePlainSampler) {
    CurriculumSampler plain(threeStages(), rangeItems(37, 53), 21);
    auto sampler = grouped(21, 1);
    for (int step = 0; step < 25; ++step) {
        EXPECT_EQ(sampler.nextBatch(5), plain.nextBatch(5)) << "step " << step;
        EXPECT_EQ(sampler.lastBatchTiers(), plain.lastBatchTiers()) << "step " << step;
        EXPECT_EQ(sampler.position().toJson(), plain.position().toJson()) << "step " << step;
    }
}

TEST(LengthGroupedSampler, ReadsPlainPositionsAndRefusesWhatDoesNotFit) {
    // A run saved without grouping resumes with it from the same step.
    CurriculumSampler plain(threeStages(), rangeItems(37, 53), 2);
    for (int step = 0; step < 9; ++step) (void)plain.nextBatch(4);
    auto sampler = grouped(2, 4);
    sampler.restore(GroupedSamplerPosition::fromJson(plain.position().toJson()));
    EXPECT_EQ(sampler.step(), 9);
    EXPECT_EQ(sampler.position().groupStart, plain.position());

    (void)sampler.nextBatch(4);
    EXPECT_THROW((void)sampler.nextBatch(5), Error);  // another batch size mid-group
    const nlohmann::json midGroup = sampler.position().toJson();
    EXPECT_THROW((void)SamplerPosition::fromJson(midGroup), Error);  // a plain sampler refuses it
    auto otherGroups = grouped(2, 8);
    EXPECT_THROW(otherGroups.restore(GroupedSamplerPosition::fromJson(midGroup)), Error);
    auto otherEnd = grouped(2, 4, /*endStep=*/11);
    EXPECT_THROW(otherEnd.restore(GroupedSamplerPosition::fromJson(midGroup)), Error);
    EXPECT_THROW((void)GroupedSamplerPosition::fromJson(nlohmann::json::parse(
                     R"({"group_start": {"step": 1, "tiers": {}}, "offset": 1})")),
                 Error);
    EXPECT_THROW(LengthGroupedSampler(threeStages(), rangeItems(3, 3), 1, {.groupBatches = 0},
                                      lengthOf),
                 Error);
}

}  // namespace
}  // namespace ladder::curriculum
