#include "ui/compare/config_diff_model.h"

#include <QFont>

#include "ui/runs/run_text.h"

namespace ladder::ui {

ConfigDiffModel::ConfigDiffModel(QObject* parent) : QAbstractTableModel(parent) {}

void ConfigDiffModel::setRuns(const QStringList& runLabels,
                              const std::vector<train::ConfigField>& fields) {
    beginResetModel();
    m_runs = runLabels;
    m_fields = fields;
    rebuildRows();
    endResetModel();
}

void ConfigDiffModel::setShowAll(bool all) {
    if (all == m_showAll) return;
    beginResetModel();
    m_showAll = all;
    rebuildRows();
    endResetModel();
}

void ConfigDiffModel::rebuildRows() {
    m_rows.clear();
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
        if (m_showAll || m_fields[i].differs) m_rows.push_back(i);
    }
}

QStringList ConfigDiffModel::keys() const {
    QStringList out;
    for (auto i : m_rows) out << QString::fromStdString(m_fields[i].key);
    return out;
}

int ConfigDiffModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ConfigDiffModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : 1 + static_cast<int>(m_runs.size());
}

QVariant ConfigDiffModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
    const train::ConfigField& f = m_fields[m_rows[static_cast<std::size_t>(index.row())]];
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        if (index.column() == 0) return QString::fromStdString(f.key);
        const auto run = static_cast<std::size_t>(index.column() - 1);
        if (run >= f.values.size()) return {};
        return QString::fromStdString(train::describeValue(f.values[run]));
    }
    if (role == Qt::FontRole && m_showAll && f.differs) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    return {};
}

QVariant ConfigDiffModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole)) return {};
    if (section == 0) return tr("Setting");
    if (section - 1 >= m_runs.size()) return {};
    return role == Qt::ToolTipRole ? m_runs[section - 1] : headerLabel(m_runs[section - 1]);
}

}  // namespace ladder::ui
