// The demo task: prompts, the judge that recomputes answers from instruction text, the three
// simulated models' measured strengths, and the demo workspace.
#include <gtest/gtest.h>

#include <set>

#include "core/common/error.h"
#include "core/curriculum/curriculum_store.h"
#include "core/demo/demo_judge.h"
#include "core/demo/demo_models.h"
#include "core/demo/demo_tasks.h"
#include "core/demo/demo_workspace.h"
#include "core/pairs/judge_agreement.h"
#include "core/pairs/ladder.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::demo {
namespace {

TEST(DemoJudge, RecomputesTheAnswerFromTheInstructionTextAlone) {
    // Expected answers worked out by hand.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Reverse the word: garden", "nedrag"},
        {"Sort the letters of planet alphabetically.", "aelnpt"},
        {"Sort these numbers ascending: 42 7 19 7", "7 7 19 42"},
        {"How many letters are in the word window?", "6"},
        {"How many times does 'a' appear in banana?", "3"},
        {"How many times does 'z' appear in apple?", "0"},
        {"What is the sum of 38 and 47?", "85"},
        {"Write in capital letters: green tea time", "GREEN TEA TIME"},
        {"Give word number 3 of: red fox jumps high", "jumps"},
    };
    for (const auto& [instruction, answer] : cases) {
        EXPECT_EQ(grade(instruction, "", answer), AnswerGrade::Exact) << instruction;
        EXPECT_TRUE(isCorrect(instruction, "", answer)) << instruction;
        EXPECT_EQ(parseInstruction(instruction)->expected, answer) << instruction;
    }
}

TEST(DemoJudge, PrefersCorrectAnswersFirstAndWellFormattedOnesSecond) {
    const std::string q = "What is the sum of 38 and 47?";
    EXPECT_EQ(grade(q, "", " 85\n"), AnswerGrade::Exact);
    EXPECT_EQ(grade(q, "", "The answer is 85."), AnswerGrade::RightOffFormat);
    EXPECT_EQ(grade(q, "", "86"), AnswerGrade::Wrong);
    EXPECT_EQ(grade(q, "", "Sure! 86"), AnswerGrade::WrongOffFormat);
    EXPECT_DOUBLE_EQ(judge(q, "", "85", "The answer is 85."), 1.0);
    EXPECT_DOUBLE_EQ(judge(q, "", "Answer: 85", "85"), 2.0);
    EXPECT_DOUBLE_EQ(judge(q, "", "Answer: 85", "86"), 1.0);
    EXPECT_DOUBLE_EQ(judge(q, "", "86", "Sure! 87"), 1.0);
    EXPECT_DOUBLE_EQ(judge(q, "", "86", "84"), 1.5);
    // Case matters only where it is the task.
    EXPECT_EQ(grade("Write in capital letters: red fox", "", "Red Fox"), AnswerGrade::Wrong);
    EXPECT_EQ(grade("Reverse the word: garden", "", "Nedrag"), AnswerGrade::RightOffFormat);
}

TEST(DemoJudge, AnInstructionThatIsNotADemoTaskIsNeverAnsweredCorrectly) {
    EXPECT_FALSE(isCorrect("Write a poem about the sea.", "", "Waves"));
    EXPECT_FALSE(isCorrect("Give word number 9 of: a b", "", "a"));
    EXPECT_FALSE(isCorrect("What is the sum of x and 2?", "", "2"));
}

TEST(DemoTasks, PromptsAreDistinctShortAndTheSameForTheSameSeed) {
    const auto a = generatePrompts(3000, 1);
    const auto b = generatePrompts(3000, 1);
    const auto c = generatePrompts(3000, 2);
    ASSERT_EQ(a.size(), 3000u);
    std::set<std::string> distinct;
    std::set<TaskKind> kinds;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].instruction, b[i].instruction);
        distinct.insert(a[i].instruction);
        kinds.insert(a[i].kind);
        EXPECT_GE(a[i].instruction.size(), 20u) << a[i].instruction;
        EXPECT_LE(a[i].instruction.size(), 60u) << a[i].instruction;
        EXPECT_LE(a[i].expected.size(), 40u) << a[i].instruction;
        EXPECT_EQ(grade(a[i].instruction, "", a[i].expected), AnswerGrade::Exact);
    }
    EXPECT_EQ(distinct.size(), 3000u);
    EXPECT_EQ(kinds.size(), allTaskKinds().size());
    EXPECT_NE(a[0].instruction + a[1].instruction, c[0].instruction + c[1].instruction);
    EXPECT_THROW((void)generatePrompts(0, 1), Error);
}

TEST(DemoModels, StrengthsAreGradedAsDescribed) {
    const auto prompts = generatePrompts(3000, 11);
    for (const ModelProfile& model : demoModels()) {
        int correct = 0, exact = 0;
        for (std::size_t i = 0; i < prompts.size(); ++i) {
            const std::string answer = simulateAnswer(prompts[i], model, 11, i);
            EXPECT_EQ(answer, simulateAnswer(prompts[i], model, 11, i));
            EXPECT_LE(answer.size(), 40u);
            const AnswerGrade g = grade(prompts[i].instruction, "", answer);
            correct += g >= AnswerGrade::RightOffFormat;
            exact += g == AnswerGrade::Exact;
        }
        const double c = correct / 3000.0, e = exact / 3000.0;
        if (model.name == "strong") {
            EXPECT_GT(e, 0.92) << "strong exact " << e;
        } else if (model.name == "medium") {
            EXPECT_GT(c, 0.60) << "medium correct " << c;
            EXPECT_LT(c, 0.72) << "medium correct " << c;
        } else {
            EXPECT_GT(c, 0.15) << "weak correct " << c;
            EXPECT_LT(c, 0.25) << "weak correct " << c;
            EXPECT_LT(e, 0.12) << "weak is mostly off-format or wrong";
        }
    }
}

TEST(DemoWorkspace, InitMakesDataLadderPairsVerdictsAndCurricula) {
    test::TempDir dir;
    DemoOptions options;
    options.prompts = 400;
    options.seed = 3;
    const auto summary = initWorkspace(dir / "sub" / "demo.ladder", options);
    EXPECT_EQ(summary.prompts, 400);
    ASSERT_EQ(summary.models.size(), 3u);
    EXPECT_GT(summary.models[0].correct, summary.models[1].correct);
    EXPECT_GT(summary.models[1].correct, summary.models[2].correct);
    EXPECT_EQ(summary.curricula,
              (std::vector<std::string>{"easy-then-hard", "uniform", "single-tier"}));

    {
        auto ws = store::Workspace::open(dir / "sub" / "demo.ladder");
        auto& db = ws.db();
        EXPECT_EQ(db.queryInt64("SELECT count(*) FROM datasets WHERE format = 'demo'"), 3);
        EXPECT_EQ(db.queryInt64("SELECT count(*) FROM prompts"), 400);
        EXPECT_EQ(pairs::loadLadder(db, kDemoLadder).describe(), "strong > medium > weak");
        EXPECT_EQ(db.queryInt64("SELECT count(*) FROM pairs"), summary.pairs.pairs);
        EXPECT_GT(summary.pairs.heldout, 0);
        EXPECT_EQ(db.queryInt64("SELECT count(*) FROM verdicts"), summary.pairs.pairs);
        EXPECT_EQ(curriculum::listCurricula(db).size(), 3u);
        const auto agreement = pairs::judgeAgreement(db, kDemoLadder);
        ASSERT_EQ(agreement.tiers.size(), 3u);
        EXPECT_EQ(agreement.tiers[0].tier, "strong>weak");
        EXPECT_GT(agreement.tiers[0].agreement(), 0.9);
        EXPECT_EQ(agreement.tiers[0].sameTexts, agreement.tiers[0].verdicts);
    }

    // The same options make the same workspace; an existing file is kept unless overwriting.
    EXPECT_THROW(initWorkspace(dir / "sub" / "demo.ladder", options), Error);
    options.overwrite = true;
    const auto again = initWorkspace(dir / "sub" / "demo.ladder", options);
    EXPECT_EQ(again.pairs.pairs, summary.pairs.pairs);
    EXPECT_EQ(again.pairs.train, summary.pairs.train);
    EXPECT_NE(renderDemoSummary(again).find("strong > medium > weak"), std::string::npos);
}

}  // namespace
}  // namespace ladder::demo
