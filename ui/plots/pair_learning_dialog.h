// A run's pair learning (issue 16): which pairs it learned, never learned or forgot, counted per
// tier or per source of the chosen answer (learnability), for its held-out pairs or its fixed
// sample of training pairs. Clicking a count lists those pairs (with the step each was learned at
// and its last margin); a double-click opens one in the Pairs pane. What `ladder-cli pairs
// dynamics` prints.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QDialog>

#include "core/pairs/pair_dynamics.h"

class QComboBox;
class QLabel;
class QTableWidget;

namespace ladder::ui {

class PairLearningDialog final : public QDialog {
    Q_OBJECT
public:
    PairLearningDialog(std::int64_t runId, std::vector<pairs::PairDynamics> dynamics,
                       QWidget* parent = nullptr);

    [[nodiscard]] QTableWidget* groups() const { return m_groups; }
    [[nodiscard]] QTableWidget* pairList() const { return m_pairs; }
    // Lists the pairs of a group row and a column (Pairs: all; else that state).
    void showCell(int row, int column);
    void openRow(int row);

Q_SIGNALS:
    void openPair(std::int64_t pairId);

private:
    void refresh();
    [[nodiscard]] bool inGroup(const pairs::PairDynamics& p, const QString& group) const;

    std::int64_t m_runId;
    std::vector<pairs::PairDynamics> m_dynamics;
    std::vector<std::int64_t> m_listed;  // pair ids of m_pairs' rows
    QComboBox* m_by;
    QComboBox* m_split;
    QLabel* m_summary;
    QTableWidget* m_groups;
    QTableWidget* m_pairs;
};

}  // namespace ladder::ui
