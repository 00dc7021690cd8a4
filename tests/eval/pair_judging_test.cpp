// A judge's verdicts on a ladder's pairs: a judge that is not symmetric is asked both orders and a
// pure position bias cancels to a tie; the verdicts count in `pairs stats`' agreement with the
// ladder; a stopped call goes on where it stopped without storing a verdict twice; a judge is held
// against another judge's verdicts on the same two sources' answers, in either order.
#include <gtest/gtest.h>

#include <atomic>

#include "core/common/error.h"
#include "core/demo/demo_judge.h"
#include "core/demo/demo_workspace.h"
#include "core/eval/pair_judging.h"
#include "core/pairs/judge_agreement.h"
#include "core/store/workspace.h"
#include "tests/eval/test_judges.h"
#include "tests/support/test_support.h"

namespace ladder::eval {
namespace {

class PairJudgingTest : public ::testing::Test {
protected:
    void SetUp() override { demo::initWorkspace(m_dir / "w.ladder", {.prompts = 80, .seed = 6}); }
    test::TempDir m_dir;
};

TEST_F(PairJudgingTest, BothOrdersCancelAPositionBias) {
    auto ws = store::Workspace::open(m_dir / "w.ladder");
    FirstAnswerJudge judge;
    PairJudgingOptions options;
    options.limit = 10;
    const auto p = judgePairs(ws.db(), "demo", judge, options);
    EXPECT_EQ(p.done, 10);
    EXPECT_EQ(p.total, 10);
    EXPECT_EQ(judge.asked, 20);  // each pair both ways round
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM verdicts WHERE judge = 'first-answer'"), 10);
    EXPECT_EQ(ws.db().queryInt64(
                  "SELECT count(*) FROM verdicts WHERE judge = 'first-answer' AND preference = 1.5"),
              10);
}

TEST_F(PairJudgingTest, VerdictsCountInTheAgreementAndAStoppedCallGoesOn) {
    auto ws = store::Workspace::open(m_dir / "w.ladder");
    GraderJudge judge;
    PairJudgingOptions options;
    options.split = "heldout";
    options.batch = 4;
    std::atomic<bool> stop{false};
    const auto first = judgePairs(ws.db(), "demo", judge, options,
                                  [&](const PairJudgingProgress&) { stop = true; }, &stop);
    EXPECT_EQ(first.done, 4);
    ASSERT_GT(first.total, 8);
    const auto second = judgePairs(ws.db(), "demo", judge, options);
    EXPECT_EQ(second.resumed, 4);
    EXPECT_EQ(second.done, second.total);
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM verdicts WHERE judge = 'grader'"), second.total);
    // Its verdicts are the demo judge's on the same pairs: the same agreement with the ladder.
    const auto report = pairs::judgeAgreement(ws.db(), "demo");
    std::int64_t graderAgree = 0, graderVerdicts = 0;
    for (const auto& t : report.tiers) {
        if (t.judge != "grader") continue;
        graderAgree += t.agree;
        graderVerdicts += t.verdicts;
    }
    EXPECT_EQ(graderVerdicts, second.total);
    EXPECT_GT(graderAgree, graderVerdicts / 2);
    // Held against the demo judge's verdicts (demo init stored one per pair): the same grader.
    const auto others = agreementWithOtherJudges(ws.db(), "grader");
    ASSERT_EQ(others.size(), 1u);
    EXPECT_EQ(others[0].other, demo::kDemoJudgeName);
    EXPECT_EQ(others[0].prompts, second.total);
    EXPECT_EQ(others[0].same, second.total);
}

TEST_F(PairJudgingTest, AnotherJudgeInTheOtherOrderIsFlipped) {
    auto ws = store::Workspace::open(m_dir / "w.ladder");
    ws.db().exec(
        "INSERT INTO verdicts(judge, prompt_id, response_1_id, response_2_id, preference) "
        "SELECT 'mirror', prompt_id, response_2_id, response_1_id, 3.0 - preference FROM verdicts "
        "WHERE judge = '" + std::string(demo::kDemoJudgeName) + "'");
    const auto n = ws.db().queryInt64("SELECT count(*) FROM verdicts WHERE judge = 'mirror'");
    ASSERT_GT(n, 0);
    const auto others = agreementWithOtherJudges(ws.db(), "mirror");
    ASSERT_EQ(others.size(), 1u);
    EXPECT_EQ(others[0].prompts, n);
    EXPECT_EQ(others[0].same, n);
    EXPECT_THROW((void)judgePairs(ws.db(), "nope", *std::make_unique<GraderJudge>(), {}), Error);
    PairJudgingOptions badTier;
    badTier.tiers = {"weak>strong"};
    GraderJudge g;
    EXPECT_THROW((void)judgePairs(ws.db(), "demo", g, badTier), Error);
}

}  // namespace
}  // namespace ladder::eval
