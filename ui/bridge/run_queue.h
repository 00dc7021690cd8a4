// The window's training runs: a queue of run requests trained one after another, each on its
// TrainingJob's thread. A timer on the GUI thread drains the running job's events (about 20 Hz)
// and hands them to the panes as signals; no pane ever touches a job or its thread.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <QObject>
#include <QString>

#include "core/train/training_event.h"
#include "core/train/training_job.h"

class QTimer;

namespace ladder::ui {

// What the window knows of one of its own runs between two heartbeats in the file.
struct RunProgress {
    std::int64_t step = 0;
    std::int64_t totalSteps = 0;
    double elapsedSeconds = 0;
    double etaSeconds = -1;
    QString message;  // the last setup message ("reference log-probs: 120 / 400 pairs")
    bool paused = false;
};

class RunQueue final : public QObject {
    Q_OBJECT
public:
    struct Pending {
        int ticket = 0;
        train::JobRequest request;
    };

    explicit RunQueue(QObject* parent = nullptr);
    // Stops the running job (it writes a checkpoint first) and drops the pending ones.
    ~RunQueue() override;

    // LibTorch threads of a window run whose config says 0 (all cores): one core is left to the
    // GUI thread, so the window stays responsive while it trains.
    [[nodiscard]] static int defaultThreads();

    // Queues a run (or the resumption of one: request.resumeRunId); starts it when nothing runs.
    // Returns its ticket.
    int enqueue(train::JobRequest request);
    bool cancelPending(int ticket);
    [[nodiscard]] const std::vector<Pending>& pending() const { return m_pending; }

    [[nodiscard]] bool busy() const { return m_job != nullptr; }
    // The running job's workspace file and run id (0 while it sets up, before its row exists).
    [[nodiscard]] QString activeWorkspace() const;
    [[nodiscard]] std::int64_t activeRunId() const;
    // What the running job was asked to do (nullptr when nothing runs): known from the start, before
    // its run row exists.
    [[nodiscard]] const train::JobRequest* activeRequest() const {
        return m_job ? &m_job->request() : nullptr;
    }
    // True for the run this window is training now (in that workspace).
    [[nodiscard]] bool isTraining(const QString& workspace, std::int64_t runId) const;
    [[nodiscard]] std::optional<RunProgress> progress(std::int64_t runId) const;
    // The running job's latest Step and Eval events (at most kRecentEvents), so that a chart that
    // starts following it can fill the gap between the file's last write and now.
    [[nodiscard]] const std::deque<train::TrainingEvent>& recentEvents() const { return m_recent; }
    static constexpr std::size_t kRecentEvents = 2048;

    // Commands to the running job; false when runId is not the one training here.
    bool stop(std::int64_t runId);
    bool pause(std::int64_t runId);
    bool resume(std::int64_t runId);
    bool checkpointNow(std::int64_t runId);
    // Stops the running job and drops everything queued.
    void stopAll();

    // The timer's work, public for tests: forwards events, then starts the next run when the
    // running one has ended.
    void drain();

Q_SIGNALS:
    void queueChanged();
    // Every event drained in one tick, oldest first.
    void eventsArrived(const std::vector<ladder::train::TrainingEvent>& events);
    void runEnded(std::int64_t runId, ladder::train::EventKind how, const QString& message);

private:
    void startNext();

    std::vector<Pending> m_pending;
    std::unique_ptr<train::TrainingJob> m_job;
    std::map<std::int64_t, RunProgress> m_progress;
    std::deque<train::TrainingEvent> m_recent;
    QTimer* m_timer = nullptr;
    int m_nextTicket = 1;
};

}  // namespace ladder::ui
