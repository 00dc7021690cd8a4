#include "ui/runs/runs_table_model.h"

#include <cmath>

#include <QBrush>
#include <QColor>
#include <QGuiApplication>
#include <QPalette>

#include "ui/runs/run_text.h"

namespace ladder::ui {

namespace {

QString number(const std::optional<double>& v, int decimals = 4) {
    if (!v || std::isnan(*v)) return {};
    return QString::number(*v, 'f', decimals);
}

QString percent(const std::optional<double>& v) {
    if (!v || std::isnan(*v)) return {};
    return QString::number(*v * 100, 'f', 1) + '%';
}

QString ageText(double seconds) {
    if (seconds < 0) return {};
    if (seconds < 90) return QObject::tr("%1 s ago").arg(std::lround(seconds));
    if (seconds < 5400) return QObject::tr("%1 min ago").arg(std::lround(seconds / 60));
    return QObject::tr("%1 h ago").arg(seconds / 3600, 0, 'f', 1);
}

}  // namespace

RunsTableModel::RunsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsTableModel::setRows(std::vector<RunRow> rows) {
    bool sameIds = rows.size() == m_rows.size();
    for (std::size_t i = 0; sameIds && i < rows.size(); ++i) sameIds = rows[i].run.id == m_rows[i].run.id;
    if (!sameIds) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        return;
    }
    m_rows = std::move(rows);
    if (!m_rows.empty()) {
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
}

void RunsTableModel::setLiveProgress(std::int64_t runId, double progress, double etaSeconds,
                                     double elapsed, const QString& activity) {
    const int r = rowOf(runId);
    if (r < 0) return;
    RunRow& row = m_rows[static_cast<std::size_t>(r)];
    row.progress = progress;
    row.etaSeconds = etaSeconds;
    if (elapsed >= 0) row.durationSeconds = std::max(row.durationSeconds, elapsed);
    row.activity = activity;
    Q_EMIT dataChanged(index(r, ProgressColumn), index(r, DurationColumn));
}

const RunRow* RunsTableModel::rowAt(int row) const {
    if (row < 0 || row >= rowCount()) return nullptr;
    return &m_rows[static_cast<std::size_t>(row)];
}

int RunsTableModel::rowOf(std::int64_t runId) const {
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].run.id == runId) return static_cast<int>(i);
    }
    return -1;
}

int RunsTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsTableModel::display(const RunRow& row, int column) const {
    const store::RunRecord& run = row.run;
    switch (column) {
        case IdColumn: return row.isQueuedHere() ? QVariant(tr("queued")) : QVariant::fromValue<qlonglong>(run.id);
        case NameColumn: return QString::fromStdString(run.name);
        case MethodColumn: return QString::fromStdString(run.method);
        case StatusColumn: {
            if (row.isQueuedHere()) return tr("waiting (this window)");
            // Alerts as a badge first, so that a long failure message does not hide them (what
            // they say is in the tooltip).
            const QString badge = row.alerts.isEmpty()
                                      ? QString()
                                      : QStringLiteral("\u26a0 %1 \u00b7 ").arg(row.alerts.size());
            // A failed run says why where one looks for it (the whole message in the tooltip).
            if (run.status == store::RunStatus::Failed && !run.message.empty()) {
                return badge + tr("failed: %1").arg(QString::fromStdString(run.message));
            }
            return badge + statusText(run, row.liveness) + (row.trainingHere ? tr(" here") : QString());
        }
        case ProgressColumn: {
            if (!row.activity.isEmpty()) return row.activity;
            if (run.totalSteps <= 0) return QString();
            QString text = tr("%1 / %2").arg(run.lastStep).arg(run.totalSteps);
            if (row.trainingHere) {
                text = tr("%1%").arg(std::lround(row.progress * 100));
            }
            if (row.etaSeconds >= 0) text += tr(" \u00b7 %1 left").arg(durationText(row.etaSeconds));
            return text;
        }
        case DurationColumn: return durationText(row.durationSeconds);
        case LossColumn: return number(row.loss);
        case AccuracyColumn: return percent(row.evalAccuracy);
        case WinRateColumn:
            if (!row.winRate || std::isnan(*row.winRate)) return QString();
            return winRateText(*row.winRate, row.winRateError.value_or(std::nan("")));
        case ResourcesColumn: return resourcesText(row.tokensPerSecond, row.residentBytes, row.gpuUsedBytes, row.processes);
        case HeartbeatColumn: {
            if (!store::isActive(run.status) || row.isQueuedHere()) return QString();
            QString text = ageText(row.heartbeatAge);
            if (!run.host.empty()) {
                text += tr(" on %1").arg(QString::fromStdString(run.host));
                if (run.pid) text += tr(" (pid %1)").arg(*run.pid);
            }
            return text;
        }
        default: return {};
    }
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) return {};
    const RunRow& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole: return display(row, index.column());
        case RunIdRole: return QVariant::fromValue<qlonglong>(row.run.id);
        case ProgressRole: {
            if (index.column() != ProgressColumn) return {};
            return row.progress;
        }
        case Qt::ToolTipRole:
            if (index.column() == StatusColumn || index.column() == NameColumn) {
                QString tip = QString::fromStdString(row.run.message);
                if (row.liveness == store::Liveness::Stale) {
                    tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) +
                           tr("Its process is gone: resume it from its last checkpoint, or "
                              "delete it.");
                }
                if (!row.alerts.isEmpty()) {
                    tip += (tip.isEmpty() ? QString() : QStringLiteral("\n\n")) +
                           tr("Alerts:\n%1").arg(row.alerts.join(QStringLiteral("\n")));
                }
                if (!row.logTail.isEmpty()) {
                    tip += (tip.isEmpty() ? QString() : QStringLiteral("\n\n")) +
                           tr("Its last output:\n%1").arg(row.logTail);
                }
                return tip.isEmpty() ? QVariant() : QVariant(tip);
            }
            if (index.column() == WinRateColumn && row.winRateLengthControlled) {
                return tr("Length-controlled: %1 (AlpacaEval 2's: what the judge would prefer if "
                          "both answers were as long)")
                    .arg(winRateText(*row.winRateLengthControlled, std::nan("")));
            }
            return {};
        case Qt::ForegroundRole:
            if (index.column() == StatusColumn) {
                const bool dark = QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
                if (row.run.status == store::RunStatus::Failed || row.liveness == store::Liveness::Stale) {
                    return QBrush(dark ? QColor("#ff7b72") : QColor("#b42318"));
                }
                if (row.run.status == store::RunStatus::Finished) {
                    return QBrush(dark ? QColor("#7ee787") : QColor("#1a7f37"));
                }
            }
            return {};
        case Qt::TextAlignmentRole:
            if (index.column() == IdColumn || index.column() == LossColumn ||
                index.column() == AccuracyColumn || index.column() == WinRateColumn ||
                index.column() == DurationColumn) {
                return QVariant(Qt::AlignRight | Qt::AlignVCenter);
            }
            return {};
        default: return {};
    }
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
            case DurationColumn: return tr("Training time: time a run was stopped is left out");
            case AccuracyColumn: return tr("Held-out preference accuracy at the last evaluation");
            case WinRateColumn:
                return tr("Win rate against the reference, \u00b1 its standard error (the "
                          "length-controlled win rate in each cell's tooltip)");
            case ResourcesColumn:
                return tr("Tokens a second, the trainer's resident memory and, on CUDA, the GPU "
                          "memory in use, as last recorded");
            default: return {};
        }
    }
    if (role != Qt::DisplayRole) return {};
    switch (section) {
        case IdColumn: return tr("Run");
        case NameColumn: return tr("Name");
        case MethodColumn: return tr("Method");
        case StatusColumn: return tr("Status");
        case ProgressColumn: return tr("Progress");
        case DurationColumn: return tr("Duration");
        case LossColumn: return tr("Loss");
        case AccuracyColumn: return tr("Accuracy");
        case WinRateColumn: return tr("Win rate");
        case ResourcesColumn: return tr("Resources");
        case HeartbeatColumn: return tr("Heartbeat");
        default: return {};
    }
}

}  // namespace ladder::ui
