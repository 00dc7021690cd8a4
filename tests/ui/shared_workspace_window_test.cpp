// The data-loss report, as a user met it: the window on the Pairs pane of a workspace while
// ladder-cli writes a curriculum into it and trains on it. Every annotation the window reported
// "(saved)" must be in the file afterwards, the file intact. scripts/check-shared-workspace.sh runs
// this test 20 times in a row.
#include <gtest/gtest.h>

#include <QLabel>
#include <QProcess>
#include <QTableView>

#include "core/pairs/pair_annotations.h"
#include "core/store/workspace.h"
#include "tests/ui/ui_fixtures.h"
#include "ui/pairs/pair_browser.h"
#include "ui/pairs/pair_table_model.h"

namespace ladder::ui {
namespace {

// Runs ladder-cli in the test's folder while the window's event loop keeps going.
int runCli(const test::TempDir& dir, const QStringList& arguments, QString* output) {
    QProcess process;
    process.setWorkingDirectory(test::qpath(dir.path()));
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(LADDER_CLI), arguments);
    if (!process.waitForStarted(10'000)) return -1;
    // Not waitForFinished: the window goes on refreshing its panes as a user's would.
    if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; },
                         600'000)) {
        process.kill();
        process.waitForFinished(10'000);
        *output = QStringLiteral("ladder-cli did not finish within 600 s");
        return -1;
    }
    *output = QString::fromLocal8Bit(process.readAll());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

TEST(SharedWorkspaceWindow, AnnotationsSavedInTheWindowSurviveCliCurriculumAndTraining) {
    test::TempDir dir;
    const auto file = test::makeDemoWorkspace(dir, /*prompts=*/300);
    const QString ws = test::qpath(file);
    std::map<std::int64_t, pairs::AnnotationStatus> saved;
    {
        MainWindow window;
        ASSERT_TRUE(window.openWorkspace(ws, false, /*interactive=*/false));
        auto* pane = window.findChild<PairBrowser*>();
        ASSERT_NE(pane, nullptr);
        ASSERT_TRUE(QTest::qWaitFor([pane] { return !pane->model()->isBusy(); }));
        ASSERT_TRUE(test::showPane(window, "Pairs"));
        pane->table()->setFocus();
        auto* message = window.findChild<QLabel*>("pairsMessage");
        ASSERT_NE(message, nullptr);
        // Presses 1 (keep) or 2 (flip) on the current pair; notes what the window said it saved.
        auto annotate = [&](Qt::Key key, pairs::AnnotationStatus status) {
            const std::int64_t id = pane->currentPairId();
            QTest::keyClick(pane->table(), key);
            if (message->text().contains("(saved)")) saved[id] = status;
        };

        annotate(Qt::Key_1, pairs::AnnotationStatus::Keep);
        QString out;
        ASSERT_EQ(runCli(dir, {"curriculum", "preset", "-w", ws, "uniform", "--ladder", "demo",
                               "--name", "x"}, &out), 0) << out.toStdString();
        for (int i = 0; i < 3; ++i) annotate(Qt::Key_1, pairs::AnnotationStatus::Keep);
        annotate(Qt::Key_2, pairs::AnnotationStatus::Flip);
        const QString preset = test::qpath(test::sourceDir() / "resources/presets/demo-sft.json");
        ASSERT_EQ(runCli(dir, {"train", "-w", ws, "--config", preset, "--steps", "25"}, &out), 0)
            << out.toStdString();
        for (int i = 0; i < 3; ++i) annotate(Qt::Key_1, pairs::AnnotationStatus::Keep);
        ASSERT_EQ(runCli(dir, {"runs", "-w", ws}, &out), 0) << out.toStdString();
    }  // the window closes

    ASSERT_EQ(saved.size(), 8u);
    QString out;
    ASSERT_EQ(runCli(dir, {"info", "-w", ws}, &out), 0) << out.toStdString();
    EXPECT_TRUE(out.contains("(8 annotated)")) << out.toStdString();
    auto reopened = store::Workspace::open(file);
    EXPECT_EQ(reopened.db().queryText("PRAGMA integrity_check").value_or(""), "ok");
    for (const auto& [id, status] : saved) {
        const auto state = pairs::annotationOf(reopened.db(), id);
        ASSERT_TRUE(state.has_value()) << "pair " << id << " lost its annotation";
        EXPECT_EQ(state->status, status) << "pair " << id;
    }
    EXPECT_EQ(reopened.db().queryText("SELECT status FROM runs ORDER BY id DESC LIMIT 1")
                  .value_or(""), "finished");
}

}  // namespace
}  // namespace ladder::ui
