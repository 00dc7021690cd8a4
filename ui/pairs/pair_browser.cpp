#include "ui/pairs/pair_browser.h"

#include <utility>

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QResizeEvent>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include "ui/bridge/workspace_session.h"
#include "ui/flow_layout.h"
#include "ui/pairs/note_dialog.h"
#include "ui/pairs/pair_detail_view.h"
#include "ui/pairs/pair_table_model.h"

namespace ladder::ui {

namespace {

constexpr int kSearchDelayMs = 300;  // wait for the typing to pause before searching
// Side by side, the list needs about 620 px for its columns and a readable prompt, and the pair
// as much for two answers; a narrower pane (a 1000 px window) puts the list above the pair.
constexpr int kSideBySideWidth = 1240;

// Combo entries whose index maps to a filter value; index 0 is always "any".
const std::vector<std::optional<pairs::AnnotationStatus>> kStatusChoices = {
    std::nullopt,
    pairs::AnnotationStatus::None,
    pairs::AnnotationStatus::Keep,
    pairs::AnnotationStatus::Flip,
    pairs::AnnotationStatus::Tie,
    pairs::AnnotationStatus::Discard};
const std::vector<std::optional<pairs::JudgeVerdict>> kJudgeChoices = {
    std::nullopt, pairs::JudgeVerdict::Agree, pairs::JudgeVerdict::Disagree,
    pairs::JudgeVerdict::Tie, pairs::JudgeVerdict::None};
const std::vector<std::optional<pairs::PairLearning>> kLearningChoices = {
    std::nullopt, pairs::PairLearning::NeverLearned, pairs::PairLearning::LearnedAt,
    pairs::PairLearning::Forgotten, pairs::PairLearning::RightFromTheStart};

QComboBox* combo(QWidget* parent, const QString& name, const QStringList& items = {}) {
    auto* c = new QComboBox(parent);
    c->setObjectName(name);
    c->addItems(items);
    c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    c->setMinimumWidth(60);  // may shrink below its contents in a narrow window
    return c;
}

void refill(QComboBox* c, const QString& anyText, const QStringList& items) {
    const QString current = c->currentText();
    const QSignalBlocker block(c);
    c->clear();
    c->addItem(anyText);
    c->addItems(items);
    const int keep = c->findText(current);
    c->setCurrentIndex(keep > 0 ? keep : 0);
}

}  // namespace

PairBrowser::PairBrowser(WorkspaceSession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_bridge(new PairsBridge(session, this)) {
    setObjectName("pairsPane");
    m_model = new PairTableModel(m_bridge, this);

    // Filters above the list, wrapping to more lines where the list is narrow (a 1000 px
    // window), each label with its box.
    auto* filters = new FlowLayout;
    auto label = [this, filters](const QString& text, QWidget* w) {
        auto* l = new QLabel(text, this);
        l->setBuddy(w);
        filters->addPair(l, w);
        return l;
    };
    m_scope = combo(this, "pairsScope");
    label(tr("&Pairs of"), m_scope);
    m_tier = combo(this, "pairsTier");
    label(tr("T&ier"), m_tier);
    m_source = combo(this, "pairsSource");
    label(tr("Sou&rce"), m_source);
    m_split = combo(this, "pairsSplit", {tr("Both splits"), tr("train"), tr("heldout")});
    m_split->setToolTip(tr("Split"));
    filters->addWidget(m_split);
    m_status = combo(
        this, "pairsStatus",
        {tr("Any status"), tr("Unreviewed"), tr("Keep"), tr("Flip"), tr("Tie"), tr("Discard")});
    label(tr("S&tatus"), m_status);
    m_judge =
        combo(this, "pairsJudge",
              {tr("Any verdict"), tr("Judge agrees"), tr("Judge disagrees"), tr("Judge: tie"),
               tr("No verdict")});
    label(tr("J&udge"), m_judge);
    m_marginRun = combo(this, "pairsMarginRun");  // shown when some run has margins
    m_marginLabel = label(tr("&Margins of"), m_marginRun);
    m_marginRun->setToolTip(
        tr("A run's reward margins: choosing a run lists the pairs it gets "
           "most wrong first"));
    m_learning = combo(this, "pairsLearning",
                       {tr("All"), tr("Never learned"), tr("Learned"), tr("Forgotten"),
                        tr("Right from the start")});
    m_learningLabel = label(tr("&Learning"), m_learning);
    m_learning->setToolTip(
        tr("What the margin run's evaluations say of each pair; a pair measured at fewer than "
           "two evaluations is in none of these (choose a run under Margins of first)"));
    m_search = new QLineEdit(this);
    m_search->setObjectName("pairsSearch");
    m_search->setPlaceholderText(tr("Search prompt and answers"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(100);
    m_search->setFixedWidth(fontMetrics().horizontalAdvance(m_search->placeholderText()) + 48);
    filters->addWidget(m_search);

    // The list and the pair.
    m_table = new QTableView(this);
    m_table->setObjectName("pairsTable");
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    QHeaderView* header = m_table->horizontalHeader();
    header->setStretchLastSection(true);
    header->setSortIndicator(PairTableModel::IdColumn, Qt::AscendingOrder);
    // Narrow columns sized to their header or their widest likely value; the prompt takes the
    // rest.
    const auto& fm = fontMetrics();
    const std::pair<int, QString> widest[] = {{PairTableModel::IdColumn, "000000"},
                                              {PairTableModel::TierColumn, "strong>medium"},
                                              {PairTableModel::StatusColumn, "discard \u270E"},
                                              {PairTableModel::JudgeColumn, "disagrees"},
                                              {PairTableModel::LengthDiffColumn, "-0,000"},
                                              {PairTableModel::ChosenCharsColumn, "0,000"},
                                              {PairTableModel::RejectedCharsColumn, "0,000"},
                                              {PairTableModel::MarginColumn, "-00.000"}};
    for (const auto& [column, text] : widest) {
        header->resizeSection(
            column, std::max(header->sectionSizeHint(column), fm.horizontalAdvance(text) + 12));
    }
    m_table->setColumnHidden(PairTableModel::MarginColumn, true);
    m_table->setSortingEnabled(true);

    m_count = new QLabel(this);
    m_count->setObjectName("pairsCount");
    auto* list = new QWidget(this);
    auto* listLayout = new QVBoxLayout(list);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addLayout(filters);
    listLayout->addWidget(m_table, 1);
    listLayout->addWidget(m_count);

    m_detail = new PairDetailView(this);
    m_listAndPair = new QSplitter(Qt::Horizontal, this);
    m_listAndPair->setObjectName("pairsListAndPair");
    m_listAndPair->addWidget(list);
    m_listAndPair->addWidget(m_detail);
    m_listAndPair->setStretchFactor(0, 1);
    m_listAndPair->setStretchFactor(1, 1);
    m_listAndPair->setSizes({620, 640});
    m_listAndPair->setChildrenCollapsible(false);

    // The decision bar.
    auto* bar = new QToolBar(this);
    bar->setObjectName("pairsActions");
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_message = new QLabel(this);
    m_message->setObjectName("pairsMessage");
    m_message->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_listAndPair, 1);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(bar);
    bottom->addWidget(m_message, 1);
    layout->addLayout(bottom);

    buildActions();
    bar->addActions(m_decisionActions);
    bar->addSeparator();
    for (QAction* a : actions()) {
        if (!m_decisionActions.contains(a)) bar->addAction(a);
    }

    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(kSearchDelayMs);
    connect(m_searchDelay, &QTimer::timeout, this, &PairBrowser::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDelay->stop();
        applyFilter();
        m_table->setFocus();
    });
    connect(m_scope, &QComboBox::currentIndexChanged, this, [this] {
        if (m_reloading) return;
        reloadScopeLists();
        applyFilter();
    });
    for (QComboBox* c : {m_tier, m_source, m_status, m_judge, m_split, m_learning}) {
        connect(c, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_reloading) applyFilter();
        });
    }
    connect(m_marginRun, &QComboBox::currentIndexChanged, this, [this] {
        if (m_reloading) return;
        const std::int64_t run = m_marginRun->currentData().toLongLong();
        // A learning state is judged by the run chosen: the filter changes with it (set before
        // the sort below lists again with it).
        const bool learningFiltered = m_learning->currentIndex() > 0;
        syncLearningToMarginRun();
        if (learningFiltered) applyFilter();
        m_table->setColumnHidden(PairTableModel::MarginColumn, run == 0);
        m_model->setMarginRun(run);
        // Choosing a run is asking for what it gets most wrong: the smallest margins first.
        if (run != 0) m_table->sortByColumn(PairTableModel::MarginColumn, Qt::AscendingOrder);
        selectRow(0);
    });
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this, header] {
        // Only some columns sort; the indicator shows the order actually in force.
        const QSignalBlocker block(header);
        header->setSortIndicator(
            PairTableModel::columnOf(m_model->sortOrder().key),
            m_model->sortOrder().descending ? Qt::DescendingOrder : Qt::AscendingOrder);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        updateCount();
        const std::int64_t pending = std::exchange(m_pendingPair, 0);
        if (pending != 0 && m_model->rowOf(pending) >= 0) {
            selectRow(m_model->rowOf(pending));
            return;
        }
        if (m_model->rowCount() > 0 && !m_reloading) selectRow(0);
        if (m_model->rowCount() == 0) showCurrent();
    });
    connect(m_model, &PairTableModel::busyChanged, this, [this](bool busy) {
        if (busy) {
            m_count->setText(tr("Listing pairs..."));
        } else {
            updateCount();
        }
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &PairBrowser::showCurrent);

    connect(m_bridge, &PairsBridge::annotationChanged, this, [this](std::int64_t pairId) {
        m_model->refreshPair(pairId);
        if (m_followChanges && pairId != currentPairId() && selectPair(pairId)) return;
        if (pairId == currentPairId()) showCurrent();
    });
    connect(m_bridge, &PairsBridge::failed, this, [this](const QString& message) {
        m_message->setText(
            QStringLiteral("<span style=\"color:#c62828\">%1</span>").arg(message.toHtmlEscaped()));
    });
    connect(m_session, &WorkspaceSession::opened, this, &PairBrowser::reloadWorkspace);
    connect(m_session, &WorkspaceSession::aboutToClose, this, [this] {
        m_model->clear();
        m_detail->showNothing(tr("No workspace open."));
    });
    connect(m_session, &WorkspaceSession::closed, this, &PairBrowser::reloadWorkspace);
    connect(m_session, &WorkspaceSession::contentsChanged, this, &PairBrowser::refreshMarginRuns);
    reloadWorkspace();
}

void PairBrowser::buildActions() {
    auto add = [this](const QString& text, const QList<QKeySequence>& keys, const QString& tip,
                      auto slot) {
        auto* a = new QAction(text, this);
        a->setShortcuts(keys);
        // The bar's buttons show their key: "Keep [1]".
        a->setIconText(
            QStringLiteral("%1 [%2]").arg(QString(text).remove(QStringLiteral("...")),
                                          keys.front().toString(QKeySequence::NativeText)));
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setProperty("shortcutArea", tr("Pairs"));
        a->setToolTip(
            QStringLiteral("%1 (%2)").arg(tip, keys.front().toString(QKeySequence::NativeText)));
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        return a;
    };
    using S = pairs::AnnotationStatus;
    m_decisionActions << add(tr("Keep"), {QKeySequence(Qt::Key_1)},
                             tr("Keep the pair as it is and go on"), [this] { decide(S::Keep); })
                      << add(tr("Flip"), {QKeySequence(Qt::Key_2)},
                             tr("Swap chosen and rejected for the next run and go on"),
                             [this] { decide(S::Flip); })
                      << add(tr("Tie"), {QKeySequence(Qt::Key_3)},
                             tr("Neither answer is better: leave the pair out and go on"),
                             [this] { decide(S::Tie); })
                      << add(tr("Discard"), {QKeySequence(Qt::Key_D)},
                             tr("Leave the pair out and go on"), [this] { decide(S::Discard); })
                      << add(tr("Note..."), {QKeySequence(Qt::Key_N)},
                             tr("Write a note on the pair"), [this] { editNote(); });
    add(tr("Previous pair"), {QKeySequence(Qt::Key_K)}, tr("Previous pair (or Up)"),
        [this] { moveBy(-1); });
    add(tr("Next pair"), {QKeySequence(Qt::Key_J)}, tr("Next pair (or Down)"),
        [this] { moveBy(1); });
    QUndoStack* undo = m_bridge->undoStack();
    // An undo or redo shows the pair it touched, so that the annotator sees what came back.
    // The message line then says what was undone: "note saved" must not outlive its note.
    QAction* undoAction = add(tr("Undo decision"), {QKeySequence(QKeySequence::Undo)},
                              tr("Undo the last decision or note"), [this, undo] {
                                  const QString what = undo->undoText();
                                  m_followChanges = m_selfChange = true;
                                  undo->undo();
                                  m_followChanges = m_selfChange = false;
                                  if (!what.isEmpty()) m_message->setText(tr("Undone: %1").arg(what));
                              });
    QAction* redoAction = add(tr("Redo decision"), {QKeySequence(QKeySequence::Redo)},
                              tr("Redo the decision undone last"), [this, undo] {
                                  const QString what = undo->redoText();
                                  m_followChanges = m_selfChange = true;
                                  undo->redo();
                                  m_followChanges = m_selfChange = false;
                                  if (!what.isEmpty()) m_message->setText(tr("Redone: %1").arg(what));
                              });
    undoAction->setEnabled(false);
    redoAction->setEnabled(false);
    connect(undo, &QUndoStack::canUndoChanged, undoAction, &QAction::setEnabled);
    connect(undo, &QUndoStack::canRedoChanged, redoAction, &QAction::setEnabled);
}

std::int64_t PairBrowser::currentPairId() const {
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? m_model->pairIdAt(current.row()) : 0;
}

void PairBrowser::selectRow(int row) {
    if (row < 0 || row >= m_model->rowCount()) return;
    const QModelIndex index = m_model->index(row, PairTableModel::IdColumn);
    m_table->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

bool PairBrowser::selectPair(std::int64_t pairId) {
    const int row = m_model->rowOf(pairId);
    if (row < 0 && m_model->isBusy()) {
        m_pendingPair = pairId;
        return true;
    }
    if (row < 0) return false;
    selectRow(row);
    return true;
}

void PairBrowser::moveBy(int delta) {
    const QModelIndex current = m_table->currentIndex();
    selectRow(current.isValid() ? current.row() + delta : 0);
}

bool PairBrowser::refuseReadOnly() {
    if (!m_bridge->isReadOnly()) return false;
    m_message->setText(
        tr("This workspace is open read-only: open it for writing to save "
           "decisions."));
    return true;
}

void PairBrowser::decide(pairs::AnnotationStatus status) {
    const std::int64_t id = currentPairId();
    if (id == 0 || refuseReadOnly()) return;
    m_selfChange = true;
    const bool saved = m_bridge->setStatus(id, status);
    m_selfChange = false;
    if (!saved) return;
    m_message->setText(
        tr("Pair %1: %2 (saved)").arg(id).arg(QString::fromLatin1(pairs::toString(status))));
    moveBy(1);
}

void PairBrowser::editNote() {
    const std::int64_t id = currentPairId();
    if (id == 0 || refuseReadOnly()) return;
    const auto& shown = m_detail->pair();
    const QString current = shown && shown->pairId == id && shown->annotation
                                ? QString::fromStdString(shown->annotation->note)
                                : QString();
    NoteDialog dialog(id, current, this);
    if (dialog.exec() != QDialog::Accepted) return;
    const QString note = dialog.note();
    if (note == current) return;
    m_selfChange = true;
    if (m_bridge->setNote(id, note)) m_message->setText(tr("Pair %1: note saved").arg(id));
    m_selfChange = false;
}

void PairBrowser::showCurrent() {
    const std::int64_t id = currentPairId();
    if (id == 0) {
        m_detail->showNothing(m_session->isOpen()
                                  ? (m_model->rowCount() == 0 ? tr("No pair matches the filter.")
                                                              : tr("No pair selected."))
                                  : tr("No workspace open."));
        return;
    }
    if (const auto detail = m_bridge->detail(id)) {
        m_detail->showPair(*detail);
    } else {
        m_detail->showNothing(tr("Pair %1 could not be read.").arg(id));
    }
}

pairs::PairFilter PairBrowser::scopeFilter() const {
    pairs::PairFilter f;
    const int i = m_scope->currentIndex();
    if (i >= 0 && i < static_cast<int>(m_scopes.size())) {
        f.ladderId = m_scopes[static_cast<std::size_t>(i)].ladderId;
        f.datasetId = m_scopes[static_cast<std::size_t>(i)].datasetId;
    }
    return f;
}

void PairBrowser::reloadWorkspace() {
    m_reloading = true;
    m_scopes = m_bridge->scopes();
    {
        const QSignalBlocker block(m_scope);
        m_scope->clear();
        for (const PairScope& s : m_scopes) m_scope->addItem(s.label);
        if (m_scopes.empty()) m_scope->addItem(tr("(no pairs)"));
    }
    {
        const QSignalBlocker blockSearch(m_search);
        m_search->clear();
    }
    for (QComboBox* c : {m_status, m_judge, m_split, m_learning}) {
        const QSignalBlocker block(c);
        c->setCurrentIndex(0);
    }
    reloadScopeLists();
    refreshMarginRuns();
    m_message->clear();
    m_reloading = false;
    if (m_session->isOpen()) {
        applyFilter();
    } else {
        m_model->clear();
    }
    updateEnabled();
}

void PairBrowser::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    const Qt::Orientation wanted =
        event->size().width() >= kSideBySideWidth ? Qt::Horizontal : Qt::Vertical;
    if (m_listAndPair->orientation() == wanted) return;
    m_listAndPair->setOrientation(wanted);
    // Stacked, the list keeps the larger part, also of any height the window gains later.
    const bool stacked = wanted == Qt::Vertical;
    m_listAndPair->setStretchFactor(0, stacked ? 3 : 1);
    m_listAndPair->setStretchFactor(1, stacked ? 2 : 1);
    // Once the layout has given the splitter its new shape (sizes set now would be shares of
    // the old one).
    QTimer::singleShot(0, this, [this, stacked] {
        const int length = stacked ? m_listAndPair->height() : m_listAndPair->width();
        const int list = stacked ? length * 3 / 5 : length * 620 / 1260;
        m_listAndPair->setSizes({list, length - list});
    });
}

void PairBrowser::reloadScopeLists() {
    const pairs::PairFilter scope = scopeFilter();
    const bool any = m_session->isOpen() && !m_scopes.empty();
    refill(m_tier, tr("All tiers"), any ? m_bridge->tiers(scope) : QStringList());
    refill(m_source, tr("All sources"), any ? m_bridge->sources(scope) : QStringList());
    m_totalInScope = any ? static_cast<std::int64_t>(m_bridge->findIds(scope, {}).size()) : 0;
}

void PairBrowser::refreshMarginRuns() {
    if (m_selfChange) return;  // our own annotations change no run
    const auto runs = m_bridge->marginRuns();
    const std::int64_t current = m_marginRun->currentData().toLongLong();
    {
        const QSignalBlocker block(m_marginRun);
        m_marginRun->clear();
        m_marginRun->addItem(tr("(no run)"), QVariant::fromValue<qlonglong>(0));
        for (const auto& r : runs) {
            m_marginRun->addItem(tr("%1 (run %2, step %3)")
                                     .arg(QString::fromStdString(r.name))
                                     .arg(r.runId)
                                     .arg(r.step),
                                 QVariant::fromValue<qlonglong>(r.runId));
        }
        const int keep = m_marginRun->findData(QVariant::fromValue<qlonglong>(current));
        m_marginRun->setCurrentIndex(keep > 0 ? keep : 0);
    }
    const bool visible = !runs.empty();
    for (QWidget* w :
         std::initializer_list<QWidget*>{m_marginRun, m_marginLabel, m_learning, m_learningLabel}) {
        w->setVisible(visible);
    }

    const bool learningFiltered = m_learning->currentIndex() > 0;
    syncLearningToMarginRun();
    if (m_marginRun->currentData().toLongLong() != current) {  // the run is gone
        m_table->setColumnHidden(PairTableModel::MarginColumn, true);
        m_model->setMarginRun(0);
        if (learningFiltered && !m_reloading) applyFilter();
    }
}

void PairBrowser::syncLearningToMarginRun() {
    // Without a run there is nothing to judge by: back to All rather than a grey choice that
    // seems to filter and does not.
    const bool run = m_marginRun->currentData().toLongLong() != 0;
    if (!run) {
        const QSignalBlocker block(m_learning);
        m_learning->setCurrentIndex(0);
    }
    m_learning->setEnabled(run);
}

void PairBrowser::applyFilter() {
    pairs::PairFilter f = scopeFilter();
    if (m_tier->currentIndex() > 0) f.tier = m_tier->currentText().toStdString();
    if (m_source->currentIndex() > 0) f.source = m_source->currentText().toStdString();
    f.status = kStatusChoices[static_cast<std::size_t>(std::max(0, m_status->currentIndex()))];
    f.judge = kJudgeChoices[static_cast<std::size_t>(std::max(0, m_judge->currentIndex()))];
    if (m_split->currentIndex() > 0) f.split = m_split->currentText().toStdString();
    f.learning =
        kLearningChoices[static_cast<std::size_t>(std::max(0, m_learning->currentIndex()))];
    f.learningRunId = m_marginRun->currentData().toLongLong();
    if (f.learningRunId == 0) f.learning.reset();
    f.search = m_search->text().trimmed().toStdString();
    if (!m_session->isOpen() || m_scopes.empty()) {
        m_model->clear();
        return;
    }
    m_model->setFilter(f);
}

void PairBrowser::updateCount() {
    const QLocale locale;
    if (!m_session->isOpen()) {
        m_count->clear();
        return;
    }
    m_count->setText(tr("%1 of %2 pairs")
                         .arg(locale.toString(m_model->rowCount()),
                              locale.toString(static_cast<qlonglong>(m_totalInScope))));
}

void PairBrowser::updateEnabled() {
    // Enabled when read-only too: a key then says why nothing is saved (and is not taken by the
    // table's type-to-search).
    for (QAction* a : m_decisionActions) a->setEnabled(m_session->isOpen());
    if (m_session->isOpen() && m_session->isReadOnly()) {
        m_message->setText(tr("Read-only workspace: decisions cannot be saved."));
    }
}

}  // namespace ladder::ui
