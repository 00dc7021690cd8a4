// The study's scheduler: a small loop over training jobs, each point's run linked to it in the
// workspace as soon as the run has an id.
#include "core/study/study_runner.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/store/owner_lock.h"
#include "core/store/run_liveness.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/study/study_store.h"
#include "core/train/training_job.h"

namespace ladder::study {
namespace {

enum class State { Pending, Active, Done, Failed, Skipped };

struct PointState {
    State state = State::Pending;
    std::int64_t runId = 0;  // linked run; 0: none yet
};

struct ActiveRun {
    std::size_t point = 0;
    std::unique_ptr<train::TrainingJob> job;
    std::chrono::steady_clock::time_point started;
    bool linked = false;
};

}  // namespace

std::string progressLabel(const StudyEvent& e) {
    const int current = e.done + (e.kind == StudyEventKind::RunFinished ? 0 : 1);
    std::string label = "[";  // appended: GCC 12 warns (falsely) on "[" + std::string
    label += std::to_string(current);
    label += '/';
    label += std::to_string(e.total);
    label += "] ";
    label += pointLabel(*e.point);
    return label;
}

StudyOutcome runStudy(const std::string& workspacePath, const StudySpec& spec,
                      const StudyOptions& options,
                      const std::function<void(const StudyEvent&)>& onEvent,
                      const std::atomic<bool>& stopRequested) {
    auto workspace = store::Workspace::open(workspacePath);
    StudyStore studies(workspace.db());
    store::RunStore runs(workspace.db());
    StudyOutcome outcome;
    outcome.studyId = studies.open(spec);
    outcome.total = static_cast<int>(spec.points.size());
    // One runner per study: a window and a `ladder-cli study run` on the same study would both
    // start its pending points.
    const auto lock =
        store::OwnerLock::tryAcquire(studyLockFile(workspace.path(), outcome.studyId));
    if (!lock.held()) {
        throw Error("study '" + spec.name +
                    "' is being run by another process (a window or a "
                    "`ladder-cli study run`): wait for it, or stop it there, then run it again");
    }

    // Where each point stands: a finished run, a run to resume, or nothing yet. Parents come
    // first, so a run's parent is known when the run is looked at.
    const auto linked = studies.runs(outcome.studyId);
    std::vector<PointState> states(spec.points.size());
    std::map<std::string, std::size_t> indexOf;
    for (std::size_t i = 0; i < spec.points.size(); ++i) {
        const auto& point = spec.points[i];
        indexOf[point.key] = i;
        // The run this point's run starts from: a run that started from another (a parent deleted
        // and trained again) is not this point's run.
        const std::optional<std::int64_t> parentRun =
            point.parentKey.empty() ? std::nullopt
                                    : std::optional(states[indexOf.at(point.parentKey)].runId);
        auto fits = [&](const store::RunRecord& run) {
            return point.parentKey.empty() ? !run.parentRunId
                                           : run.parentRunId && *run.parentRunId == *parentRun;
        };
        std::optional<store::RunRecord> run;
        if (const auto it = linked.find(point.key); it != linked.end()) {
            run = runs.find(it->second);
            if (run && !fits(*run)) {
                log::get("study")->warn(
                    "study '{}': run {} ({}) started from run {}, not from its "
                    "parent now: trained again",
                    spec.name, run->id, run->name, run->parentRunId.value_or(0));
                run.reset();
            }
            if (!run) studies.unlink(outcome.studyId, point.key);
        }
        if (!run) {
            // A run made by a `study run` killed before it could link it.
            if (const auto orphan = studies.unlinkedRunNamed(point.config.name)) {
                run = runs.find(*orphan);
                if (run && fits(*run)) {
                    studies.link(outcome.studyId, point.key, run->id);
                } else {
                    run.reset();
                }
            }
        }
        if (!run) continue;
        states[i].runId = run->id;
        if (run->status == store::RunStatus::Finished) {
            states[i].state = State::Done;
            continue;
        }
        const auto liveness = store::runLiveness(*run, workspace.path());
        if (liveness == store::Liveness::Live || liveness == store::Liveness::Quiet) {
            throw Error("run " + std::to_string(run->id) + " (" + run->name + ") of study '" +
                        spec.name + "' is being trained by another process" +
                        (run->pid ? " (pid " + std::to_string(*run->pid) + ")" : std::string()) +
                        ": wait for it or stop it, then run the study again");
        }
    }

    const int parallel = std::max(1, options.parallel > 0 ? options.parallel : spec.parallel);
    std::vector<ActiveRun> active;
    double secondsDone = 0;  // of runs finished in this session, for the ETA
    int doneHere = 0;
    bool stopSent = false;

    auto count = [&](State s) {
        int n = 0;
        for (const auto& p : states) n += p.state == s;
        return n;
    };
    auto event = [&](StudyEventKind kind, std::size_t i, const std::string& message,
                     const train::TrainingEvent* training = nullptr) {
        StudyEvent e;
        e.kind = kind;
        e.point = &spec.points[i];
        e.runId = states[i].runId;
        e.message = message;
        e.training = training;
        e.done = count(State::Done);
        e.total = outcome.total;
        const int left = count(State::Pending) + count(State::Active);
        if (doneHere > 0) e.etaSeconds = secondsDone / doneHere * left / parallel;
        if (onEvent) onEvent(e);
    };

    auto stopIfAsked = [&] {
        if (!stopRequested || stopSent) return;
        for (auto& a : active) a.job->stop();
        stopSent = true;
    };
    while (true) {
        stopIfAsked();
        // Start what can start: parents first (they come first), a run once its parent finished.
        for (std::size_t i = 0;
             !stopSent && i < spec.points.size() && static_cast<int>(active.size()) < parallel;
             ++i) {
            if (states[i].state != State::Pending) continue;
            const auto& point = spec.points[i];
            train::JobRequest request;
            request.workspacePath = workspacePath;
            request.judgeProgramApproved = options.judgeProgramApproved;
            request.withoutWinRate = options.withoutWinRate;
            if (!point.parentKey.empty()) {
                const auto& parent = states[indexOf.at(point.parentKey)];
                if (parent.state == State::Failed || parent.state == State::Skipped) {
                    states[i].state = State::Skipped;
                    event(StudyEventKind::RunSkipped, i, "its parent run did not finish");
                    continue;
                }
                if (parent.state != State::Done) continue;
                request.config = point.config;
                request.config.model.runId = parent.runId;
                request.config.model.checkpointStep = -1;
            } else {
                request.config = point.config;
            }
            if (states[i].runId > 0) request.resumeRunId = states[i].runId;
            ActiveRun run{i, std::make_unique<train::TrainingJob>(request),
                          std::chrono::steady_clock::now(), states[i].runId > 0};
            run.job->start();
            states[i].state = State::Active;
            event(StudyEventKind::RunStarted, i, states[i].runId > 0 ? "resumed" : "started");
            active.push_back(std::move(run));
        }
        if (active.empty()) break;

        // Every job's events without waiting, then one short wait: a busy run never keeps
        // another's end (and the start of the next run) waiting.
        bool any = false;
        for (std::size_t a = 0; a < active.size();) {
            auto& run = active[a];
            const std::size_t i = run.point;
            auto linkRun = [&](std::int64_t runId) {
                if (run.linked || runId <= 0) return;
                states[i].runId = runId;
                studies.link(outcome.studyId, spec.points[i].key, runId);
                run.linked = true;
            };
            linkRun(run.job->runId());
            bool ended = false;
            for (int popped = 0; popped < 256; ++popped) {  // then the next job's turn
                auto e = run.job->events().pop(std::chrono::milliseconds(0));
                if (!e) break;
                any = true;
                linkRun(e->runId);
                event(StudyEventKind::Training, i, {}, &*e);
                stopIfAsked();  // a run sends events faster than they are read: asked, stop now
                if (!e->isTerminal()) continue;
                ended = true;
                if (e->kind == train::EventKind::Finished) {
                    states[i].state = State::Done;
                    secondsDone += std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                                 run.started)
                                       .count();
                    ++doneHere;
                    event(StudyEventKind::RunFinished, i, e->message);
                } else if (e->kind == train::EventKind::Stopped) {
                    states[i].state = State::Pending;
                    event(StudyEventKind::RunStopped, i, e->message);
                } else {
                    states[i].state = State::Failed;
                    event(StudyEventKind::RunFailed, i, e->message);
                }
                break;
            }
            if (!ended && !run.job->isRunning() && run.job->events().size() == 0) {
                // The worker ended without a last event (it never does; kept from hanging).
                states[i].state = State::Failed;
                event(StudyEventKind::RunFailed, i, "the training thread ended without a result");
                ended = true;
            }
            if (ended) {
                run.job->wait();
                active.erase(active.begin() + static_cast<std::ptrdiff_t>(a));
            } else {
                ++a;
            }
        }
        if (!any && !active.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }

    outcome.finished = count(State::Done);
    outcome.failed = count(State::Failed);
    outcome.skipped = count(State::Skipped);
    outcome.stopped = stopSent && count(State::Pending) > 0;
    return outcome;
}

}  // namespace ladder::study
