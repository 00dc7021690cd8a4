// A run the launcher starts on several processes (issue 18): it trains in ladder-cli's processes,
// data parallel, shows in the Runs pane as one run with its processes, goes on when the window
// closes, and Runs > Stop (a signal to rank 0) stops every process at one step with a checkpoint.
// A run in its own process (issue 16): the window opened again follows it, and once its process
// is killed shows it stale with its last output.
#include <gtest/gtest.h>

#include <signal.h>

#include <QAction>
#include <QCheckBox>
#include <QLabel>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>

#include "core/store/run_liveness.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/ui/runs_test_support.h"
#include "ui/launcher/launcher_pane.h"
#include "ui/main_window.h"
#include "ui/runs/runs_pane.h"
#include "ui/runs/runs_table_model.h"

namespace ladder::ui {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Kills the launcher's session (it and its workers) when the test ends early.
struct KillSession {
    int pid = 0;
    ~KillSession() {
        if (pid > 0) ::kill(-pid, SIGKILL);
    }
};

std::optional<store::RunRecord> run1(const fs::path& path) {
    try {
        auto ws = store::Workspace::open(path);
        return store::RunStore(ws.db()).get(1);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The window shown on the workspace, its launcher holding a tiny DPO run of `steps` steps; null
// (with a test failure) when the workspace does not open.
LauncherPane* openLauncher(MainWindow& window, const fs::path& path, int steps) {
    window.show();
    if (!window.openWorkspace(test::qpath(path), false, /*interactive=*/false)) {
        ADD_FAILURE() << "cannot open " << path;
        return nullptr;
    }
    auto* launcher = window.findChild<LauncherPane*>();
    if (launcher) launcher->setConfig(test::tinyRun("dpo", steps));
    return launcher;
}

TEST(LauncherProcesses, ARunOnTwoProcessesTrainsInLadderCliAndOutlivesTheWindow) {
    QSettings().clear();
    test::TempDir dir;
    const fs::path path = test::makeDemoWorkspace(dir, 120);
    KillSession session;
    {
        MainWindow window;
        LauncherPane* launcher = openLauncher(window, path, 3000);
        ASSERT_NE(launcher, nullptr);
        auto* processes = launcher->findChild<QSpinBox*>("launcherProcesses");
        ASSERT_NE(processes, nullptr);
        processes->setValue(2);
        ASSERT_TRUE(launcher->start());
        const QString said = launcher->findChild<QLabel*>("launcherQueue")->text();
        const auto match = QRegularExpression(QStringLiteral("Started on 2 processes \\(ladder-cli, pid ([0-9]+)\\)")).match(said);
        ASSERT_TRUE(match.hasMatch()) << said.toStdString();
        session.pid = match.captured(1).toInt();

        // The Runs pane follows it: one run, its 2 processes in the Resources column.
        auto* runs = window.findChild<RunsPane*>();
        ASSERT_NE(runs, nullptr);
        const auto resources = [&]() -> QString {
            auto* model = runs->model();
            for (int r = 0; r < model->rowCount(); ++r) {
                if (model->index(r, 0).data(RunsTableModel::RunIdRole).toLongLong() == 1) {
                    return model->index(r, RunsTableModel::ResourcesColumn).data().toString();
                }
            }
            return {};
        };
        EXPECT_TRUE(test::waitFor([&] { return resources().startsWith("2 processes \u00b7 "); }, 120s))
            << resources().toStdString();
        EXPECT_EQ(runs->model()->rowCount(), 1);
    }
    // The window is gone; the run goes on.
    const auto before = run1(path);
    ASSERT_TRUE(before.has_value());
    EXPECT_TRUE(test::waitFor([&] {
        const auto now = run1(path);
        return now && now->lastStep > before->lastStep + 5;
    }, 60s));
    // Stop across processes: rank 0 is asked; both stop at one step, rank 0 writes a checkpoint.
    const auto running = run1(path);
    ASSERT_TRUE(running && store::askProcessToStop(*running));
    EXPECT_TRUE(test::waitFor([&] {
        const auto now = run1(path);
        return now && now->status == store::RunStatus::Stopped;
    }, 120s));
    auto ws = store::Workspace::open(path);
    const auto latest = store::RunStore(ws.db()).latestCheckpoint(1);
    ASSERT_TRUE(latest.has_value());
    EXPECT_EQ(latest->step, run1(path)->lastStep);
    EXPECT_LT(latest->step, 3000);
}

// The Runs pane's row of run 1: its column `column` in `role`.
QVariant runColumn(RunsPane* runs, int column, int role = Qt::DisplayRole) {
    auto* model = runs->model();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data(RunsTableModel::RunIdRole).toLongLong() == 1) {
            return model->index(r, column).data(role);
        }
    }
    return {};
}

TEST(LauncherProcesses, ByDefaultARunOutlivesTheWindowIsFollowedAgainShownStaleWhenKilledAndResumesInANewProcess) {
    QSettings().clear();
    test::TempDir dir;
    const fs::path path = test::makeDemoWorkspace(dir, 120);
    KillSession session;
    {
        MainWindow window;
        LauncherPane* launcher = openLauncher(window, path, 100000);
        ASSERT_NE(launcher, nullptr);
        auto config = launcher->config();
        config.checkpointEvery = 5;  // resumed below from its last checkpoint
        launcher->setConfig(config);
        // The default: a run of the window trains in a ladder-cli process of its own.
        auto* own = launcher->findChild<QCheckBox*>("launcherOwnProcess");
        ASSERT_NE(own, nullptr);
        EXPECT_TRUE(own->isChecked());
        EXPECT_TRUE(launcher->ownProcess());
        ASSERT_TRUE(launcher->start());
        const QString said = launcher->findChild<QLabel*>("launcherQueue")->text();
        const auto match =
            QRegularExpression(QStringLiteral("Started in its own process \\(ladder-cli, pid ([0-9]+)\\)")).match(said);
        ASSERT_TRUE(match.hasMatch()) << said.toStdString();
        session.pid = match.captured(1).toInt();
        EXPECT_TRUE(test::waitFor([&] {
            const auto run = run1(path);
            return run && run->lastStep > 0;
        }, 120s));
    }
    // Opened again: the window follows the run that went on without it.
    MainWindow again;
    again.show();
    ASSERT_TRUE(again.openWorkspace(test::qpath(path), false, /*interactive=*/false));
    auto* runs = again.findChild<RunsPane*>();
    ASSERT_NE(runs, nullptr);
    const auto progress = [&] { return runColumn(runs, RunsTableModel::ProgressColumn).toString(); };
    EXPECT_TRUE(test::waitFor([&] { return runColumn(runs, RunsTableModel::StatusColumn).toString().endsWith("running"); }, 30s))
        << runColumn(runs, RunsTableModel::StatusColumn).toString().toStdString();
    const QString first = progress();
    EXPECT_TRUE(test::waitFor([&] { return progress() != first; }, 60s)) << first.toStdString();
    // The status bar shows it as it shows the window's own runs: step, speed, memory, time left.
    EXPECT_TRUE(test::waitFor([&] { return again.statusBar()->currentMessage().startsWith("Training #1: step "); }, 30s))
        << again.statusBar()->currentMessage().toStdString();
    EXPECT_TRUE(again.statusBar()->currentMessage().contains("tok/s")) << again.statusBar()->currentMessage().toStdString();
    EXPECT_FALSE(runs->model()->rowCount() == 0);

    // Killed: stale, with the last lines it wrote.
    ASSERT_EQ(::kill(-session.pid, SIGKILL), 0);
    EXPECT_TRUE(test::waitFor([&] { return runColumn(runs, RunsTableModel::StatusColumn).toString().endsWith("(stale)"); }, 60s))
        << runColumn(runs, RunsTableModel::StatusColumn).toString().toStdString();
    const QString tip = runColumn(runs, RunsTableModel::StatusColumn, Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.contains("Its process is gone")) << tip.toStdString();
    EXPECT_TRUE(tip.contains("Its last output:\n")) << tip.toStdString();
    // Its log's last lines: the checkpoints it wrote every 5 steps.
    EXPECT_TRUE(tip.contains(QStringLiteral("run-1/step-"))) << tip.toStdString();

    // Resumed from the Runs pane: in a process of its own too, from its last checkpoint.
    const auto before = run1(path);
    ASSERT_TRUE(before);
    runs->select(1);
    runs->resumeSelected();
    const QString resumed = runs->findChild<QLabel*>("runsSummary")->text();
    const auto resumedPid = QRegularExpression(QStringLiteral("resumes from its last checkpoint in its own process "
                                                         "\\(ladder-cli, pid ([0-9]+)\\)")).match(resumed);
    ASSERT_TRUE(resumedPid.hasMatch()) << resumed.toStdString();
    session.pid = resumedPid.captured(1).toInt();
    // Until the new process has taken the run, a second Resume would only find it locked.
    auto* resume = runs->findChild<QAction*>("runsResume");
    ASSERT_NE(resume, nullptr);
    EXPECT_FALSE(resume->isEnabled());
    EXPECT_TRUE(test::waitFor([&] {
        const auto run = run1(path);
        return run && run->status == store::RunStatus::Running && run->lastStep > before->lastStep;
    }, 120s)) << "last step " << before->lastStep;
    EXPECT_TRUE(test::waitFor([&] { return runColumn(runs, RunsTableModel::StatusColumn).toString().endsWith("running"); }, 30s))
        << runColumn(runs, RunsTableModel::StatusColumn).toString().toStdString();

    // Runs > Stop reaches the other process: it stops after its step, with a checkpoint there.
    runs->select(1);
    runs->stopSelected();
    EXPECT_TRUE(runs->findChild<QLabel*>("runsSummary")->text().startsWith("Asked run #1"))
        << runs->findChild<QLabel*>("runsSummary")->text().toStdString();
    EXPECT_TRUE(test::waitFor([&] {
        const auto run = run1(path);
        return run && run->status == store::RunStatus::Stopped;
    }, 60s));
    const auto stopped = run1(path);
    ASSERT_TRUE(stopped);
    auto ws = store::Workspace::open(path, store::OpenOptions{.readOnly = true});
    const auto checkpoint = store::RunStore(ws.db()).latestCheckpoint(1);
    ASSERT_TRUE(checkpoint);
    EXPECT_EQ(checkpoint->step, stopped->lastStep);
    session.pid = 0;  // it has ended
}

// With runs in processes of their own, an SFT run may still train in another process when a DPO
// run from "the latest finished SFT run" is started: the launcher says which run it will start
// from, and with no finished SFT run it names the one to wait for.
TEST(LauncherProcesses, ARunFromTheLatestSftRunSaysWhichWhileANewerOneTrainsElsewhere) {
    QSettings().clear();
    test::TempDir dir;
    const fs::path path = test::makeDemoWorkspace(dir, 120);
    std::int64_t older = 0, newer = 0;
    const auto sftRun = [&](store::RunStore& runs) {
        return runs.create({.name = "sft", .method = "sft",
                            .configJson = train::toJson(test::tinyRun("sft", 10)).dump(), .totalSteps = 10});
    };
    {
        auto ws = store::Workspace::open(path);
        store::RunStore runs(ws.db());
        newer = sftRun(runs);
        runs.markStarted(newer, 10);  // this process: alive, so the run is live
        runs.heartbeat(newer, 3);
    }
    MainWindow window;
    LauncherPane* launcher = openLauncher(window, path, 10);
    ASSERT_NE(launcher, nullptr);
    auto dpo = test::tinyRun("dpo", 10);
    dpo.model.kind = "run";
    dpo.model.runId = train::kLatestSftRun;
    launcher->setConfig(dpo);
    const QString waiting = launcher->problems().join('\n');
    EXPECT_TRUE(waiting.contains(QStringLiteral("run #%1 is still training: start this one when it has finished").arg(newer)))
        << waiting.toStdString();
    EXPECT_FALSE(launcher->canStart());

    {
        auto ws = store::Workspace::open(path);
        store::RunStore runs(ws.db());
        older = sftRun(runs);
        runs.markStarted(older, 10);
        runs.finish(older, store::RunStatus::Finished);
    }
    launcher->reloadWorkspaceLists();
    EXPECT_TRUE(launcher->problems().isEmpty()) << launcher->problems().join('\n').toStdString();
    const QString notes = launcher->notes().join('\n');
    EXPECT_TRUE(notes.contains(QStringLiteral("SFT run #%1 is still training in another process: this run starts "
                                              "from run #%2")
                                   .arg(newer)
                                   .arg(older)))
        << notes.toStdString();
}

}  // namespace
}  // namespace ladder::ui
