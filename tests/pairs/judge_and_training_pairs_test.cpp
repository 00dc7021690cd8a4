// Judge agreement with a ladder, and the pairs a run trains on (annotations applied, export).
#include <gtest/gtest.h>

#include <fstream>

#include "core/common/error.h"
#include "core/pairs/judge_agreement.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_builder.h"
#include "core/pairs/training_pairs.h"
#include "tests/pairs/pairs_fixtures.h"

namespace ladder::pairs {
namespace {

using test::importAnswers;
using test::WorkspaceFixture;

// Three prompts answered by a > b, and a judge's verdicts in both orders of the two answers.
void threePromptsJudged(WorkspaceFixture& f) {
    importAnswers(f, "a", {{"q1", "a1"}, {"q2", "a2"}, {"q3", "a3"}});
    importAnswers(f, "b", {{"q1", "b1"}, {"q2", "b2"}, {"q3", "b3"}});
    f.importText("ann.json", R"([
      {"instruction": "q1", "output_1": "b1", "generator_1": "b", "output_2": "a1",
       "generator_2": "a", "annotator": "j", "preference": 2},
      {"instruction": "q2", "output_1": "a2", "generator_1": "a", "output_2": "b2",
       "generator_2": "b", "annotator": "j", "preference": 2},
      {"instruction": "q3", "output_1": "b3, another text", "generator_1": "b", "output_2": "a3",
       "generator_2": "a", "annotator": "j", "preference": 1.5},
      {"instruction": "q4", "output_1": "b4", "generator_1": "b", "output_2": "a4",
       "generator_2": "a", "annotator": "j", "preference": null}])");
    saveLadder(f.db(), parseLadder("l", "a > b"));
    PairBuilder(f.db(), "l").build();
}

TEST(JudgeAgreement, CountsVerdictsOnTheTierInEitherOrderAndFlagsDisagreeingPairs) {
    WorkspaceFixture f;
    threePromptsJudged(f);
    const auto report = judgeAgreement(f.db(), "l");
    ASSERT_EQ(report.tiers.size(), 1u);
    const TierAgreement& t = report.tiers[0];
    EXPECT_EQ(t.tier, "a>b");
    EXPECT_EQ(t.judge, "j");
    EXPECT_EQ(t.verdicts, 4);
    EXPECT_EQ(t.agree, 1);      // q1: a (second) preferred
    EXPECT_EQ(t.disagree, 1);   // q2: b (second) preferred
    EXPECT_EQ(t.ties, 1);       // q3
    EXPECT_EQ(t.undecided, 1);  // q4
    EXPECT_EQ(t.withPair, 3);   // q4 has no pair
    EXPECT_EQ(t.sameTexts, 2);  // q3 judged another text of b
    EXPECT_DOUBLE_EQ(t.agreement(), 1.0 / 3.0);
    ASSERT_EQ(report.disagreements.size(), 1u);
    const auto& d = report.disagreements[0];
    EXPECT_EQ(d.pairId, f.count("SELECT p.id FROM pairs p JOIN prompts pr ON pr.id = p.prompt_id "
                                "WHERE pr.instruction = 'q2' AND p.ladder_id IS NOT NULL"));
    EXPECT_TRUE(d.sameTexts);
    EXPECT_NE(renderJudgeAgreement(report, 5).find("agrees in 1 of 4"), std::string::npos);
}

TEST(JudgeAgreement, AReversedLadderReversesTheAgreement) {
    WorkspaceFixture f;
    threePromptsJudged(f);
    saveLadder(f.db(), parseLadder("l", "b > a"));
    const auto t = judgeAgreement(f.db(), "l").tiers.at(0);
    EXPECT_EQ(t.tier, "b>a");
    EXPECT_EQ(t.agree, 1);
    EXPECT_EQ(t.disagree, 1);
}

TEST(TrainingPairs, FlipSwapsAndDiscardOrTieLeaveThePairOut) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"q1", "a1"}, {"q2", "a2"}, {"q3", "a3"}, {"q4", "a4"}});
    importAnswers(f, "b", {{"q1", "b1"}, {"q2", "b2"}, {"q3", "b3"}, {"q4", "b4"}});
    saveLadder(f.db(), parseLadder("l", "a > b"));
    PairBuildOptions options;
    options.heldoutFraction = 0;
    PairBuilder(f.db(), "l", options).build();
    auto annotate = [&](const std::string& prompt, const std::string& status) {
        f.db().exec("INSERT INTO pair_annotations(pair_id, status, updated_at) SELECT p.id, '" +
                    status +
                    "', 'now' FROM pairs p JOIN prompts pr ON pr.id = p.prompt_id WHERE "
                    "pr.instruction = '" +
                    prompt + "'");
    };
    annotate("q1", "flip");
    annotate("q2", "discard");
    annotate("q3", "tie");
    AnnotationEffects effects;
    const auto pairs = loadTrainingPairs(f.db(), {.ladder = "l"}, &effects);
    ASSERT_EQ(pairs.size(), 2u);
    EXPECT_EQ(pairs[0].instruction, "q1");
    EXPECT_EQ(pairs[0].chosen, "b1");
    EXPECT_EQ(pairs[0].rejected, "a1");
    EXPECT_TRUE(pairs[0].flipped);
    EXPECT_EQ(pairs[1].chosen, "a4");
    EXPECT_EQ(pairs[1].tier, "a>b");
    EXPECT_EQ(pairs[1].rankGap, 1);
    EXPECT_EQ(pairs[1].split, "train");
    EXPECT_EQ(effects.flipped, 1);
    EXPECT_EQ(effects.discarded, 1);
    EXPECT_EQ(effects.tied, 1);
    EXPECT_EQ(effects.unreviewed, 1);
    const auto counts = tierCounts(f.db(), {.ladder = "l"});
    ASSERT_EQ(counts.size(), 1u);
    EXPECT_EQ(counts[0].train, 4);
    EXPECT_EQ(counts[0].flipped, 1);
    EXPECT_EQ(counts[0].discarded, 1);
}

TEST(TrainingPairs, SelectionBySplitTierAndImportedDataset) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"q1", "a1"}});
    importAnswers(f, "b", {{"q1", "b1"}});
    importAnswers(f, "c", {{"q1", "c1"}});
    saveLadder(f.db(), parseLadder("l", "a > b > c"));
    PairBuilder(f.db(), "l").build();
    const auto imported =
        f.importText("trl.jsonl", "{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"}\n");
    EXPECT_EQ(loadTrainingPairs(f.db(), {.ladder = "l"}).size(), 3u);
    EXPECT_EQ(loadTrainingPairs(f.db(), {.ladder = "l", .tiers = {"a>c", "b>c"}}).size(), 2u);
    const auto split = f.text("SELECT split FROM pairs WHERE ladder_id IS NOT NULL LIMIT 1");
    EXPECT_EQ(loadTrainingPairs(f.db(), {.ladder = "l", .split = split}).size(), 3u);
    EXPECT_EQ(loadTrainingPairs(f.db(), {.datasetIds = {imported.datasetId}}).size(), 1u);
    EXPECT_EQ(loadTrainingPairs(f.db(), {.ladder = "l", .datasetIds = {imported.datasetId}}).size(),
              4u);
    EXPECT_THROW((void)loadTrainingPairs(f.db(), {}), Error);
    EXPECT_THROW((void)loadTrainingPairs(f.db(), {.ladder = "l", .split = "test"}), Error);
    EXPECT_THROW((void)loadTrainingPairs(f.db(), {.ladderId = 42}), Error);
    const auto pairs = loadTrainingPairs(f.db(), {.ladder = "l"});
    const auto byTier = indicesByTier(pairs);
    EXPECT_EQ(byTier.size(), 3u);
    EXPECT_EQ(countByTier(pairs).at("a>b"), 1);
}

TEST(TrainingPairs, TrlExportReadsBackAsTheSamePairs) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"Translate: chat", "cat \"quoted\"\nline"}, {"q2", "a2"}});
    importAnswers(f, "b", {{"Translate: chat", "dog"}, {"q2", "b2"}});
    saveLadder(f.db(), parseLadder("l", "a > b"));
    PairBuilder(f.db(), "l").build();
    const auto pairs = loadTrainingPairs(f.db(), {.ladder = "l"});
    EXPECT_EQ(exportTrlJsonl(pairs, f.dir / "out.jsonl", /*withMetadata=*/true), 2);
    std::ifstream in(f.dir / "out.jsonl");
    std::string line;
    std::getline(in, line);
    const auto row = nlohmann::json::parse(line);
    EXPECT_EQ(row["prompt"], "Translate: chat");
    EXPECT_EQ(row["chosen"], "cat \"quoted\"\nline");
    EXPECT_EQ(row["tier"], "a>b");
    const auto back = data::importFile(f.db(), f.dir / "out.jsonl");
    EXPECT_EQ(back.format, "trl");
    EXPECT_EQ(back.pairs, 2);
    const auto reread = loadTrainingPairs(f.db(), {.datasetIds = {back.datasetId}});
    ASSERT_EQ(reread.size(), 2u);
    EXPECT_EQ(reread[0].chosen, pairs[0].chosen);
    EXPECT_EQ(reread[0].rejected, pairs[0].rejected);
    EXPECT_EQ(reread[0].promptId, pairs[0].promptId);  // the same prompt text: the same prompt
}

}  // namespace
}  // namespace ladder::pairs
