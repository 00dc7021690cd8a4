// The pairs behind a point of a run's curve (issue 16): clicking a chart of the Plots pane lists
// the pairs whose margins the run measured at the evaluation nearest that step, worst margin
// first; a double-click (or Enter) opens one in the Pairs pane.
#pragma once

#include <cstdint>
#include <vector>

#include <QDialog>

#include "core/pairs/pair_dynamics.h"

class QTableWidget;

namespace ladder::ui {

class PairsAtStepDialog final : public QDialog {
    Q_OBJECT
public:
    PairsAtStepDialog(std::int64_t runId, std::int64_t step, std::vector<pairs::StepMargin> margins,
                      QWidget* parent = nullptr);
    [[nodiscard]] QTableWidget* table() const { return m_table; }
    // Opens the pair of a row (what a double-click does).
    void openRow(int row);

Q_SIGNALS:
    void openPair(std::int64_t pairId);

private:
    std::vector<pairs::StepMargin> m_margins;
    QTableWidget* m_table = nullptr;
};

}  // namespace ladder::ui
