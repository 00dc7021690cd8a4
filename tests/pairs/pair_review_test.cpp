// What the pair browser reads and writes, on a real demo workspace: annotations and their undo,
// the filtered and sorted pair list, rows, one pair's detail, and run margins.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>

#include "core/common/error.h"
#include "core/common/text.h"
#include "core/demo/demo_workspace.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_annotations.h"
#include "core/pairs/pair_margins.h"
#include "core/pairs/pair_query.h"
#include "core/pairs/training_pairs.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::pairs {
namespace {

// A small demo workspace (strong > medium > weak, judged by the demo judge), made once per test.
class PairReviewTest : public ::testing::Test {
protected:
    void SetUp() override {
        demo::DemoOptions options;
        options.prompts = 240;
        demo::initWorkspace(m_dir / "demo.ladder", options);
        m_ws = std::make_unique<store::Workspace>(store::Workspace::open(m_dir / "demo.ladder"));
        m_ladderId = loadLadder(db(), demo::kDemoLadder).id;
        PairSelection all;
        all.ladder = demo::kDemoLadder;
        m_pairs = loadTrainingPairs(db(), all);
        ASSERT_GT(m_pairs.size(), 100u);
    }

    store::Database& db() { return m_ws->db(); }
    PairFilter ladderFilter() const {
        PairFilter f;
        f.ladderId = m_ladderId;
        return f;
    }
    std::vector<std::int64_t> idsWhere(const std::function<bool(const TrainingPair&)>& keep) {
        std::vector<std::int64_t> out;
        for (const auto& p : m_pairs) {
            if (keep(p)) out.push_back(p.pairId);
        }
        return out;
    }
    std::int64_t annotationRows(std::int64_t pairId) {
        return db().queryInt64("SELECT count(*) FROM pair_annotations WHERE pair_id = " +
                               std::to_string(pairId));
    }

    test::TempDir m_dir;
    std::unique_ptr<store::Workspace> m_ws;
    std::int64_t m_ladderId = 0;
    std::vector<TrainingPair> m_pairs;  // by pair id, no annotations yet
};

TEST_F(PairReviewTest, AnnotationStatusIsSavedAtOnceAndUndoRemovesTheRowItAdded) {
    const std::int64_t id = m_pairs[3].pairId;
    const AnnotationChange c = setAnnotationStatus(db(), id, AnnotationStatus::Flip, "ann");
    EXPECT_FALSE(c.before.has_value());
    ASSERT_TRUE(c.after.has_value());
    EXPECT_EQ(
        db().queryText("SELECT status FROM pair_annotations WHERE pair_id = " + std::to_string(id)),
        "flip");
    EXPECT_EQ(db().queryText("SELECT annotator FROM pair_annotations WHERE pair_id = " +
                             std::to_string(id)),
              "ann");
    undoChange(db(), c);
    EXPECT_EQ(annotationRows(id), 0);
    EXPECT_FALSE(annotationOf(db(), id).has_value());
    redoChange(db(), c);
    EXPECT_EQ(annotationOf(db(), id), c.after);
}

TEST_F(PairReviewTest, UndoRestoresThePreviousNoteStatusAnnotatorAndTimeExactly) {
    const std::int64_t id = m_pairs[5].pairId;
    setAnnotationStatus(db(), id, AnnotationStatus::Keep, "first");
    const AnnotationChange note = setAnnotationNote(db(), id, "answer 1 is also right", "first");
    const AnnotationState before = annotationOf(db(), id);
    ASSERT_TRUE(before);
    EXPECT_EQ(before->status, AnnotationStatus::Keep);  // a note keeps the decision
    EXPECT_EQ(before->note, "answer 1 is also right");
    EXPECT_EQ(note.after, before);

    const AnnotationChange second = setAnnotationNote(db(), id, "changed my mind", "second");
    const AnnotationChange tie = setAnnotationStatus(db(), id, AnnotationStatus::Tie, "second");
    EXPECT_EQ(tie.after->note, "changed my mind");  // a decision keeps the note
    undoChange(db(), tie);
    undoChange(db(), second);
    EXPECT_EQ(annotationOf(db(), id), before);
    EXPECT_EQ(db().queryText("SELECT updated_at FROM pair_annotations WHERE pair_id = " +
                             std::to_string(id)),
              before->updatedAt);
}

TEST_F(PairReviewTest, ClearingOrRemovingDecisionAndNoteLeavesThePairUnreviewed) {
    const std::int64_t id = m_pairs[0].pairId;
    setAnnotationStatus(db(), id, AnnotationStatus::Discard);
    const AnnotationChange none = setAnnotationStatus(db(), id, AnnotationStatus::None);
    EXPECT_FALSE(none.after.has_value());
    EXPECT_EQ(annotationRows(id), 0);

    setAnnotationNote(db(), id, "look again");
    EXPECT_EQ(annotationOf(db(), id)->status, AnnotationStatus::None);  // a note alone is a row
    const AnnotationChange cleared = clearAnnotation(db(), id);
    EXPECT_EQ(cleared.before->note, "look again");
    EXPECT_EQ(annotationRows(id), 0);
    undoChange(db(), cleared);
    EXPECT_EQ(annotationOf(db(), id)->note, "look again");
}

TEST_F(PairReviewTest, TheNextLoadOfTrainingPairsAppliesFlipAndDiscard) {
    const TrainingPair flipped = m_pairs[1];
    const TrainingPair discarded = m_pairs[2];
    setAnnotationStatus(db(), flipped.pairId, AnnotationStatus::Flip);
    setAnnotationStatus(db(), discarded.pairId, AnnotationStatus::Discard);
    PairSelection all;
    all.ladder = demo::kDemoLadder;
    const auto again = loadTrainingPairs(db(), all);
    EXPECT_EQ(again.size(), m_pairs.size() - 1);
    const auto it = std::find_if(again.begin(), again.end(),
                                 [&](const auto& p) { return p.pairId == flipped.pairId; });
    ASSERT_NE(it, again.end());
    EXPECT_EQ(it->chosen, flipped.rejected);
    EXPECT_EQ(it->rejected, flipped.chosen);
    EXPECT_TRUE(std::none_of(again.begin(), again.end(),
                             [&](const auto& p) { return p.pairId == discarded.pairId; }));
}

TEST_F(PairReviewTest, AnnotatingAnUnknownPairOrAReadOnlyWorkspaceIsAClearError) {
    EXPECT_THROW(setAnnotationStatus(db(), 987654321, AnnotationStatus::Keep), Error);
    EXPECT_THROW((void)annotationStatusFromString("maybe"), Error);
    m_ws.reset();
    auto ro = store::Workspace::open(m_dir / "demo.ladder", store::OpenOptions{.readOnly = true});
    try {
        setAnnotationStatus(ro.db(), m_pairs[0].pairId, AnnotationStatus::Keep);
        FAIL() << "a read-only workspace accepted an annotation";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos) << e.what();
    }
}

TEST_F(PairReviewTest, TierSourceAndSplitFiltersListTheMatchingPairsById) {
    const std::string tier = m_pairs.back().tier;
    PairFilter f = ladderFilter();
    f.tier = tier;
    EXPECT_EQ(findPairIds(db(), f), idsWhere([&](const auto& p) { return p.tier == tier; }));

    f = ladderFilter();
    f.source = "medium";
    EXPECT_EQ(findPairIds(db(), f),
              idsWhere([](const auto& p) { return p.tier.find("medium") != std::string::npos; }));
    f.split = "heldout";
    EXPECT_EQ(findPairIds(db(), f), idsWhere([](const auto& p) {
                  return p.tier.find("medium") != std::string::npos && p.split == "heldout";
              }));
    f.split = "validation";
    EXPECT_THROW((void)findPairIds(db(), f), Error);

    EXPECT_EQ(tierNames(db(), ladderFilter()).front(), "strong>weak");  // the easiest first
    EXPECT_EQ(tierNames(db(), ladderFilter()).size(), 3u);
}

TEST_F(PairReviewTest, StatusFilterTellsUnreviewedFromEachDecision) {
    setAnnotationStatus(db(), m_pairs[0].pairId, AnnotationStatus::Keep);
    setAnnotationStatus(db(), m_pairs[1].pairId, AnnotationStatus::Flip);
    setAnnotationStatus(db(), m_pairs[2].pairId, AnnotationStatus::Flip);
    setAnnotationNote(db(), m_pairs[3].pairId, "a note is not a decision");
    PairFilter f = ladderFilter();
    f.status = AnnotationStatus::Flip;
    EXPECT_EQ(findPairIds(db(), f),
              (std::vector<std::int64_t>{m_pairs[1].pairId, m_pairs[2].pairId}));
    f.status = AnnotationStatus::None;
    const auto unreviewed = findPairIds(db(), f);
    EXPECT_EQ(unreviewed.size(), m_pairs.size() - 3);
    EXPECT_EQ(unreviewed.front(), m_pairs[3].pairId);
}

TEST_F(PairReviewTest, JudgeFilterFollowsTheDemoJudgesVerdicts) {
    // The demo judge judged every pair as (chosen, rejected): 1 = chosen better, 2 = rejected.
    auto expected = [&](double preference) {
        std::vector<std::int64_t> ids;
        auto s = db().prepare(
            "SELECT p.id FROM pairs p JOIN verdicts v ON v.response_1_id = p.chosen_id AND "
            "v.response_2_id = p.rejected_id WHERE v.preference = ? ORDER BY p.id");
        s.bind(1, preference);
        while (s.step()) ids.push_back(s.int64(0));
        return ids;
    };
    PairFilter f = ladderFilter();
    f.judge = JudgeVerdict::Disagree;
    const auto disagree = findPairIds(db(), f);
    EXPECT_EQ(disagree, expected(2.0));
    EXPECT_FALSE(disagree.empty());
    f.judge = JudgeVerdict::Agree;
    EXPECT_EQ(findPairIds(db(), f), expected(1.0));
    f.judge = JudgeVerdict::Tie;
    const auto ties = findPairIds(db(), f);
    EXPECT_EQ(ties, expected(1.5));
    f.judge = JudgeVerdict::None;
    EXPECT_EQ(findPairIds(db(), f).size(),
              m_pairs.size() - expected(1.0).size() - expected(2.0).size() - ties.size());
}

TEST_F(PairReviewTest, SearchFindsTextInThePromptOrEitherAnswerIgnoringAsciiCase) {
    // A word from one chosen answer, searched in upper case.
    const std::string answer = m_pairs[7].chosen;
    const auto space = answer.find(' ');
    const std::string word = answer.substr(0, std::min<std::size_t>(space, 6));
    ASSERT_FALSE(word.empty());
    std::string upper = word;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    PairFilter f = ladderFilter();
    f.search = upper;
    const std::string needle = text::toLowerAscii(word);
    const auto found = findPairIds(db(), f);
    EXPECT_EQ(found, idsWhere([&](const TrainingPair& p) {
                  for (const std::string* t : {&p.instruction, &p.input, &p.chosen, &p.rejected}) {
                      if (text::toLowerAscii(*t).find(needle) != std::string::npos) return true;
                  }
                  return false;
              }));
    EXPECT_NE(std::find(found.begin(), found.end(), m_pairs[7].pairId), found.end());
    f.search = "100%_\\";  // LIKE wildcards are matched as text
    EXPECT_TRUE(findPairIds(db(), f).empty());
}

TEST_F(PairReviewTest, LengthDifferenceAndTierSortsMatchCountsComputedHere) {
    std::vector<std::pair<std::int64_t, std::int64_t>> byDiff;  // (difference, id)
    for (const auto& p : m_pairs) {
        byDiff.emplace_back(static_cast<std::int64_t>(text::codePointCount(p.chosen)) -
                                static_cast<std::int64_t>(text::codePointCount(p.rejected)),
                            p.pairId);
    }
    std::sort(byDiff.begin(), byDiff.end());
    std::vector<std::int64_t> expected;
    for (const auto& [diff, id] : byDiff) expected.push_back(id);
    const auto ids = findPairIds(db(), ladderFilter(), {PairSortKey::LengthDifference, false, 0});
    EXPECT_EQ(ids, expected);
    const auto rows = loadPairRows(db(), std::span(ids).first(5));
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0].lengthDifference(), byDiff[0].first);
    EXPECT_LE(rows[0].lengthDifference(), rows[4].lengthDifference());

    const auto byTier = findPairIds(db(), ladderFilter(), {PairSortKey::Tier, false, 0});
    const auto tierRows = loadPairRows(db(), byTier);
    EXPECT_EQ(tierRows.front().tier, "strong>weak");
    EXPECT_EQ(tierRows.front().rankGap, 2);
    EXPECT_EQ(tierRows.back().rankGap, 1);
}

TEST_F(PairReviewTest, MarginSortPutsTheMostWrongPairsFirstAndUnmeasuredLast) {
    store::RunStore runs(db());
    const std::int64_t run = runs.create({.name = "dpo-1", .method = "dpo", .configJson = "{}"});
    // Margins for six pairs in a known order; the others have none.
    const std::vector<std::pair<std::int64_t, double>> margins = {
        {m_pairs[10].pairId, 0.5},  {m_pairs[11].pairId, -2.0}, {m_pairs[12].pairId, 1.5},
        {m_pairs[13].pairId, -0.1}, {m_pairs[14].pairId, 0.0},  {m_pairs[15].pairId, -7.25}};
    savePairMargins(db(), run, 120, margins);
    const auto ids = findPairIds(db(), ladderFilter(), {PairSortKey::Margin, false, run});
    ASSERT_EQ(ids.size(), m_pairs.size());
    const std::vector<std::int64_t> wrongFirst = {m_pairs[15].pairId, m_pairs[11].pairId,
                                                  m_pairs[13].pairId, m_pairs[14].pairId,
                                                  m_pairs[10].pairId, m_pairs[12].pairId};
    EXPECT_EQ(std::vector<std::int64_t>(ids.begin(), ids.begin() + 6), wrongFirst);
    EXPECT_EQ(ids[6], m_pairs[0].pairId);  // then the pairs without a margin, by id

    const auto rows = loadPairRows(db(), std::span(ids).first(2), run);
    EXPECT_DOUBLE_EQ(*rows[0].margin, -7.25);
    EXPECT_DOUBLE_EQ(*rows[1].margin, -2.0);
    EXPECT_FALSE(loadPairRows(db(), std::span(ids).subspan(6, 1), run)[0].margin.has_value());

    const auto listed = marginRuns(db());
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].name, "dpo-1");
    EXPECT_EQ(listed[0].pairs, 6);
    EXPECT_EQ(listed[0].step, 120);
    EXPECT_THROW((void)findPairIds(db(), ladderFilter(), {PairSortKey::Margin, false, run + 1}),
                 Error);
    // A pair rebuilt away while the run trained: its margin is left out, the others are kept.
    savePairMargins(db(), run, 121, {{987654321, 0.1}, {ids[0], -1.5}});
    EXPECT_DOUBLE_EQ(*loadPairRows(db(), std::span(ids).first(1), run)[0].margin, -1.5);
    EXPECT_EQ(db().queryInt64("SELECT count(*) FROM pair_margins WHERE pair_id = 987654321"), 0);
}

TEST_F(PairReviewTest, RowsKeepTheOrderAskedForAndCarryStatusAndNote) {
    const std::vector<std::int64_t> ids = {m_pairs[9].pairId, m_pairs[2].pairId, 987654321,
                                           m_pairs[4].pairId};
    setAnnotationStatus(db(), m_pairs[2].pairId, AnnotationStatus::Tie);
    setAnnotationNote(db(), m_pairs[4].pairId, "why?");
    const auto rows = loadPairRows(db(), ids);
    ASSERT_EQ(rows.size(), 3u);  // the unknown id is left out
    EXPECT_EQ(rows[0].pairId, m_pairs[9].pairId);
    EXPECT_EQ(rows[1].status, AnnotationStatus::Tie);
    EXPECT_FALSE(rows[1].hasNote);
    EXPECT_TRUE(rows[2].hasNote);
    EXPECT_EQ(rows[2].status, AnnotationStatus::None);
    const TrainingPair& p = m_pairs[9];
    EXPECT_EQ(rows[0].tier, p.tier);
    EXPECT_EQ(rows[0].chosenSource + ">" + rows[0].rejectedSource, p.tier);
    EXPECT_EQ(rows[0].chosenChars, static_cast<std::int64_t>(text::codePointCount(p.chosen)));
    EXPECT_EQ(rows[0].split, p.split);
}

TEST_F(PairReviewTest, DetailHasTextsRanksLengthsVerdictsAndMargins) {
    const TrainingPair& p = *std::find_if(m_pairs.begin(), m_pairs.end(),
                                          [](const auto& t) { return t.tier == "strong>weak"; });
    store::RunStore runs(db());
    const std::int64_t run = runs.create({.name = "slic", .method = "slic", .configJson = "{}"});
    savePairMargins(db(), run, 40, {{p.pairId, -0.75}});
    setAnnotationNote(db(), p.pairId, "check the format");

    const PairDetail d = pairDetail(db(), p.pairId);
    EXPECT_EQ(d.instruction, p.instruction);
    EXPECT_EQ(d.chosen.text, p.chosen);
    EXPECT_EQ(d.rejected.text, p.rejected);
    EXPECT_EQ(d.chosen.source, "strong");
    EXPECT_EQ(d.chosen.rank, 1);
    EXPECT_EQ(d.rejected.source, "weak");
    EXPECT_EQ(d.rejected.rank, 3);
    EXPECT_EQ(d.chosen.bytes, static_cast<std::int64_t>(p.chosen.size()));
    EXPECT_EQ(d.rejected.characters, static_cast<std::int64_t>(text::codePointCount(p.rejected)));
    EXPECT_EQ(d.rankGap, 2);
    EXPECT_EQ(d.provenance.ladder, demo::kDemoLadder);
    EXPECT_EQ(d.provenance.chosen.source, "strong");
    ASSERT_TRUE(d.annotation);
    EXPECT_EQ(d.annotation->note, "check the format");
    ASSERT_EQ(d.verdicts.size(), 1u);
    const double preference = std::stod(*db().queryText(
        "SELECT preference FROM verdicts WHERE response_1_id = (SELECT chosen_id FROM pairs "
        "WHERE id = " +
        std::to_string(p.pairId) + ")"));
    EXPECT_EQ(d.verdicts[0].prefersChosen, preference == 1.0);
    EXPECT_EQ(d.judge, preference == 1.0   ? JudgeVerdict::Agree
                       : preference == 2.0 ? JudgeVerdict::Disagree
                                           : JudgeVerdict::None);
    ASSERT_EQ(d.margins.size(), 1u);
    EXPECT_EQ(d.margins[0].run, "slic");
    EXPECT_EQ(d.margins[0].step, 40);
    EXPECT_DOUBLE_EQ(d.margins[0].margin, -0.75);
    EXPECT_THROW((void)pairDetail(db(), 987654321), Error);
}

}  // namespace
}  // namespace ladder::pairs
