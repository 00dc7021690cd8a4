// Alerts in the window (issue 16): a run whose stored metrics show likelihood displacement gets a
// badge and the explanation in the Runs pane, and a mark at the step on the chart of its metric.
// A click on a curve lists the pairs behind it at that step, worst first, and opens one.
#include <gtest/gtest.h>

#include <cmath>

#include <QApplication>
#include <QComboBox>
#include <QToolButton>
#include <QSettings>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

#include "core/pairs/pair_dynamics.h"
#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/ui/runs_test_support.h"
#include "ui/main_window.h"
#include "ui/pairs/pair_browser.h"
#include "ui/plots/live_plots_pane.h"
#include "ui/plots/metric_plot.h"
#include "ui/plots/pair_learning_dialog.h"
#include "ui/plots/pairs_at_step_dialog.h"
#include "ui/runs/runs_pane.h"
#include "ui/runs/runs_table_model.h"

namespace ladder::ui {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A finished DPO run of 100 steps, written as a trainer writes its metrics: the margins grow
// while the chosen answers' log-probabilities fall from step 40 on.
std::int64_t constructedRun(const fs::path& path) {
    auto ws = store::Workspace::open(path);
    store::RunStore runs(ws.db());
    store::NewRun row;
    row.name = "displaced";
    row.method = "dpo";
    row.configJson = "{}";
    row.totalSteps = 100;
    const auto id = runs.create(row);
    store::MetricsWriter writer(ws.db(), 256);
    for (int s = 1; s <= 100; ++s) {
        writer.add(id, s, "loss", 0.69 - 0.002 * s, 0.0);
        writer.add(id, s, "logps/chosen", s <= 40 ? -50.0 : -50.0 - 0.5 * (s - 40), 0.0);
        writer.add(id, s, "rewards/margins", 0.02 * s, 0.0);
        writer.add(id, s, "rewards/accuracies", 0.5 + 0.003 * s, 0.0);
        writer.add(id, s, "grad_norm", 1.0 + 0.1 * std::cos(s), 0.0);
    }
    writer.flush();
    runs.heartbeat(id, 100);
    runs.finish(id, store::RunStatus::Finished);
    return id;
}

// Three training pairs of one tier (its name in *tier) with margins stored at the run's steps 50
// and 100: (-0.5, 0.1, 0.3), then (0.2, -0.7, 0.4). Their ids.
std::vector<std::int64_t> threePairsMeasured(const fs::path& path, std::int64_t run, std::string* tier) {
    auto ws = store::Workspace::open(path);
    *tier = ws.db().queryText("SELECT tier FROM pairs WHERE split = 'train' ORDER BY id LIMIT 1").value_or("");
    std::vector<std::int64_t> ids;
    auto s = ws.db().prepare("SELECT id FROM pairs WHERE split = 'train' AND tier = ? ORDER BY id LIMIT 3");
    s.bind(1, *tier);
    while (s.step()) ids.push_back(s.int64(0));
    if (ids.size() != 3) return ids;
    pairs::savePairMarginStep(ws.db(), run, 50, {{ids[0], -0.5}, {ids[1], 0.1}, {ids[2], 0.3}});
    pairs::savePairMarginStep(ws.db(), run, 100, {{ids[0], 0.2}, {ids[1], -0.7}, {ids[2], 0.4}});
    return ids;
}

TEST(RunAlertsInTheWindow, AConstructedRunShowsItsAlertAsABadgeAndAMarkOnItsCurve) {
    QSettings().clear();
    test::TempDir dir;
    const fs::path path = test::makeDemoWorkspace(dir, 120);
    const auto run = constructedRun(path);
    MainWindow window;
    window.show();
    ASSERT_TRUE(window.openWorkspace(test::qpath(path), false, /*interactive=*/false));

    auto* runs = window.findChild<RunsPane*>();
    ASSERT_NE(runs, nullptr);
    auto* model = runs->model();
    int row = -1;
    ASSERT_TRUE(test::waitFor([&] {
        for (int r = 0; r < model->rowCount(); ++r) {
            if (model->index(r, 0).data(RunsTableModel::RunIdRole).toLongLong() == run) row = r;
        }
        return row >= 0;
    }, 10s));
    // Read on a worker thread, then shown.
    const auto status = [&] { return model->index(row, RunsTableModel::StatusColumn).data().toString(); };
    EXPECT_TRUE(test::waitFor([&] { return status() == QStringLiteral("\u26a0 1 \u00b7 finished"); }, 10s))
        << status().toStdString();
    const QString tip = model->index(row, RunsTableModel::StatusColumn).data(Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.contains("Alerts:\nstep ")) << tip.toStdString();
    EXPECT_TRUE(tip.contains("Likelihood displacement. The chosen answers' log-probability fell"))
        << tip.toStdString();

    auto* plots = window.findChild<LivePlotsPane*>();
    ASSERT_NE(plots, nullptr);
    plots->showRun(run);
    int marked = 0;
    for (MetricPlot* p : plots->plots()) {
        if (p->marks().isEmpty()) continue;
        ++marked;
        EXPECT_TRUE(p->seriesNames().contains("logps/chosen")) << p->title().toStdString();
        ASSERT_EQ(p->marks().size(), 1);
        EXPECT_EQ(p->marks()[0].label, "Likelihood displacement");
        EXPECT_GT(p->marks()[0].step, 40);
    }
    EXPECT_EQ(marked, 1);
}

TEST(RunAlertsInTheWindow, AClickOnACurveListsThePairsBehindItWorstFirstAndOpensOne) {
    QSettings().clear();
    test::TempDir dir;
    const fs::path path = test::makeDemoWorkspace(dir, 120);
    const auto run = constructedRun(path);
    std::string tier;
    const auto ids = threePairsMeasured(path, run, &tier);
    ASSERT_EQ(ids.size(), 3u);  // at step 100 the second pair is the worst
    MainWindow window;
    window.resize(1280, 820);
    window.show();
    ASSERT_TRUE(window.openWorkspace(test::qpath(path), false, /*interactive=*/false));
    auto* plots = window.findChild<LivePlotsPane*>();
    ASSERT_NE(plots, nullptr);
    plots->showRun(run);
    auto* tabs = window.findChild<QTabWidget*>();
    tabs->setCurrentWidget(plots);
    MetricPlot* loss = plots->plots().front();
    ASSERT_TRUE(loss->seriesNames().contains("loss"));
    QApplication::processEvents();
    loss->replot();
    // A click on the loss curve at step 97: the evaluation nearest it is step 100.
    const QPoint at(static_cast<int>(loss->xAxis->coordToPixel(97)),
                    static_cast<int>(loss->yAxis->coordToPixel(loss->yAxis->range().center())));
    QTest::mouseClick(loss, Qt::LeftButton, {}, at);
    auto* dialog = plots->findChild<PairsAtStepDialog*>("pairsAtStep");
    ASSERT_NE(dialog, nullptr);
    EXPECT_EQ(dialog->windowTitle(), QStringLiteral("Pairs of run #%1 at step 100").arg(run));
    auto* table = dialog->table();
    ASSERT_EQ(table->rowCount(), 3);
    EXPECT_EQ(table->item(0, 0)->text().toLongLong(), ids[1]);  // -0.7 first
    EXPECT_EQ(table->item(2, 0)->text().toLongLong(), ids[2]);
    // Opened: the Pairs pane shows it.
    dialog->openRow(0);
    auto* browser = window.findChild<PairBrowser*>();
    ASSERT_NE(browser, nullptr);
    EXPECT_EQ(tabs->currentWidget(), browser);
    EXPECT_EQ(browser->currentPairId(), ids[1]);
}

TEST(RunAlertsInTheWindow, PairLearningCountsATiersPairsByWhatTheyDidAndOpensOne) {
    QSettings().clear();
    test::TempDir dir;
    const fs::path path = test::makeDemoWorkspace(dir, 120);
    const auto run = constructedRun(path);
    std::string tier;
    const auto ids = threePairsMeasured(path, run, &tier);
    ASSERT_EQ(ids.size(), 3u);  // learned at 100, forgotten, right from the start
    MainWindow window;
    window.show();
    ASSERT_TRUE(window.openWorkspace(test::qpath(path), false, /*interactive=*/false));
    auto* plots = window.findChild<LivePlotsPane*>();
    plots->showRun(run);
    window.findChild<QTabWidget*>()->setCurrentWidget(plots);
    plots->findChild<QToolButton*>("plotsPairLearning")->click();
    auto* dialog = plots->findChild<PairLearningDialog*>("pairLearning");
    ASSERT_NE(dialog, nullptr);
    EXPECT_EQ(dialog->groups()->rowCount(), 0);  // no held-out pair was measured
    dialog->findChild<QComboBox*>("pairLearningSplit")->setCurrentIndex(1);  // training sample
    auto* groups = dialog->groups();
    ASSERT_EQ(groups->rowCount(), 1);
    EXPECT_EQ(groups->item(0, 0)->text(), QString::fromStdString(tier));
    EXPECT_EQ(groups->item(0, 1)->text(), "3");
    EXPECT_EQ(groups->item(0, 2)->text(), "0 (0%)");   // never learned
    EXPECT_EQ(groups->item(0, 3)->text(), "1 (33%)");  // learned
    EXPECT_EQ(groups->item(0, 4)->text(), "1 (33%)");  // forgotten
    EXPECT_EQ(groups->item(0, 5)->text(), "1 (33%)");  // right from the start
    dialog->showCell(0, 3);
    ASSERT_EQ(dialog->pairList()->rowCount(), 1);
    EXPECT_EQ(dialog->pairList()->item(0, 0)->text().toLongLong(), ids[0]);
    EXPECT_EQ(dialog->pairList()->item(0, 2)->text(), "learned at step 100");
    dialog->showCell(0, 1);  // all three, the worst last margin first
    ASSERT_EQ(dialog->pairList()->rowCount(), 3);
    EXPECT_EQ(dialog->pairList()->item(0, 0)->text().toLongLong(), ids[1]);
    EXPECT_EQ(dialog->pairList()->item(0, 2)->text(), "forgotten");
    dialog->openRow(0);
    auto* browser = window.findChild<PairBrowser*>();
    EXPECT_EQ(window.findChild<QTabWidget*>()->currentWidget(), browser);
    // Selected once the Pairs pane has read its list.
    EXPECT_TRUE(test::waitFor([&] { return browser->currentPairId() == ids[1]; }, 10s))
        << browser->currentPairId();
}

}  // namespace
}  // namespace ladder::ui
