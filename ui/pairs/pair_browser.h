// The Pairs pane: browse the workspace's pairs with filters and sorts, read one side by side with
// its differences marked, and decide with one key (1 keep, 2 flip, 3 tie, D discard, N note);
// each decision is saved at once and moves on to the next pair; Ctrl+Z undoes it.
#pragma once

#include <cstdint>
#include <vector>

#include <QWidget>

#include "core/pairs/pair_annotations.h"
#include "ui/bridge/pairs_bridge.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QResizeEvent;
class QSplitter;
class QTableView;
class QTimer;

namespace ladder::ui {

class PairDetailView;
class PairTableModel;
class WorkspaceSession;

class PairBrowser final : public QWidget {
    Q_OBJECT
public:
    explicit PairBrowser(WorkspaceSession* session, QWidget* parent = nullptr);

    [[nodiscard]] PairsBridge* bridge() const { return m_bridge; }
    [[nodiscard]] PairTableModel* model() const { return m_model; }
    [[nodiscard]] QTableView* table() const { return m_table; }
    [[nodiscard]] PairDetailView* detailView() const { return m_detail; }
    [[nodiscard]] std::int64_t currentPairId() const;
    [[nodiscard]] QLabel* countLabel() const { return m_count; }

    // Selects a listed pair (false when the filter hides it). While the list is being read, the
    // pair is selected once it arrives (true).
    bool selectPair(std::int64_t pairId);
    void selectRow(int row);

    // Decisions on the current pair (what the keys do).
    void decide(pairs::AnnotationStatus status);
    void editNote();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void buildActions();
    void reloadWorkspace();
    void reloadScopeLists();
    void refreshMarginRuns();
    void syncLearningToMarginRun();
    void applyFilter();
    void showCurrent();
    void moveBy(int delta);
    void updateCount();
    void updateEnabled();
    bool refuseReadOnly();  // true (and says so) when the workspace is read-only
    [[nodiscard]] pairs::PairFilter scopeFilter() const;

    WorkspaceSession* m_session;
    PairsBridge* m_bridge;
    PairTableModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    PairDetailView* m_detail = nullptr;
    QComboBox* m_scope = nullptr;
    QComboBox* m_tier = nullptr;
    QComboBox* m_source = nullptr;
    QComboBox* m_status = nullptr;
    QComboBox* m_judge = nullptr;
    QComboBox* m_split = nullptr;
    QComboBox* m_marginRun = nullptr;
    QLabel* m_marginLabel = nullptr;
    QComboBox* m_learning = nullptr;  // judged by the margin run's evaluations
    QLabel* m_learningLabel = nullptr;
    QLineEdit* m_search = nullptr;
    QTimer* m_searchDelay = nullptr;
    QLabel* m_count = nullptr;
    QLabel* m_message = nullptr;
    QSplitter* m_listAndPair = nullptr;  // side by side in a wide pane, the list above the pair
    std::vector<PairScope> m_scopes;
    std::int64_t m_totalInScope = 0;
    bool m_reloading = false;
    bool m_selfChange = false;     // our own annotation is being saved
    bool m_followChanges = false;
    std::int64_t m_pendingPair = 0;  // asked for while the list was being read  // an undo or redo is running: show the pair it touches
    QList<QAction*> m_decisionActions;
};

}  // namespace ladder::ui
