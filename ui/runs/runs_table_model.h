// The runs list as a table: one row per run of the workspace (newest first) and, above them, the
// runs queued in this window. Plain value rows, replaced as a whole on each refresh; rows keep
// their place while the set of runs stays the same, so a selection survives a refresh.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QAbstractTableModel>
#include <QString>

#include "ui/bridge/run_types.h"

namespace ladder::ui {

struct RunRow {
    store::RunRecord run;     // id < 0: queued in this window, not started (ticket = -id)
    store::Liveness liveness = store::Liveness::Ended;
    bool trainingHere = false;  // this window's running job
    double progress = 0;        // 0..1
    double etaSeconds = -1;
    double durationSeconds = -1;  // training time (stopped time left out) where the run
                                  // recorded it, else wall-clock time since its start
    double heartbeatAge = -1;   // seconds
    QString activity;           // setup work of a run of this window ("tokenising 1,200 pairs")
    std::optional<double> loss;
    std::optional<double> evalAccuracy;
    std::optional<double> winRate;
    std::optional<double> winRateError;
    std::optional<double> winRateLengthControlled;  // AlpacaEval 2's, beside it in the tooltip
    std::optional<double> trainSeconds;  // time/train_seconds at its last recorded step
    std::optional<double> tokensPerSecond;  // at its last recorded step
    std::optional<double> residentBytes;    // system/resident_bytes, last recorded
    std::optional<double> gpuUsedBytes;     // system/gpu_used_bytes (CUDA runs)
    std::optional<double> processes;        // system/processes (a data-parallel run's)
    QString logTail;  // a failed or stale run's last output, when this window's launcher started it
    QStringList alerts;  // "step 120: Likelihood displacement. <what it means>" (run_alerts.h)

    [[nodiscard]] bool isQueuedHere() const { return run.id < 0; }
};

class RunsTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        IdColumn,
        NameColumn,
        MethodColumn,
        StatusColumn,
        ProgressColumn,
        DurationColumn,
        LossColumn,
        AccuracyColumn,
        WinRateColumn,
        ResourcesColumn,
        HeartbeatColumn,
        ColumnCount
    };
    static constexpr int RunIdRole = Qt::UserRole + 1;
    static constexpr int ProgressRole = Qt::UserRole + 2;  // 0..1, for the progress delegate

    explicit RunsTableModel(QObject* parent = nullptr);

    void setRows(std::vector<RunRow> rows);
    // The progress of this window's running job between two refreshes.
    void setLiveProgress(std::int64_t runId, double progress, double etaSeconds, double elapsed,
                         const QString& activity);
    [[nodiscard]] const RunRow* rowAt(int row) const;
    [[nodiscard]] int rowOf(std::int64_t runId) const;  // -1 when absent
    [[nodiscard]] const std::vector<RunRow>& rows() const { return m_rows; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    [[nodiscard]] QVariant display(const RunRow& row, int column) const;

    std::vector<RunRow> m_rows;
};

}  // namespace ladder::ui
