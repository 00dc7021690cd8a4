// Pairs from several answers of one source: the judge's best against its worst, for every prompt
// where it tells them apart, in a ladder of its own that training reads like any other; a judge
// with only a position bias tells none apart once asked both ways round; a source with one answer
// a prompt is refused with what to do.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/demo/demo_judge.h"
#include "core/demo/demo_workspace.h"
#include "core/eval/self_rank.h"
#include "core/pairs/training_pairs.h"
#include "core/store/workspace.h"
#include "tests/eval/test_judges.h"
#include "tests/support/test_support.h"

namespace ladder::eval {
namespace {

class SelfRankTest : public ::testing::Test {
protected:
    void SetUp() override {
        demo::initWorkspace(m_dir / "w.ladder", {.prompts = 60, .seed = 8});
        auto ws = store::Workspace::open(m_dir / "w.ladder");
        // Three answers a prompt under one source, as K samples of one model would be.
        ws.db().exec("INSERT INTO sources(name) VALUES ('sampled')");
        ws.db().exec(
            "INSERT INTO responses(prompt_id, source_id, text) SELECT r.prompt_id, "
            "(SELECT id FROM sources WHERE name = 'sampled'), r.text FROM responses r JOIN sources s "
            "ON s.id = r.source_id WHERE s.name IN ('strong', 'medium', 'weak') ORDER BY r.prompt_id");
    }
    test::TempDir m_dir;
};

TEST_F(SelfRankTest, TheBestAgainstTheWorstWhereTheJudgeTellsThemApart) {
    auto ws = store::Workspace::open(m_dir / "w.ladder");
    GraderJudge judge;
    SelfRankOptions options;
    options.source = "sampled";
    options.heldoutFraction = 0.2;
    const auto r = selfRankPairs(ws.db(), judge, options);
    EXPECT_EQ(r.ladder, "sampled-self");
    EXPECT_EQ(r.tier, "sampled:best>worst");
    EXPECT_EQ(r.prompts, 60);
    EXPECT_EQ(r.comparisons, 60 * 3);  // symmetric: each two answers once
    EXPECT_EQ(r.pairs + r.undecided, 60);
    EXPECT_GT(r.pairs, 30);
    // Every pair's chosen answer grades above its rejected one; the ladder trains like any other.
    pairs::PairSelection selection;
    selection.ladder = "sampled-self";
    const auto pairs = pairs::loadTrainingPairs(ws.db(), selection);
    selection.split = "heldout";
    const auto heldout = pairs::loadTrainingPairs(ws.db(), selection);
    EXPECT_EQ(static_cast<std::int64_t>(pairs.size()), r.pairs);
    EXPECT_GT(heldout.size(), 0u);
    EXPECT_LT(heldout.size(), pairs.size());
    for (const auto& p : pairs) {
        EXPECT_EQ(p.tier, "sampled:best>worst");
        EXPECT_GT(demo::grade(p.instruction, p.input, p.chosen), demo::grade(p.instruction, p.input, p.rejected))
            << p.instruction;
    }
    // Again: the same pairs, not twice as many.
    EXPECT_EQ(selfRankPairs(ws.db(), judge, options).pairs, r.pairs);
    EXPECT_EQ(static_cast<std::int64_t>(pairs::loadTrainingPairs(ws.db(), {.ladderId = std::nullopt, .ladder = "sampled-self"}).size()),
              r.pairs);
}

TEST_F(SelfRankTest, APositionBiasAloneTellsNothingApartAndOneAnswerIsRefused) {
    auto ws = store::Workspace::open(m_dir / "w.ladder");
    FirstAnswerJudge biased;
    const auto r = selfRankPairs(ws.db(), biased, {.source = "sampled"});
    EXPECT_EQ(r.comparisons, 60 * 6);  // both orders
    EXPECT_EQ(r.pairs, 0);
    EXPECT_EQ(r.undecided, 60);
    GraderJudge judge;
    try {
        (void)selfRankPairs(ws.db(), judge, {.source = "strong"});
        FAIL() << "one answer a prompt was ranked";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("--samples-per-prompt"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace ladder::eval
