// Studies for the window: the open workspace's studies and their tables (read on the GUI thread's
// connection), and a study run on a thread of its own (StudyJob), its events drained by a timer
// into signals, as RunQueue does for single runs. Stopping writes a checkpoint; `ladder-cli study
// run` or the window's Run Study continues the study later.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <QObject>
#include <QString>
#include <QStringList>

#include "core/study/study_runner.h"
#include "core/study/study_table.h"

class QTimer;

namespace ladder::ui {

class WorkspaceSession;

// Names of the workspace's studies, oldest first; empty when none is open.
[[nodiscard]] QStringList studyNames(WorkspaceSession* session);
// The table of a study; nullopt with *error when it cannot be read.
[[nodiscard]] std::optional<study::StudyTable> studyTable(WorkspaceSession* session,
                                                          const QString& name, QString* error);
// The table as CSV (study::studyTableCsv) into a file; false with *error when it cannot be written.
bool writeStudyCsv(const study::StudyTable& table, const QString& path, QString* error);

class StudyJob final : public QObject {
    Q_OBJECT
public:
    explicit StudyJob(QObject* parent = nullptr);
    ~StudyJob() override;  // stops the run in progress (a checkpoint) and waits

    // Reads the study file (its mistakes are reported here, before anything runs) and starts it.
    bool start(const QString& workspacePath, const QString& studyFile, QString* error);
    void stop();
    [[nodiscard]] bool isRunning() const { return m_thread.joinable(); }
    [[nodiscard]] QString studyName() const { return m_name; }
    // The latest progress line ("[3/24] dpo uniform, seed 0: step 40/200 · study ETA 12m").
    [[nodiscard]] QString progressText() const { return m_progress; }

    // The timer's work, public for tests.
    void drain();

Q_SIGNALS:
    void progress(const QString& text);
    void runEnded();                        // a run of the study finished, failed or stopped
    void finished(const QString& summary);  // the study ended: done, stopped or failed

private:
    struct Item {
        study::StudyEventKind kind;
        QString text;
    };
    void post(study::StudyEventKind kind, const QString& text);

    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_done{false};
    std::mutex m_mutex;
    std::deque<Item> m_items;
    QString m_summary;  // set by the thread before m_done
    QString m_name;
    QString m_progress;
    QTimer* m_timer = nullptr;
};

}  // namespace ladder::ui
