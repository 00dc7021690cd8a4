#include "ui/runs/runs_pane.h"

#include <cmath>

#include <QAction>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include "ui/bridge/process_launch.h"
#include "ui/bridge/run_queue.h"
#include "ui/bridge/runs_bridge.h"
#include "ui/bridge/workspace_session.h"
#include "ui/launcher/judge_program_prompt.h"
#include "ui/runs/progress_delegate.h"
#include "ui/runs/run_text.h"
#include "ui/runs/runs_table_model.h"

namespace ladder::ui {

namespace {
constexpr int kRefreshMs = 1000;
constexpr const char* kHeaderKey = "runs/header-v2";  // v2: the Resources column

std::optional<double> finite(const std::unordered_map<std::string, double>& values,
                             const char* name) {
    const auto it = values.find(name);
    if (it == values.end() || !std::isfinite(it->second)) return std::nullopt;
    return it->second;
}
}  // namespace

RunsPane::RunsPane(WorkspaceSession* session, RunQueue* queue, QWidget* parent)
    : QWidget(parent), m_session(session), m_queue(queue), m_bridge(new RunsBridge(session, this)) {
    setObjectName("runsPane");
    m_model = new RunsTableModel(this);
    m_view = new QTableView(this);
    m_view->setObjectName("runsTable");
    m_view->setModel(m_model);
    m_view->setItemDelegateForColumn(RunsTableModel::ProgressColumn, new ProgressDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    // The columns fit a 1000 px window; the status (with a failed run's reason) takes the
    // width that is left.
    QHeaderView* header = m_view->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(RunsTableModel::StatusColumn, QHeaderView::Stretch);
    header->setMinimumSectionSize(40);
    const QFontMetrics fm = fontMetrics();
    const auto width = [&fm](const char* text) { return fm.horizontalAdvance(QLatin1String(text)) + 16; };
    m_view->setColumnWidth(RunsTableModel::IdColumn, width("queued"));
    m_view->setColumnWidth(RunsTableModel::NameColumn, width("dpo easy-then-hard"));
    m_view->setColumnWidth(RunsTableModel::MethodColumn, width("robust"));
    m_view->setColumnWidth(RunsTableModel::ProgressColumn, width("100 / 1000 \u00b7 10 min left"));
    m_view->setColumnWidth(RunsTableModel::DurationColumn, width("10 min 00 s"));
    m_view->setColumnWidth(RunsTableModel::LossColumn, width("0.0000"));
    m_view->setColumnWidth(RunsTableModel::AccuracyColumn, width("Accuracy"));
    m_view->setColumnWidth(RunsTableModel::WinRateColumn, width("00.0 \u00b1 00.0%"));
    // Speed over memory, on two lines.
    m_view->setColumnWidth(RunsTableModel::ResourcesColumn, width("000 tok/s \u00b7"));
    m_view->setColumnWidth(RunsTableModel::HeartbeatColumn, width("10 s ago on"));
    header->restoreState(QSettings().value(kHeaderKey).toByteArray());
    connect(m_view->horizontalHeader(), &QHeaderView::sectionResized, this, [this] {
        QSettings().setValue(kHeaderKey, m_view->horizontalHeader()->saveState());
    });

    auto makeAction = [this](const QString& text, const QKeySequence& keys, void (RunsPane::*slot)()) {
        auto* a = new QAction(text, this);
        if (!keys.isEmpty()) {
            a->setShortcut(keys);
            a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
            a->setProperty("shortcutArea", tr("Runs"));
        }
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        return a;
    };
    m_stop = makeAction(tr("&Stop"), QKeySequence(Qt::CTRL | Qt::Key_Period), &RunsPane::stopSelected);
    m_stop->setObjectName("runsStop");
    m_resume = makeAction(tr("&Resume from Last Checkpoint"), QKeySequence(Qt::CTRL | Qt::Key_R),
                          &RunsPane::resumeSelected);
    m_resume->setObjectName("runsResume");
    m_duplicate = makeAction(tr("&Duplicate Config into Launcher"), QKeySequence(Qt::CTRL | Qt::Key_D),
                             &RunsPane::duplicateSelected);
    m_duplicate->setObjectName("runsDuplicate");
    m_rename = new QAction(tr("Re&name..."), this);
    m_rename->setObjectName("runsRename");
    m_rename->setShortcut(QKeySequence(Qt::Key_F2));
    m_rename->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_rename->setProperty("shortcutArea", tr("Runs"));
    addAction(m_rename);
    connect(m_rename, &QAction::triggered, this, [this] {
        const RunRow* row = selectedRow();
        if (!row) return;
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Rename Run"),
                                                   tr("New name of run #%1:").arg(row->run.id),
                                                   QLineEdit::Normal,
                                                   QString::fromStdString(row->run.name), &ok);
        if (ok) renameSelected(name);
    });
    m_plots = new QAction(tr("Show &Plots"), this);
    connect(m_plots, &QAction::triggered, this, [this] {
        if (selectedRunId() > 0) Q_EMIT showPlots(selectedRunId());
    });
    m_delete = makeAction(tr("De&lete..."), QKeySequence(QKeySequence::Delete), &RunsPane::deleteSelected);
    m_delete->setObjectName("runsDelete");

    auto* toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addAction(m_stop);
    toolbar->addAction(m_resume);
    toolbar->addAction(m_duplicate);
    toolbar->addAction(m_rename);
    toolbar->addAction(m_plots);
    toolbar->addSeparator();
    toolbar->addAction(m_delete);
    m_summary = new QLabel(this);
    m_summary->setObjectName("runsSummary");

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(toolbar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summary);

    connect(m_view, &QTableView::customContextMenuRequested, this, &RunsPane::showContextMenu);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const auto id = index.data(RunsTableModel::RunIdRole).toLongLong();
        if (id > 0) Q_EMIT showPlots(id);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_keepSelected = selectedRunId();
        updateActions();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (m_keepSelected != 0) select(m_keepSelected);
        updateActions();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &RunsPane::updateActions);

    m_timer = new QTimer(this);
    m_timer->setInterval(kRefreshMs);
    connect(m_timer, &QTimer::timeout, this, &RunsPane::refresh);
    m_timer->start();
    connect(m_queue, &RunQueue::queueChanged, this, &RunsPane::refresh);
    connect(m_queue, &RunQueue::runEnded, this, &RunsPane::refresh);
    connect(m_queue, &RunQueue::eventsArrived, this,
            [this](const std::vector<train::TrainingEvent>& events) {
                for (const auto& e : events) {
                    if (e.runId <= 0 || !m_queue->isTraining(m_session->path(), e.runId)) continue;
                    if (m_model->rowOf(e.runId) < 0) {
                        refresh();  // a run this window just started
                        continue;
                    }
                    const auto progress = m_queue->progress(e.runId);
                    const double fraction =
                        e.totalSteps > 0 ? static_cast<double>(e.step) / e.totalSteps : 0.0;
                    m_model->setLiveProgress(e.runId, fraction, e.etaSeconds, e.elapsedSeconds,
                                             progress ? progress->message : QString());
                }
            });
    connect(m_session, &WorkspaceSession::opened, this, [this] {
        m_metrics.clear();
        m_logTails.clear();
        refresh();
    });
    connect(m_session, &WorkspaceSession::closed, this, &RunsPane::refresh);
    connect(m_session, &WorkspaceSession::contentsChanged, this, &RunsPane::refresh);
    refresh();
}

RunsPane::~RunsPane() = default;

void RunsPane::readAlerts(std::int64_t runId) {
    m_bridge->alertsAsync(runId, [this, runId](const std::vector<train::RunAlert>& found) {
        QStringList alerts;
        for (const auto& a : found) {
            alerts << tr("step %1: %2. %3").arg(a.step).arg(QString::fromStdString(a.title),
                                                            QString::fromStdString(a.explanation));
        }
        auto it = m_metrics.find(runId);
        if (it == m_metrics.end() || it->second.alerts == alerts) return;
        it->second.alerts = alerts;
        refresh();
    });
}

void RunsPane::fillMetrics(RunRow& row) {
    auto& cache = m_metrics[row.run.id];
    const int status = static_cast<int>(row.run.status);
    if (cache.lastStep != row.run.lastStep || cache.status != status) {
        cache.lastStep = row.run.lastStep;
        cache.status = status;
        const auto latest = m_bridge->latestMetrics(row.run.id);
        cache.loss = finite(latest, "loss");
        cache.accuracy = finite(latest, "eval/rewards/accuracies");
        cache.winRate = finite(latest, "eval/win_rate");
        cache.winRateError.reset();
        cache.lengthControlled = finite(latest, eval::kLengthControlledWinRateMetric);
        cache.trainSeconds = finite(latest, "time/train_seconds");
        cache.tokensPerSecond = finite(latest, "tokens_per_second");
        cache.residentBytes = finite(latest, "system/resident_bytes");
        cache.gpuUsedBytes = finite(latest, "system/gpu_used_bytes");
        cache.processes = finite(latest, "system/processes");
        if (const auto e = m_bridge->latestEval(row.run.id)) {
            if (std::isfinite(e->winRate)) cache.winRate = e->winRate;
            if (std::isfinite(e->stdError)) cache.winRateError = e->stdError;
        }
    }
    const bool active = store::isActive(row.run.status);
    const std::int64_t every = std::max<std::int64_t>(50, row.run.totalSteps / 20);
    if (cache.alertsStatus != status ||
        (active ? row.run.lastStep - cache.alertsStep >= every : row.run.lastStep != cache.alertsStep)) {
        cache.alertsStatus = status;
        cache.alertsStep = row.run.lastStep;
        readAlerts(row.run.id);
    }
    row.alerts = cache.alerts;
    row.loss = cache.loss;
    row.evalAccuracy = cache.accuracy;
    row.winRate = cache.winRate;
    row.winRateError = cache.winRateError;
    row.winRateLengthControlled = cache.lengthControlled;
    row.trainSeconds = cache.trainSeconds;
    row.tokensPerSecond = cache.tokensPerSecond;
    row.residentBytes = cache.residentBytes;
    row.gpuUsedBytes = cache.gpuUsedBytes;
    row.processes = cache.processes;
    // Training time, not wall-clock time: a run stopped for an hour and resumed did not take an
    // hour longer. Its time left comes from the same seconds, per step so far.
    if (row.trainSeconds) {
        row.durationSeconds = *row.trainSeconds;
        if (store::isActive(row.run.status) && row.run.lastStep > 0 &&
            row.run.totalSteps > row.run.lastStep && row.etaSeconds >= 0 && !row.trainingHere) {
            row.etaSeconds = *row.trainSeconds / static_cast<double>(row.run.lastStep) *
                             static_cast<double>(row.run.totalSteps - row.run.lastStep);
        }
    }
}

void RunsPane::refresh() {
    std::vector<RunRow> rows;
    const QString path = m_session->path();
    const bool queueHere = m_queue->busy() || !m_queue->pending().empty();
    if (queueHere) {
        for (const auto& p : m_queue->pending()) {
            if (QFileInfo(QString::fromStdString(p.request.workspacePath)).canonicalFilePath() !=
                QFileInfo(path).canonicalFilePath()) {
                continue;
            }
            RunRow row;
            row.run.id = -p.ticket;
            row.run.name = p.request.resumeRunId > 0
                               ? tr("resume run #%1").arg(p.request.resumeRunId).toStdString()
                               : p.request.config.name;
            row.run.method = p.request.config.method;
            row.run.status = store::RunStatus::Queued;
            row.run.totalSteps = p.request.resumeRunId > 0 ? 0 : p.request.config.maxSteps;
            rows.push_back(std::move(row));
        }
    }
    int active = 0, stale = 0;
    const auto here = [this, &path](std::int64_t runId) { return m_queue->isTraining(path, runId); };
    for (RunState& state : m_bridge->runStates(here)) {
        RunRow row;
        row.liveness = state.liveness;
        row.trainingHere = here(state.run.id);
        row.heartbeatAge = state.heartbeatAge;
        row.durationSeconds = state.durationSeconds;
        const auto& run = state.run;
        row.progress = run.totalSteps > 0
                           ? static_cast<double>(run.lastStep) / static_cast<double>(run.totalSteps)
                           : 0.0;
        if (run.status == store::RunStatus::Finished) row.progress = 1;
        row.etaSeconds = state.etaSeconds;
        if (row.trainingHere) {
            if (const auto p = m_queue->progress(run.id)) {
                row.progress = p->totalSteps > 0
                                   ? static_cast<double>(p->step) / static_cast<double>(p->totalSteps)
                                   : row.progress;
                row.etaSeconds = p->etaSeconds;
                row.activity = p->message;
            }
        }
        if (row.liveness == store::Liveness::Stale) {
            ++stale;
            row.etaSeconds = -1;
        } else if (store::isActive(run.status)) {
            ++active;
        }
        row.run = std::move(state.run);
        fillMetrics(row);
        if (!row.trainingHere && (row.liveness == store::Liveness::Stale ||
                                  row.run.status == store::RunStatus::Failed)) {
            auto tail = m_logTails.find(row.run.id);
            if (tail == m_logTails.end()) {
                tail = m_logTails.emplace(row.run.id, launchLogTail(path, row.run.id)).first;
            }
            row.logTail = tail->second;
        }
        rows.push_back(std::move(row));
    }
    const int total = static_cast<int>(rows.size());
    if (!m_queue->busy()) {
        // The newest run training elsewhere (rows are newest first).
        for (const RunRow& row : rows) {
            if (row.trainingHere || row.isQueuedHere() || row.liveness != store::Liveness::Live ||
                row.run.status != store::RunStatus::Running) {
                continue;
            }
            // Said when it moved on, so that it does not hide other news in the status bar.
            if (std::pair(row.run.id, row.run.lastStep) == m_otherRunShown) break;
            m_otherRunShown = {row.run.id, row.run.lastStep};
            train::TrainingEvent shown;
            shown.runId = row.run.id;
            shown.step = row.run.lastStep;
            shown.totalSteps = row.run.totalSteps;
            shown.etaSeconds = row.etaSeconds;
            if (row.tokensPerSecond) shown.metrics.emplace_back("tokens_per_second", *row.tokensPerSecond);
            if (row.residentBytes) shown.metrics.emplace_back("system/resident_bytes", *row.residentBytes);
            if (row.gpuUsedBytes) shown.metrics.emplace_back("system/gpu_used_bytes", *row.gpuUsedBytes);
            if (row.processes) shown.metrics.emplace_back("system/processes", *row.processes);
            Q_EMIT otherRunTraining(trainingStatusText(shown));
            break;
        }
    }
    m_model->setRows(std::move(rows));
    QStringList parts;
    parts << tr("%n run(s)", nullptr, total);
    if (active > 0) parts << tr("%n active", nullptr, active);
    if (stale > 0) parts << tr("%n stale", nullptr, stale);
    if (!m_queue->pending().empty()) parts << tr("%n queued here", nullptr, static_cast<int>(m_queue->pending().size()));
    m_summary->setText(m_session->isOpen() ? parts.join(QStringLiteral(" \u00b7 ")) : tr("No workspace open"));
    updateActions();
}

void RunsPane::select(std::int64_t runId) {
    const int row = m_model->rowOf(runId);
    if (row < 0) return;
    m_view->selectRow(row);
    m_keepSelected = runId;
}

std::int64_t RunsPane::selectedRunId() const {
    const RunRow* row = selectedRow();
    return row ? row->run.id : 0;
}

const RunRow* RunsPane::selectedRow() const {
    const auto rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty()) return nullptr;
    return m_model->rowAt(rows.first().row());
}

void RunsPane::updateActions() {
    const RunRow* row = selectedRow();
    const bool active = row && store::isActive(row->run.status) && row->liveness != store::Liveness::Stale;
    const bool here = row && (row->trainingHere || row->isQueuedHere());
    m_stop->setEnabled(row && active &&
                       (here || (row->liveness != store::Liveness::Stale && row->run.pid &&
                                 row->run.host == store::hostName())));
    m_stop->setText(row && row->isQueuedHere() ? tr("&Remove from Queue") : tr("&Stop"));
    if (row) {
        // A resumed run's new process took it (or never will): Resume is its own again.
        const auto resuming = m_resuming.find(row->run.id);
        if (resuming != m_resuming.end() &&
            (row->liveness == store::Liveness::Live ||
             std::chrono::steady_clock::now() - resuming->second > std::chrono::seconds(30))) {
            m_resuming.erase(resuming);
        }
    }
    const bool resumable = row && !row->isQueuedHere() && !row->trainingHere && !m_resuming.count(row->run.id) &&
                           (row->run.status == store::RunStatus::Stopped ||
                            row->run.status == store::RunStatus::Failed ||
                            row->liveness == store::Liveness::Stale);
    m_resume->setEnabled(resumable && m_bridge->isOpen() && !m_session->isReadOnly());
    m_duplicate->setEnabled(row && !row->isQueuedHere());
    m_rename->setEnabled(row && !row->isQueuedHere() && !m_session->isReadOnly());
    m_plots->setEnabled(row && !row->isQueuedHere());
    m_delete->setEnabled(row && !row->isQueuedHere() && !here && !active && !m_session->isReadOnly());
}

void RunsPane::showContextMenu(const QPoint& pos) {
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid()) return;
    m_view->selectRow(index.row());
    QMenu menu(this);
    menu.addAction(m_stop);
    menu.addAction(m_resume);
    menu.addAction(m_duplicate);
    menu.addAction(m_rename);
    menu.addAction(m_plots);
    menu.addSeparator();
    menu.addAction(m_delete);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void RunsPane::stopSelected() {
    const RunRow* row = selectedRow();
    if (!row) return;
    if (row->isQueuedHere()) {
        m_queue->cancelPending(static_cast<int>(-row->run.id));
        return;
    }
    if (m_queue->stop(row->run.id)) {
        m_summary->setText(tr("Stopping run #%1 after this step (a checkpoint is written)...").arg(row->run.id));
        return;
    }
    // A run of another process (its own ladder-cli, the default): asked as Ctrl+C would, it
    // stops after its current step with a checkpoint, so it can be resumed.
    if (!m_bridge->askToStop(row->run)) {
        QMessageBox::warning(this, tr("Stop Run"),
                             tr("Run #%1's process could not be reached (it runs on another machine, "
                                "or has ended).").arg(row->run.id));
        return;
    }
    m_summary->setText(tr("Asked run #%1 (pid %2) to stop after its current step (a checkpoint is "
                          "written)...")
                           .arg(row->run.id)
                           .arg(row->run.pid.value_or(0)));
}

void RunsPane::resumeSelected() {
    const RunRow* row = selectedRow();
    if (!row || !m_bridge->isOpen()) return;
    train::JobRequest request;
    request.workspacePath = m_session->path().toStdString();
    request.resumeRunId = row->run.id;
    // A damaged config: the trainer reports it when it resumes.
    if (const auto config = RunsBridge::storedConfig(row->run, nullptr)) {
        if (!approveJudgeProgram(this, *config, request)) return;
    }
    if (runsInOwnProcess()) {
        // As the launcher starts runs: in ladder-cli, where it outlives the window.
        try {
            const auto launch = launchInProcesses(request, 1);
            m_summary->setText(tr("Run #%1 resumes from its last checkpoint in its own process "
                                  "(ladder-cli, pid %2)")
                                   .arg(row->run.id)
                                   .arg(launch.pid));
            m_summary->setToolTip(launch.log);
            m_logTails.erase(row->run.id);
            m_resuming[row->run.id] = std::chrono::steady_clock::now();
            updateActions();
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Resume Run"), QString::fromStdString(e.what()));
        }
        return;
    }
    m_queue->enqueue(std::move(request));
    m_summary->setText(tr("Run #%1 queued to resume from its last checkpoint").arg(row->run.id));
}

void RunsPane::duplicateSelected() {
    const RunRow* row = selectedRow();
    if (!row || row->isQueuedHere()) return;
    QString error;
    auto config = RunsBridge::storedConfig(row->run, &error);
    if (!config) {
        QMessageBox::warning(this, tr("Duplicate Config"), error);
        return;
    }
    config->name = row->run.name + " (copy)";
    Q_EMIT duplicateConfig(*config);
}

bool RunsPane::renameSelected(const QString& name) {
    const RunRow* row = selectedRow();
    const QString trimmed = name.trimmed();
    if (!row || row->isQueuedHere() || trimmed.isEmpty() || !m_bridge->isOpen()) return false;
    QString error;
    if (!m_bridge->rename(row->run.id, trimmed, &error)) {
        QMessageBox::warning(this, tr("Rename Run"), error);
        return false;
    }
    m_session->notifyChanged();
    refresh();
    return true;
}

void RunsPane::deleteSelected() {
    const RunRow* row = selectedRow();
    if (!row || row->isQueuedHere() || !m_bridge->isOpen()) return;
    const std::int64_t id = row->run.id;
    const auto answer = QMessageBox::question(
        this, tr("Delete Run"),
        tr("Delete run #%1 (%2) with its metrics, evaluations and checkpoint folders? This cannot "
           "be undone.")
            .arg(id)
            .arg(QString::fromStdString(row->run.name)),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes) return;
    QString error;
    if (m_bridge->remove(id, &error)) {
        m_metrics.erase(id);
        m_keepSelected = 0;
        m_session->notifyChanged();
    } else {
        QMessageBox::warning(this, tr("Delete Run"), error);
    }
    refresh();
}

}  // namespace ladder::ui
