// The Curriculum pane: the stored curricula, the stages of the one being edited as a table, and
// each tier's share of the batch over the steps as a chart that follows every edit (stage
// boundaries drag with the mouse). Problems show inline as they appear; Save stores the curriculum
// under its name, which is how a run picks it. Every edit can be undone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <QWidget>

#include "core/curriculum/curriculum.h"
#include "core/curriculum/presets.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QMenu;
class QSpinBox;
class QTableView;
class QTableWidget;
class QUndoStack;

namespace ladder::ui {

class CurriculaBridge;
class CurriculumChart;
class StageTableModel;
class WorkspaceSession;

class CurriculumEditor final : public QWidget {
    Q_OBJECT
public:
    explicit CurriculumEditor(WorkspaceSession* session, QWidget* parent = nullptr);
    ~CurriculumEditor() override;

    [[nodiscard]] const curriculum::Curriculum& curriculum() const { return m_curriculum; }
    [[nodiscard]] StageTableModel* model() const { return m_model; }
    [[nodiscard]] QTableView* table() const { return m_table; }
    [[nodiscard]] CurriculumChart* chart() const { return m_chart; }
    [[nodiscard]] QListWidget* storedList() const { return m_stored; }
    [[nodiscard]] QListWidget* messageList() const { return m_messages; }
    [[nodiscard]] QUndoStack* undoStack() const { return m_undo; }
    [[nodiscard]] CurriculaBridge* bridge() const { return m_bridge; }
    [[nodiscard]] bool isModified() const;

    // Loads a stored curriculum (forgetting the edits' history).
    bool open(const QString& name);
    // Opens a stored curriculum as a click in the list does: unsaved edits are first offered to
    // be saved, discarded, or kept (false, nothing opened).
    bool switchTo(const QString& name);
    // An undoable replacement of the curriculum being edited.
    void edit(const curriculum::Curriculum& next, const QString& what);
    // Makes a new curriculum from a preset ("easy-then-hard", "uniform", "single-tier" with the
    // tier) for the chosen ladder's tiers.
    void newFromPreset(const QString& preset, const QString& tier = {});
    // Stores under `name` (asking before replacing another stored curriculum when confirm).
    bool saveAs(const QString& name, bool confirm = true);
    bool save();
    bool removeStored(const QString& name, bool confirm = true);
    void setLadder(const QString& ladder);
    void setBatchSize(int batchSize);

    // The curriculum as the chart draws it: each stage's length in steps (epochs resolved with
    // the ladder's training pairs and the batch size), stages without a length left out.
    struct Preview {
        curriculum::Curriculum resolved;
        std::vector<int> stageIndex;             // editor's stage of each preview stage
        std::vector<std::int64_t> stepsOfStage;  // per editor stage; 0 when it has no length
    };
    [[nodiscard]] Preview preview() const;

private:
    void buildActions();
    void apply(const curriculum::Curriculum& c);
    void refreshView();
    void reloadWorkspace();
    void reloadStoredList();
    void reloadTiers();
    void addStage();
    void removeStage();
    void updateTitle();
    [[nodiscard]] std::vector<std::string> tierColumns() const;
    [[nodiscard]] curriculum::TierCounts tierCounts() const;

    WorkspaceSession* m_session;
    CurriculaBridge* m_bridge;
    QUndoStack* m_undo;
    curriculum::Curriculum m_curriculum;
    std::vector<curriculum::TierInfo> m_tiers;  // of the chosen ladder, easiest first
    int m_batchSize = 8;
    std::optional<curriculum::Curriculum> m_dragStart;

    StageTableModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    CurriculumChart* m_chart = nullptr;
    QListWidget* m_stored = nullptr;
    QListWidget* m_messages = nullptr;
    QTableWidget* m_tierTable = nullptr;  // a tier a row: name, pairs, rank gap
    QComboBox* m_ladder = nullptr;
    QSpinBox* m_batch = nullptr;
    QLineEdit* m_name = nullptr;
    QLabel* m_status = nullptr;
    QMenu* m_presetMenu = nullptr;
    QList<QAction*> m_writeActions;
};

}  // namespace ladder::ui
