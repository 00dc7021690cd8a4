// The comparison's answers table: one row per prompt that some run answered in its latest
// evaluation, the prompt first, then the reference answer the runs were judged against, then
// each run's answer side by side with its verdict (won, lost, tie), matched by prompt id, or by
// the prompt's text where a sample has no id.
#pragma once

#include <vector>

#include <QAbstractTableModel>
#include <QStringList>

#include "core/eval/eval_store.h"

namespace ladder::ui {

class SamplesModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { PromptColumn, ReferenceColumn, FirstRunColumn };

    explicit SamplesModel(QObject* parent = nullptr);

    void setRuns(const QStringList& runLabels,
                 const std::vector<std::vector<eval::SampleRecord>>& samples);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString prompt;
        QString reference;             // the reference source's answer (the first run's that has one)
        QStringList answers;           // one per run; empty where a run has none
        std::vector<double> verdicts;  // per run: 2 won, 1 lost, 1.5 tie, -1 not judged
    };
    QStringList m_runs;
    std::vector<Row> m_rows;
};

}  // namespace ladder::ui
