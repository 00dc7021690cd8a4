// The Runs pane: every run of the workspace with its status, progress and ETA, duration and key
// final metrics; runs of other processes with their heartbeat (stale when their process is
// gone). Stop, resume from the last checkpoint, duplicate the config into the launcher, delete.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <tuple>

#include <QWidget>

#include "core/train/run_config.h"

class QAction;
class QLabel;
class QTableView;
class QTimer;


namespace ladder::ui {

class RunQueue;
class RunsBridge;
class RunsTableModel;
class WorkspaceSession;
struct RunRow;

class RunsPane final : public QWidget {
    Q_OBJECT
public:
    RunsPane(WorkspaceSession* session, RunQueue* queue, QWidget* parent = nullptr);
    ~RunsPane() override;

    [[nodiscard]] RunsTableModel* model() const { return m_model; }
    [[nodiscard]] QTableView* view() const { return m_view; }

    // Reads the runs again (the timer does it every second; tests call it).
    void refresh();
    void select(std::int64_t runId);
    [[nodiscard]] std::int64_t selectedRunId() const;

    // The actions on the selected run (the context menu's; public for tests).
    void stopSelected();
    void resumeSelected();
    void duplicateSelected();
    // Renames the selected run (an empty name is refused); the action asks for the name first.
    bool renameSelected(const QString& name);
    void deleteSelected();

Q_SIGNALS:
    void duplicateConfig(const ladder::train::RunConfig& config);
    void showPlots(std::int64_t runId);
    // A run training in another process (its own ladder-cli, the default, or one started from
    // the command line) while this window trains none: its step, speed, memory and time left, as
    // the window's own runs show them in the status bar. Each refresh, while one trains.
    void otherRunTraining(const QString& status);

private:
    void updateActions();
    void showContextMenu(const QPoint& pos);
    [[nodiscard]] const RunRow* selectedRow() const;
    void fillMetrics(RunRow& row);

    WorkspaceSession* m_session;
    RunQueue* m_queue;
    RunsBridge* m_bridge;
    RunsTableModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_summary = nullptr;
    QTimer* m_timer = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_resume = nullptr;
    QAction* m_duplicate = nullptr;
    QAction* m_rename = nullptr;
    QAction* m_plots = nullptr;
    QAction* m_delete = nullptr;
    std::int64_t m_keepSelected = 0;

    // Final metrics are read again only when a run moved on (last step or status changed).
    struct CachedMetrics {
        std::int64_t lastStep = -1;
        int status = -1;
        std::optional<double> loss, accuracy, winRate, winRateError, lengthControlled, trainSeconds;
        std::optional<double> tokensPerSecond, residentBytes, gpuUsedBytes, processes;
        // Its alerts (run_alerts.h), read again when it ends, and while it trains every
        // twentieth of its steps (50 at least): they read whole series.
        QStringList alerts;
        std::int64_t alertsStep = -1;
        int alertsStatus = -1;
    };
    std::map<std::int64_t, CachedMetrics> m_metrics;
    // The last output of failed or stale runs this window's launcher started (process_launch.h),
    // read once a run is seen so.
    std::map<std::int64_t, QString> m_logTails;
    std::pair<std::int64_t, std::int64_t> m_otherRunShown{0, -1};
    // Runs resumed in a process of their own that has not taken them yet: Resume stays off for
    // them (a second ladder-cli would find the run locked), for 30 s at most.
    std::map<std::int64_t, std::chrono::steady_clock::time_point> m_resuming;  // (run, step) otherRunTraining said last
    // Alerts are read on the bridge's worker (whole series: tens of milliseconds for a long run).
    void readAlerts(std::int64_t runId);
};

}  // namespace ladder::ui
