// Curricula: validation messages, epochs to steps, tier shares with switches and blends, JSON,
// presets and storage.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/curriculum/curriculum.h"
#include "core/curriculum/curriculum_store.h"
#include "core/curriculum/curriculum_table.h"
#include "core/curriculum/presets.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::curriculum {
namespace {

Stage stage(std::string name, std::int64_t steps, std::map<std::string, double> weights) {
    Stage s;
    s.name = std::move(name);
    s.steps = steps;
    s.tierWeights = std::move(weights);
    return s;
}

std::vector<std::string> errors(const Curriculum& c, const TierCounts* counts = nullptr) {
    std::vector<std::string> out;
    for (const auto& m : c.validate(counts)) {
        if (m.severity == ValidationMessage::Severity::Error) out.push_back(m.text);
    }
    return out;
}

bool anyContains(const std::vector<std::string>& messages, const std::string& part) {
    for (const auto& m : messages) {
        if (m.find(part) != std::string::npos) return true;
    }
    return false;
}

TEST(Curriculum, ValidationNamesEachProblemClearly) {
    EXPECT_TRUE(anyContains(errors(Curriculum{"c", {}}), "no stages"));

    Curriculum c{"c",
                 {stage("empty", 10, {}), stage("zero", 10, {{"a>b", 0.0}}),
                  stage("negative", 10, {{"a>b", -1.0}}), stage("no length", 0, {{"a>b", 1}}),
                  stage("both", 10, {{"a>b", 1}})}};
    c.stages[4].epochs = 1.0;
    const auto e = errors(c);
    EXPECT_TRUE(anyContains(e, "stage 1 'empty' is empty"));
    EXPECT_TRUE(anyContains(e, "stage 2 'zero': all tier weights are zero"));
    EXPECT_TRUE(anyContains(e, "stage 3 'negative': tier a>b has weight -1"));
    EXPECT_TRUE(anyContains(e, "stage 4 'no length' has no length"));
    EXPECT_TRUE(anyContains(e, "stage 5 'both' gives both steps and epochs"));
    EXPECT_EQ(e.size(), 5u);
    EXPECT_THROW(c.throwIfInvalid(), Error);
}

TEST(Curriculum, ATierWithoutPairsIsAnErrorListingTheTiersThatHavePairs) {
    const Curriculum c{"c", {stage("s", 10, {{"a>b", 1}, {"a>c", 1}})}};
    const TierCounts counts = {{"a>b", 5}, {"b>c", 7}};
    const auto e = errors(c, &counts);
    ASSERT_EQ(e.size(), 1u);
    EXPECT_NE(e[0].find("tier a>c has no pairs"), std::string::npos) << e[0];
    EXPECT_NE(e[0].find("a>b (5), b>c (7)"), std::string::npos) << e[0];
    EXPECT_TRUE(errors(c).empty());  // without counts nothing is known about pairs
}

TEST(Curriculum, BlendsMustFitTheirStageAndTheFirstStageHasNothingToBlendFrom) {
    Curriculum c{"c", {stage("a", 10, {{"x", 1}}), stage("b", 10, {{"y", 1}})}};
    c.stages[0].transition = Transition::Blend;
    c.stages[0].blendSteps = 5;
    c.stages[1].transition = Transition::Blend;
    c.stages[1].blendSteps = 20;
    const auto all = c.validate();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].severity, ValidationMessage::Severity::Warning);
    EXPECT_EQ(all[0].stage, 0);
    EXPECT_EQ(all[1].severity, ValidationMessage::Severity::Error);
    EXPECT_NE(all[1].text.find("lasts only 10"), std::string::npos);
}

TEST(Curriculum, EpochsBecomeStepsFromPairCountsAndBatchSize) {
    Curriculum c{"c", {stage("easy", 0, {{"a>c", 1}}), stage("hard", 0, {{"a>b", 1}, {"b>c", 2}})}};
    c.stages[0].epochs = 1.0;
    c.stages[1].epochs = 2.0;
    const TierCounts counts = {{"a>c", 100}, {"a>b", 30}, {"b>c", 31}};
    EXPECT_FALSE(c.isResolved());
    EXPECT_THROW((void)c.totalSteps(), Error);
    const Curriculum r = c.resolved(counts, 16);
    EXPECT_EQ(r.stages[0].steps, 7);  // ceil(100 / 16)
    EXPECT_EQ(r.stages[1].steps, 8);  // ceil(2 * 61 / 16)
    EXPECT_EQ(r.totalSteps(), 15);
    EXPECT_EQ(r.stageStart(1), 7);
    EXPECT_EQ(r.stageAt(6), 0u);
    EXPECT_EQ(r.stageAt(7), 1u);
    EXPECT_EQ(r.stageAt(1000), 1u);  // past the end: the last stage
    EXPECT_THROW((void)c.resolved({{"a>c", 100}}, 16), Error);
}

TEST(Curriculum, TierSharesSwitchAtStageBoundariesAndBlendLinearly) {
    Curriculum c{"c",
                 {stage("easy", 10, {{"a>c", 1}}), stage("mix", 10, {{"a>c", 1}, {"a>b", 3}})}};
    c.stages[1].transition = Transition::Blend;
    c.stages[1].blendSteps = 4;
    EXPECT_DOUBLE_EQ(c.tierShareAt(9).at("a>c"), 1.0);
    EXPECT_EQ(c.tierShareAt(9).count("a>b"), 0u);
    EXPECT_DOUBLE_EQ(c.tierShareAt(10).at("a>c"), 1.0);  // blend starts from the previous mix
    EXPECT_DOUBLE_EQ(c.tierShareAt(11).at("a>b"), 0.25 * 0.75);
    EXPECT_DOUBLE_EQ(c.tierShareAt(12).at("a>c"), 0.5 * 1.0 + 0.5 * 0.25);
    EXPECT_DOUBLE_EQ(c.tierShareAt(14).at("a>b"), 0.75);
    c.stages[1].transition = Transition::Switch;
    EXPECT_DOUBLE_EQ(c.tierShareAt(10).at("a>b"), 0.75);
}

TEST(Curriculum, JsonRoundTripsAndNamesTheBadField) {
    Curriculum c{"paper", {stage("easy", 100, {{"a>c", 1}}), stage("hard", 0, {{"a>b", 2}})}};
    c.stages[1].epochs = 1.5;
    c.stages[1].transition = Transition::Blend;
    c.stages[1].blendSteps = 10;
    const auto back = Curriculum::fromJson(nlohmann::json::parse(c.toJson().dump()));
    EXPECT_EQ(back.toJson(), c.toJson());
    EXPECT_EQ(back.stages[1].epochs, 1.5);
    EXPECT_EQ(back.stages[1].blendSteps, 10);
    try {
        (void)Curriculum::fromJson(nlohmann::json::parse(
            R"({"stages": [{"steps": 5, "tiers": {"a": 1}}, {"steps": "ten", "tiers": {}}]})"));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("stage 2 needs a field `steps`"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW((void)Curriculum::fromJson(
                     nlohmann::json::parse(R"({"stages": [{"steps": 5, "transition": "fade"}]})")),
                 Error);
}

// Found by fuzz_curriculum: a name or transition that is not text escaped as nlohmann's
// type_error (not a ladder::Error), which ends the program instead of naming the field.
TEST(Curriculum, NamesAndTransitionsThatAreNotTextAreRefusedNamingTheField) {
    const std::pair<const char*, const char*> cases[] = {
        {R"({"name": [1], "stages": [{"steps": 5, "tiers": {"a": 1}}]})",
         "the curriculum needs a field `name`"},
        {R"({"stages": [{"name": 7, "steps": 5, "tiers": {"a": 1}}]})",
         "stage 1 needs a field `name`"},
        {R"({"stages": [{"steps": 5, "tiers": {"a": 1}, "transition": null}]})",
         "stage 1 needs a field `transition`"},
    };
    for (const auto& [text, expected] : cases) {
        try {
            (void)Curriculum::fromJson(nlohmann::json::parse(text));
            ADD_FAILURE() << text << " was accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
    }
}

// A curriculum comes from run configs and workspaces of others: 1e300 steps would be converted
// to an integer with undefined behaviour, and 2.5 truncated.
TEST(Curriculum, StepCountsThatAreNotWholeNumbersInRangeAreRefused) {
    for (const char* steps : {"1e300", "2.5", "18446744073709551615"}) {
        const std::string text = std::string(R"({"stages": [{"steps": )") + steps + "}]}";
        try {
            (void)Curriculum::fromJson(nlohmann::json::parse(text));
            ADD_FAILURE() << steps << " steps were accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("stage 1 needs a field `steps`"),
                      std::string::npos)
                << e.what();
        }
    }
}

TEST(CurriculumPresets, EasyThenHardHasOneStagePerRankGapLargestFirst) {
    const std::vector<TierInfo> tiers = {{"a>d", 3, 10}, {"a>c", 2, 20}, {"b>d", 2, 30},
                                         {"a>b", 1, 5},  {"b>c", 1, 5},  {"c>d", 1, 0}};
    const Curriculum c = easyThenHard(tiers, {.steps = 100}, /*blendSteps=*/10);
    ASSERT_EQ(c.stages.size(), 3u);
    EXPECT_EQ(c.stages[0].tierWeights.size(), 1u);
    EXPECT_EQ(c.stages[0].transition, Transition::Switch);
    EXPECT_EQ(c.stages[1].tierWeights.at("b>d"), 30.0);  // weights by pair count
    EXPECT_EQ(c.stages[2].transition, Transition::Blend);
    EXPECT_EQ(c.stages[2].blendSteps, 10);
    EXPECT_EQ(c.stages[2].tierWeights.at("c>d"), 1.0);  // unknown count
    EXPECT_TRUE(errors(c).empty());
    const Curriculum u = uniformMix(tiers, {.epochs = 1.0});
    ASSERT_EQ(u.stages.size(), 1u);
    EXPECT_EQ(u.stages[0].tierWeights.size(), 6u);
    const Curriculum s = singleTier("a>b", {.steps = 7});
    EXPECT_EQ(s.stages[0].steps, 7);
    EXPECT_EQ(s.tiers(), std::vector<std::string>{"a>b"});
    EXPECT_THROW((void)easyThenHard({}, {.steps = 1}), Error);
}

TEST(CurriculumStore, SavesLoadsListsAndRefusesInvalidCurricula) {
    test::TempDir dir;
    auto ws = store::Workspace::create(dir / "c.ladder");
    Curriculum c{"mine", {stage("s", 5, {{"a>b", 1}})}};
    saveCurriculum(ws.db(), c);
    c.stages[0].steps = 9;
    saveCurriculum(ws.db(), c);  // replaces
    EXPECT_EQ(loadCurriculum(ws.db(), "mine").stages[0].steps, 9);
    EXPECT_EQ(listCurricula(ws.db()).size(), 1u);
    EXPECT_THROW(saveCurriculum(ws.db(), Curriculum{"bad", {stage("s", 5, {})}}), Error);
    EXPECT_THROW((void)loadCurriculum(ws.db(), "nope"), Error);
    deleteCurriculum(ws.db(), "mine");
    EXPECT_TRUE(listCurricula(ws.db()).empty());
}

TEST(CurriculumTable, ShowsStagesAndSharesOverSteps) {
    Curriculum c{"c", {stage("easy", 10, {{"a>c", 1}}), stage("hard", 10, {{"a>b", 1}})}};
    const TierCounts counts = {{"a>c", 4}, {"a>b", 5}};
    const std::string table = renderStageTable(c, &counts);
    EXPECT_NE(table.find("a>c 100% (4 pairs)"), std::string::npos) << table;
    EXPECT_NE(table.find("total 20 steps"), std::string::npos) << table;
    const std::string shares = renderShareTable(c, 3);
    EXPECT_NE(shares.find("      10 2"), std::string::npos) << shares;
}

}  // namespace
}  // namespace ladder::curriculum
