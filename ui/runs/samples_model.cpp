#include "ui/runs/samples_model.h"

#include <map>

namespace ladder::ui {

SamplesModel::SamplesModel(QObject* parent) : QAbstractTableModel(parent) {}

void SamplesModel::setRuns(const QStringList& runLabels,
                           const std::vector<std::vector<eval::SampleRecord>>& samples) {
    beginResetModel();
    m_runs = runLabels;
    m_rows.clear();
    std::map<QString, std::size_t> byKey;
    for (std::size_t run = 0; run < samples.size(); ++run) {
        for (const auto& s : samples[run]) {
            const QString key = s.promptId ? QStringLiteral("#%1").arg(*s.promptId)
                                           : QString::fromStdString(s.promptText);
            auto [it, inserted] = byKey.emplace(key, m_rows.size());
            if (inserted) {
                Row row;
                row.prompt = QString::fromStdString(s.promptText);
                for (int i = 0; i < runLabels.size(); ++i) row.answers << QString();
                row.verdicts.assign(static_cast<std::size_t>(runLabels.size()), -1);
                m_rows.push_back(std::move(row));
            }
            Row& row = m_rows[it->second];
            if (row.prompt.isEmpty()) row.prompt = QString::fromStdString(s.promptText);
            if (run < static_cast<std::size_t>(row.answers.size()) && row.answers[static_cast<int>(run)].isEmpty()) {
                row.answers[static_cast<int>(run)] = QString::fromStdString(s.output);
                row.verdicts[run] = s.preference.value_or(-1);
            }
        }
    }
    endResetModel();
}

int SamplesModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SamplesModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() || m_rows.empty() ? 0 : 1 + static_cast<int>(m_runs.size());
}

QVariant SamplesModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        if (index.column() == 0) return row.prompt;
        return row.answers.value(index.column() - 1);
    }
    if (role == Qt::DecorationRole || index.column() == 0) return {};
    if (role == Qt::StatusTipRole) {
        const double v = row.verdicts[static_cast<std::size_t>(index.column() - 1)];
        if (v == 2) return tr("judged better than the reference");
        if (v == 1) return tr("judged worse than the reference");
        if (v == 1.5) return tr("judged a tie with the reference");
    }
    return {};
}

QVariant SamplesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    if (section == 0) return tr("Prompt");
    if (section - 1 < m_runs.size()) return m_runs[section - 1];
    return {};
}

}  // namespace ladder::ui
