#include "ui/plots/pair_learning_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ladder::ui {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// The columns of the counts after Group and Pairs, in the order of the table.
constexpr pairs::PairLearning kStates[] = {pairs::PairLearning::NeverLearned,
                                           pairs::PairLearning::LearnedAt,
                                           pairs::PairLearning::Forgotten,
                                           pairs::PairLearning::RightFromTheStart};

QTableWidgetItem* countItem(std::int64_t n, std::int64_t of) {
    const QString text = of > 0 ? QStringLiteral("%1 (%2%)").arg(n).arg(std::lround(100.0 * double(n) / double(of)))
                                : QString::number(n);
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget* table(const QString& name, const QStringList& headers, QWidget* parent) {
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

}  // namespace

PairLearningDialog::PairLearningDialog(std::int64_t runId, std::vector<pairs::PairDynamics> dynamics,
                                       QWidget* parent)
    : QDialog(parent), m_runId(runId), m_dynamics(std::move(dynamics)) {
    setObjectName("pairLearning");
    setWindowTitle(tr("Pair learning of run #%1").arg(runId));
    m_by = new QComboBox(this);
    m_by->setObjectName("pairLearningBy");
    m_by->addItem(tr("per tier"));
    m_by->addItem(tr("per source of the chosen answer"));
    m_split = new QComboBox(this);
    m_split->setObjectName("pairLearningSplit");
    m_split->addItem(tr("held-out pairs"));
    m_split->addItem(tr("the sample of training pairs"));
    auto* choices = new QHBoxLayout;
    choices->addWidget(new QLabel(tr("Counted"), this));
    choices->addWidget(m_by);
    choices->addWidget(new QLabel(tr("over"), this));
    choices->addWidget(m_split);
    choices->addStretch(1);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_groups = table("pairLearningGroups",
                     {tr("Group"), tr("Pairs"), tr("Never learned"), tr("Learned"), tr("Forgotten"),
                      tr("Right from the start")},
                     this);
    m_groups->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_groups->setSelectionMode(QAbstractItemView::SingleSelection);
    m_pairs = table("pairLearningPairs", {tr("Pair"), tr("Tier"), tr("What it did"), tr("Last margin")}, this);
    m_pairs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_pairs->horizontalHeader()->setStretchLastSection(false);
    m_pairs->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* open = buttons->addButton(tr("&Open in Pairs"), QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(choices);
    layout->addWidget(m_summary);
    layout->addWidget(m_groups, 1);
    layout->addWidget(new QLabel(tr("Click a count to list its pairs; double-click a pair to open "
                                    "it in the Pairs pane."),
                                 this));
    layout->addWidget(m_pairs, 2);
    layout->addWidget(buttons);
    resize(760, 560);

    connect(m_by, &QComboBox::currentIndexChanged, this, &PairLearningDialog::refresh);
    connect(m_split, &QComboBox::currentIndexChanged, this, &PairLearningDialog::refresh);
    connect(m_groups, &QTableWidget::cellClicked, this, &PairLearningDialog::showCell);
    connect(m_pairs, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { openRow(row); });
    connect(open, &QPushButton::clicked, this, [this] { openRow(m_pairs->currentRow()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    refresh();
}

void PairLearningDialog::refresh() {
    const bool bySource = m_by->currentIndex() == 1;
    const bool heldOut = m_split->currentIndex() == 0;
    const auto counts = pairs::learnability(m_dynamics, bySource, heldOut);
    std::int64_t total = 0, learned = 0, never = 0;
    for (const auto& c : counts) {
        total += c.pairs;
        learned += c.learned;
        never += c.neverLearned;
    }
    m_summary->setText(
        total == 0 ? tr("Run #%1 measured no %2 at two evaluations or more (margin_pairs 0, or fewer "
                        "than two evaluations).")
                         .arg(m_runId)
                         .arg(m_split->currentText())
                   : tr("%1 pairs measured at every evaluation: %2 learned during the run, %3 "
                        "never learned. A tier with many never learned may be too hard (or "
                        "mislabelled: open its pairs); one right from the start teaches little.")
                         .arg(total)
                         .arg(learned)
                         .arg(never));
    m_groups->setRowCount(static_cast<int>(counts.size()));
    for (int r = 0; r < static_cast<int>(counts.size()); ++r) {
        const auto& c = counts[static_cast<std::size_t>(r)];
        m_groups->setItem(r, 0, new QTableWidgetItem(q(c.group)));
        m_groups->setItem(r, 1, countItem(c.pairs, 0));
        m_groups->setItem(r, 2, countItem(c.neverLearned, c.pairs));
        m_groups->setItem(r, 3, countItem(c.learned, c.pairs));
        m_groups->setItem(r, 4, countItem(c.forgotten, c.pairs));
        m_groups->setItem(r, 5, countItem(c.rightFromTheStart, c.pairs));
    }
    m_groups->resizeColumnsToContents();
    m_pairs->setRowCount(0);
    m_listed.clear();
}

bool PairLearningDialog::inGroup(const pairs::PairDynamics& p, const QString& group) const {
    const bool bySource = m_by->currentIndex() == 1;
    return q(bySource ? p.chosenSource : p.tier) == group;
}

void PairLearningDialog::showCell(int row, int column) {
    if (row < 0 || row >= m_groups->rowCount()) return;
    const QString group = m_groups->item(row, 0)->text();
    const bool heldOut = m_split->currentIndex() == 0;
    const bool all = column < 2;
    const auto state = all ? pairs::PairLearning::NeverLearned : kStates[column - 2];
    std::vector<const pairs::PairDynamics*> chosen;
    for (const auto& p : m_dynamics) {
        if (p.heldOut != heldOut || !inGroup(p, group)) continue;
        if (!all && p.learning != state) continue;
        chosen.push_back(&p);
    }
    // The worst last margin first: the pairs to look at.
    std::sort(chosen.begin(), chosen.end(), [](const auto* a, const auto* b) {
        return a->margins.back().second < b->margins.back().second;
    });
    const QLocale locale;
    m_pairs->setRowCount(static_cast<int>(chosen.size()));
    m_listed.clear();
    for (int r = 0; r < static_cast<int>(chosen.size()); ++r) {
        const auto& p = *chosen[static_cast<std::size_t>(r)];
        m_listed.push_back(p.pairId);
        QString what = q(pairs::toString(p.learning));
        if (p.learning == pairs::PairLearning::LearnedAt) what = tr("learned at step %1").arg(p.learnedAt);
        m_pairs->setItem(r, 0, new QTableWidgetItem(QString::number(p.pairId)));
        m_pairs->setItem(r, 1, new QTableWidgetItem(q(p.tier)));
        m_pairs->setItem(r, 2, new QTableWidgetItem(what));
        auto* margin = new QTableWidgetItem(locale.toString(p.margins.back().second, 'f', 3));
        margin->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_pairs->setItem(r, 3, margin);
    }
    m_pairs->resizeColumnsToContents();
    if (!chosen.empty()) m_pairs->selectRow(0);
}

void PairLearningDialog::openRow(int row) {
    if (row < 0 || row >= static_cast<int>(m_listed.size())) return;
    Q_EMIT openPair(m_listed[static_cast<std::size_t>(row)]);
}

}  // namespace ladder::ui
