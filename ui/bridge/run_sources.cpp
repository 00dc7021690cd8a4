#include "ui/bridge/run_sources.h"

#include <QFileInfo>

#include "core/common/log.h"
#include "ui/bridge/workspace_session.h"

namespace ladder::ui {

RunSources::RunSources(WorkspaceSession* session, QObject* parent)
    : QObject(parent), m_session(session) {
    connect(m_session, &WorkspaceSession::opened, this, &RunSources::changed);
    connect(m_session, &WorkspaceSession::closed, this, &RunSources::changed);
}

RunSources::~RunSources() = default;

int RunSources::addWorkspace(const QString& file, QString* error) {
    const QString canonical = QFileInfo(file).canonicalFilePath();
    for (int s = 0; s < count(); ++s) {
        if (!canonical.isEmpty() && QFileInfo(path(s)).canonicalFilePath() == canonical) return s;
    }
    try {
        m_others.push_back(std::make_unique<store::Workspace>(
            store::Workspace::open(file.toStdString(), store::OpenOptions{.readOnly = true})));
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        log::get("ui")->warn("{}", e.what());
        return -1;
    }
    Q_EMIT changed();
    return count() - 1;
}

void RunSources::removeWorkspace(int source) {
    if (source < 1 || source >= count()) return;
    m_others.erase(m_others.begin() + (source - 1));
    Q_EMIT changed();
}

QString RunSources::path(int source) const {
    if (source == 0) return m_session->path();
    if (source < 1 || source >= count()) return {};
    return QString::fromStdString(m_others[static_cast<std::size_t>(source - 1)]->path().string());
}

QString RunSources::fileName(int source) const { return QFileInfo(path(source)).fileName(); }

store::Database* RunSources::db(int source) {
    if (source == 0) return m_session->workspace() ? &m_session->workspace()->db() : nullptr;
    if (source < 1 || source >= count()) return nullptr;
    return &m_others[static_cast<std::size_t>(source - 1)]->db();
}

}  // namespace ladder::ui
