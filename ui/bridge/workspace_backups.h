// Keeps the open workspace safe while the window has it: on opening, a quick integrity check and,
// when the newest backup is older than the interval, a rolling backup (core/store/backup.h); then
// a backup every interval while the file changes. Both run on a thread of their own with their
// own SQLite connections, so the window never waits. A damaged file is reported (damaged()) and
// never backed up, so that it cannot push the good backups out.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include <QObject>
#include <QString>
#include <QTimer>

namespace ladder::ui {

class WorkspaceSession;

class WorkspaceBackups : public QObject {
    Q_OBJECT
public:
    // --- recovery of a damaged file (the window offers it when one will not open) ---
    // Whether an open error says the file is damaged (rather than absent, locked or newer).
    [[nodiscard]] static bool looksDamaged(const QString& openError);
    struct Backup {
        QString file;
        QString takenAt;  // "2026-12-03 14:00:05" (UTC)
    };
    // The newest backup of the file that passes SQLite's integrity check.
    [[nodiscard]] static std::optional<Backup> newestGoodBackup(const QString& path);
    // Restores `backup` (or, without one, salvages every row SQLite can read), keeping the damaged
    // file beside it; *report says what was lost. False with *error when it could not.
    static bool recover(const QString& path, const std::optional<Backup>& backup, QString* report,
                        QString* error);

    explicit WorkspaceBackups(WorkspaceSession* session, QObject* parent = nullptr);
    ~WorkspaceBackups() override;

    // One hour by default; tests make it short.
    void setInterval(std::chrono::milliseconds interval);
    // Checks and backs up now (unless a job runs, the workspace is read-only or unchanged since
    // the last backup; `evenIfUnchanged` makes one anyway). False when nothing was started.
    bool backupNow(bool evenIfUnchanged = false);
    [[nodiscard]] bool isBusy() const { return m_busy.load(); }
    // Waits for a running job (the window's close, tests).
    void wait();

Q_SIGNALS:
    void backedUp(const QString& file);
    void failed(const QString& message);
    // The integrity check found damage; `report` is SQLite's.
    void damaged(const QString& path, const QString& report);

private:
    void onOpened();
    void start(const QString& path, bool backup);
    // Size and modification times of the file and its WAL: what changes when anyone writes.
    [[nodiscard]] QString changeStamp(const QString& path) const;

    WorkspaceSession* m_session;
    QTimer m_timer;
    std::chrono::milliseconds m_interval{std::chrono::hours(1)};
    std::thread m_thread;
    std::atomic<bool> m_busy{false};
    QString m_lastStamp;  // changeStamp() at the last backup
};

}  // namespace ladder::ui
