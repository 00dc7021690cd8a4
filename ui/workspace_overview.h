// The Overview pane: what the open workspace holds (datasets, pairs, runs, ...) and where its files
// are; a short "how to start" when nothing is open. Follows changes made by ladder-cli too.
#pragma once

#include <QWidget>

class QFormLayout;
class QLabel;
class QTimer;

namespace ladder::ui {

class WorkspaceSession;

class WorkspaceOverview final : public QWidget {
    Q_OBJECT
public:
    explicit WorkspaceOverview(WorkspaceSession* session, QWidget* parent = nullptr);

    void refresh();

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    WorkspaceSession* m_session;
    QLabel* m_title = nullptr;
    QLabel* m_hint = nullptr;
    QWidget* m_details = nullptr;
    QFormLayout* m_form = nullptr;
    QTimer* m_poll = nullptr;
};

}  // namespace ladder::ui
