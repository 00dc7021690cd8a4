#include "ui/bridge/workspace_backups.h"

#include <QFileInfo>
#include <QMetaObject>

#include "core/common/clock.h"
#include "core/common/log.h"
#include "core/store/backup.h"
#include "core/store/recovery.h"
#include "ui/bridge/workspace_session.h"

namespace ladder::ui {

WorkspaceBackups::WorkspaceBackups(WorkspaceSession* session, QObject* parent)
    : QObject(parent), m_session(session) {
    m_timer.setInterval(m_interval);
    connect(&m_timer, &QTimer::timeout, this, [this] { backupNow(); });
    connect(m_session, &WorkspaceSession::opened, this, &WorkspaceBackups::onOpened);
    connect(m_session, &WorkspaceSession::closed, this, [this] {
        m_timer.stop();
        m_lastStamp.clear();
    });
}

WorkspaceBackups::~WorkspaceBackups() { wait(); }

void WorkspaceBackups::setInterval(std::chrono::milliseconds interval) {
    m_interval = interval;
    m_timer.setInterval(interval);
}

void WorkspaceBackups::wait() {
    if (m_thread.joinable()) m_thread.join();
}

QString WorkspaceBackups::changeStamp(const QString& path) const {
    // stat() only: never a descriptor of the workspace's files (workspace_files.h says why).
    const QFileInfo file(path);
    const QFileInfo wal(path + "-wal");
    return QStringLiteral("%1 %2 %3 %4")
        .arg(file.size())
        .arg(file.lastModified().toMSecsSinceEpoch())
        .arg(wal.exists() ? wal.size() : -1)
        .arg(wal.exists() ? wal.lastModified().toMSecsSinceEpoch() : -1);
}

void WorkspaceBackups::onOpened() {
    m_lastStamp.clear();
    if (!m_session->isOpen() || m_session->isReadOnly()) return;
    const QString path = m_session->path();
    const auto backups = store::listBackups(path.toStdString());
    const double intervalSeconds = std::chrono::duration<double>(m_interval).count();
    const bool due = backups.empty() ||
                     clock::nowSeconds() - backups.front().takenAtSeconds >= intervalSeconds;
    start(path, due);
    m_timer.start();
}

bool WorkspaceBackups::backupNow(bool evenIfUnchanged) {
    if (!m_session->isOpen() || m_session->isReadOnly() || m_busy) return false;
    const QString path = m_session->path();
    if (!evenIfUnchanged && !m_lastStamp.isEmpty() && changeStamp(path) == m_lastStamp) return false;
    start(path, /*backup=*/true);
    return true;
}

void WorkspaceBackups::start(const QString& path, bool backup) {
    if (m_busy.exchange(true)) return;
    wait();  // the previous job's thread has ended (m_busy was false) but is not joined yet
    const QString stamp = changeStamp(path);
    m_thread = std::thread([this, path, backup, stamp] {
        QString file, error, damage;
        try {
            const std::string check = store::checkIntegrity(path.toStdString(), /*quick=*/true);
            if (check != "ok") {
                damage = QString::fromStdString(check);
            } else if (backup) {
                file = QString::fromStdString(store::makeBackup(path.toStdString()).string());
            }
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(this, [this, path, file, error, damage, stamp] {
            m_busy = false;
            if (!damage.isEmpty()) {
                log::get("ui")->error("{} is damaged: {}", path.toStdString(), damage.toStdString());
                Q_EMIT damaged(path, damage);
            } else if (!error.isEmpty()) {
                log::get("ui")->warn("backup of {} failed: {}", path.toStdString(), error.toStdString());
                Q_EMIT failed(error);
            } else if (!file.isEmpty()) {
                m_lastStamp = stamp;
                Q_EMIT backedUp(file);
            }
        }, Qt::QueuedConnection);
    });
}

bool WorkspaceBackups::looksDamaged(const QString& openError) {
    return store::looksDamaged(openError.toStdString());
}

std::optional<WorkspaceBackups::Backup> WorkspaceBackups::newestGoodBackup(const QString& path) {
    try {
        for (const auto& b : store::listBackups(path.toStdString())) {
            if (store::checkIntegrity(b.file) == "ok") {
                return Backup{QString::fromStdString(b.file.string()),
                              QString::fromStdString(b.takenAt).replace('T', ' ').remove('Z')};
            }
        }
    } catch (const std::exception& e) {
        log::get("ui")->warn("cannot list the backups of {}: {}", path.toStdString(), e.what());
    }
    return std::nullopt;
}

bool WorkspaceBackups::recover(const QString& path, const std::optional<Backup>& backup, QString* report,
                               QString* error) {
    try {
        store::RecoveryOptions options;
        options.mode = backup ? store::RecoveryMode::Backup : store::RecoveryMode::Salvage;
        if (backup) options.backup = backup->file.toStdString();
        options.evenIfIntact = true;  // the check that found the damage may have been SQLite's
        const auto done = store::recoverWorkspace(path.toStdString(), options);
        if (report) *report = QString::fromStdString(done.text());
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

}  // namespace ladder::ui
