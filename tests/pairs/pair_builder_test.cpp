// PairBuilder: matching by prompt text, direction, ties, drop reasons and options, splits, length
// caps, provenance, rebuilds that keep ids and annotations, and the length-bias flag.
#include <gtest/gtest.h>

#include <set>

#include "core/common/error.h"
#include "core/data/prompt_key.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_builder.h"
#include "core/pairs/pair_provenance.h"
#include "tests/pairs/pairs_fixtures.h"

namespace ladder::pairs {
namespace {

using test::importAnswers;
using test::WorkspaceFixture;

std::string numbered(std::string prefix, int i) {
    prefix += std::to_string(i);
    return prefix;
}

const TierReport& tier(const PreflightReport& r, const std::string& name) {
    for (const auto& t : r.tiers) {
        if (t.tier == name) return t;
    }
    throw std::runtime_error("no tier " + name);
}

std::int64_t dropped(const TierReport& t, const char* reason) {
    const auto it = t.dropped.find(reason);
    return it == t.dropped.end() ? 0 : it->second;
}

TEST(PairBuilder, MatchesAnswersByPromptTextNotPosition) {
    WorkspaceFixture f;
    importAnswers(f, "big", {{"one", "big-1"}, {"two", "big-2"}, {"three", "big-3"}});
    // Reversed order, one prompt missing, extra white space.
    importAnswers(f, "small", {{"  three ", "small-3"}, {"one", "small-1"}});
    saveLadder(f.db(), parseLadder("l", "big > small"));
    const auto report = PairBuilder(f.db(), "l").build();
    EXPECT_EQ(report.pairs, 2);
    EXPECT_EQ(report.prompts, 3);
    EXPECT_EQ(dropped(tier(report, "big>small"), kDropMissingAnswer), 1);
    EXPECT_EQ(f.text("SELECT group_concat(c.text || '>' || r.text, ',') FROM (SELECT * FROM pairs "
                     "ORDER BY prompt_id) p JOIN responses c ON c.id = p.chosen_id "
                     "JOIN responses r ON r.id = p.rejected_id"),
              "big-1>small-1,big-3>small-3");
}

TEST(PairBuilder, HigherRankIsChosenAndTiedSourcesAreNeverPaired) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"q", "from a"}});
    importAnswers(f, "b", {{"q", "from b"}});
    importAnswers(f, "c", {{"q", "from c"}});
    saveLadder(f.db(), parseLadder("l", "a > b = c"));
    const auto report = PairBuilder(f.db(), "l").build();
    ASSERT_EQ(report.tiers.size(), 2u);
    EXPECT_EQ(report.pairs, 2);
    EXPECT_EQ(f.count("SELECT count(*) FROM pairs p JOIN responses c ON c.id = p.chosen_id "
                      "WHERE c.text = 'from a'"),
              2);
    EXPECT_EQ(f.count("SELECT count(*) FROM pairs WHERE tier IN ('b>c', 'c>b')"), 0);
    EXPECT_EQ(f.count("SELECT count(*) FROM pairs WHERE rank_gap = 1 AND difficulty = 0"), 2);
}

TEST(PairBuilder, DropsEmptyIdenticalAndRepeatedPairsWithTheirReasons) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"p1", "Good"}, {"p2", "Same answer"}, {"p3", "x"}, {"p4", "Strong"}});
    importAnswers(f, "b", {{"p1", " "}, {"p2", "Same\n  answer"}, {"p3", "y"}, {"p4", "Weak"}});
    importAnswers(f, "c", {{"p1", "c1"}, {"p2", "c2"}, {"p3", "z"}, {"p4", "Weak"}});
    saveLadder(f.db(), parseLadder("l", "a > b > c"));
    const auto r = PairBuilder(f.db(), "l").preflight();
    // a>c first (easiest), then a>b, then b>c.
    EXPECT_EQ(tier(r, "a>c").pairs, 4);
    EXPECT_EQ(dropped(tier(r, "a>b"), kDropEmpty), 1);      // p1: b is blank
    EXPECT_EQ(dropped(tier(r, "a>b"), kDropIdentical), 1);  // p2: same after folding
    EXPECT_EQ(dropped(tier(r, "a>b"), kDropDuplicate), 1);  // p4: Strong>Weak again
    EXPECT_EQ(tier(r, "a>b").pairs, 1);                     // p3
    EXPECT_EQ(dropped(tier(r, "b>c"), kDropEmpty), 1);
    EXPECT_EQ(dropped(tier(r, "b>c"), kDropDuplicate), 1);  // p2: a>c had the same texts
    EXPECT_EQ(dropped(tier(r, "b>c"), kDropIdentical), 1);  // p4: Weak = Weak
    EXPECT_EQ(tier(r, "b>c").pairs, 1);                     // p3
    EXPECT_EQ(r.dropped.at(kDropEmpty), 2);
    EXPECT_EQ(r.dropped.at(kDropDuplicate), 2);
    EXPECT_EQ(r.pairs, 6);
    const std::string text = renderPreflightReport(r);
    EXPECT_NE(text.find("identical answers"), std::string::npos);
    EXPECT_NE(text.find("nothing written"), std::string::npos);
}

TEST(PairBuilder, OptionsKeepEmptyIdenticalAndRepeatedPairs) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"p1", "Good"}, {"p2", "Same"}, {"p3", "Strong"}});
    importAnswers(f, "b", {{"p1", ""}, {"p2", "Same"}, {"p3", "Weak"}});
    importAnswers(f, "c", {{"p1", "c"}, {"p2", "c"}, {"p3", "Weak"}});
    saveLadder(f.db(), parseLadder("l", "a > b > c"));
    PairBuildOptions keep;
    keep.skipEmpty = false;
    keep.skipIdentical = false;
    keep.dedupe = false;
    EXPECT_EQ(PairBuilder(f.db(), "l", keep).preflight().pairs, 9);
    // a>c: 3; a>b: empty, identical, repeated; b>c: (Same, c) repeats a>c, Weak = Weak.
    EXPECT_EQ(PairBuilder(f.db(), "l").preflight().pairs, 3);
}

TEST(PairBuilder, TierFilterBuildsOnlyThoseTiersAndNamesTheTiersThereAre) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"q", "1"}});
    importAnswers(f, "b", {{"q", "2"}});
    importAnswers(f, "c", {{"q", "3"}});
    saveLadder(f.db(), parseLadder("l", "a > b > c"));
    PairBuildOptions options;
    options.tiers = {"b>c"};
    const auto r = PairBuilder(f.db(), "l", options).build();
    EXPECT_EQ(r.pairs, 1);
    EXPECT_EQ(f.text("SELECT tier FROM pairs"), "b>c");
    EXPECT_EQ(r.excludedTiers.size(), 2u);
    options.tiers = {"c>a"};
    try {
        (void)PairBuilder(f.db(), "l", options).preflight();
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("a>c, a>b, b>c"), std::string::npos) << e.what();
    }
}

TEST(PairBuilder, LengthCapCountsPromptAndAnswerAndMarksOrDrops) {
    WorkspaceFixture f;
    // Prompt of 5 code points ("héllo" is 5, 6 bytes); answers of 3 and 10 code points.
    importAnswers(f, "a", {{"h\u00e9llo", "\u00e9\u00e9\u00e9"}, {"x", "0123456789"}});
    importAnswers(f, "b", {{"h\u00e9llo", "no"}, {"x", "short"}});
    saveLadder(f.db(), parseLadder("l", "a > b"));
    PairBuildOptions options;
    options.maxChars = 8;  // "héllo" + "ééé" = 8 fits; "x" + 10 = 11 does not
    auto r = PairBuilder(f.db(), "l", options).build();
    EXPECT_EQ(r.pairs, 2);
    EXPECT_EQ(r.truncated, 1);
    EXPECT_EQ(f.count("SELECT count(*) FROM pairs WHERE truncated = 1"), 1);
    options.dropOverLength = true;
    r = PairBuilder(f.db(), "l", options).build();
    EXPECT_EQ(r.pairs, 1);
    EXPECT_EQ(r.dropped.at(kDropOverLength), 1);
    // A token counter (here: one token per byte) caps in tokens.
    PairBuildOptions tokens;
    tokens.maxTokens = 9;
    tokens.countTokens = [](std::string_view s) { return s.size(); };
    r = PairBuilder(f.db(), "l", tokens).preflight();
    // "héllo\n" (7 bytes) + "ééé" (6 bytes) = 13 > 9; "x\n" + 10 = 12 > 9.
    EXPECT_EQ(r.truncated, 2);
}

TEST(PairBuilder, SplitIsDecidedPerPromptSoTiersOfAPromptShareIt) {
    WorkspaceFixture f;
    test::Answers a, b, c;
    for (int i = 0; i < 2000; ++i) {
        const std::string q = numbered("prompt ", i);
        a.emplace_back(q, numbered("a", i));
        b.emplace_back(q, numbered("b", i));
        c.emplace_back(q, numbered("c", i));
    }
    importAnswers(f, "a", a);
    importAnswers(f, "b", b);
    importAnswers(f, "c", c);
    saveLadder(f.db(), parseLadder("l", "a > b > c"));
    PairBuildOptions options;
    options.heldoutFraction = 0.1;
    const auto r = PairBuilder(f.db(), "l", options).build();
    EXPECT_EQ(r.pairs, 6000);
    EXPECT_EQ(f.count("SELECT count(*) FROM (SELECT prompt_id FROM pairs GROUP BY prompt_id "
                      "HAVING count(DISTINCT split) > 1)"),
              0);
    const double share = static_cast<double>(r.heldout) / static_cast<double>(r.pairs);
    EXPECT_GT(share, 0.08);
    EXPECT_LT(share, 0.12);
    // The split follows from the prompt text alone.
    auto s = f.db().prepare(
        "SELECT p.split, pr.match_key FROM pairs p JOIN prompts pr ON "
        "pr.id = p.prompt_id");
    while (s.step()) EXPECT_EQ(s.text(0), data::splitFor(s.text(1), 0.1));
}

TEST(PairBuilder, RebuildKeepsPairIdsAndAnnotationsAndRemovesPairsNoLongerMade) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"q1", "a1"}, {"q2", "a2"}});
    importAnswers(f, "b", {{"q1", "b1"}, {"q2", "b2"}});
    importAnswers(f, "c", {{"q1", "c1"}, {"q2", "c2"}});
    saveLadder(f.db(), parseLadder("l", "a > b > c"));
    auto first = PairBuilder(f.db(), "l").build();
    EXPECT_EQ(first.inserted, 6);
    const std::int64_t annotated = f.count("SELECT min(id) FROM pairs WHERE tier = 'a>b'");
    f.db().exec("INSERT INTO pair_annotations(pair_id, status, updated_at) VALUES (" +
                std::to_string(annotated) + ", 'flip', 'now')");
    const std::string idsBefore = f.text("SELECT group_concat(id) FROM pairs ORDER BY id");

    const auto again = PairBuilder(f.db(), "l").build();
    EXPECT_EQ(again.inserted, 0);
    EXPECT_EQ(again.updated, 6);
    EXPECT_EQ(again.removed, 0);
    EXPECT_EQ(f.text("SELECT group_concat(id) FROM pairs ORDER BY id"), idsBefore);
    EXPECT_EQ(
        f.text("SELECT status FROM pair_annotations WHERE pair_id = " + std::to_string(annotated)),
        "flip");

    PairBuildOptions onlyBc;
    onlyBc.tiers = {"b>c"};
    const auto narrowed = PairBuilder(f.db(), "l", onlyBc).build();
    EXPECT_EQ(narrowed.removed, 4);
    EXPECT_EQ(narrowed.removedAnnotated, 1);
    EXPECT_EQ(f.count("SELECT count(*) FROM pairs"), 2);
    EXPECT_FALSE(narrowed.warnings.empty());
}

TEST(PairBuilder, PreflightWritesNothing) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"q", "1"}});
    importAnswers(f, "b", {{"q", "2"}});
    saveLadder(f.db(), parseLadder("l", "a > b"));
    const auto r = PairBuilder(f.db(), "l").preflight();
    EXPECT_EQ(r.pairs, 1);
    EXPECT_FALSE(r.written);
    EXPECT_EQ(f.count("SELECT count(*) FROM pairs"), 0);
}

TEST(PairBuilder, EveryPairKeepsItsProvenance) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"q0", "x"}, {"q1", "a1"}});
    importAnswers(f, "b", {{"q1", "b1"}});
    saveLadder(f.db(), parseLadder("main", "a > b"));
    PairBuilder(f.db(), "main").build();
    const auto p = pairProvenance(f.db(), f.count("SELECT id FROM pairs"));
    EXPECT_EQ(p.ladder, "main");
    EXPECT_EQ(p.imported, "");
    EXPECT_EQ(p.chosen.source, "a");
    EXPECT_EQ(p.chosen.dataset, "a");
    EXPECT_EQ(p.chosen.row, 1);
    EXPECT_NE(p.chosen.file.find("a.jsonl"), std::string::npos);
    EXPECT_EQ(p.rejected.source, "b");
    EXPECT_EQ(p.rejected.row, 0);
    EXPECT_EQ(p.toJson()["rejected"]["file"], p.rejected.file);
    EXPECT_THROW((void)pairProvenance(f.db(), 999), Error);

    const auto imported =
        f.importText("trl.jsonl", "{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"}\n");
    const auto q = pairProvenance(f.db(), f.count("SELECT id FROM pairs WHERE dataset_id = " +
                                                  std::to_string(imported.datasetId)));
    EXPECT_EQ(q.ladder, "");
    EXPECT_EQ(q.imported, "trl");
    EXPECT_EQ(q.chosen.source, "trl/chosen");
}

TEST(PairBuilder, FlagsATierWhoseChosenAnswersAreSystematicallyLonger) {
    WorkspaceFixture f;
    test::Answers longer, shorter;
    for (int i = 0; i < 10; ++i) {
        const std::string q = numbered("q", i);
        longer.emplace_back(q, std::string(40 + i, 'l'));
        shorter.emplace_back(q, std::string(10, 's'));
    }
    importAnswers(f, "verbose", longer);
    importAnswers(f, "terse", shorter);
    saveLadder(f.db(), parseLadder("l", "verbose > terse"));
    const auto r = PairBuilder(f.db(), "l").preflight();
    const auto& t = tier(r, "verbose>terse");
    EXPECT_TRUE(t.lengthBias);
    EXPECT_DOUBLE_EQ(t.chosenLongerShare, 1.0);
    EXPECT_DOUBLE_EQ(t.chosenChars.mean, 44.5);
    EXPECT_DOUBLE_EQ(t.chosenChars.median, 44.5);
    EXPECT_EQ(t.chosenChars.max, 49);
    EXPECT_DOUBLE_EQ(t.rejectedChars.mean, 10.0);
    EXPECT_NE(renderPreflightReport(r).find("LENGTH BIAS"), std::string::npos);

    saveLadder(f.db(), parseLadder("l", "terse > verbose"));
    EXPECT_FALSE(tier(PairBuilder(f.db(), "l").preflight(), "terse>verbose").lengthBias);
}

TEST(PairBuilder, UsesOnlyAnswersOfAnswerDatasetsAndTheFirstAnswerOfASource) {
    WorkspaceFixture f;
    importAnswers(f, "a", {{"q", "a-answer"}});
    importAnswers(f, "b", {{"q", "b-answer"}});
    // A judge file holds other texts of a and b: they are judged texts, not answers to pair.
    f.importText("ann.json", R"([{"instruction": "q", "output_1": "other b", "generator_1": "b",
                                  "output_2": "other a", "generator_2": "a", "preference": 2}])");
    // A second answers file of a: the first imported answer counts.
    f.importText("a-again.jsonl",
                 "{\"instruction\": \"q\", \"output\": \"late\", \"model\": \"a\"}\n");
    saveLadder(f.db(), parseLadder("l", "a > b"));
    const auto r = PairBuilder(f.db(), "l").build();
    EXPECT_EQ(r.pairs, 1);
    EXPECT_EQ(r.duplicateAnswers, 1);
    EXPECT_EQ(f.text("SELECT c.text || '>' || r.text FROM pairs p JOIN responses c ON "
                     "c.id = p.chosen_id JOIN responses r ON r.id = p.rejected_id"),
              "a-answer>b-answer");
}

TEST(PairBuilder, AnUnknownLadderOrABadHeldOutFractionIsAClearError) {
    WorkspaceFixture f;
    EXPECT_THROW((void)PairBuilder(f.db(), "none").preflight(), Error);
    importAnswers(f, "a", {{"q", "1"}});
    importAnswers(f, "b", {{"q", "2"}});
    saveLadder(f.db(), parseLadder("l", "a > b"));
    PairBuildOptions bad;
    bad.heldoutFraction = 1.5;
    EXPECT_THROW((void)PairBuilder(f.db(), "l", bad).preflight(), Error);
}

}  // namespace
}  // namespace ladder::pairs
