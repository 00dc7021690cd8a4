// Reading evaluations back: a run's latest evaluation is the one at its highest step (the newest
// row there), whatever order the rows were written in; its samples come in prompt order.
#include <gtest/gtest.h>

#include "core/eval/eval_store.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::eval {
namespace {

TEST(EvalStore, LatestEvalIsAtTheHighestStepAndTheNewestRowThere) {
    test::TempDir dir;
    auto ws = store::Workspace::create(dir / "a.ladder");
    const auto run = store::RunStore(ws.db()).create({.name = "r", .method = "dpo", .configJson = "{}"});
    const auto other = store::RunStore(ws.db()).create({.name = "o", .method = "dpo", .configJson = "{}"});
    EXPECT_FALSE(latestEval(ws.db(), run));
    const std::string r = std::to_string(run);
    ws.db().exec("INSERT INTO evals(run_id, step, judge, reference_source, n, wins, ties, losses, "
                 "win_rate, std_error, created_at) VALUES "
                 "(" + r + ", 200, 'demo', 'medium', 10, 6, 2, 2, 0.7, 0.14, 't'),"
                 "(" + r + ", 100, 'demo', 'medium', 10, 4, 0, 6, 0.4, NULL, 't'),"
                 "(" + r + ", 200, 'demo', 'medium', 10, 8, 0, 2, 0.8, 0.13, 't'),"
                 "(" + std::to_string(other) + ", 300, 'demo', 'medium', 10, 1, 0, 9, 0.1, 0.1, 't')");
    const auto latest = latestEval(ws.db(), run);
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->step, 200);
    EXPECT_EQ(latest->wins, 8);
    EXPECT_DOUBLE_EQ(latest->winRate, 0.8);
    EXPECT_DOUBLE_EQ(latest->stdError, 0.13);

    const std::string e = std::to_string(latest->id);
    ws.db().exec("INSERT INTO samples(run_id, eval_id, step, prompt_id, prompt_text, output, "
                 "preference, created_at) VALUES "
                 "(" + r + ", " + e + ", 200, NULL, 'q2', 'answer 2', 2, 't'),"
                 "(" + r + ", NULL, 100, NULL, 'q1', 'old answer', 1, 't'),"
                 "(" + r + ", " + e + ", 200, NULL, 'q1', 'answer 1', NULL, 't')");
    const auto samples = loadSamples(ws.db(), latest->id);
    ASSERT_EQ(samples.size(), 2u);
    EXPECT_EQ(samples[0].output, "answer 2");
    EXPECT_EQ(samples[1].promptText, "q1");
    EXPECT_FALSE(samples[1].preference);
}

}  // namespace
}  // namespace ladder::eval
