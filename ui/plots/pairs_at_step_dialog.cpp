#include "ui/plots/pairs_at_step_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ladder::ui {

PairsAtStepDialog::PairsAtStepDialog(std::int64_t runId, std::int64_t step,
                                     std::vector<pairs::StepMargin> margins, QWidget* parent)
    : QDialog(parent), m_margins(std::move(margins)) {
    setObjectName("pairsAtStep");
    setWindowTitle(tr("Pairs of run #%1 at step %2").arg(runId).arg(step));
    auto* layout = new QVBoxLayout(this);
    int wrong = 0;
    for (const auto& m : m_margins) wrong += m.margin <= 0 ? 1 : 0;
    auto* summary = new QLabel(
        tr("%n pair(s) measured at step %1, the worst margin first; %2 ranked wrong (margin <= 0). "
           "Double-click one to open it in the Pairs pane.", nullptr, static_cast<int>(m_margins.size()))
            .arg(step)
            .arg(wrong),
        this);
    summary->setWordWrap(true);
    layout->addWidget(summary);
    m_table = new QTableWidget(static_cast<int>(m_margins.size()), 4, this);
    m_table->setObjectName("pairsAtStepTable");
    m_table->setHorizontalHeaderLabels({tr("Pair"), tr("Tier"), tr("Split"), tr("Margin")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    const QLocale locale;
    for (int r = 0; r < static_cast<int>(m_margins.size()); ++r) {
        const auto& m = m_margins[static_cast<std::size_t>(r)];
        m_table->setItem(r, 0, new QTableWidgetItem(QString::number(m.pairId)));
        m_table->setItem(r, 1, new QTableWidgetItem(QString::fromStdString(m.tier)));
        m_table->setItem(r, 2, new QTableWidgetItem(m.heldOut ? tr("held out") : tr("train")));
        auto* margin = new QTableWidgetItem(locale.toString(m.margin, 'f', 3));
        margin->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(r, 3, margin);
    }
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->resizeColumnsToContents();
    layout->addWidget(m_table);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { openRow(row); });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* open = buttons->addButton(tr("&Open in Pairs"), QDialogButtonBox::ActionRole);
    connect(open, &QPushButton::clicked, this, [this] { openRow(m_table->currentRow()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    if (!m_margins.empty()) m_table->selectRow(0);
    resize(520, 420);
}

void PairsAtStepDialog::openRow(int row) {
    if (row < 0 || row >= static_cast<int>(m_margins.size())) return;
    Q_EMIT openPair(m_margins[static_cast<std::size_t>(row)].pairId);
}

}  // namespace ladder::ui
