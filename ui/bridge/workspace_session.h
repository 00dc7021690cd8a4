// The window's handle on the open workspace: one GUI-thread connection (WAL reads never wait on the
// trainer's writes) and signals that tell the panes when the workspace or its contents change.
#pragma once

#include <memory>
#include <optional>

#include <QObject>
#include <QString>

#include "core/store/workspace.h"

namespace ladder::ui {

class WorkspaceSession : public QObject {
    Q_OBJECT
public:
    explicit WorkspaceSession(QObject* parent = nullptr);
    ~WorkspaceSession() override;

    // Each returns false and sets *error (the core message: file, cause, what to do) on failure,
    // leaving the previous workspace open.
    bool open(const QString& path, bool readOnly, QString* error);
    bool create(const QString& path, bool overwrite, QString* error);
    void close();

    [[nodiscard]] bool isOpen() const { return m_workspace != nullptr; }
    [[nodiscard]] bool isReadOnly() const;
    [[nodiscard]] QString path() const;
    // The GUI thread's connection; nullptr when nothing is open. Panes use it only through core
    // functions (no raw SQL in widgets).
    [[nodiscard]] store::Workspace* workspace() { return m_workspace.get(); }
    [[nodiscard]] std::optional<store::WorkspaceSummary> summary();
    // The schema version this build writes (About).
    [[nodiscard]] static int latestSchemaVersion();

    // Tell the other panes that the workspace's contents changed (import, annotation, new run).
    void notifyChanged() { Q_EMIT contentsChanged(); }

Q_SIGNALS:
    void opened(const QString& path);
    void aboutToClose();
    void closed();
    void contentsChanged();

private:
    std::unique_ptr<store::Workspace> m_workspace;
};

}  // namespace ladder::ui
