#include "ui/bridge/workspace_session.h"

#include "core/common/log.h"
#include "core/store/schema.h"

namespace ladder::ui {

WorkspaceSession::WorkspaceSession(QObject* parent) : QObject(parent) {}
WorkspaceSession::~WorkspaceSession() = default;

bool WorkspaceSession::open(const QString& path, bool readOnly, QString* error) {
    try {
        auto ws = std::make_unique<store::Workspace>(store::Workspace::open(
            path.toStdString(), store::OpenOptions{.readOnly = readOnly}));
        close();
        m_workspace = std::move(ws);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        log::get("ui")->warn("{}", e.what());
        return false;
    }
    log::get("ui")->info("opened {}{}", path.toStdString(), readOnly ? " (read-only)" : "");
    Q_EMIT opened(path);
    return true;
}

bool WorkspaceSession::create(const QString& path, bool overwrite, QString* error) {
    try {
        auto ws = std::make_unique<store::Workspace>(
            store::Workspace::create(path.toStdString(), overwrite));
        close();
        m_workspace = std::move(ws);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        log::get("ui")->warn("{}", e.what());
        return false;
    }
    Q_EMIT opened(path);
    return true;
}

void WorkspaceSession::close() {
    if (!m_workspace) return;
    Q_EMIT aboutToClose();
    m_workspace.reset();
    Q_EMIT closed();
}

bool WorkspaceSession::isReadOnly() const { return m_workspace && m_workspace->readOnly(); }

QString WorkspaceSession::path() const {
    return m_workspace ? QString::fromStdString(m_workspace->path().string()) : QString();
}

std::optional<store::WorkspaceSummary> WorkspaceSession::summary() {
    if (!m_workspace) return std::nullopt;
    try {
        return m_workspace->summary();
    } catch (const std::exception& e) {
        log::get("ui")->warn("cannot read the workspace summary: {}", e.what());
        return std::nullopt;
    }
}

int WorkspaceSession::latestSchemaVersion() { return store::latestSchemaVersion(); }

}  // namespace ladder::ui
