// The comparison's results table: one row per metric, one column per run; each cell the last
// value and, for metrics with a better direction, the best one and its step. The win rate row
// comes from the evaluation (with its standard error) where the run has one.
#pragma once

#include <optional>
#include <vector>

#include <QAbstractTableModel>
#include <QStringList>

#include "core/eval/eval_store.h"
#include "ui/bridge/run_types.h"

namespace ladder::ui {

struct RunResults {
    QString label;
    std::vector<std::optional<store::MetricSummary>> metrics;  // one per metric name
    std::optional<eval::EvalRecord> winRate;                   // the latest evaluation
};

class FinalMetricsModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit FinalMetricsModel(QObject* parent = nullptr);

    // The metrics the table lists (and the order); a run's `metrics` follow it.
    [[nodiscard]] static QStringList metricNames();
    void setRuns(std::vector<RunResults> runs);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<RunResults> m_runs;
};

}  // namespace ladder::ui
