// The win rate from verdicts, against figures worked out by hand: ties count half, the standard
// error is the sample standard deviation of the scores over sqrt(n), both orders average and
// report their agreement, and the length view buckets and splits by answer length.
#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/eval/win_rate.h"

namespace ladder::eval {
namespace {

PromptOutcome forward(double preference, std::int64_t length = 10, std::int64_t reference = 10) {
    PromptOutcome o;
    o.forward = preference;
    o.outputLength = length;
    o.referenceLength = reference;
    return o;
}

TEST(WinRate, TiesCountHalfAndTheStandardErrorIsTheSampleDeviationOverRootN) {
    // Scores 1, 0, 0.5, 1, 0.75 (AlpacaEval's weighted preference 1.75).
    const WinRate w =
        summarize({forward(2.0), forward(1.0), forward(1.5), forward(2.0), forward(1.75)});
    EXPECT_EQ(w.n, 5);
    EXPECT_EQ(w.wins, 3);
    EXPECT_EQ(w.ties, 1);
    EXPECT_EQ(w.losses, 1);
    EXPECT_DOUBLE_EQ(w.winRate, 0.65);
    // deviations 0.35 -0.65 -0.15 0.35 0.1: squares sum 0.7, / 4 = 0.175, sqrt / sqrt(5)
    EXPECT_NEAR(w.stdError, std::sqrt(0.175) / std::sqrt(5.0), 1e-12);
    EXPECT_EQ(w.bothOrders, 0);
    EXPECT_TRUE(std::isnan(w.positionAgreement));
}

TEST(WinRate, UndecidedAndFailedPromptsAreLeftOutAndCounted) {
    PromptOutcome undecided;
    PromptOutcome failed;
    failed.error = "timeout";
    const WinRate w = summarize({forward(2.0), undecided, failed, forward(1.0)});
    EXPECT_EQ(w.prompts, 4);
    EXPECT_EQ(w.n, 2);
    EXPECT_EQ(w.undecided, 1);
    EXPECT_EQ(w.errors, 1);
    EXPECT_DOUBLE_EQ(w.winRate, 0.5);
    const WinRate none = summarize({undecided});
    EXPECT_EQ(none.n, 0);
    EXPECT_TRUE(std::isnan(none.winRate));
    EXPECT_TRUE(std::isnan(none.stdError));
    EXPECT_TRUE(toJson(none)["win_rate"].is_null());
}

TEST(WinRate, BothOrdersAverageAndTheirAgreementIsReported) {
    // Backward order: the evaluated answer is output_1, so preference 1 means it won.
    PromptOutcome consistent = forward(2.0);  // won, and won again when swapped
    consistent.backward = 1.0;
    consistent.backwardAsked = true;
    PromptOutcome biased = forward(1.0);  // the judge always picks output_1: lost, then won
    biased.backward = 1.0;
    biased.backwardAsked = true;
    PromptOutcome half = forward(2.0);  // the swapped order failed: the forward verdict stands
    half.backwardAsked = true;
    half.error = "not JSON";
    const WinRate w = summarize({consistent, biased, half});
    EXPECT_EQ(w.n, 3);
    EXPECT_EQ(biased.score(), 0.5);
    EXPECT_EQ(w.wins, 2);
    EXPECT_EQ(w.ties, 1);
    EXPECT_DOUBLE_EQ(w.winRate, 2.5 / 3.0);
    EXPECT_EQ(w.bothOrders, 2);
    EXPECT_EQ(w.ordersAgree, 1);
    EXPECT_DOUBLE_EQ(w.positionAgreement, 0.5);
    EXPECT_EQ(w.errors, 0);  // decided in one order: not a failed prompt
}

TEST(WinRate, LengthViewSplitsByLengthAndDifference) {
    // Lengths 1..8 against references of 4: the longer answers win here (a length-biased judge).
    std::vector<PromptOutcome> outcomes;
    for (int length = 1; length <= 8; ++length) {
        outcomes.push_back(forward(length > 4 ? 2.0 : length == 4 ? 1.5 : 1.0, length, 4));
    }
    const WinRate w = summarize(outcomes);
    ASSERT_EQ(w.byLength.size(), 4u);
    EXPECT_EQ(w.byLength[0].minLength, 1);
    EXPECT_EQ(w.byLength[0].maxLength, 2);
    EXPECT_DOUBLE_EQ(w.byLength[0].winRate, 0.0);
    EXPECT_DOUBLE_EQ(w.byLength[1].winRate, 0.25);  // lengths 3 and 4: a loss and a tie
    EXPECT_DOUBLE_EQ(w.byLength[3].winRate, 1.0);
    EXPECT_EQ(w.longer.n, 4);
    EXPECT_DOUBLE_EQ(w.longer.winRate, 1.0);
    EXPECT_EQ(w.same.n, 1);
    EXPECT_DOUBLE_EQ(w.same.winRate, 0.5);
    EXPECT_EQ(w.shorter.n, 3);
    EXPECT_DOUBLE_EQ(w.shorter.winRate, 0.0);
    EXPECT_DOUBLE_EQ(w.meanOutputLength, 4.5);
    EXPECT_DOUBLE_EQ(w.meanLengthDifference, 0.5);
    const auto text = renderWinRate(w);
    EXPECT_NE(text.find("(n 8: 4 wins, 1 ties, 3 losses)"), std::string::npos) << text;
    EXPECT_NE(text.find("[1-2] 0.0% (n 2)"), std::string::npos) << text;
}

}  // namespace
}  // namespace ladder::eval
