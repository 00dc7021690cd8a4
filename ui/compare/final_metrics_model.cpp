#include "ui/compare/final_metrics_model.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "ui/runs/run_text.h"

namespace ladder::ui {

namespace {
// The win rate row follows the metrics, and its length-controlled value follows it.
int winRateRow() { return static_cast<int>(FinalMetricsModel::metricNames().size()); }
int lengthControlledRow() { return winRateRow() + 1; }

// The evaluation's length-controlled win rate (evals.details_json), NaN when it has none.
double lengthControlled(const eval::EvalRecord& e) {
    const auto& w = e.details.is_object() ? e.details.value("win_rate", nlohmann::json()) : nlohmann::json();
    if (!w.is_object()) return std::nan("");
    const auto lc = w.value("length_controlled", nlohmann::json::object()).value("win_rate", nlohmann::json());
    return lc.is_number() ? lc.get<double>() : std::nan("");
}

QString value(double v) { return QString::number(v, 'g', 4); }
}  // namespace

FinalMetricsModel::FinalMetricsModel(QObject* parent) : QAbstractTableModel(parent) {}

QStringList FinalMetricsModel::metricNames() {
    return {"loss",          "eval/loss",          "eval/rewards/accuracies",
            "eval/rewards/margins", "rewards/accuracies", "rewards/margins",
            "eval/win_rate", "tokens_per_second"};
}

void FinalMetricsModel::setRuns(std::vector<RunResults> runs) {
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

int FinalMetricsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : lengthControlledRow() + 1;
}

int FinalMetricsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : 1 + static_cast<int>(m_runs.size());
}

QVariant FinalMetricsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
    if (role == Qt::TextAlignmentRole && index.column() > 0) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    const int row = index.row();
    if (index.column() == 0) {
        if (row == lengthControlledRow()) return tr("win rate (length-controlled)");
        return row == winRateRow() ? tr("win rate (judged)") : metricNames()[row];
    }
    const RunResults& run = m_runs[static_cast<std::size_t>(index.column() - 1)];
    if (row == lengthControlledRow()) {
        const double lc = run.winRate ? lengthControlled(*run.winRate) : std::nan("");
        if (!std::isfinite(lc)) return {};
        if (role == Qt::ToolTipRole) {
            return tr("What the judge would prefer if both answers were as long: AlpacaEval 2's "
                      "logistic model of its verdicts on the length difference, at zero difference "
                      "(raw win rate %1)")
                .arg(winRateText(run.winRate->winRate, std::nan("")));
        }
        return winRateText(lc, std::nan(""));
    }
    if (row == winRateRow()) {
        if (!run.winRate || !std::isfinite(run.winRate->winRate)) return {};
        const auto& e = *run.winRate;
        if (role == Qt::ToolTipRole) {
            return tr("%1 wins, %2 ties, %3 losses of %4 against %5 (judge %6, step %7)")
                .arg(e.wins)
                .arg(e.ties)
                .arg(e.losses)
                .arg(e.n)
                .arg(QString::fromStdString(e.reference), QString::fromStdString(e.judge))
                .arg(e.step.value_or(0));
        }
        return winRateText(e.winRate, e.stdError);
    }
    if (static_cast<std::size_t>(row) >= run.metrics.size() || !run.metrics[static_cast<std::size_t>(row)]) {
        return {};
    }
    const store::MetricSummary& s = *run.metrics[static_cast<std::size_t>(row)];
    QString text = value(s.last);
    if (s.best && s.bestStep && *s.bestStep != s.lastStep) {
        text += tr("  (best %1 @ %2)").arg(value(*s.best)).arg(*s.bestStep);
    }
    if (role == Qt::ToolTipRole) text += tr("\nlast at step %1, %2 points").arg(s.lastStep).arg(s.points);
    return text;
}

QVariant FinalMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole)) return {};
    if (section == 0) return tr("Metric");
    if (section - 1 >= static_cast<int>(m_runs.size())) return {};
    const QString& label = m_runs[static_cast<std::size_t>(section - 1)].label;
    return role == Qt::ToolTipRole ? label : headerLabel(label);
}

}  // namespace ladder::ui
