// The Sources pane: every source of the workspace (its answers and the prompts they cover), and
// "Generate Answers…" — a model (a run of this workspace, or a model folder) answers the
// workspace's prompts and its answers become a new source, ready to be a rung of a ladder; what
// `ladder-cli generate-source` does, followed here with progress and ETA, stopped between batches
// and continued by generating again with the same settings. Import Answers (a dialog, or files
// dropped on the window) and Build Pairs (the ladder editor and the preflight report) bring a
// study's data in without the CLI.
#pragma once

#include <QStringList>
#include <QWidget>

#include "ui/bridge/source_generation_job.h"

class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace ladder::ui {

class BuildPairsDialog;
class DataBridge;
class ImportDialog;
class WorkspaceSession;

class SourcesPane final : public QWidget {
    Q_OBJECT
public:
    explicit SourcesPane(WorkspaceSession* session, QWidget* parent = nullptr);
    ~SourcesPane() override;  // its dialogs go first: they use the data bridge

    // Starts generating into the open workspace (the request's path is filled in here); false
    // with *error when it cannot start.
    bool generate(GenerationRequest request, QString* error);
    void stopGeneration();
    void reload();
    // Non-modal dialogs, deleted when closed; a file given is read at once.
    ImportDialog* openImportDialog(const QString& file = {});
    BuildPairsDialog* openBuildPairsDialog();
    // Files dropped on the window: an import dialog for each.
    void importFiles(const QStringList& files);

    [[nodiscard]] SourceGenerationJob* job() const { return m_job; }
    [[nodiscard]] QStandardItemModel* tableModel() const { return m_model; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    void openGenerateDialog();
    void updateButtons();

    WorkspaceSession* m_session;
    SourceGenerationJob* m_job = nullptr;
    QStandardItemModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    DataBridge* m_data = nullptr;
    int m_lengthsGeneration = 0;  // a reload since a lengths read started: its answer is dropped
    QPushButton* m_import = nullptr;
    QPushButton* m_buildPairs = nullptr;
    QPushButton* m_generate = nullptr;
    QPushButton* m_stop = nullptr;
    QLabel* m_status = nullptr;
};

}  // namespace ladder::ui
