// The comparison pane on runs recorded in workspace files (no training needed): the settings that
// differ head the table and the legend, the results table has last and best values and the judged
// win rate, answers stand side by side, and runs of another workspace join read-only.
#include <gtest/gtest.h>

#include <tuple>

#include <QCheckBox>
#include <QSettings>
#include <QStandardItemModel>

#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/ui/runs_test_support.h"
#include "ui/bridge/workspace_session.h"
#include "ui/compare/compare_pane.h"
#include "ui/compare/config_diff_model.h"
#include "ui/compare/final_metrics_model.h"
#include "ui/compare/samples_model.h"
#include "ui/main_window.h"
#include "ui/plots/live_plots_pane.h"
#include "ui/plots/metric_plot.h"

namespace ladder::ui {
namespace {
namespace fs = std::filesystem;
using test::qpath;

// A finished run with a config, a loss curve and an accuracy curve, written as the trainer would.
std::int64_t recordRun(store::Workspace& ws, const train::RunConfig& config,
                       const std::vector<double>& losses, double accuracy) {
    store::RunStore runs(ws.db());
    const auto id = runs.create({.name = config.name, .method = config.method,
                                 .configJson = train::toJson(config).dump(), .totalSteps = 3});
    store::MetricsWriter metrics(ws.db());
    for (std::size_t i = 0; i < losses.size(); ++i) {
        metrics.add(id, static_cast<std::int64_t>(i + 1), "loss", losses[i], 0);
    }
    metrics.add(id, static_cast<std::int64_t>(losses.size()), "eval/rewards/accuracies", accuracy, 0);
    metrics.flush();
    runs.finish(id, store::RunStatus::Finished);
    return id;
}

class ComparePaneTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();
        m_path = m_dir / "study.ladder";
        auto ws = store::Workspace::create(m_path);
        train::RunConfig a = test::tinyRun("dpo", 3);
        a.name = "dpo beta 0.1";
        a.loss = {{"beta", 0.1}};
        train::RunConfig b = a;
        b.name = "dpo beta 0.5 curriculum";
        b.loss = {{"beta", 0.5}};
        b.data.curriculum = "easy-then-hard";
        m_a = recordRun(ws, a, {0.69, 0.5, 0.6}, 0.7);
        m_b = recordRun(ws, b, {0.69, 0.45, 0.4}, 0.8);
        // Run b judged against the strong source; run a's answers generated but not judged.
        ws.db().exec("INSERT INTO evals(run_id, step, judge, reference_source, n, wins, ties, losses, "
                     "win_rate, std_error, details_json, created_at) VALUES (" + std::to_string(m_b) +
                     ", 3, 'demo', 'strong', 10, 6, 2, 2, 0.7, 0.14, "
                     "'{\"win_rate\": {\"length_controlled\": {\"win_rate\": 0.55}}}', 't'), (" +
                     std::to_string(m_a) + ", 3, 'none', 'strong', 0, 0, 0, 0, NULL, NULL, NULL, 't')");
        ws.db().exec("INSERT INTO prompts(id, match_key, instruction) VALUES (1, 'k1', 'Add 2 and 3'), "
                     "(2, 'k2', 'Spell cat backwards')");
        for (auto [run, one, two] : {std::tuple{m_a, "5", "tac"}, std::tuple{m_b, "five", "tca"}}) {
            const std::string r = std::to_string(run);
            const std::string e = "(SELECT id FROM evals WHERE run_id = " + r + ")";
            ws.db().exec("INSERT INTO samples(run_id, eval_id, step, prompt_id, prompt_text, output, "
                         "created_at) VALUES (" + r + ", " + e + ", 3, 1, 'Add 2 and 3', '" + one +
                         "', 't'), (" + r + ", " + e + ", 3, 2, 'Spell cat backwards', '" + two + "', 't')");
        }
        m_window = std::make_unique<MainWindow>();
        ASSERT_TRUE(m_window->openWorkspace(qpath(m_path), false, false));
        m_pane = m_window->findChild<ComparePane*>();
        ASSERT_NE(m_pane, nullptr);
    }

    test::TempDir m_dir;
    fs::path m_path;
    std::int64_t m_a = 0, m_b = 0;
    std::unique_ptr<MainWindow> m_window;
    ComparePane* m_pane = nullptr;
};

TEST_F(ComparePaneTest, TheNewestFinishedRunsAreComparedAndOnlyDifferingSettingsShown) {
    m_pane->compare();
    ASSERT_EQ(m_pane->checkedRuns().size(), 2u);
    EXPECT_EQ(m_pane->configModel()->keys(), (QStringList{"loss.beta", "data.curriculum"}));
    EXPECT_EQ(m_pane->configModel()->columnCount(), 3);
    const auto row = [&](int r, int c) { return m_pane->configModel()->index(r, c).data().toString(); };
    // Newest first: run b, then run a.
    EXPECT_EQ(row(0, 1), "0.5");
    EXPECT_EQ(row(0, 2), "0.1");
    EXPECT_EQ(row(1, 1), "easy-then-hard");
    m_pane->findChild<QCheckBox*>("compareShowAll")->setChecked(true);
    EXPECT_GT(m_pane->configModel()->rowCount(), 20);
}

TEST_F(ComparePaneTest, TheLegendNamesTheRunsAndTheirDifferingSettings) {
    m_pane->compare();
    m_pane->setMetric("loss");
    MetricPlot* plot = m_pane->plot();
    QStringList legend;
    for (const QString& s : plot->seriesNames()) legend << plot->line(s)->name();
    ASSERT_EQ(legend.size(), 2);
    EXPECT_EQ(legend[0], QString("#%1 dpo beta 0.5 curriculum: beta=0.5, curriculum=easy-then-hard").arg(m_b));
    EXPECT_EQ(legend[1], QString("#%1 dpo beta 0.1: beta=0.1, curriculum=(none)").arg(m_a));
    EXPECT_EQ(plot->pointCount(plot->seriesNames()[0]), 3);
    // One colour per run.
    EXPECT_NE(plot->line(plot->seriesNames()[0])->pen().color(), plot->line(plot->seriesNames()[1])->pen().color());
}

TEST_F(ComparePaneTest, ResultsHaveLastAndBestValuesAndTheJudgedWinRate) {
    m_pane->compare();
    FinalMetricsModel* m = m_pane->resultsModel();
    const int lossRow = static_cast<int>(FinalMetricsModel::metricNames().indexOf("loss"));
    // Run a: last 0.6, best 0.5 at step 2. Run b: its last is its best.
    EXPECT_EQ(m->index(lossRow, 2).data().toString(), "0.6  (best 0.5 @ 2)");
    EXPECT_EQ(m->index(lossRow, 1).data().toString(), "0.4");
    const int winRow = m->rowCount() - 2;
    EXPECT_EQ(m->index(winRow, 1).data().toString().toStdString(), "70.0 \u00b1 14.0%");
    EXPECT_TRUE(m->index(winRow, 2).data().toString().isEmpty());
    EXPECT_TRUE(m->index(winRow, 1).data(Qt::ToolTipRole).toString().contains("6 wins, 2 ties, 2 losses"));
    // The length-controlled win rate beside it, from the evaluation's details.
    const int lcRow = m->rowCount() - 1;
    EXPECT_EQ(m->index(lcRow, 0).data().toString().toStdString(), "win rate (length-controlled)");
    EXPECT_EQ(m->index(lcRow, 1).data().toString().toStdString(), "55.0%");
    EXPECT_TRUE(m->index(lcRow, 1).data(Qt::ToolTipRole).toString().contains("raw win rate 70.0%"));
    EXPECT_TRUE(m->index(lcRow, 2).data().toString().isEmpty());
}

TEST_F(ComparePaneTest, AnswersToTheSamePromptsStandSideBySide) {
    m_pane->compare();
    SamplesModel* s = m_pane->samplesModel();
    ASSERT_EQ(s->rowCount(), 2);
    EXPECT_EQ(s->index(0, SamplesModel::PromptColumn).data().toString(), "Add 2 and 3");
    const int first = SamplesModel::FirstRunColumn;
    EXPECT_EQ(s->index(0, first).data().toString(), "five");
    EXPECT_EQ(s->index(0, first + 1).data().toString(), "5");
    EXPECT_EQ(s->index(1, first + 1).data().toString(), "tac");
}

TEST_F(ComparePaneTest, RunsOfAnotherWorkspaceJoinReadOnly) {
    const auto other = m_dir / "other.ladder";
    std::int64_t otherRun = 0;
    {
        auto ws = store::Workspace::create(other);
        train::RunConfig c = test::tinyRun("slic", 3);
        c.name = "slic elsewhere";
        otherRun = recordRun(ws, c, {1.0, 0.8, 0.7}, 0.6);
    }
    const std::string before = test::readFile(other);
    QString error;
    ASSERT_TRUE(m_pane->addWorkspace(qpath(other), &error)) << error.toStdString();
    m_pane->setRunChecked({1, otherRun}, true);
    ASSERT_EQ(m_pane->checkedRuns().size(), 3u);
    const QStringList keys = m_pane->configModel()->keys();
    EXPECT_TRUE(keys.contains("method"));
    // The whole label in the tooltip (the header itself wraps it on two lines).
    EXPECT_EQ(m_pane->configModel()->headerData(3, Qt::Horizontal, Qt::ToolTipRole).toString(),
              QString("#%1 slic elsewhere [other.ladder]").arg(otherRun));
    EXPECT_FALSE(m_pane->addWorkspace(qpath(m_dir / "missing.ladder"), &error));
    EXPECT_FALSE(error.isEmpty());
    EXPECT_EQ(test::readFile(other), before);  // read-only: the file is untouched
}

TEST_F(ComparePaneTest, EveryModelOfThePanePassesTheModelTester) {
    for (QAbstractItemModel* model :
         std::initializer_list<QAbstractItemModel*>{m_pane->configModel(), m_pane->resultsModel(),
                                                    m_pane->samplesModel(), m_pane->runsModel()}) {
        test::ModelChecker check(model);
        m_pane->reloadRuns();
        m_pane->compare();
        m_pane->setRunChecked({0, m_a}, false);
        m_pane->setRunChecked({0, m_a}, true);
        m_pane->findChild<QCheckBox*>("compareShowAll")->toggle();
        EXPECT_TRUE(check.failures().isEmpty()) << check.failures().join('\n').toStdString();
    }
}

// An SFT run of 4 steps (losses 2.0, 1.5, 1.2, 1.1; checkpoints at steps 3 and 4) and a DPO run
// of `dpoSteps` started from its step-3 checkpoint, no metric of its own yet: (sft, dpo).
std::pair<std::int64_t, std::int64_t> recordChain(store::Workspace& ws, int dpoSteps) {
    train::RunConfig s = test::tinyRun("sft", 4);
    s.name = "sft";
    const auto sft = recordRun(ws, s, {2.0, 1.5, 1.2, 1.1}, 0.5);
    store::RunStore runs(ws.db());
    runs.addCheckpoint(sft, 3, "run-1/step-3", "periodic");
    runs.addCheckpoint(sft, 4, "run-1/step-4", "final");
    train::RunConfig d = test::tinyRun("dpo", dpoSteps);
    d.name = "dpo after sft";
    d.model.kind = "run";
    d.model.runId = sft;
    d.model.checkpointStep = 3;  // from step 3, not the end
    const auto dpo = runs.create({.name = d.name, .method = d.method, .configJson = train::toJson(d).dump(),
                                  .totalSteps = dpoSteps, .parentRunId = sft});
    return {sft, dpo};
}

// Issue 16: a DPO run that continues an SFT run was drawn from step 0, so "DPO after SFT
// saturates" could not be drawn. With After parents on, it continues its parent's steps, the
// parent's line up to the branching point in front of its own.
TEST(ComparePaneChained, ARunFromAnotherRunsCheckpointIsDrawnAfterItsParentsStepsInCompareAndPlots) {
    QSettings().clear();
    test::TempDir dir;
    const fs::path path = dir / "chain.ladder";
    std::int64_t sft = 0, dpo = 0;
    {
        auto ws = store::Workspace::create(path);
        std::tie(sft, dpo) = recordChain(ws, 3);
        store::MetricsWriter metrics(ws.db());
        for (int step = 1; step <= 3; ++step) metrics.add(dpo, step, "loss", 1.0 - 0.1 * step, 0);
        metrics.flush();
        store::RunStore(ws.db()).finish(dpo, store::RunStatus::Finished);
    }
    MainWindow window;
    ASSERT_TRUE(window.openWorkspace(qpath(path), false, false));
    auto* pane = window.findChild<ComparePane*>();
    ASSERT_NE(pane, nullptr);
    pane->compare();
    pane->setMetric("loss");
    MetricPlot* plot = pane->plot();
    const QString key = QStringLiteral("run 0:%1").arg(dpo);
    ASSERT_TRUE(plot->seriesNames().contains(key));
    const auto keys = [&] {
        QVector<double> out;
        for (const auto& point : *plot->rawData(key)) out << point.key;
        return out;
    };
    EXPECT_EQ(keys(), (QVector<double>{1, 2, 3}));  // its own steps
    auto* chained = pane->findChild<QCheckBox*>("compareChained");
    ASSERT_NE(chained, nullptr);
    chained->setChecked(true);
    // The parent's steps 1-3 (its step 4 came after the branching point), then its own after 3.
    EXPECT_EQ(keys(), (QVector<double>{1, 2, 3, 4, 5, 6}));
    QVector<double> values;
    for (const auto& point : *plot->rawData(key)) values << point.value;
    EXPECT_DOUBLE_EQ(values[0], 2.0);
    EXPECT_DOUBLE_EQ(values[2], 1.2);
    EXPECT_DOUBLE_EQ(values[3], 0.9);
    // The SFT run itself has no parent: unchanged.
    EXPECT_EQ(plot->pointCount(QStringLiteral("run 0:%1").arg(sft)), 4);
    chained->setChecked(false);
    EXPECT_EQ(keys(), (QVector<double>{1, 2, 3}));

    // The Plots pane draws the same run after its parent too: the parent's lines up to the
    // branching point, the run's own after them.
    auto* plots = window.findChild<LivePlotsPane*>();
    ASSERT_NE(plots, nullptr);
    plots->showRun(dpo);
    MetricPlot* loss = plots->plots().front();
    const auto pointsOf = [&](const QString& series) {
        QVector<double> out;
        if (!loss->seriesNames().contains(series)) return out;
        for (const auto& point : *loss->rawData(series)) out << point.key << point.value;
        return out;
    };
    const QString parentLine = QStringLiteral("loss · run #%1").arg(sft);
    EXPECT_EQ(pointsOf("loss"), (QVector<double>{4, 0.9, 5, 0.8, 6, 0.7}));
    EXPECT_EQ(pointsOf(parentLine), (QVector<double>{1, 2.0, 2, 1.5, 3, 1.2}));
    plots->findChild<QCheckBox*>("plotsChained")->setChecked(false);
    EXPECT_EQ(pointsOf("loss"), (QVector<double>{1, 0.9, 2, 0.8, 3, 0.7}));
    EXPECT_FALSE(loss->seriesNames().contains(parentLine));
}

// Issue 16: chained runs on a tokens axis. Each point lies at the tokens its run trained on up
// to its step (tokens_seen), a child's after its parent's tokens at the branching point, in
// Compare and in the Plots pane; the Plots pane places a value whose step's token count comes
// after it in the file, and follows new steps.
TEST(ComparePaneChained, OnTheTokensAxisARunContinuesItsParentsTokens) {
    QSettings().clear();
    test::TempDir dir;
    const fs::path path = dir / "tokens.ladder";
    std::int64_t sft = 0, dpo = 0;
    {
        auto ws = store::Workspace::create(path);
        std::tie(sft, dpo) = recordChain(ws, 4);
        store::RunStore(ws.db()).markStarted(dpo, 4);
        store::MetricsWriter metrics(ws.db());
        for (int step = 1; step <= 4; ++step) metrics.add(sft, step, "tokens_seen", 100.0 * step, 0);
        // The DPO run's values come before their steps' token counts.
        for (int step = 1; step <= 3; ++step) metrics.add(dpo, step, "loss", 1.0 - 0.1 * step, 0);
        for (int step = 1; step <= 3; ++step) metrics.add(dpo, step, "tokens_seen", 30.0 * step, 0);
        metrics.flush();
    }
    MainWindow window;
    ASSERT_TRUE(window.openWorkspace(qpath(path), false, false));
    auto* pane = window.findChild<ComparePane*>();
    ASSERT_NE(pane, nullptr);
    for (int g = 0; g < pane->runsModel()->rowCount(); ++g) {
        for (int r = 0; r < pane->runsModel()->item(g)->rowCount(); ++r) {
            pane->runsModel()->item(g)->child(r)->setCheckState(Qt::Checked);
        }
    }
    pane->compare();
    pane->setMetric("loss");
    pane->setAxis(train::ChainAxis::Tokens);
    pane->findChild<QCheckBox*>("compareChained")->setChecked(true);
    MetricPlot* plot = pane->plot();
    const auto keysOf = [&](std::int64_t run) {
        QVector<double> out;
        const QString key = QStringLiteral("run 0:%1").arg(run);
        if (!plot->seriesNames().contains(key)) return out;
        for (const auto& point : *plot->rawData(key)) out << point.key;
        return out;
    };
    EXPECT_EQ(keysOf(dpo), (QVector<double>{100, 200, 300, 330, 360, 390}));
    EXPECT_EQ(keysOf(sft), (QVector<double>{100, 200, 300, 400}));
    pane->findChild<QCheckBox*>("compareChained")->setChecked(false);
    EXPECT_EQ(keysOf(dpo), (QVector<double>{30, 60, 90}));
    pane->setAxis(train::ChainAxis::Steps);
    EXPECT_EQ(keysOf(dpo), (QVector<double>{1, 2, 3}));

    auto* plots = window.findChild<LivePlotsPane*>();
    ASSERT_NE(plots, nullptr);
    plots->findChild<QCheckBox*>("plotsChained")->setChecked(true);
    plots->setAxis(train::ChainAxis::Tokens);
    plots->showRun(dpo);
    MetricPlot* loss = plots->plots().front();
    const auto pointsOf = [&](const QString& series) {
        QVector<double> out;
        if (!loss->seriesNames().contains(series)) return out;
        for (const auto& point : *loss->rawData(series)) out << point.key << point.value;
        return out;
    };
    EXPECT_EQ(pointsOf("loss"), (QVector<double>{330, 0.9, 360, 0.8, 390, 0.7}));
    EXPECT_EQ(pointsOf(QStringLiteral("loss · run #%1").arg(sft)),
              (QVector<double>{100, 2.0, 200, 1.5, 300, 1.2}));
    // A step written by another process while the pane follows: its value, then its tokens.
    {
        auto ws = store::Workspace::open(path);
        store::MetricsWriter metrics(ws.db());
        metrics.add(dpo, 4, "loss", 0.5, 0);
        metrics.add(dpo, 4, "tokens_seen", 130, 0);
        metrics.flush();
    }
    plots->poll();
    plots->flush();
    EXPECT_EQ(pointsOf("loss"), (QVector<double>{330, 0.9, 360, 0.8, 390, 0.7, 430, 0.5}));
    plots->setAxis(train::ChainAxis::Steps);
    EXPECT_EQ(pointsOf("loss"), (QVector<double>{4, 0.9, 5, 0.8, 6, 0.7, 7, 0.5}));
}

}  // namespace
}  // namespace ladder::ui
