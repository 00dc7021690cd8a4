// The Sources pane: every source of the workspace (its answers and the prompts they cover), and
// "Generate Answers…" — a model (a run of this workspace, or a model folder) answers the
// workspace's prompts and its answers become a new source, ready to be a rung of a ladder; what
// `ladder-cli generate-source` does, followed here with progress and ETA, stopped between batches
// and continued by generating again with the same settings.
#pragma once

#include <QWidget>

#include "ui/bridge/source_generation_job.h"

class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace ladder::ui {

class WorkspaceSession;

class SourcesPane final : public QWidget {
    Q_OBJECT
public:
    explicit SourcesPane(WorkspaceSession* session, QWidget* parent = nullptr);

    // Starts generating into the open workspace (the request's path is filled in here); false
    // with *error when it cannot start.
    bool generate(GenerationRequest request, QString* error);
    void stopGeneration();
    void reload();

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
    QPushButton* m_generate = nullptr;
    QPushButton* m_stop = nullptr;
    QLabel* m_status = nullptr;
};

}  // namespace ladder::ui
