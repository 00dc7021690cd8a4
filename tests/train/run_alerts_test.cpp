// Alerts that explain a run: each pattern on constructed metrics raises its alert at the step it
// shows, a healthy run raises none, and a run's stored metrics give the same.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "core/eval/eval_store.h"
#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/train/run_alerts.h"
#include "tests/support/test_support.h"

namespace ladder::train {
namespace {

// `f(step)` at steps 1..n.
std::vector<std::pair<std::int64_t, double>> curve(int n, const std::function<double(int)>& f, int every = 1) {
    std::vector<std::pair<std::int64_t, double>> out;
    for (int s = every; s <= n; s += every) out.emplace_back(s, f(s));
    return out;
}

// A healthy DPO run of 100 steps: chosen log-probs steady, margins and accuracies growing.
MetricSeries healthy() {
    MetricSeries m;
    m["logps/chosen"] = curve(100, [](int s) { return -50.0 + 0.3 * std::sin(s); });
    m["rewards/margins"] = curve(100, [](int s) { return 0.02 * s; });
    m["rewards/chosen"] = curve(100, [](int s) { return 0.01 * s; });
    m["rewards/rejected"] = curve(100, [](int s) { return -0.01 * s; });
    m["rewards/accuracies"] = curve(100, [](int s) { return 0.5 + 0.003 * s; });
    m["eval/rewards/accuracies"] = curve(100, [](int s) { return 0.5 + 0.002 * s; }, 25);
    m["eval/loss"] = curve(100, [](int s) { return 0.69 - 0.001 * s; }, 25);
    m["grad_norm"] = curve(100, [](int s) { return 1.0 + 0.1 * std::cos(s); });
    m[eval::kAnswerLengthMetric] = curve(100, [](int) { return 40.0; }, 50);
    m[eval::kAnswerRepetitionMetric] = curve(100, [](int) { return 0.04; }, 50);
    m["curriculum/stage"] = curve(100, [](int s) { return s <= 50 ? 1.0 : 2.0; });
    return m;
}

const RunAlert* find(const std::vector<RunAlert>& alerts, const std::string& kind) {
    for (const auto& a : alerts) {
        if (a.kind == kind) return &a;
    }
    return nullptr;
}

TEST(RunAlerts, AHealthyRunHasNone) {
    const auto alerts = findRunAlerts(healthy());
    for (const auto& a : alerts) ADD_FAILURE() << a.kind << " at " << a.step << ": " << a.explanation;
}

TEST(RunAlerts, ChosenLogProbsFallingWhileMarginsGrowIsLikelihoodDisplacement) {
    auto m = healthy();
    m["logps/chosen"] = curve(100, [](int s) { return s <= 40 ? -50.0 : -50.0 - 0.5 * (s - 40); });
    const auto alerts = findRunAlerts(m);
    const auto* a = find(alerts, "likelihood_displacement");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->metric, "logps/chosen");
    EXPECT_GT(a->step, 40);
    EXPECT_LT(a->step, 90);
    EXPECT_NE(a->explanation.find("fell from -50.00 to -"), std::string::npos) << a->explanation;
    EXPECT_NE(a->explanation.find("NLL term"), std::string::npos);
    EXPECT_EQ(find(alerts, "rewards_falling"), nullptr);  // the margins grew: the other alert
}

TEST(RunAlerts, BothRewardsFallingWithoutTheMarginGrowing) {
    auto m = healthy();
    m["rewards/margins"] = curve(100, [](int) { return 0.2; });
    m["rewards/chosen"] = curve(100, [](int s) { return -0.02 * s; });
    m["rewards/rejected"] = curve(100, [](int s) { return -0.02 * s - 0.2; });
    auto alerts = findRunAlerts(m);
    const auto* a = find(alerts, "rewards_falling");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->title, "Both rewards falling");
    EXPECT_GT(a->step, 20);
}

TEST(RunAlerts, TrainAccuracyNearOneWithHeldOutFlatIsOverfitting) {
    auto m = healthy();
    m["rewards/accuracies"] = curve(100, [](int s) { return std::min(1.0, 0.5 + 0.02 * s); });
    m["eval/rewards/accuracies"] = {{25, 0.60}, {50, 0.61}, {75, 0.60}, {100, 0.605}};
    auto alerts = findRunAlerts(m);
    const auto* a = find(alerts, "overfitting");
    ASSERT_NE(a, nullptr);
    EXPECT_GE(a->step, 23);  // where the training accuracy's trailing mean passed 0.95
    EXPECT_LE(a->step, 40);
    EXPECT_NE(a->explanation.find("from 0.60 to 0.60"), std::string::npos) << a->explanation;
    // Held-out accuracy that keeps rising is learning, not overfitting.
    m["eval/rewards/accuracies"] = {{25, 0.60}, {50, 0.66}, {75, 0.70}, {100, 0.74}};
    alerts = findRunAlerts(m);
    EXPECT_EQ(find(alerts, "overfitting"), nullptr);
    // ... unless the held-out loss rises.
    m["eval/loss"] = {{25, 0.60}, {50, 0.55}, {75, 0.62}, {100, 0.70}};
    alerts = findRunAlerts(m);
    EXPECT_NE(find(alerts, "overfitting"), nullptr);
}

TEST(RunAlerts, AGradientNormSpikeOrANanIsNamedByItsStep) {
    auto m = healthy();
    m["grad_norm"][29].second = 50.0;  // step 30
    auto alerts = findRunAlerts(m);
    const auto* a = find(alerts, "exploding_gradients");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->step, 30);
    EXPECT_NE(a->explanation.find("1 step had"), std::string::npos) << a->explanation;
    m = healthy();
    m["grad_norm"][69].second = std::nan("");
    alerts = findRunAlerts(m);
    a = find(alerts, "exploding_gradients");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->step, 70);
    EXPECT_NE(a->explanation.find("not finite"), std::string::npos);
}

TEST(RunAlerts, GeneratedAnswersGrowingLongerAreADrift) {
    auto m = healthy();
    m[eval::kAnswerLengthMetric] = {{50, 40.0}, {100, 52.0}, {150, 75.0}};
    auto alerts = findRunAlerts(m);
    const auto* a = find(alerts, "length_drift");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->step, 150);
    EXPECT_EQ(a->title, "Answers growing longer");
}

TEST(RunAlerts, GeneratedAnswersThatLoopAreRepetition) {
    auto m = healthy();
    m[eval::kAnswerRepetitionMetric] = {{50, 0.05}, {100, 0.12}, {150, 0.31}, {200, 0.6}};
    auto alerts = findRunAlerts(m);
    const auto* a = find(alerts, "repetition");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->step, 150);
    EXPECT_NE(a->explanation.find("31% of the word 3-grams repeat earlier ones (5% at the first"),
              std::string::npos)
        << a->explanation;
    // Answers that repeat as much from the start (a list format) are not a change of the run.
    m[eval::kAnswerRepetitionMetric] = {{50, 0.3}, {100, 0.32}, {150, 0.35}};
    EXPECT_EQ(find(findRunAlerts(m), "repetition"), nullptr);
}

TEST(RunAlerts, AnAccuracyDropAfterAStageBoundary) {
    auto m = healthy();
    m["rewards/accuracies"] = curve(100, [](int s) { return s <= 50 ? 0.9 : 0.55; });
    auto alerts = findRunAlerts(m);
    const auto* a = find(alerts, "stage_drop");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->step, 51);
    EXPECT_NE(a->explanation.find("from 0.90 to 0.55"), std::string::npos) << a->explanation;
}

TEST(RunAlerts, ARunsStoredMetricsGiveItsAlerts) {
    test::TempDir dir;
    auto ws = store::Workspace::create(dir / "w.ladder");
    store::NewRun row;
    row.name = "constructed";
    row.method = "dpo";
    row.configJson = "{}";
    const auto run = store::RunStore(ws.db()).create(row);
    auto m = healthy();
    m["logps/chosen"] = curve(100, [](int s) { return -50.0 - 0.4 * s; });
    {
        store::MetricsWriter writer(ws.db(), 64);
        for (const auto& [name, points] : m) {
            for (const auto& [step, value] : points) writer.add(run, step, name, value, 0.0);
        }
        writer.flush();
    }
    const auto alerts = runAlerts(ws.db(), run);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].kind, "likelihood_displacement");

    // ladder-cli runs --alerts says the same under the run.
    const auto listed = test::runLadderCli(dir.path(), "runs -w w.ladder --alerts");
    ASSERT_EQ(listed.exitCode, 0) << listed.output;
    EXPECT_NE(listed.output.find("alert at step " + std::to_string(alerts[0].step) +
                                 ": Likelihood displacement. The chosen answers'"),
              std::string::npos) << listed.output;
    const auto plain = test::runLadderCli(dir.path(), "runs -w w.ladder");
    EXPECT_EQ(plain.output.find("alert at step"), std::string::npos) << plain.output;
}

}  // namespace
}  // namespace ladder::train
