#include "ui/compare/samples_model.h"

#include <map>

#include <QBrush>
#include <QColor>

#include "ui/runs/run_text.h"

namespace ladder::ui {

namespace {

QString verdictText(double v) {
    if (v == 2) return SamplesModel::tr("won");
    if (v == 1) return SamplesModel::tr("lost");
    if (v == 1.5) return SamplesModel::tr("tie");
    return {};
}

}  // namespace

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
            if (row.reference.isEmpty()) row.reference = QString::fromStdString(s.referenceOutput);
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
    return parent.isValid() || m_rows.empty() ? 0 : FirstRunColumn + static_cast<int>(m_runs.size());
}

QVariant SamplesModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    const int run = index.column() - FirstRunColumn;
    const double verdict = run >= 0 ? row.verdicts[static_cast<std::size_t>(run)] : -1;
    switch (role) {
        case Qt::DisplayRole:
        case Qt::ToolTipRole: {
            if (index.column() == PromptColumn) return row.prompt;
            if (index.column() == ReferenceColumn) return row.reference;
            const QString answer = row.answers.value(run);
            const QString v = verdictText(verdict);
            // The verdict first: it is what a reviewer scans the column for.
            return v.isEmpty() || answer.isEmpty() ? answer
                                                   : QStringLiteral("[%1] %2").arg(v, answer);
        }
        case Qt::BackgroundRole:
            // Light tints with dark text (ForegroundRole), readable in a dark theme too.
            if (verdict == 2) return QBrush(QColor(0xd8, 0xf0, 0xd8));
            if (verdict == 1) return QBrush(QColor(0xfb, 0xdd, 0xdd));
            if (verdict == 1.5) return QBrush(QColor(0xe8, 0xe8, 0xe8));
            return {};
        case Qt::ForegroundRole:
            if (verdict == 2 || verdict == 1 || verdict == 1.5) return QBrush(QColor(0x20, 0x20, 0x20));
            return {};
        case Qt::StatusTipRole:
            if (verdict == 2) return tr("judged better than the reference");
            if (verdict == 1) return tr("judged worse than the reference");
            if (verdict == 1.5) return tr("judged a tie with the reference");
            return {};
        default:
            return {};
    }
}

QVariant SamplesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    if (section == PromptColumn) return tr("Prompt");
    if (section == ReferenceColumn) {
        return role == Qt::ToolTipRole ? tr("The reference source's answer each run was judged against")
                                       : tr("Reference");
    }
    const int run = section - FirstRunColumn;
    if (run < 0 || run >= m_runs.size()) return {};
    return role == Qt::ToolTipRole ? m_runs[run] : headerLabel(m_runs[run]);
}

}  // namespace ladder::ui
