// The run panes in the window, offscreen, on a small demo workspace: the launcher checks and
// queues runs, a tiny run puts points on the charts and shows in the runs list, stop and resume
// and delete work, a run written by another connection (or ladder-cli) is followed by polling,
// stale runs are told apart, and the item models pass QAbstractItemModelTester.
#include <gtest/gtest.h>

#include <cstdlib>

#include <sys/wait.h>
#include <unistd.h>

#include <QAbstractButton>
#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QInputDialog>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/ui/runs_test_support.h"
#include "ui/bridge/run_queue.h"
#include "ui/bridge/workspace_session.h"
#include "ui/launcher/launcher_pane.h"
#include "ui/launcher/pair_preview_dialog.h"
#include "ui/main_window.h"
#include "ui/plots/live_plots_pane.h"
#include "ui/plots/metric_plot.h"
#include "ui/runs/run_text.h"
#include "ui/runs/runs_pane.h"
#include "ui/runs/runs_table_model.h"
#include "ui/shortcuts_dialog.h"

namespace ladder::ui {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::qpath;

class RunPanesTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();
        m_path = test::makeDemoWorkspace(m_dir, 120);
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        ASSERT_TRUE(m_window->openWorkspace(qpath(m_path), false, /*interactive=*/false));
        m_queue = m_window->findChild<RunQueue*>();
        m_launcher = m_window->findChild<LauncherPane*>();
        m_plots = m_window->findChild<LivePlotsPane*>();
        m_runs = m_window->findChild<RunsPane*>();
        ASSERT_TRUE(m_queue && m_launcher && m_plots && m_runs);
        // These follow the window's own queue (runs in the window, events); the default, a
        // process of its own, is LauncherProcesses'.
        m_launcher->setOwnProcess(false);
    }
    void TearDown() override {
        if (m_queue) m_queue->stopAll();
        waitIdle();
        m_window.reset();
    }

    bool waitIdle(std::chrono::milliseconds timeout = 120s) {
        return test::waitFor([this] { return !m_queue || !m_queue->busy(); }, timeout);
    }
    QString statusOf(std::int64_t runId) {
        m_runs->refresh();
        const int row = m_runs->model()->rowOf(runId);
        if (row < 0) return {};
        return m_runs->model()->index(row, RunsTableModel::StatusColumn).data().toString();
    }
    std::vector<store::RunRecord> runsInFile() {
        auto ws = store::Workspace::open(m_path);
        return store::RunStore(ws.db()).list();
    }

    test::TempDir m_dir;
    fs::path m_path;
    std::unique_ptr<MainWindow> m_window;
    RunQueue* m_queue = nullptr;
    LauncherPane* m_launcher = nullptr;
    LivePlotsPane* m_plots = nullptr;
    RunsPane* m_runs = nullptr;
};

TEST_F(RunPanesTest, TheWindowHasTheRunPanes) {
    QStringList titles;
    for (int i = 0; i < m_window->panes()->count(); ++i) titles << m_window->panes()->tabText(i);
    for (const char* t : {"Launcher", "Plots", "Runs", "Compare"}) EXPECT_TRUE(titles.contains(t)) << t;
}

TEST_F(RunPanesTest, ATinyRunFromTheLauncherPutsPointsOnTheChartsAndFinishesInTheList) {
    m_launcher->setConfig(test::tinyRun("sft", 6));
    ASSERT_TRUE(m_launcher->canStart()) << m_launcher->problems().join("; ").toStdString();
    auto* start = m_launcher->findChild<QPushButton*>("launcherStart");
    ASSERT_TRUE(start && start->isEnabled());
    start->click();
    EXPECT_TRUE(m_queue->busy() || !m_queue->pending().empty());
    ASSERT_TRUE(waitIdle());
    m_plots->flush();
    const auto runs = runsInFile();
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].status, store::RunStatus::Finished) << runs[0].message;
    // Window runs leave a core to the GUI unless the config says otherwise.
    EXPECT_EQ(m_plots->runId(), runs[0].id);
    MetricPlot* loss = m_plots->plot("Loss");
    ASSERT_NE(loss, nullptr);
    EXPECT_EQ(loss->pointCount("loss"), 6);
    EXPECT_GE(m_plots->plot("Learning rate")->pointCount("learning_rate"), 6);
    EXPECT_EQ(m_plots->plot("Loss")->pointCount("eval/loss"), 1);  // the final evaluation
    EXPECT_EQ(statusOf(runs[0].id), "finished");
    const int row = m_runs->model()->rowOf(runs[0].id);
    EXPECT_DOUBLE_EQ(m_runs->model()->index(row, RunsTableModel::ProgressColumn)
                         .data(RunsTableModel::ProgressRole).toDouble(), 1.0);
    EXPECT_FALSE(m_runs->model()->index(row, RunsTableModel::LossColumn).data().toString().isEmpty());
    // Its speed and memory (issue 16), in the list and, while it trained, in the status bar.
    const QString resources = m_runs->model()->index(row, RunsTableModel::ResourcesColumn).data().toString();
    EXPECT_TRUE(resources.contains(" tok/s \u00b7 ") && resources.contains("iB")) << resources.toStdString();
    EXPECT_TRUE(m_window->statusBar()->currentMessage().startsWith(
        QStringLiteral("Training #%1: step 6 / 6 \u00b7 ").arg(runs[0].id)))
        << m_window->statusBar()->currentMessage().toStdString();
}

TEST_F(RunPanesTest, PreviewShowsPairsAsTheRunWillTokenizeThem) {
    auto config = test::tinyRun("dpo", 2);
    config.templateName = "chatml";
    config.data.maxLength = 40;
    config.data.maxPromptLength = 24;
    m_launcher->setConfig(config);
    PairPreviewDialog* dialog = m_launcher->previewPairs();
    ASSERT_NE(dialog, nullptr);
    ASSERT_GT(dialog->pairCount(), 1);
    const QString first = dialog->text();
    EXPECT_TRUE(first.contains("tier strong>weak \u00b7 chatml")) << first.toStdString();
    EXPECT_TRUE(first.contains("Prompt")) << first.toStdString();
    EXPECT_TRUE(first.contains("tokens carry loss")) << first.toStdString();
    EXPECT_TRUE(first.contains("<|im_end|>")) << first.toStdString();  // the answer's end of turn
    EXPECT_TRUE(first.contains("cut")) << first.toStdString();        // 24 prompt tokens at most
    auto* next = dialog->findChild<QPushButton*>("pairPreviewNext");
    ASSERT_NE(next, nullptr);
    next->click();
    EXPECT_EQ(dialog->current(), 1);
    EXPECT_NE(dialog->text(), first);
    dialog->close();

    // A model folder that is not there: the dialog says so instead of showing pairs.
    config.model.kind = "pretrained";
    config.model.path = (m_dir.path() / "no-such-model").string();
    m_launcher->setConfig(config);
    PairPreviewDialog* broken = m_launcher->previewPairs();
    ASSERT_NE(broken, nullptr);
    EXPECT_EQ(broken->pairCount(), 0);
    EXPECT_TRUE(broken->text().contains("no-such-model")) << broken->text().toStdString();
    broken->close();
}

TEST_F(RunPanesTest, WindowRunsLeaveOneCoreToTheGui) {
    auto config = test::tinyRun("sft", 2);
    config.threads = 0;
    m_launcher->setConfig(config);
    ASSERT_TRUE(m_launcher->start());
    ASSERT_TRUE(waitIdle());
    const auto run = runsInFile().at(0);
    EXPECT_EQ(train::parseRunConfig(nlohmann::json::parse(run.configJson)).threads,
              RunQueue::defaultThreads());
    EXPECT_EQ(RunQueue::defaultThreads(),
              std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1));
}

TEST_F(RunPanesTest, ValidationDisablesStartAndSaysWhy) {
    auto config = test::tinyRun("dpo", 4);
    config.optimizer.lr = 0;
    m_launcher->setConfig(config);
    auto* start = m_launcher->findChild<QPushButton*>("launcherStart");
    EXPECT_FALSE(start->isEnabled());
    EXPECT_TRUE(m_launcher->problems().join('\n').contains("learning rate")) << m_launcher->problems().join('\n').toStdString();
    EXPECT_FALSE(m_launcher->start());
    EXPECT_FALSE(m_queue->busy());

    config.optimizer.lr = 1e-3;
    config.data.ladder = "no-such-ladder";
    m_launcher->setConfig(config);
    EXPECT_TRUE(m_launcher->problems().join('\n').contains("no ladder 'no-such-ladder'"));

    // DPO from "the latest finished SFT run": none yet, so Start waits for one ...
    config.data.ladder = "demo";
    config.model.kind = "run";
    config.model.runId = train::kLatestSftRun;
    m_launcher->setConfig(config);
    EXPECT_TRUE(m_launcher->problems().join('\n').contains("no finished SFT run")) << m_launcher->problems().join('\n').toStdString();
    // ... but an SFT run queued before it is enough.
    train::JobRequest sft{m_path.string(), test::tinyRun("sft", 2), 0};
    m_queue->enqueue(sft);
    QTest::qWait(300);
    EXPECT_TRUE(m_launcher->problems().isEmpty()) << m_launcher->problems().join('\n').toStdString();
}

// Issue 21: beta = 0 was "Ready" and failed at once. A loss knob out of its range is a problem
// in the loss's own words (the trainer's check), and a failed run says why in the list.
TEST_F(RunPanesTest, ALossKnobOutOfItsRangeKeepsStartOffAndAFailedRunSaysWhyInTheList) {
    auto config = test::tinyRun("dpo", 4);
    config.loss = {{"beta", 0.0}};
    m_launcher->setConfig(config);
    EXPECT_EQ(m_launcher->config().loss.at("beta").get<double>(), 0.0);  // the box reaches 0
    const QString problems = m_launcher->problems().join('\n');
    EXPECT_TRUE(problems.contains("beta must be > 0")) << problems.toStdString();
    EXPECT_FALSE(m_launcher->findChild<QPushButton*>("launcherStart")->isEnabled());
    config.loss = {{"beta", 0.1}};
    m_launcher->setConfig(config);
    EXPECT_TRUE(m_launcher->problems().isEmpty()) << m_launcher->problems().join('\n').toStdString();

    auto writer = store::Workspace::open(m_path);
    store::RunStore runs(writer.db());
    const auto id = runs.create({.name = "bad", .method = "dpo", .configJson = "{}", .totalSteps = 8});
    runs.markStarted(id, 8);
    runs.finish(id, store::RunStatus::Failed, "the model folder is gone");
    EXPECT_TRUE(statusOf(id).contains("the model folder is gone")) << statusOf(id).toStdString();
}

// Issue 21: a run stopped for an hour and resumed showed the hour in its duration. The list
// shows training time (what the trainer records), not the time since the run first started.
TEST_F(RunPanesTest, DurationIsTrainingTimeNotTimeSpentStopped) {
    auto writer = store::Workspace::open(m_path);
    store::RunStore runs(writer.db());
    const auto id = runs.create({.name = "paused", .method = "sft", .configJson = "{}", .totalSteps = 20});
    runs.markStarted(id, 20);
    runs.finish(id, store::RunStatus::Stopped);
    // Started an hour before it stopped; it trained for one minute of that.
    writer.db().exec("UPDATE runs SET started_at = '2020-01-01T10:00:00Z', "
                     "ended_at = '2020-01-01T11:00:00Z' WHERE id = " + std::to_string(id));
    store::MetricsWriter metrics(writer.db(), 1);
    metrics.add(id, 10, "loss", 0.5, 0);
    metrics.add(id, 10, "time/train_seconds", 60.0, 0);
    metrics.flush();
    m_runs->refresh();
    const int row = m_runs->model()->rowOf(id);
    ASSERT_GE(row, 0);
    EXPECT_EQ(m_runs->model()->index(row, RunsTableModel::DurationColumn).data().toString(),
              durationText(60));
}

// Issue 21: a 30-step run on a 315-step curriculum trained stage 1 only, said only in the log;
// a warmup longer than the run failed `ladder-cli train --steps 5`. Both are notes in the
// launcher, beside the problems, and neither stops Start.
TEST_F(RunPanesTest, ARunShorterThanItsCurriculumOrWarmupIsANoteBesideTheProblems) {
    auto config = test::tinyRun("dpo", 3);
    config.data.curriculum = "easy-then-hard";
    config.schedule.warmupSteps = 20;
    m_launcher->setConfig(config);
    EXPECT_TRUE(m_launcher->problems().isEmpty()) << m_launcher->problems().join('\n').toStdString();
    EXPECT_TRUE(m_launcher->canStart());
    const QString notes = m_launcher->notes().join('\n');
    EXPECT_TRUE(notes.contains("warmup (20 steps) is longer than the run")) << notes.toStdString();
    EXPECT_TRUE(notes.contains("ends in stage 1 of")) << notes.toStdString();
    EXPECT_TRUE(m_launcher->findChild<QLabel*>("launcherProblems")->text().contains("never train"));
    config.schedule.warmupSteps = 0;
    config.data.curriculum = "uniform";
    m_launcher->setConfig(config);
    EXPECT_TRUE(m_launcher->notes().isEmpty()) << m_launcher->notes().join('\n').toStdString();
}

// Issue 21 (item 13): the Start-from box took the form's spare height, leaving a gap of
// several lines between "Start from" and "Template" under the tiny model's one-line hint.
TEST_F(RunPanesTest, TheStartFromBoxIsNoTallerThanItsPage) {
    m_window->resize(1280, 820);
    m_window->panes()->setCurrentWidget(m_launcher);
    m_launcher->setConfig(test::tinyRun("sft", 3));
    QTest::qWait(100);
    auto* kind = m_launcher->findChild<QComboBox*>("launcherModelKind");
    auto* templ = m_launcher->findChild<QComboBox*>("launcherTemplate");
    ASSERT_TRUE(kind && templ);
    const int gap = templ->mapTo(m_launcher, QPoint(0, 0)).y() -
                    (kind->mapTo(m_launcher, QPoint(0, 0)).y() + kind->height());
    EXPECT_LT(gap, 4 * m_launcher->fontMetrics().height()) << gap;
}

// Issue 21: Copy Command named a run.json that did not exist. With no saved file the command
// is copied only once the config is saved where the user says, and it names that file.
TEST_F(RunPanesTest, CopyCommandNamesAFileThatHoldsTheConfig) {
    auto config = test::tinyRun("sft", 5);
    config.name = "to the server";
    m_launcher->setConfig(config);
    const QString file = qpath(m_dir / "server run.json");
    test::answerNextDialog<QFileDialog>([file](QFileDialog* d) {
        d->selectFile(file);
        static_cast<QDialog*>(d)->accept();  // QFileDialog::accept itself is protected
    });
    const QString line = m_launcher->copyCommand();
    ASSERT_TRUE(QFileInfo::exists(file)) << line.toStdString();
    EXPECT_EQ(train::toJson(train::loadRunConfig(file.toStdString())), train::toJson(m_launcher->config()));
    EXPECT_TRUE(line.contains("'" + file + "'")) << line.toStdString();
    EXPECT_EQ(QApplication::clipboard()->text(), line);
    // The same config again: the file still holds it, nothing is asked.
    EXPECT_EQ(m_launcher->copyCommand(), line);
    // Cancelled: nothing is copied, no file is named.
    config.seed = 99;
    m_launcher->setConfig(config);
    test::answerNextDialog<QFileDialog>([](QFileDialog* d) { d->reject(); });
    EXPECT_TRUE(m_launcher->copyCommand().isEmpty());
}

TEST_F(RunPanesTest, QueuedSftThenDpoFromTheLatestSftRunRunOneAfterAnother) {
    m_launcher->setConfig(test::tinyRun("sft", 3));
    ASSERT_TRUE(m_launcher->start());
    auto dpo = test::tinyRun("dpo", 3);
    dpo.model.kind = "run";
    dpo.model.runId = train::kLatestSftRun;
    m_launcher->setConfig(dpo);
    ASSERT_TRUE(m_launcher->start()) << m_launcher->problems().join('\n').toStdString();
    m_runs->refresh();
    ASSERT_TRUE(waitIdle(180s));
    const auto runs = runsInFile();
    ASSERT_EQ(runs.size(), 2u);
    const auto& dpoRun = runs[0];  // newest first
    EXPECT_EQ(dpoRun.method, "dpo");
    EXPECT_EQ(dpoRun.status, store::RunStatus::Finished) << dpoRun.message;
    EXPECT_EQ(dpoRun.parentRunId, runs[1].id);
}

TEST_F(RunPanesTest, PresetsFillTheFormAndSaveLoadAndCopyCommandRoundTrip) {
    ASSERT_TRUE(m_launcher->applyPreset("demo-dpo-easy"));
    const auto config = m_launcher->config();
    EXPECT_EQ(config.method, "dpo");
    EXPECT_EQ(config.model.kind, "run");
    EXPECT_EQ(config.data.tiers, std::vector<std::string>{"strong>weak"});
    EXPECT_DOUBLE_EQ(config.loss.at("beta").get<double>(), 0.1);
    // The preset's win rate: against the demo's medium model, every 100 steps; "off" turns it off.
    EXPECT_EQ(config.winRate.reference, "medium");
    EXPECT_EQ(config.winRate.every, 100);
    EXPECT_EQ(config.winRate.judge, "demo");
    auto* against = m_launcher->findChild<QComboBox*>("launcherWinRateReference");
    ASSERT_NE(against, nullptr);
    EXPECT_EQ(against->currentData().toString(), "medium");
    against->setCurrentIndex(0);
    EXPECT_EQ(m_launcher->config().winRate.reference, "");
    EXPECT_FALSE(m_launcher->findChild<QSpinBox*>("launcherWinRateEvery")->isEnabled());
    against->setCurrentIndex(against->findData("medium"));

    const QString file = qpath(m_dir / "my run.json");
    QString error;
    ASSERT_TRUE(m_launcher->saveConfigFile(file, &error)) << error.toStdString();
    EXPECT_EQ(train::toJson(train::loadRunConfig(file.toStdString())), train::toJson(config));
    const QString line = m_launcher->copyCommand();
    EXPECT_EQ(line.toStdString(), train::cliCommand(m_path.string(), file.toStdString(), config));
    EXPECT_TRUE(line.contains("'" + file + "'"));
    EXPECT_EQ(QApplication::clipboard()->text(), line);

    ASSERT_TRUE(m_launcher->applyPreset("demo-sft"));
    EXPECT_EQ(m_launcher->config().method, "sft");
    ASSERT_TRUE(m_launcher->loadConfigFile(file, &error)) << error.toStdString();
    EXPECT_EQ(train::toJson(m_launcher->config()), train::toJson(config));
    test::writeFile(m_dir / "bad.json", R"({"method": "dpo", "batchsize": 4})");
    EXPECT_FALSE(m_launcher->loadConfigFile(qpath(m_dir / "bad.json"), &error));
    EXPECT_TRUE(error.contains("batchsize"));
}

TEST_F(RunPanesTest, TheLauncherFormIsRememberedAcrossWindows) {
    auto config = test::tinyRun("slic", 7);
    config.name = "remember me";
    m_launcher->setConfig(config);
    // No wait for the debounced check: closing the window right after an edit remembers it too.
    m_window.reset();
    MainWindow again;
    auto* launcher = again.findChild<LauncherPane*>();
    EXPECT_EQ(launcher->config().name, "remember me");
    EXPECT_EQ(launcher->config().maxSteps, 7);
    EXPECT_EQ(launcher->config().method, "slic");
    m_queue = nullptr;
}

TEST_F(RunPanesTest, TheRunsListShowsProgressAndStopResumeAndDeleteWork) {
    auto config = test::tinyRun("sft", 2000);
    m_launcher->setConfig(config);
    ASSERT_TRUE(m_launcher->start());
    std::int64_t runId = 0;
    ASSERT_TRUE(test::waitFor([&] {
        runId = m_queue->activeRunId();
        const auto p = runId > 0 ? m_queue->progress(runId) : std::nullopt;
        return p && p->step >= 3;
    }, 60s));
    m_runs->refresh();
    const int row = m_runs->model()->rowOf(runId);
    ASSERT_GE(row, 0);
    EXPECT_TRUE(statusOf(runId).startsWith("running")) << statusOf(runId).toStdString();
    EXPECT_GT(m_runs->model()->index(row, RunsTableModel::ProgressColumn)
                  .data(RunsTableModel::ProgressRole).toDouble(), 0.0);

    m_runs->select(runId);
    auto* stop = m_runs->findChild<QAction*>("runsStop");
    ASSERT_TRUE(stop->isEnabled());
    EXPECT_FALSE(m_runs->findChild<QAction*>("runsDelete")->isEnabled());
    stop->trigger();
    ASSERT_TRUE(waitIdle(60s));
    EXPECT_EQ(statusOf(runId), "stopped");
    m_runs->select(runId);
    auto* resume = m_runs->findChild<QAction*>("runsResume");
    ASSERT_TRUE(resume->isEnabled());
    const auto stoppedAt = runsInFile().at(0).lastStep;
    EXPECT_LT(stoppedAt, 2000);

    // Resume, let it go on a little, stop again: it continued from its checkpoint.
    resume->trigger();
    ASSERT_TRUE(test::waitFor([&] {
        const auto p = m_queue->progress(runId);
        return p && p->step >= stoppedAt + 2;
    }, 60s));
    m_queue->stop(runId);
    ASSERT_TRUE(waitIdle(60s));
    EXPECT_GT(runsInFile().at(0).lastStep, stoppedAt);

    auto ws = store::Workspace::open(m_path);
    const fs::path folder = ws.checkpointDir() / ("run-" + std::to_string(runId));
    EXPECT_TRUE(fs::exists(folder));
    m_runs->select(runId);
    auto* remove = m_runs->findChild<QAction*>("runsDelete");
    ASSERT_TRUE(remove->isEnabled());
    test::answerNextDialog<QMessageBox>(
        [](QMessageBox* box) { box->button(QMessageBox::Yes)->click(); });
    remove->trigger();
    EXPECT_EQ(m_runs->model()->rowOf(runId), -1);
    EXPECT_FALSE(fs::exists(folder));
    EXPECT_TRUE(runsInFile().empty());
}

TEST_F(RunPanesTest, DuplicateConfigFillsTheLauncher) {
    auto config = test::tinyRun("sft", 2);
    config.name = "original";
    config.seed = 77;
    m_launcher->setConfig(config);
    ASSERT_TRUE(m_launcher->start());
    ASSERT_TRUE(waitIdle());
    m_launcher->setConfig(test::tinyRun("dpo", 9));
    m_runs->refresh();
    m_runs->select(runsInFile().at(0).id);
    m_runs->findChild<QAction*>("runsDuplicate")->trigger();
    EXPECT_EQ(m_launcher->config().name, "original (copy)");
    EXPECT_EQ(m_launcher->config().seed, 77);
    EXPECT_EQ(m_launcher->config().method, "sft");
    EXPECT_EQ(m_window->panes()->currentWidget(), m_launcher);
}

// Issue 14: the memory settings of a run (dtype, LoRA, gradient checkpointing, the logits head,
// packed pairs, prefix sharing, length groups) in the launcher. Every one survives the form both
// ways, from a config, from Duplicate and from editing the fields.
train::RunConfig memoryConfig() {
    auto config = test::tinyRun("dpo", 4);
    config.device = "cuda";
    config.dtype = "bfloat16";
    config.lora.rank = 8;
    config.lora.alpha = 32;
    config.lora.dropout = 0.1;
    config.lora.targetModules = {"q_proj", "v_proj"};
    config.loraSaveMerged = true;
    config.gradientCheckpointing = true;
    config.logitsHead = "chunked";
    config.packedPairs = false;
    config.prefixSharing = false;
    config.data.lengthGroups = 4;
    return config;
}

// The launcher's config as JSON beside `expected`'s, the loss knobs left out (the form fills in
// the method's defaults: that round trip is another test's).
const char* const kMemoryFields[] = {"launcherDtype", "launcherLoraRank", "launcherLoraAlpha",
                                     "launcherLoraDropout", "launcherLoraTargets",
                                     "launcherLoraSaveMerged", "launcherGradientCheckpointing",
                                     "launcherLogitsHead", "launcherPackedPairs",
                                     "launcherPrefixSharing", "launcherLengthGroups"};

std::pair<std::string, std::string> formAndExpected(const LauncherPane* launcher,
                                                    train::RunConfig expected) {
    const auto form = launcher->config();
    expected.loss = form.loss;
    return {train::toJson(form).dump(2), train::toJson(expected).dump(2)};
}

TEST_F(RunPanesTest, EveryMemorySettingRoundTripsThroughTheLauncher) {
    for (const char* name : kMemoryFields) ASSERT_NE(m_launcher->findChild<QWidget*>(name), nullptr) << name;
    const auto config = memoryConfig();
    ASSERT_NE(train::toJson(config), train::toJson(test::tinyRun("dpo", 4)));
    m_launcher->setConfig(config);
    {
        const auto [form, expected] = formAndExpected(m_launcher, config);
        EXPECT_EQ(form, expected);
    }
    EXPECT_EQ(m_launcher->findChild<QSpinBox*>("launcherLoraRank")->value(), 8);
    EXPECT_EQ(m_launcher->findChild<QComboBox*>("launcherLoraTargets")->currentText().toStdString(),
              "q_proj, v_proj");
    EXPECT_EQ(m_launcher->findChild<QComboBox*>("launcherLogitsHead")->currentData().toString().toStdString(),
              "chunked");
    EXPECT_EQ(m_launcher->findChild<QComboBox*>("launcherDtype")->currentData().toString().toStdString(),
              "bfloat16");
    EXPECT_EQ(m_launcher->findChild<QSpinBox*>("launcherLengthGroups")->value(), 4);

    // The other way round: the defaults (LoRA off, packed, grouped by 16) and the other choices.
    auto other = test::tinyRun("dpo", 4);
    other.logitsHead = "full";
    other.data.lengthGroups = 1;
    other.lora.targetModules = {"all-linear"};
    m_launcher->setConfig(other);
    {
        const auto [form, expected] = formAndExpected(m_launcher, other);
        EXPECT_EQ(form, expected);
    }

    // Edited in the form: what the fields say is what the config says.
    m_launcher->findChild<QComboBox*>("launcherDtype")->setCurrentIndex(1);
    m_launcher->findChild<QSpinBox*>("launcherLoraRank")->setValue(16);
    m_launcher->findChild<QDoubleSpinBox*>("launcherLoraAlpha")->setValue(8);
    m_launcher->findChild<QDoubleSpinBox*>("launcherLoraDropout")->setValue(0.25);
    m_launcher->findChild<QComboBox*>("launcherLoraTargets")->setEditText("k_proj,o_proj  down_proj");
    m_launcher->findChild<QCheckBox*>("launcherLoraSaveMerged")->setChecked(true);
    m_launcher->findChild<QCheckBox*>("launcherGradientCheckpointing")->setChecked(true);
    auto* head = m_launcher->findChild<QComboBox*>("launcherLogitsHead");
    head->setCurrentIndex(head->findData("auto"));
    m_launcher->findChild<QCheckBox*>("launcherPackedPairs")->setChecked(false);
    m_launcher->findChild<QCheckBox*>("launcherPrefixSharing")->setChecked(false);
    m_launcher->findChild<QSpinBox*>("launcherLengthGroups")->setValue(64);
    const auto edited = m_launcher->config();
    EXPECT_EQ(edited.dtype, "bfloat16");
    EXPECT_EQ(edited.lora.rank, 16);
    EXPECT_EQ(edited.lora.alpha, 8);
    EXPECT_EQ(edited.lora.dropout, 0.25);
    EXPECT_EQ(edited.lora.targetModules, (std::vector<std::string>{"k_proj", "o_proj", "down_proj"}));
    EXPECT_TRUE(edited.loraSaveMerged);
    EXPECT_TRUE(edited.gradientCheckpointing);
    EXPECT_EQ(edited.logitsHead, "auto");
    EXPECT_FALSE(edited.packedPairs);
    EXPECT_FALSE(edited.prefixSharing);
    EXPECT_EQ(edited.data.lengthGroups, 64);
    // bfloat16 without LoRA fine-tunes every weight from float32 master weights, which the
    // memory estimate counts.
    const auto* estimate = m_launcher->findChild<QLabel*>("launcherMemoryEstimate");
    ASSERT_NE(estimate, nullptr);
    EXPECT_FALSE(estimate->text().contains("master weights")) << estimate->text().toStdString();
    m_launcher->findChild<QSpinBox*>("launcherLoraRank")->setValue(0);
    EXPECT_FALSE(m_launcher->problems().join('\n').contains("bfloat16")) << m_launcher->problems().join('\n').toStdString();
    EXPECT_TRUE(estimate->text().contains("master weights")) << estimate->text().toStdString();
    m_launcher->findChild<QSpinBox*>("launcherLoraRank")->setValue(16);

    // Duplicate of a run with these settings fills them all in.
    auto stored = memoryConfig();
    stored.name = "memory";
    {
        auto writer = store::Workspace::open(m_path);
        store::RunStore(writer.db()).create({.name = "memory", .method = "dpo",
                                             .configJson = train::toJson(stored).dump(), .totalSteps = 4});
    }
    m_launcher->setConfig(test::tinyRun("sft", 9));
    m_runs->refresh();
    m_runs->select(runsInFile().at(0).id);
    m_runs->findChild<QAction*>("runsDuplicate")->trigger();
    stored.name = "memory (copy)";
    const auto [form, expected] = formAndExpected(m_launcher, stored);
    EXPECT_EQ(form, expected);
}

TEST_F(RunPanesTest, TheLoraFieldsAreOffAtRankZeroAndPrefixSharingUnderPackedPairs) {
    for (const char* name : kMemoryFields) ASSERT_NE(m_launcher->findChild<QWidget*>(name), nullptr) << name;
    auto* rank = m_launcher->findChild<QSpinBox*>("launcherLoraRank");
    ASSERT_NE(rank, nullptr);
    EXPECT_TRUE(rank->toolTip().contains("full fine-tuning")) << rank->toolTip().toStdString();
    const QStringList loraFields{"launcherLoraAlpha", "launcherLoraDropout", "launcherLoraTargets",
                                 "launcherLoraSaveMerged"};
    const auto enabled = [this](const QString& name) {
        auto* w = m_launcher->findChild<QWidget*>(name);
        EXPECT_NE(w, nullptr) << name.toStdString();
        return w && w->isEnabled();
    };
    m_launcher->setConfig(test::tinyRun("dpo", 4));  // rank 0, packed pairs
    for (const QString& f : loraFields) EXPECT_FALSE(enabled(f)) << f.toStdString();
    EXPECT_FALSE(enabled("launcherPrefixSharing"));
    rank->setValue(4);
    for (const QString& f : loraFields) EXPECT_TRUE(enabled(f)) << f.toStdString();
    rank->setValue(0);
    for (const QString& f : loraFields) EXPECT_FALSE(enabled(f)) << f.toStdString();
    m_launcher->findChild<QCheckBox*>("launcherPackedPairs")->setChecked(false);
    EXPECT_TRUE(enabled("launcherPrefixSharing"));
    // A config with LoRA on opens with the fields on.
    m_launcher->setConfig(memoryConfig());
    for (const QString& f : loraFields) EXPECT_TRUE(enabled(f)) << f.toStdString();
    EXPECT_TRUE(enabled("launcherPrefixSharing"));
}

TEST_F(RunPanesTest, AnUnknownLoraTargetModuleIsAProblemAndStartStaysOff) {
    ASSERT_NE(m_launcher->findChild<QComboBox*>("launcherLoraTargets"), nullptr);
    auto config = test::tinyRun("dpo", 4);
    config.lora.rank = 8;
    m_launcher->setConfig(config);
    auto* start = m_launcher->findChild<QPushButton*>("launcherStart");
    ASSERT_TRUE(m_launcher->problems().isEmpty()) << m_launcher->problems().join('\n').toStdString();
    EXPECT_TRUE(start->isEnabled());
    m_launcher->findChild<QComboBox*>("launcherLoraTargets")->setEditText("attn");
    const QString problems = m_launcher->problems().join('\n');
    EXPECT_TRUE(problems.contains("'attn' is not a linear layer")) << problems.toStdString();
    EXPECT_TRUE(m_launcher->findChild<QLabel*>("launcherProblems")->text().contains("attn"));
    EXPECT_FALSE(start->isEnabled());
    EXPECT_FALSE(m_launcher->start());
    m_launcher->findChild<QComboBox*>("launcherLoraTargets")->setEditText("q_proj, v_proj");
    EXPECT_TRUE(m_launcher->problems().isEmpty()) << m_launcher->problems().join('\n').toStdString();
    EXPECT_TRUE(start->isEnabled());
}

// Issue 14: the launcher shows the run's memory estimate, and on the CPU a run over the free
// memory is a problem before Start (the trainer would stop before its first step).
TEST_F(RunPanesTest, TheLauncherShowsTheMemoryEstimateAndARunThatWillNotFitCannotStart) {
    auto config = test::tinyRun("dpo", 4);
    m_launcher->setConfig(config);
    ASSERT_TRUE(m_launcher->problems().isEmpty()) << m_launcher->problems().join('\n').toStdString();
    auto* estimate = m_launcher->findChild<QLabel*>("launcherMemoryEstimate");
    ASSERT_NE(estimate, nullptr);
    EXPECT_TRUE(estimate->text().contains("MiB")) << estimate->text().toStdString();
    EXPECT_TRUE(estimate->text().contains("activations")) << estimate->text().toStdString();
    ::setenv("LADDER_MEMORY_LIMIT", "1000000", 1);
    m_launcher->findChild<QSpinBox*>("launcherLoraRank")->setValue(8);  // any edit validates again
    const QString problems = m_launcher->problems().join('\n');
    ::unsetenv("LADDER_MEMORY_LIMIT");
    EXPECT_TRUE(problems.contains("will not fit in memory")) << problems.toStdString();
    EXPECT_FALSE(m_launcher->findChild<QPushButton*>("launcherStart")->isEnabled());
}

// Issue 21: the Win rate column read "24.2% \u00b1 4.2", as if its final "%" were cut off. The
// unit comes once, at the end, and the column shows it whole at the default size and at 1000x700.
TEST_F(RunPanesTest, TheWinRateColumnShowsItsUnitWholeAtBothSizes) {
    m_window->panes()->setCurrentWidget(m_runs);
    auto* view = m_runs->findChild<QTableView*>("runsTable");
    ASSERT_NE(view, nullptr);
    for (const QSize size : {QSize(1280, 820), QSize(1000, 700)}) {
        m_window->resize(size);
        QTest::qWait(50);
        std::vector<RunRow> rows(2);
        rows[0].run.id = 2;
        rows[0].winRate = 0.242;
        rows[0].winRateError = 0.042;
        rows[1].run.id = 1;
        rows[1].winRate = 0.5;
        rows[1].winRateError = 0.125;
        rows[0].winRateLengthControlled = 0.205;
        m_runs->model()->setRows(rows);
        const QModelIndex first = m_runs->model()->index(0, RunsTableModel::WinRateColumn);
        EXPECT_EQ(first.data().toString().toStdString(), "24.2 \u00b1 4.2%");
        // The length-controlled win rate in the tooltip; none where the run has none.
        EXPECT_TRUE(first.data(Qt::ToolTipRole).toString().startsWith("Length-controlled: 20.5%"));
        EXPECT_FALSE(m_runs->model()->index(1, RunsTableModel::WinRateColumn).data(Qt::ToolTipRole).isValid());
        const int margins = 2 * (view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1);
        for (int row = 0; row < 2; ++row) {
            const QString text = m_runs->model()->index(row, RunsTableModel::WinRateColumn).data().toString();
            EXPECT_TRUE(text.endsWith('%')) << text.toStdString();
            EXPECT_GE(view->columnWidth(RunsTableModel::WinRateColumn),
                      view->fontMetrics().horizontalAdvance(text) + margins)
                << text.toStdString() << " at " << size.width();
        }
    }
}

TEST_F(RunPanesTest, RenameAsksForTheNameAndWritesItToTheFile) {
    auto config = test::tinyRun("sft", 2);
    config.name = "before";
    m_launcher->setConfig(config);
    ASSERT_TRUE(m_launcher->start());
    ASSERT_TRUE(waitIdle());
    m_runs->refresh();
    const auto id = runsInFile().at(0).id;
    m_runs->select(id);
    auto* rename = m_runs->findChild<QAction*>("runsRename");
    ASSERT_TRUE(rename->isEnabled());
    test::answerNextDialog<QInputDialog>([](QInputDialog* d) {
        d->setTextValue("  after  ");
        d->accept();
    });
    rename->trigger();
    EXPECT_EQ(runsInFile().at(0).name, "after");
    const int row = m_runs->model()->rowOf(id);
    EXPECT_EQ(m_runs->model()->index(row, RunsTableModel::NameColumn).data().toString(), "after");
    EXPECT_FALSE(m_runs->renameSelected("   "));  // a blank name is refused
    EXPECT_EQ(runsInFile().at(0).name, "after");
}

TEST_F(RunPanesTest, ARunWrittenByAnotherConnectionIsFollowedByPolling) {
    // Another writer of the same file: what ladder-cli in another process does, row for row.
    auto writer = store::Workspace::open(m_path);
    store::RunStore runs(writer.db());
    const auto id = runs.create({.name = "elsewhere", .method = "dpo", .configJson = "{}", .totalSteps = 8});
    runs.markStarted(id, 8);
    store::MetricsWriter metrics(writer.db(), 1);
    for (int step = 1; step <= 5; ++step) {
        // Written in an order unlike the charts' own, which must not depend on it.
        for (const char* name : {"eval/rewards/margins", "tier/b/margins", "eval/loss",
                                 "tier/a/margins", "rewards/margins"}) {
            metrics.add(id, step, name, 0.1 * step, 0);
        }
        metrics.add(id, step, "loss", 1.0 / step, 0);
        metrics.add(id, step, "curriculum/stage", step <= 3 ? 1 : 2, 0);
    }
    metrics.flush();
    m_plots->reloadRuns();
    m_plots->showRun(id);
    EXPECT_EQ(m_plots->plot("Loss")->pointCount("loss"), 5);
    // Series (and so their colours) come in a fixed order: training, per tier, held out.
    EXPECT_EQ(m_plots->plot("Loss")->seriesNames(), (QStringList{"loss", "eval/loss"}));
    EXPECT_EQ(m_plots->plot("Reward margins")->seriesNames(),
              (QStringList{"rewards/margins", "tier/a/margins", "tier/b/margins",
                           "eval/rewards/margins"}));
    EXPECT_EQ(m_plots->plot("Loss")->stageCount(), 2);
    for (int step = 6; step <= 8; ++step) metrics.add(id, step, "loss", 1.0 / step, 0);
    metrics.flush();
    m_plots->poll();
    m_plots->flush();
    EXPECT_EQ(m_plots->plot("Loss")->pointCount("loss"), 8);
    // Resumed from a checkpoint at step 6: steps 7 and 8 are redone with other values.
    writer.db().exec("DELETE FROM metrics WHERE run_id = " + std::to_string(id) + " AND step > 6");
    metrics.add(id, 7, "loss", 0.5, 0);
    metrics.add(id, 8, "loss", 0.25, 0);
    metrics.flush();
    m_plots->poll();
    m_plots->flush();
    const auto data = m_plots->plot("Loss")->rawData("loss");
    ASSERT_EQ(data->size(), 8);
    EXPECT_DOUBLE_EQ((data->constEnd() - 1)->value, 0.25);
    EXPECT_DOUBLE_EQ((data->constEnd() - 2)->value, 0.5);
    // The runs list sees it alive, with its heartbeat.
    m_runs->refresh();
    const int row = m_runs->model()->rowOf(id);
    EXPECT_TRUE(m_runs->model()->index(row, RunsTableModel::HeartbeatColumn).data().toString().contains("ago"));
}

TEST_F(RunPanesTest, ARunWhoseProcessIsGoneIsStaleAndCanBeResumed) {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);  // its pid is free now
    auto writer = store::Workspace::open(m_path);
    store::RunStore runs(writer.db());
    const auto id = runs.create({.name = "crashed", .method = "sft",
                                 .configJson = train::toJson(test::tinyRun("sft", 4)).dump(), .totalSteps = 4});
    runs.markStarted(id, 4);
    writer.db().exec("UPDATE runs SET pid = " + std::to_string(child) + " WHERE id = " + std::to_string(id));
    EXPECT_TRUE(statusOf(id).contains("stale")) << statusOf(id).toStdString();
    m_runs->select(id);
    EXPECT_TRUE(m_runs->findChild<QAction*>("runsResume")->isEnabled());
    EXPECT_FALSE(m_runs->findChild<QAction*>("runsStop")->isEnabled());
    m_runs->findChild<QAction*>("runsResume")->trigger();
    ASSERT_TRUE(waitIdle());
    EXPECT_EQ(statusOf(id), "finished");
}

TEST_F(RunPanesTest, ARunOfLadderCliInAnotherProcessIsFollowedLive) {
    const QString cli = QStringLiteral(LADDER_CLI);
    ASSERT_TRUE(QFileInfo::exists(cli)) << cli.toStdString();
    // Longer than any machine finishes while the pane looks: it is stopped once points are seen, so
    // the check does not race the run's end on a fast machine or a loaded one.
    auto config = test::tinyRun("sft", 100000);
    const fs::path file = m_dir / "cli-run.json";
    train::saveRunConfig(config, file.string());
    QProcess process;
    process.start(cli, {"train", "--workspace", qpath(m_path), "--config", qpath(file)});
    ASSERT_TRUE(process.waitForStarted(10000));
    // The plots pane follows the newest run as it appears and shows its points while it runs.
    const bool seen = test::waitFor([&] {
        m_plots->reloadRuns();
        MetricPlot* loss = m_plots->plot("Loss");
        return m_plots->runId() > 0 && loss->pointCount("loss") >= 3 &&
               process.state() == QProcess::Running;
    }, 120s);
    EXPECT_TRUE(seen);
    process.terminate();  // SIGTERM: ladder-cli stops at the end of the step, with a checkpoint
    ASSERT_TRUE(process.waitForFinished(120000)) << process.readAllStandardError().toStdString();
    // 130: the shell's code for an interrupted program; the run itself ended cleanly as stopped.
    EXPECT_EQ(process.exitCode(), 130) << process.readAllStandardError().toStdString();
    const auto run = [&] {
        auto ws = store::Workspace::open(m_path);
        return store::RunStore(ws.db()).get(m_plots->runId());
    }();
    EXPECT_GE(run.lastStep, 3);
    // Every step the run stored reaches the pane, the last ones included.
    ASSERT_TRUE(test::waitFor([&] {
        m_plots->poll();
        m_plots->flush();
        return m_plots->plot("Loss")->pointCount("loss") == static_cast<int>(run.lastStep);
    }, 30s)) << m_plots->plot("Loss")->pointCount("loss") << " points, " << run.lastStep << " steps";
    EXPECT_EQ(statusOf(m_plots->runId()), "stopped");
}

TEST_F(RunPanesTest, TheRunsModelPassesTheModelTesterThroughRefreshes) {
    test::ModelChecker check(m_runs->model());
    m_runs->refresh();
    m_launcher->setConfig(test::tinyRun("sft", 3));
    ASSERT_TRUE(m_launcher->start());
    m_launcher->setConfig(test::tinyRun("sft", 2));
    ASSERT_TRUE(m_launcher->start());  // one queued behind the first
    m_runs->refresh();
    EXPECT_GE(m_runs->model()->rowCount(), 1);
    ASSERT_TRUE(waitIdle());
    m_runs->refresh();
    EXPECT_EQ(m_runs->model()->rowCount(), 2);
    EXPECT_TRUE(check.failures().isEmpty()) << check.failures().join('\n').toStdString();
}

TEST_F(RunPanesTest, TheShortcutsDialogListsThePanesShortcuts) {
    ShortcutsDialog dialog(m_window.get());
    auto* table = dialog.findChild<QTableWidget*>("shortcutsTable");
    ASSERT_NE(table, nullptr);
    QStringList rows;
    for (int r = 0; r < table->rowCount(); ++r) {
        rows << table->item(r, 0)->text() + '|' + table->item(r, 1)->text();
    }
    for (const char* expected : {"Launcher|Start run", "Plots|Export charts...", "Runs|Stop",
                                 "Runs|Resume from Last Checkpoint"}) {
        EXPECT_TRUE(rows.contains(expected)) << expected << "\n" << rows.join('\n').toStdString();
    }
}

}  // namespace
}  // namespace ladder::ui
