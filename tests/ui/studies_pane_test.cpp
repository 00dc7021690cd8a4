// The Studies pane on a real workspace: a study run from the window (its progress followed, Stop
// ends it after a checkpoint, Run Study continues it), its table the core's mean ± standard error,
// bars with error bars per group, and the exports (CSV as the CLI writes it, PNG).
#include <gtest/gtest.h>

#include <QComboBox>
#include <QLabel>
#include <QStandardItemModel>
#include <QTableView>

#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/study/study_store.h"
#include "core/study/study_table.h"
#include "tests/ui/runs_test_support.h"
#include "ui/bridge/study_bridge.h"
#include "ui/main_window.h"
#include "ui/qcustomplot_wrapper.h"
#include "ui/studies/studies_pane.h"

namespace ladder::ui {
namespace {
namespace fs = std::filesystem;
using test::qpath;
using namespace std::chrono_literals;

class StudiesPaneTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();
        m_path = test::makeDemoWorkspace(m_dir, 120);
        m_window = std::make_unique<MainWindow>();
        ASSERT_TRUE(m_window->openWorkspace(qpath(m_path), false, false));
        m_pane = m_window->findChild<StudiesPane*>();
        ASSERT_NE(m_pane, nullptr);
    }

    QString writeStudy(const nlohmann::json& study) {
        const auto file = m_dir / "study.json";
        test::writeFile(file, study.dump());
        return qpath(file);
    }
    bool waitForStudy() {
        return test::waitFor([&] { return !m_pane->job()->isRunning(); }, 300s);
    }
    QString cell(int row, int column) const {
        return m_pane->tableModel()->index(row, column).data().toString();
    }

    test::TempDir m_dir;
    fs::path m_path;
    std::unique_ptr<MainWindow> m_window;
    StudiesPane* m_pane = nullptr;
};

TEST_F(StudiesPaneTest, ARunStudyIsFollowedAndItsTableIsTheCoresMeanAndStandardError) {
    QString error;
    ASSERT_TRUE(m_pane->runStudyFile(writeStudy(test::tinyStudyJson(3)), &error))
        << error.toStdString();
    EXPECT_FALSE(
        m_pane->runStudyFile(writeStudy(test::tinyStudyJson(3)), &error));  // one at a time
    ASSERT_TRUE(waitForStudy());
    const QString status = m_pane->findChild<QLabel*>("studyStatus")->text();
    EXPECT_TRUE(status.contains("6 of 6 runs finished")) << status.toStdString();
    EXPECT_EQ(m_pane->studies()->currentText(), "tiny study");

    // The table: groups parent, dpo, ipo; each cell what the core's table says.
    auto ws = store::Workspace::open(m_path);
    study::StudyStore studies(ws.db());
    const auto record = studies.find("tiny study");
    ASSERT_TRUE(record);
    const auto expected = study::summarizeStudy(
        ws.db(), study::storedSpec(record->name, record->specJson), record->id);
    ASSERT_EQ(m_pane->tableModel()->rowCount(), 3);
    EXPECT_EQ(cell(0, 0), "parent");
    EXPECT_EQ(cell(1, 0), "dpo");
    EXPECT_EQ(cell(2, 0), "ipo");
    EXPECT_EQ(cell(2, 1), "2/2");
    for (int r = 0; r < 3; ++r) {
        for (std::size_t m = 0; m < expected.metrics.size(); ++m) {
            EXPECT_EQ(cell(r, 2 + static_cast<int>(m)).toStdString(),
                      study::formatValue(expected.metrics[m], expected.rows[r].metrics[m]));
        }
    }
    const auto accuracy = expected.rows[1].metrics[1];  // eval/rewards/accuracies of dpo
    ASSERT_TRUE(accuracy);
    EXPECT_EQ(accuracy->n, 2);

    // The chart: a bar per group with a value (the win rate is off in this study: accuracies),
    // each with its standard error as an error bar.
    m_pane->setMetric("eval/rewards/accuracies");
    QCustomPlot* chart = m_pane->chart();
    std::vector<QCPBars*> bars;
    std::vector<QCPErrorBars*> errors;
    for (int i = 0; i < chart->plottableCount(); ++i) {
        if (auto* b = qobject_cast<QCPBars*>(chart->plottable(i))) bars.push_back(b);
        if (auto* e = qobject_cast<QCPErrorBars*>(chart->plottable(i))) errors.push_back(e);
    }
    ASSERT_EQ(bars.size(), 2u);  // the parent's bar, and the others'
    ASSERT_EQ(errors.size(), 2u);
    ASSERT_EQ(bars[1]->data()->size(), 2);
    EXPECT_DOUBLE_EQ(bars[1]->data()->at(0)->mainValue(), accuracy->mean);
    EXPECT_DOUBLE_EQ(errors[1]->data()->at(0).errorPlus, accuracy->standardError);

    // Differences from dpo, paired by seed: ipo - dpo of each seed.
    m_pane->setAgainst("dpo");
    const auto diff = study::differencesFrom(expected, "dpo");
    ASSERT_EQ(m_pane->tableModel()->rowCount(), 2);
    EXPECT_EQ(cell(1, 0), "ipo");
    EXPECT_EQ(cell(1, 1), "2");
    EXPECT_EQ(cell(1, 3).toStdString(),
              study::formatValue(diff.metrics[1], diff.rows[1].metrics[1], true));
    m_pane->setAgainst("");
    ASSERT_EQ(m_pane->tableModel()->rowCount(), 3);

    // Exports: the CSV is the CLI's; the chart a PNG.
    ASSERT_TRUE(m_pane->exportCsv(qpath(m_dir / "t.csv"), &error)) << error.toStdString();
    EXPECT_EQ(test::readFile(m_dir / "t.csv"), study::studyTableCsv(expected));
    ASSERT_TRUE(m_pane->saveChart(qpath(m_dir / "t.png"), &error)) << error.toStdString();
    EXPECT_GT(fs::file_size(m_dir / "t.png"), 1000u);
    EXPECT_FALSE(m_pane->saveChart(qpath(m_dir / "t.bmpx"), &error));
}

TEST_F(StudiesPaneTest, StopEndsTheStudyAfterACheckpointAndRunStudyContinuesIt) {
    auto study = test::tinyStudyJson(3);
    study["parent"]["max_steps"] = 2000;  // stopped in its first run, the parent
    study["grid"]["seed"] = {1};
    const QString file = writeStudy(study);
    QString error;
    ASSERT_TRUE(m_pane->runStudyFile(file, &error)) << error.toStdString();
    auto* status = m_pane->findChild<QLabel*>("studyStatus");
    ASSERT_TRUE(test::waitFor([&] { return status->text().contains(" step "); }, 120s))
        << status->text().toStdString();
    m_pane->stopStudy();
    ASSERT_TRUE(waitForStudy());
    EXPECT_TRUE(status->text().contains("stopped")) << status->text().toStdString();
    {
        auto ws = store::Workspace::open(m_path);
        const auto runs = store::RunStore(ws.db()).list();
        ASSERT_EQ(runs.size(), 1u);
        EXPECT_EQ(runs[0].status, store::RunStatus::Stopped);
        EXPECT_LT(runs[0].lastStep, 2000);
    }
    ASSERT_TRUE(m_pane->runStudyFile(file, &error)) << error.toStdString();
    ASSERT_TRUE(waitForStudy());
    EXPECT_TRUE(status->text().contains("3 of 3 runs finished")) << status->text().toStdString();
    auto ws = store::Workspace::open(m_path);
    EXPECT_EQ(store::RunStore(ws.db()).list().size(), 3u);  // the stopped run continued, not anew
    EXPECT_EQ(cell(0, 1), "1/1");
}

TEST_F(StudiesPaneTest, AStudysBaselineIsShownAsDifferencesAndAPollKeepsTheSelection) {
    auto study = test::tinyStudyJson(2);
    study["grid"]["seed"] = {1};
    study["baseline"] = "dpo";
    QString error;
    ASSERT_TRUE(m_pane->runStudyFile(writeStudy(study), &error)) << error.toStdString();
    ASSERT_TRUE(waitForStudy());
    EXPECT_EQ(m_pane->findChild<QComboBox*>("studyAgainst")->currentData().toString(), "dpo");
    ASSERT_EQ(m_pane->tableModel()->rowCount(), 2);  // parent and ipo, minus dpo
    EXPECT_EQ(m_pane->tableModel()->headerData(1, Qt::Horizontal).toString(), "Seeds paired");
    auto* view = m_pane->findChild<QTableView*>("studyTable");
    view->selectRow(1);
    m_pane->reload();  // what the poll does: nothing changed, nothing refilled
    EXPECT_TRUE(view->selectionModel()->isRowSelected(1, QModelIndex()));
}

TEST_F(StudiesPaneTest, AStudyFileWithAMistakeIsRefusedBeforeAnythingRuns) {
    auto study = test::tinyStudyJson(3);
    study["grid"]["optimiser.lr"] = {0.1};
    QString error;
    EXPECT_FALSE(m_pane->runStudyFile(writeStudy(study), &error));
    EXPECT_TRUE(error.contains("optimiser")) << error.toStdString();
    EXPECT_FALSE(m_pane->job()->isRunning());
}

}  // namespace
}  // namespace ladder::ui
