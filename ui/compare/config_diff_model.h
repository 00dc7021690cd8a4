// The comparison's settings table: one row per setting (dotted key), one column per run; by
// default only the settings that differ, with a switch to show them all (differing ones bold).
#pragma once

#include <vector>

#include <QAbstractTableModel>
#include <QStringList>

#include "core/train/config_diff.h"

namespace ladder::ui {

class ConfigDiffModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit ConfigDiffModel(QObject* parent = nullptr);

    void setRuns(const QStringList& runLabels, const std::vector<train::ConfigField>& fields);
    void setShowAll(bool all);
    [[nodiscard]] bool showAll() const { return m_showAll; }
    // The settings shown now (keys), in row order.
    [[nodiscard]] QStringList keys() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void rebuildRows();

    QStringList m_runs;
    std::vector<train::ConfigField> m_fields;
    std::vector<std::size_t> m_rows;  // indices into m_fields
    bool m_showAll = false;
};

}  // namespace ladder::ui
