#include "ui/bridge/run_queue.h"

#include <algorithm>
#include <thread>

#include <QFileInfo>
#include <QTimer>

#include "core/common/log.h"

namespace ladder::ui {

namespace {
constexpr int kDrainMs = 50;
}

RunQueue::RunQueue(QObject* parent) : QObject(parent) {
    setObjectName("runQueue");
    m_timer = new QTimer(this);
    m_timer->setInterval(kDrainMs);
    connect(m_timer, &QTimer::timeout, this, &RunQueue::drain);
}

RunQueue::~RunQueue() {
    m_pending.clear();
    m_job.reset();  // stops (with a checkpoint) and joins
}

int RunQueue::defaultThreads() {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, cores - 1);
}

int RunQueue::enqueue(train::JobRequest request) {
    if (request.resumeRunId == 0 && request.config.threads == 0) {
        request.config.threads = defaultThreads();
    }
    const int ticket = m_nextTicket++;
    m_pending.push_back({ticket, std::move(request)});
    if (!m_job) startNext();
    Q_EMIT queueChanged();
    return ticket;
}

bool RunQueue::cancelPending(int ticket) {
    const auto it = std::find_if(m_pending.begin(), m_pending.end(),
                                 [ticket](const Pending& p) { return p.ticket == ticket; });
    if (it == m_pending.end()) return false;
    m_pending.erase(it);
    Q_EMIT queueChanged();
    return true;
}

QString RunQueue::activeWorkspace() const {
    return m_job ? QString::fromStdString(m_job->request().workspacePath) : QString();
}

std::int64_t RunQueue::activeRunId() const { return m_job ? m_job->runId() : 0; }

bool RunQueue::isTraining(const QString& workspace, std::int64_t runId) const {
    if (!m_job || runId <= 0 || m_job->runId() != runId) return false;
    return QFileInfo(workspace).canonicalFilePath() ==
           QFileInfo(activeWorkspace()).canonicalFilePath();
}

std::optional<RunProgress> RunQueue::progress(std::int64_t runId) const {
    const auto it = m_progress.find(runId);
    if (it == m_progress.end()) return std::nullopt;
    return it->second;
}

bool RunQueue::stop(std::int64_t runId) {
    if (!m_job || m_job->runId() != runId) return false;
    m_job->stop();
    return true;
}

bool RunQueue::pause(std::int64_t runId) {
    if (!m_job || m_job->runId() != runId) return false;
    m_job->pause();
    return true;
}

bool RunQueue::resume(std::int64_t runId) {
    if (!m_job || m_job->runId() != runId) return false;
    m_job->resume();
    return true;
}

bool RunQueue::checkpointNow(std::int64_t runId) {
    if (!m_job || m_job->runId() != runId) return false;
    m_job->checkpointNow();
    return true;
}

void RunQueue::stopAll() {
    m_pending.clear();
    if (m_job) m_job->stop();
    Q_EMIT queueChanged();
}

void RunQueue::startNext() {
    if (m_job || m_pending.empty()) {
        if (!m_job) m_timer->stop();
        return;
    }
    Pending next = std::move(m_pending.front());
    m_pending.erase(m_pending.begin());
    m_recent.clear();
    m_job = std::make_unique<train::TrainingJob>(std::move(next.request));
    m_job->start();
    m_timer->start();
}

void RunQueue::drain() {
    if (!m_job) return;
    // Read "still running" before draining: a job that ended has queued its last event by then.
    const bool ended = !m_job->isRunning();
    std::vector<train::TrainingEvent> events = m_job->events().drain();
    for (const auto& e : events) {
        if (e.runId <= 0) continue;
        RunProgress& p = m_progress[e.runId];
        p.step = e.step;
        p.totalSteps = e.totalSteps;
        p.elapsedSeconds = e.elapsedSeconds;
        p.etaSeconds = e.etaSeconds;
        if (e.kind == train::EventKind::Message) p.message = QString::fromStdString(e.message);
        if (e.kind == train::EventKind::Started || e.kind == train::EventKind::Step) p.message.clear();
        if (e.kind == train::EventKind::Paused) p.paused = true;
        if (e.kind == train::EventKind::Resumed) p.paused = false;
        if (e.kind == train::EventKind::Step || e.kind == train::EventKind::Eval) {
            m_recent.push_back(e);
            if (m_recent.size() > kRecentEvents) m_recent.pop_front();
        }
    }
    if (!events.empty()) Q_EMIT eventsArrived(events);
    for (const auto& e : events) {
        if (!e.isTerminal()) continue;
        m_progress.erase(e.runId);
        if (e.kind == train::EventKind::Failed) {
            log::get("ui")->warn("run {} failed: {}", e.runId, e.message);
        }
        Q_EMIT runEnded(e.runId, e.kind, QString::fromStdString(e.message));
    }
    if (ended) {
        m_job->wait();
        m_job.reset();
        startNext();
        Q_EMIT queueChanged();
    }
}

}  // namespace ladder::ui
