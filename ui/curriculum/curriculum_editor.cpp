#include "ui/curriculum/curriculum_editor.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include "ui/bridge/curricula_bridge.h"
#include "ui/bridge/workspace_session.h"
#include "ui/curriculum/curriculum_chart.h"
#include "ui/curriculum/stage_table_model.h"

namespace ladder::ui {

namespace {

using curriculum::Curriculum;

constexpr std::int64_t kNewStageSteps = 1000;

// One edit: the whole curriculum before and after (a curriculum is a few hundred bytes).
class SnapshotCommand final : public QUndoCommand {
public:
    SnapshotCommand(std::function<void(const Curriculum&)> apply, Curriculum before,
                    Curriculum after, const QString& text)
        : QUndoCommand(text),
          m_apply(std::move(apply)),
          m_before(std::move(before)),
          m_after(std::move(after)) {}
    void undo() override { m_apply(m_before); }
    void redo() override { m_apply(m_after); }

private:
    std::function<void(const Curriculum&)> m_apply;
    Curriculum m_before;
    Curriculum m_after;
};

// Unit and transition are chosen from a list; everything else uses the default editors.
class StageDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const override {
        const QStringList choices = choicesOf(index.column());
        if (choices.isEmpty()) return QStyledItemDelegate::createEditor(parent, option, index);
        auto* combo = new QComboBox(parent);
        combo->addItems(choices);
        return combo;
    }
    void setEditorData(QWidget* editor, const QModelIndex& index) const override {
        if (auto* combo = qobject_cast<QComboBox*>(editor)) {
            combo->setCurrentText(index.data(Qt::EditRole).toString());
            return;
        }
        QStyledItemDelegate::setEditorData(editor, index);
    }
    void setModelData(QWidget* editor, QAbstractItemModel* model,
                      const QModelIndex& index) const override {
        if (auto* combo = qobject_cast<QComboBox*>(editor)) {
            model->setData(index, combo->currentText(), Qt::EditRole);
            return;
        }
        QStyledItemDelegate::setModelData(editor, model, index);
    }

private:
    static QStringList choicesOf(int column) {
        if (column == StageTableModel::UnitColumn) return {"steps", "epochs"};
        if (column == StageTableModel::TransitionColumn) return {"switch", "blend"};
        return {};
    }
};

bool sameCurriculum(const Curriculum& a, const Curriculum& b) {
    return a.name == b.name && a.toJson() == b.toJson();
}

}  // namespace

CurriculumEditor::CurriculumEditor(WorkspaceSession* session, QWidget* parent)
    : QWidget(parent),
      m_session(session),
      m_bridge(new CurriculaBridge(session, this)),
      m_undo(new QUndoStack(this)) {
    setObjectName("curriculumPane");
    m_model = new StageTableModel(this);
    m_model->setEditHandler(
        [this](const Curriculum& next, const QString& what) { edit(next, what); });

    // Top bar: actions, then the ladder whose tiers are mixed and the batch size that turns
    // epochs into steps.
    auto* bar = new QToolBar(this);
    bar->setObjectName("curriculumActions");
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_ladder = new QComboBox(this);
    m_ladder->setObjectName("curriculumLadder");
    m_ladder->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_batch = new QSpinBox(this);
    m_batch->setObjectName("curriculumBatch");
    m_batch->setRange(1, 1 << 20);
    m_batch->setValue(m_batchSize);
    m_batch->setToolTip(tr("Pairs per optimiser step: turns stages given in epochs into steps"));

    m_stored = new QListWidget(this);
    m_stored->setObjectName("curriculumStored");
    m_name = new QLineEdit(this);
    m_name->setObjectName("curriculumName");
    m_name->setPlaceholderText(tr("name under which a run finds it"));
    m_table = new QTableView(this);
    m_table->setObjectName("curriculumStages");
    m_table->setModel(m_model);
    m_table->setItemDelegate(new StageDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setMinimumSectionSize(60);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed);
    m_messages = new QListWidget(this);
    m_messages->setObjectName("curriculumMessages");
    m_messages->setWordWrap(true);
    m_chart = new CurriculumChart(this);
    m_chart->setMinimumSize(280, 220);
    m_status = new QLabel(this);
    m_status->setObjectName("curriculumStatus");
    m_status->setWordWrap(true);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Stored curricula"), left));
    leftLayout->addWidget(m_stored, 1);
    auto* middle = new QWidget(this);
    auto* middleLayout = new QVBoxLayout(middle);
    middleLayout->setContentsMargins(0, 0, 0, 0);
    auto* nameRow = new QHBoxLayout;
    auto* nameLabel = new QLabel(tr("&Name"), middle);
    nameLabel->setBuddy(m_name);
    nameRow->addWidget(nameLabel);
    nameRow->addWidget(m_name, 1);
    middleLayout->addLayout(nameRow);
    middleLayout->addWidget(m_table, 1);
    // Under the stages, the tiers their columns mix (a row each, beside the problems): in the
    // narrow list on the left a tier took three lines and could not be told from the next.
    m_tierTable = new QTableWidget(0, 3, middle);
    m_tierTable->setObjectName("curriculumTiers");
    m_tierTable->setToolTip(tr("Training pairs per tier, easiest (largest rank gap) first"));
    m_tierTable->setHorizontalHeaderLabels({tr("Tier"), tr("Pairs"), tr("Rank gap")});
    m_tierTable->verticalHeader()->hide();
    m_tierTable->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tierTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tierTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tierTable->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_tierTable->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // a long name is elided
    m_tierTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tierTable->setSelectionMode(QAbstractItemView::NoSelection);
    m_tierTable->setFocusPolicy(Qt::NoFocus);
    m_tierTable->setAlternatingRowColors(true);
    m_tierTable->setShowGrid(false);
    m_tierTable->setWordWrap(false);
    const int boxHeight = fontMetrics().height() * 7;
    m_tierTable->setMaximumHeight(boxHeight);
    m_messages->setMaximumHeight(boxHeight);
    auto* tiersBox = new QVBoxLayout;
    tiersBox->addWidget(new QLabel(tr("Tiers of the ladder"), middle));
    tiersBox->addWidget(m_tierTable);
    auto* problemsBox = new QVBoxLayout;
    problemsBox->addWidget(new QLabel(tr("Problems"), middle));
    problemsBox->addWidget(m_messages);
    auto* below = new QHBoxLayout;
    below->addLayout(tiersBox);
    below->addLayout(problemsBox, 1);
    middleLayout->addLayout(below);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(middle);
    split->addWidget(m_chart);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 5);
    split->setStretchFactor(2, 4);
    // The stage table's columns fit beside the chart in a 1000 px window.
    split->setSizes({170, 740, 370});
    split->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* top = new QHBoxLayout;
    top->addWidget(bar, 1);
    auto* ladderLabel = new QLabel(tr("&Ladder"), this);
    ladderLabel->setBuddy(m_ladder);
    top->addWidget(ladderLabel);
    top->addWidget(m_ladder);
    auto* batchLabel = new QLabel(tr("&Batch size"), this);
    batchLabel->setBuddy(m_batch);
    top->addWidget(batchLabel);
    top->addWidget(m_batch);
    layout->addLayout(top);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    buildActions();
    for (QAction* a : actions()) bar->addAction(a);
    auto* presetButton = new QToolButton(this);
    presetButton->setText(tr("New from preset"));
    presetButton->setObjectName("curriculumPresetButton");
    presetButton->setMenu(m_presetMenu);
    presetButton->setPopupMode(QToolButton::InstantPopup);
    bar->insertWidget(bar->actions().value(0), presetButton);

    connect(m_ladder, &QComboBox::currentTextChanged, this, &CurriculumEditor::setLadder);
    connect(m_batch, &QSpinBox::valueChanged, this, &CurriculumEditor::setBatchSize);
    connect(m_name, &QLineEdit::editingFinished, this, [this] {
        const std::string name = m_name->text().trimmed().toStdString();
        if (name == m_curriculum.name) return;
        Curriculum next = m_curriculum;
        next.name = name;
        edit(next, tr("rename to %1").arg(QString::fromStdString(name)));
    });
    // A click on another curriculum opens it (the list's highlight is what the editor shows);
    // a double-click or Enter on the open one reverts it to what is stored.
    connect(m_stored, &QListWidget::currentItemChanged, this,
            [this](QListWidgetItem* current, QListWidgetItem* previous) {
                if (!current || current == previous) return;
                // After the click: a save on the way rebuilds the list under this signal.
                const QString name = current->text();
                const QString before = previous ? previous->text() : QString();
                QTimer::singleShot(0, this, [this, name, before] {
                    if (name.toStdString() == m_curriculum.name && !isModified()) return;
                    if (switchTo(name)) return;
                    const QSignalBlocker block(m_stored);
                    const auto found = m_stored->findItems(before, Qt::MatchExactly);
                    m_stored->setCurrentItem(found.isEmpty() ? nullptr : found.front());
                });
            });
    connect(m_stored, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        if (item->text().toStdString() == m_curriculum.name && !isModified()) return;
        switchTo(item->text());
    });
    connect(m_messages, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        const int stage = item->data(Qt::UserRole).toInt();
        if (stage >= 0) m_table->setCurrentIndex(m_model->index(stage, 0));
    });
    connect(m_chart, &CurriculumChart::boundaryMoved, this, [this](int stage, std::int64_t steps) {
        if (stage < 0 || stage >= static_cast<int>(m_curriculum.stages.size())) return;
        if (!m_dragStart) m_dragStart = m_curriculum;
        Curriculum next = m_curriculum;
        next.stages[static_cast<std::size_t>(stage)].steps = steps;
        next.stages[static_cast<std::size_t>(stage)].epochs = 0;
        apply(next);  // live; the release makes it one undoable step
    });
    connect(m_chart, &CurriculumChart::boundaryReleased, this,
            [this](int stage, std::int64_t steps) {
                if (stage < 0 || stage >= static_cast<int>(m_curriculum.stages.size())) return;
                Curriculum next = m_curriculum;
                next.stages[static_cast<std::size_t>(stage)].steps = steps;
                next.stages[static_cast<std::size_t>(stage)].epochs = 0;
                const Curriculum before = m_dragStart.value_or(m_curriculum);
                m_dragStart.reset();
                m_curriculum = before;  // so that the edit records the whole drag
                edit(next, tr("drag the end of stage %1").arg(stage + 1));
                if (sameCurriculum(before, next)) refreshView();
            });
    connect(m_undo, &QUndoStack::cleanChanged, this, &CurriculumEditor::updateTitle);
    connect(m_bridge, &CurriculaBridge::stored, this, &CurriculumEditor::reloadStoredList);
    connect(m_session, &WorkspaceSession::opened, this, &CurriculumEditor::reloadWorkspace);
    connect(m_session, &WorkspaceSession::closed, this, &CurriculumEditor::reloadWorkspace);
    connect(m_session, &WorkspaceSession::contentsChanged, this, [this] {
        reloadStoredList();
        const QString ladder = m_ladder->currentText();
        const QSignalBlocker block(m_ladder);
        m_ladder->clear();
        m_ladder->addItems(m_bridge->ladders());
        m_ladder->setCurrentText(ladder);
    });
    reloadWorkspace();
}

// The undo stack, a child, signals while QWidget deletes the children: after this editor's part
// of the object (and the session) is gone.
CurriculumEditor::~CurriculumEditor() {
    m_undo->disconnect(this);
}

void CurriculumEditor::buildActions() {
    auto add = [this](const QString& text, const QKeySequence& key, const QString& tip, auto slot) {
        auto* a = new QAction(text, this);
        if (!key.isEmpty()) {
            a->setShortcut(key);
            a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
            a->setProperty("shortcutArea", tr("Curriculum"));
        }
        a->setToolTip(tip);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        return a;
    };
    add(tr("Add stage"), QKeySequence(Qt::CTRL | Qt::Key_Plus),
        tr("Add a stage after the last, with its mix"), [this] { addStage(); });
    add(tr("Remove stage"), QKeySequence(Qt::CTRL | Qt::Key_Minus), tr("Remove the selected stage"),
        [this] { removeStage(); });
    m_writeActions << add(tr("Save"), QKeySequence(QKeySequence::Save),
                          tr("Store the curriculum in the workspace under its name"),
                          [this] { save(); });
    m_writeActions << add(tr("Save as..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
                          tr("Store the curriculum under another name (a preset of your own)"),
                          [this] {
                              bool ok = false;
                              const QString name = QInputDialog::getText(
                                  this, tr("Save Curriculum As"), tr("Name:"), QLineEdit::Normal,
                                  QString::fromStdString(m_curriculum.name), &ok);
                              if (ok) saveAs(name);
                          });
    m_writeActions << add(tr("Delete"), QKeySequence(),
                          tr("Delete the stored curriculum selected in the list"), [this] {
                              const QListWidgetItem* item = m_stored->currentItem();
                              if (item) removeStored(item->text());
                          });
    QAction* undo = add(tr("Undo"), QKeySequence(QKeySequence::Undo), tr("Undo the last edit"),
                        [this] { m_undo->undo(); });
    QAction* redo = add(tr("Redo"), QKeySequence(QKeySequence::Redo),
                        tr("Redo the edit undone last"), [this] { m_undo->redo(); });
    undo->setText(tr("Undo edit"));
    redo->setText(tr("Redo edit"));
    undo->setEnabled(false);
    redo->setEnabled(false);
    connect(m_undo, &QUndoStack::canUndoChanged, undo, &QAction::setEnabled);
    connect(m_undo, &QUndoStack::canRedoChanged, redo, &QAction::setEnabled);

    m_presetMenu = new QMenu(this);
    m_presetMenu->addAction(tr("Easy then hard (largest rank gap first)"), this,
                            [this] { newFromPreset("easy-then-hard"); });
    m_presetMenu->addAction(tr("Uniform mix of all tiers"), this,
                            [this] { newFromPreset("uniform"); });
    QMenu* single = m_presetMenu->addMenu(tr("Single tier"));
    connect(m_presetMenu, &QMenu::aboutToShow, this, [this, single] {
        single->clear();
        for (const auto& t : m_tiers) {
            const QString tier = QString::fromStdString(t.name);
            single->addAction(tier, this, [this, tier] { newFromPreset("single-tier", tier); });
        }
        single->setEnabled(!m_tiers.empty());
    });
}

bool CurriculumEditor::isModified() const {
    return !m_undo->isClean();
}

bool CurriculumEditor::switchTo(const QString& name) {
    if (isModified()) {
        QMessageBox box(QMessageBox::Question, tr("Open Curriculum"),
                        tr("'%1' has changes that are not saved.")
                            .arg(QString::fromStdString(m_curriculum.name)),
                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
        box.setObjectName("curriculumUnsavedQuestion");
        box.setInformativeText(tr("Save them before opening '%1'?").arg(name));
        box.setDefaultButton(QMessageBox::Save);
        const int answer = box.exec();
        if (answer == QMessageBox::Cancel) return false;
        // A save that fails (no name yet, a read-only workspace) keeps the edits open.
        if (answer == QMessageBox::Save && !save()) return false;
    }
    return open(name);
}

void CurriculumEditor::edit(const Curriculum& next, const QString& what) {
    if (sameCurriculum(next, m_curriculum)) return;
    m_undo->push(
        new SnapshotCommand([this](const Curriculum& c) { apply(c); }, m_curriculum, next, what));
}

void CurriculumEditor::apply(const Curriculum& c) {
    m_curriculum = c;
    refreshView();
}

std::vector<std::string> CurriculumEditor::tierColumns() const {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& t : m_tiers) {
        if (seen.insert(t.name).second) out.push_back(t.name);
    }
    for (const auto& s : m_curriculum.stages) {
        for (const auto& [tier, w] : s.tierWeights) {
            if (seen.insert(tier).second) out.push_back(tier);
        }
    }
    return out;
}

curriculum::TierCounts CurriculumEditor::tierCounts() const {
    curriculum::TierCounts counts;
    for (const auto& t : m_tiers) counts[t.name] = t.pairs;
    return counts;
}

CurriculumEditor::Preview CurriculumEditor::preview() const {
    Preview p;
    p.resolved.name = m_curriculum.name;
    const auto counts = tierCounts();
    for (std::size_t i = 0; i < m_curriculum.stages.size(); ++i) {
        curriculum::Stage s = m_curriculum.stages[i];
        std::int64_t steps = s.steps;
        if (steps <= 0 && s.epochs > 0 && std::isfinite(s.epochs)) {
            std::int64_t pairs = 0;
            for (const auto& [tier, w] : s.tierWeights) {
                const auto it = counts.find(tier);
                if (w > 0 && it != counts.end()) pairs += it->second;
            }
            steps = pairs > 0 ? std::max<std::int64_t>(
                                    1, static_cast<std::int64_t>(std::ceil(
                                           s.epochs * static_cast<double>(pairs) / m_batchSize)))
                              : 0;
        }
        steps = std::max<std::int64_t>(steps, 0);
        p.stepsOfStage.push_back(steps);
        if (steps <= 0) continue;
        s.steps = steps;
        s.epochs = 0;
        p.resolved.stages.push_back(std::move(s));
        p.stageIndex.push_back(static_cast<int>(i));
    }
    return p;
}

void CurriculumEditor::refreshView() {
    {
        const QSignalBlocker block(m_name);
        const QString name = QString::fromStdString(m_curriculum.name);
        if (m_name->text() != name) m_name->setText(name);
    }
    const auto columns = tierColumns();
    const bool newColumns = columns != m_model->tiers();
    if (newColumns) {
        std::map<std::string, std::int64_t> pairs;
        for (const auto& t : m_tiers) pairs[t.name] = t.pairs;
        m_model->setTiers(columns, pairs);
    }
    const bool newRows = m_model->rowCount() != static_cast<int>(m_curriculum.stages.size());
    m_model->setCurriculum(m_curriculum);
    const Preview p = preview();
    m_model->setResolvedSteps(p.stepsOfStage);

    const auto counts = tierCounts();
    const auto messages = m_curriculum.validate(m_tiers.empty() ? nullptr : &counts);
    m_model->setMessages(messages);
    m_messages->clear();
    for (const auto& m : messages) {
        const bool error = m.severity == curriculum::ValidationMessage::Severity::Error;
        auto* item =
            new QListWidgetItem(style()->standardIcon(error ? QStyle::SP_MessageBoxCritical
                                                            : QStyle::SP_MessageBoxWarning),
                                QString::fromStdString(m.text), m_messages);
        item->setData(Qt::UserRole, m.stage);
    }
    if (messages.empty()) {
        std::int64_t total = 0;
        for (const auto steps : p.stepsOfStage) total += steps;
        const auto stages = m_curriculum.stages.size();
        auto* item = new QListWidgetItem(style()->standardIcon(QStyle::SP_DialogApplyButton),
                                         tr("No problems: %1 %2, %3 steps at batch size %4")
                                             .arg(stages)
                                             .arg(stages == 1 ? tr("stage") : tr("stages"))
                                             .arg(QLocale().toString(static_cast<qlonglong>(total)))
                                             .arg(m_batchSize),
                                         m_messages);
        item->setData(Qt::UserRole, -1);
    }
    m_chart->setCurriculum(p.resolved, columns, p.stageIndex,
                           m_curriculum.stages.empty() ? tr("Add a stage, or start from a preset")
                                                       : tr("No stage has a length yet"));
    // Sized to the contents when the table gets new columns or rows, not on every edit (a column
    // the user widened stays).
    if (newColumns || newRows) m_table->resizeColumnsToContents();
    updateTitle();
}

void CurriculumEditor::updateTitle() {
    const bool readOnly = m_session->isOpen() && m_session->isReadOnly();
    for (QAction* a : m_writeActions) a->setEnabled(m_session->isOpen() && !readOnly);
    m_name->setStyleSheet(isModified() ? QStringLiteral("QLineEdit { font-style: italic; }")
                                       : QString());
    m_name->setToolTip(isModified() ? tr("Changed since it was opened or saved") : QString());
}

void CurriculumEditor::reloadWorkspace() {
    m_undo->clear();
    {
        const QSignalBlocker block(m_ladder);
        m_ladder->clear();
        m_ladder->addItems(m_bridge->ladders());
    }
    reloadTiers();
    reloadStoredList();
    m_status->setText(m_session->isOpen() && m_session->isReadOnly()
                          ? tr("Read-only workspace: curricula can be edited but not saved.")
                          : QString());
    if (m_stored->count() > 0) {
        open(m_stored->item(0)->text());
        return;
    }
    apply(Curriculum{});
}

void CurriculumEditor::reloadStoredList() {
    const QString current = m_stored->currentItem() ? m_stored->currentItem()->text() : QString();
    const QSignalBlocker block(m_stored);
    m_stored->clear();
    m_stored->addItems(m_bridge->names());
    const auto found = m_stored->findItems(current, Qt::MatchExactly);
    if (!found.isEmpty()) m_stored->setCurrentItem(found.front());
}

void CurriculumEditor::reloadTiers() {
    m_tiers = m_bridge->tiers(m_ladder->currentText());
    m_tierTable->setRowCount(static_cast<int>(m_tiers.size()));
    const QLocale locale;
    for (int row = 0; row < static_cast<int>(m_tiers.size()); ++row) {
        const auto& t = m_tiers[static_cast<std::size_t>(row)];
        const QString name = QString::fromStdString(t.name);
        const QString pairs = locale.toString(static_cast<qlonglong>(t.pairs));
        const QString tip = tr("%1: %2 training pairs, rank gap %3").arg(name, pairs).arg(t.rankGap);
        const QStringList cells{name, pairs, QString::number(t.rankGap)};
        for (int column = 0; column < cells.size(); ++column) {
            auto* item = new QTableWidgetItem(cells[column]);
            item->setToolTip(tip);
            if (column > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_tierTable->setItem(row, column, item);
        }
    }
    // As wide as its names and numbers (no wider: the problems beside it take the rest), and at
    // most 340 px, where a long name is elided (its tooltip has it whole).
    int width = 2 * m_tierTable->frameWidth();
    if (m_tierTable->rowCount() > 5) width += m_tierTable->verticalScrollBar()->sizeHint().width();
    const int padding = 2 * style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_tierTable) + 8;
    for (int column = 0; column < m_tierTable->columnCount(); ++column) {
        int widest = m_tierTable->horizontalHeader()->sectionSizeHint(column);
        for (int row = 0; row < m_tierTable->rowCount(); ++row) {
            widest = std::max(widest, m_tierTable->fontMetrics().horizontalAdvance(
                                          m_tierTable->item(row, column)->text()) + padding);
        }
        width += widest;
    }
    m_tierTable->setFixedWidth(std::min(width, 340));
}

void CurriculumEditor::setLadder(const QString& ladder) {
    if (m_ladder->currentText() != ladder) {
        const QSignalBlocker block(m_ladder);
        m_ladder->setCurrentText(ladder);
    }
    reloadTiers();
    refreshView();
}

void CurriculumEditor::setBatchSize(int batchSize) {
    m_batchSize = std::max(1, batchSize);
    if (m_batch->value() != m_batchSize) {
        const QSignalBlocker block(m_batch);
        m_batch->setValue(m_batchSize);
    }
    refreshView();
}

bool CurriculumEditor::open(const QString& name) {
    QString error;
    const auto c = m_bridge->load(name, &error);
    if (!c) {
        m_status->setText(error);
        return false;
    }
    apply(*c);
    m_undo->clear();
    const auto found = m_stored->findItems(name, Qt::MatchExactly);
    if (!found.isEmpty()) {
        const QSignalBlocker block(m_stored);
        m_stored->setCurrentItem(found.front());
    }
    m_status->setText(tr("Opened '%1'.").arg(name));
    return true;
}

void CurriculumEditor::newFromPreset(const QString& preset, const QString& tier) {
    const curriculum::StageLength oneEpoch{0, 1.0};
    Curriculum c;
    try {
        if (preset == QLatin1String("easy-then-hard")) {
            c = curriculum::easyThenHard(m_tiers, oneEpoch);
        } else if (preset == QLatin1String("uniform")) {
            c = curriculum::uniformMix(m_tiers, oneEpoch);
        } else if (preset == QLatin1String("single-tier") && !tier.isEmpty()) {
            c = curriculum::singleTier(tier.toStdString(), oneEpoch);
        } else {
            m_status->setText(tr("Unknown preset '%1'.").arg(preset));
            return;
        }
    } catch (const std::exception& e) {
        m_status->setText(QString::fromStdString(e.what()));
        return;
    }
    edit(c, tr("new from preset %1").arg(preset));
    m_status->setText(tr("New curriculum from the %1 preset: not saved yet.").arg(preset));
}

bool CurriculumEditor::saveAs(const QString& rawName, bool confirm) {
    const QString name = rawName.trimmed();
    if (!m_bridge->isOpen()) {
        m_status->setText(tr("Open a workspace to store curricula in it."));
        return false;
    }
    if (name.isEmpty()) {
        m_status->setText(tr("Give the curriculum a name first: a run finds it by name."));
        return false;
    }
    const bool exists = !m_stored->findItems(name, Qt::MatchExactly).isEmpty();
    if (confirm && exists && name.toStdString() != m_curriculum.name &&
        QMessageBox::question(this, tr("Save Curriculum"),
                              tr("Replace the stored curriculum '%1'?").arg(name)) !=
            QMessageBox::Yes) {
        return false;
    }
    Curriculum c = m_curriculum;
    c.name = name.toStdString();
    QString error;
    if (!m_bridge->save(c, &error)) {
        m_status->setText(tr("Not saved: %1").arg(error));
        return false;
    }
    apply(c);
    m_undo->setClean();
    const auto found = m_stored->findItems(name, Qt::MatchExactly);
    if (!found.isEmpty()) {
        const QSignalBlocker block(m_stored);
        m_stored->setCurrentItem(found.front());
    }
    m_status->setText(tr("Saved '%1'.").arg(name));
    return true;
}

bool CurriculumEditor::save() {
    const QString name = QString::fromStdString(m_curriculum.name);
    const QListWidgetItem* current = m_stored->currentItem();
    return saveAs(name, /*confirm=*/!current || current->text() != name);
}

bool CurriculumEditor::removeStored(const QString& name, bool confirm) {
    if (confirm && QMessageBox::question(this, tr("Delete Curriculum"),
                                         tr("Delete the stored curriculum '%1'? Runs that "
                                            "used it keep their copy.")
                                             .arg(name)) != QMessageBox::Yes) {
        return false;
    }
    QString error;
    if (!m_bridge->remove(name, &error)) {
        m_status->setText(error);
        return false;
    }
    if (name.toStdString() == m_curriculum.name) m_undo->resetClean();
    updateTitle();
    m_status->setText(tr("Deleted '%1'.").arg(name));
    return true;
}

void CurriculumEditor::addStage() {
    Curriculum next = m_curriculum;
    curriculum::Stage s;
    s.name = "stage " + std::to_string(next.stages.size() + 1);
    if (!next.stages.empty()) {
        const auto& last = next.stages.back();
        s.tierWeights = last.tierWeights;
        s.steps = last.steps > 0 ? last.steps : 0;
        s.epochs = last.steps > 0 ? 0 : (last.epochs > 0 ? last.epochs : 1.0);
    } else {
        for (const auto& t : m_tiers) s.tierWeights[t.name] = t.pairs > 0 ? t.pairs : 1.0;
        s.steps = kNewStageSteps;
    }
    if (s.steps <= 0 && s.epochs <= 0) s.steps = kNewStageSteps;
    next.stages.push_back(std::move(s));
    edit(next, tr("add stage %1").arg(next.stages.size()));
}

void CurriculumEditor::removeStage() {
    if (m_curriculum.stages.empty()) return;
    const QModelIndex current = m_table->currentIndex();
    const int row =
        current.isValid() ? current.row() : static_cast<int>(m_curriculum.stages.size()) - 1;
    Curriculum next = m_curriculum;
    next.stages.erase(next.stages.begin() + row);
    edit(next, tr("remove stage %1").arg(row + 1));
}

}  // namespace ladder::ui
