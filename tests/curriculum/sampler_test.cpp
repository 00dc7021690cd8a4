// CurriculumSampler: the same batches for the same seed and step, without replacement within a
// pass, exact resumption, shares that follow the curriculum, and batches that match a reference
// implementation written independently in Python (tests/curriculum/reference/).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/curriculum/curriculum_sampler.h"

namespace ladder::curriculum {
namespace {

using Items = std::map<std::string, std::vector<std::int64_t>>;

Curriculum twoStages() {
    Curriculum c;
    c.name = "test";
    Stage easy;
    easy.name = "easy";
    easy.steps = 3;
    easy.tierWeights = {{"easy", 1.0}};
    Stage mix;
    mix.name = "mix";
    mix.steps = 4;
    mix.tierWeights = {{"easy", 1.0}, {"hard", 3.0}};
    mix.transition = Transition::Blend;
    mix.blendSteps = 2;
    c.stages = {easy, mix};
    return c;
}

Items smallItems() {
    return {{"easy", {0, 1, 2, 3, 4}}, {"hard", {100, 101, 102, 103, 104, 105, 106}}};
}

Items rangeItems(std::int64_t easy, std::int64_t hard) {
    Items items;
    for (std::int64_t i = 0; i < easy; ++i) items["easy"].push_back(i);
    for (std::int64_t i = 0; i < hard; ++i) items["hard"].push_back(10'000 + i);
    return items;
}

TEST(CurriculumSampler, MatchesIndependentReference) {
    // python3 tests/curriculum/reference/sampler_reference.py
    const std::vector<std::vector<std::int64_t>> expected = {
        {2, 1, 0, 4},     {3, 2, 0, 1},       {4, 3, 3, 2},       {1, 0, 4, 0},
        {2, 1, 106, 100}, {3, 105, 104, 103}, {4, 102, 101, 100},
    };
    CurriculumSampler sampler(twoStages(), smallItems(), 42);
    for (std::size_t step = 0; step < expected.size(); ++step) {
        EXPECT_EQ(sampler.nextBatch(4), expected[step]) << "step " << step;
    }
}

TEST(CurriculumSampler, SameSeedSameBatchesOtherSeedOtherBatches) {
    CurriculumSampler a(twoStages(), rangeItems(50, 80), 7);
    CurriculumSampler b(twoStages(), rangeItems(50, 80), 7);
    CurriculumSampler c(twoStages(), rangeItems(50, 80), 8);
    bool differs = false;
    for (int step = 0; step < 7; ++step) {
        const auto batch = a.nextBatch(16);
        EXPECT_EQ(batch, b.nextBatch(16));
        differs = differs || batch != c.nextBatch(16);
    }
    EXPECT_TRUE(differs);
}

TEST(CurriculumSampler, DrawsWithoutReplacementWithinAPass) {
    Curriculum c;
    Stage s;
    s.steps = 100;
    s.tierWeights = {{"easy", 1.0}};
    c.stages = {s};
    CurriculumSampler sampler(c, rangeItems(40, 0), 3);
    std::vector<std::int64_t> drawn;
    for (int step = 0; step < 10; ++step) {  // 10 x 8 = two passes of 40
        const auto batch = sampler.nextBatch(8);
        drawn.insert(drawn.end(), batch.begin(), batch.end());
    }
    std::vector<std::int64_t> first(drawn.begin(), drawn.begin() + 40);
    std::vector<std::int64_t> second(drawn.begin() + 40, drawn.end());
    EXPECT_EQ(std::set<std::int64_t>(first.begin(), first.end()).size(), 40u);
    EXPECT_EQ(std::set<std::int64_t>(second.begin(), second.end()).size(), 40u);
    EXPECT_NE(first, second);  // each pass is shuffled anew
    EXPECT_EQ(sampler.position().tiers.at("easy").pass, 2);
}

TEST(CurriculumSampler, ResumesBitIdenticallyFromASavedPosition) {
    CurriculumSampler original(twoStages(), rangeItems(13, 29), 99);
    std::vector<std::vector<std::int64_t>> batches;
    nlohmann::json saved;
    for (int step = 0; step < 12; ++step) {
        if (step == 5) saved = original.position().toJson();
        batches.push_back(original.nextBatch(6));
    }
    CurriculumSampler resumed(twoStages(), rangeItems(13, 29), 99);
    resumed.restore(SamplerPosition::fromJson(nlohmann::json::parse(saved.dump())));
    EXPECT_EQ(resumed.step(), 5);
    for (int step = 5; step < 12; ++step) {
        EXPECT_EQ(resumed.nextBatch(6), batches[static_cast<std::size_t>(step)]) << "step " << step;
    }
    EXPECT_EQ(resumed.position(), original.position());
}

TEST(CurriculumSampler, BatchesFollowTheTierSharesWithinOnePair) {
    CurriculumSampler sampler(twoStages(), rangeItems(100, 100), 5);
    for (int step = 0; step < 7; ++step) {
        const auto shares = sampler.curriculum().tierShareAt(step);
        (void)sampler.nextBatch(20);
        std::map<std::string, int> counts;
        for (const auto& t : sampler.lastBatchTiers()) ++counts[t];
        for (const auto& [tier, share] : shares) {
            EXPECT_LE(std::abs(counts[tier] - share * 20.0), 1.0) << "step " << step << " " << tier;
        }
        EXPECT_EQ(sampler.stageAt(step), step < 3 ? 0u : 1u);
    }
    EXPECT_EQ(sampler.currentStage(), 1u);
    EXPECT_EQ(sampler.totalSteps(), 7);
}

TEST(CurriculumSampler, RefusesUnresolvedCurriculaMissingTiersAndPositionsThatDoNotFit) {
    Curriculum epochs = twoStages();
    epochs.stages[0].steps = 0;
    epochs.stages[0].epochs = 1.0;
    EXPECT_THROW(CurriculumSampler(epochs, smallItems(), 1), Error);
    EXPECT_THROW(CurriculumSampler(twoStages(), Items{{"easy", {1, 2}}}, 1), Error);
    CurriculumSampler sampler(twoStages(), smallItems(), 1);
    SamplerPosition bad;
    bad.step = 3;
    bad.tiers["hard"] = {0, 50};
    EXPECT_THROW(sampler.restore(bad), Error);
    EXPECT_THROW((void)SamplerPosition::fromJson(nlohmann::json::parse(R"({"step": 1})")), Error);
}

}  // namespace
}  // namespace ladder::curriculum
