// The length-controlled win rate's fit: it recovers the weights of data drawn from a known
// logistic model, sits where the penalised objective's gradient is zero, removes a pure length
// bias, leaves an unbiased judge's win rate alone, and declines to fit too few prompts.
// (tests/oracle/lc_win_rate.py holds it against a Python implementation on AlpacaEval's data.)
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "core/common/statistics.h"
#include "core/eval/length_controlled.h"
#include "core/eval/win_rate.h"

namespace ladder::eval {
namespace {

double sigmoid(double z) {
    return 1.0 / (1.0 + std::exp(-z));
}

// Rows whose verdicts are drawn from logit p = model + length * tanh(difference / sd).
std::vector<LengthControlledRow> drawn(int n, double model, double length, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> differences(40.0, 100.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<double> d(static_cast<std::size_t>(n));
    for (double& v : d) v = differences(rng);
    const double sd = stats::meanAndStandardError(d).standardDeviation;
    std::vector<LengthControlledRow> rows;
    for (double v : d) {
        const double p = sigmoid(model + length * std::tanh(v / sd));
        rows.push_back({unit(rng) < p ? 1.0 : 0.0, v, {}});
    }
    return rows;
}

TEST(LengthControlled, RecoversTheWeightsOfAKnownLogisticModel) {
    const auto rows = drawn(20000, -1.0, 2.0, 7);
    const LengthControlledFit fit = fitLengthControlled(rows);
    ASSERT_TRUE(fit.converged);
    EXPECT_NEAR(fit.modelWeight, -1.0, 0.06);
    EXPECT_NEAR(fit.lengthWeight, 2.0, 0.08);
    EXPECT_NEAR(fit.winRate, sigmoid(fit.modelWeight), 1e-12);
    EXPECT_NEAR(fit.winRate, sigmoid(-1.0), 0.015);
    // The raw win rate is far above it: most answers are longer, and longer wins.
    double raw = 0;
    for (const auto& r : rows) raw += r.score;
    raw /= static_cast<double>(rows.size());
    EXPECT_GT(raw, fit.winRate + 0.1);
}

TEST(LengthControlled, StopsWhereThePenalisedGradientIsZero) {
    std::vector<LengthControlledRow> rows = drawn(300, 0.3, 0.8, 11);
    // Soft labels (ties, split decisions) and an instruction difficulty on every row.
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i % 7 == 0) rows[i].score = 0.5;
        if (i % 11 == 0) rows[i].score = 0.75;
        rows[i].instructionDifficulty = std::sin(static_cast<double>(i));
    }
    const LengthControlledFit fit = fitLengthControlled(rows, 100.0);
    ASSERT_TRUE(fit.converged);
    double g0 = fit.modelWeight / 100.0, g1 = fit.lengthWeight / 100.0,
           g2 = fit.instructionWeight / 100.0;
    double predicted = 0;
    for (const auto& r : rows) {
        const double x1 = std::tanh(r.lengthDifference / fit.lengthScale);
        const double x2 = *r.instructionDifficulty;
        const double s =
            sigmoid(fit.modelWeight + fit.lengthWeight * x1 + fit.instructionWeight * x2);
        g0 += s - r.score;
        g1 += (s - r.score) * x1;
        g2 += (s - r.score) * x2;
        predicted += sigmoid(fit.modelWeight + fit.instructionWeight * x2);
    }
    EXPECT_NEAR(g0, 0.0, 1e-8);
    EXPECT_NEAR(g1, 0.0, 1e-8);
    EXPECT_NEAR(g2, 0.0, 1e-8);
    EXPECT_NE(fit.instructionWeight, 0.0);
    EXPECT_NEAR(fit.winRate, predicted / static_cast<double>(rows.size()), 1e-12);
}

TEST(LengthControlled, APureLengthBiasIsRemoved) {
    // The judge picks the longer answer nine times in ten, whatever the answers say; three in
    // four generated answers are longer, so the raw win rate is 0.7.
    std::vector<LengthControlledRow> rows;
    double raw = 0;
    for (int i = 0; i < 800; ++i) {
        const double d = (i % 4 == 0 ? -1.0 : 1.0) * (20.0 + i % 13);
        const bool longerWins = (i / 4) % 10 != 0;
        rows.push_back({(d > 0) == longerWins ? 1.0 : 0.0, d, {}});
        raw += rows.back().score;
    }
    EXPECT_NEAR(raw / 800.0, 0.7, 1e-12);
    const LengthControlledFit fit = fitLengthControlled(rows);
    ASSERT_TRUE(fit.converged);
    EXPECT_GT(fit.lengthWeight, 2.0);
    EXPECT_NEAR(fit.winRate, 0.5, 0.03);
}

TEST(LengthControlled, AnUnbiasedJudgeKeepsItsWinRate) {
    // Every length difference the same: the length term is zero and the fit is the raw rate
    // (up to the small penalty).
    std::vector<LengthControlledRow> rows;
    for (int i = 0; i < 200; ++i) rows.push_back({i % 5 < 2 ? 1.0 : 0.0, 12.0, {}});
    const LengthControlledFit fit = fitLengthControlled(rows);
    ASSERT_TRUE(fit.converged);
    EXPECT_EQ(fit.lengthScale, 0.0);
    EXPECT_EQ(fit.lengthWeight, 0.0);
    EXPECT_NEAR(fit.winRate, 0.4, 1e-3);
}

TEST(LengthControlled, TooFewPromptsGiveNoFit) {
    std::vector<LengthControlledRow> rows(kLengthControlledMinRows - 1, {1.0, 3.0, {}});
    EXPECT_TRUE(std::isnan(fitLengthControlled(rows).winRate));
    rows.push_back({0.0, -3.0, {}});
    EXPECT_TRUE(std::isfinite(fitLengthControlled(rows).winRate));
}

TEST(LengthControlled, TheWinRateCarriesItOverTheDecidedPrompts) {
    std::vector<PromptOutcome> outcomes;
    for (int i = 0; i < 40; ++i) {
        PromptOutcome o;
        o.outputLength = 50 + (i % 2 == 0 ? 30 : -30);
        o.referenceLength = 50;
        o.forward = i % 2 == 0 ? 2.0 : 1.0;  // longer wins
        outcomes.push_back(o);
    }
    outcomes.push_back(PromptOutcome{});  // undecided: not a row
    const WinRate w = summarize(outcomes);
    EXPECT_NEAR(w.winRate, 0.5, 1e-12);
    EXPECT_NEAR(w.lengthControlled.winRate, 0.5, 1e-9);
    EXPECT_GT(w.lengthControlled.lengthWeight, 2.0);
    EXPECT_NE(renderWinRate(w).find("length-controlled win rate 50.0%"), std::string::npos);
    EXPECT_NEAR(toJson(w)["length_controlled"]["win_rate"].get<double>(), 0.5, 1e-9);
}

}  // namespace
}  // namespace ladder::eval
