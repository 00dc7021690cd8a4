#include "core/store/run_liveness.h"

#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "core/common/clock.h"
#include "core/store/owner_lock.h"

namespace ladder::store {

const char* toString(Liveness liveness) {
    switch (liveness) {
        case Liveness::Ended: return "ended";
        case Liveness::Live: return "live";
        case Liveness::Quiet: return "quiet";
        case Liveness::Stale: return "stale";
    }
    return "unknown";
}

double heartbeatAgeSeconds(const RunRecord& run, double now) {
    for (const std::optional<std::string>& stamp :
         {run.heartbeatAt, run.startedAt, std::optional<std::string>(run.createdAt)}) {
        if (!stamp) continue;
        const double t = clock::parseIso(*stamp);
        if (t >= 0) return now - t;
    }
    return -1;
}

Liveness runLiveness(const RunRecord& run, double now, const std::string& thisHost,
                     const std::function<bool(std::int64_t)>& pidAlive,
                     std::optional<bool> lockHeld, const LivenessRules& rules) {
    if (!isActive(run.status)) return Liveness::Ended;
    const double age = heartbeatAgeSeconds(run, now);
    const bool sameHost = !run.host.empty() && run.host == thisHost;
    // The run's process takes its lock before it records its host (at its first step).
    if (lockHeld && (sameHost || run.host.empty())) {
        if (!*lockHeld) return Liveness::Stale;
        return age >= 0 && age > rules.quietAfterSeconds ? Liveness::Quiet : Liveness::Live;
    }
    // A process that never started (queued by someone, no pid) can only be judged by its age.
    if (run.pid && sameHost) {
        if (!pidAlive(*run.pid)) return Liveness::Stale;
        return age >= 0 && age > rules.quietAfterSeconds ? Liveness::Quiet : Liveness::Live;
    }
    if (age < 0 || age <= rules.quietAfterSeconds) return Liveness::Live;
    return age > rules.otherHostStaleSeconds ? Liveness::Stale : Liveness::Quiet;
}

Liveness runLiveness(const RunRecord& run, const std::filesystem::path& workspace) {
    static const std::string host = hostName();
    const std::optional<bool> held =
        isActive(run.status) ? lockHeld(runLockFile(workspace, run.id)) : std::nullopt;
    return runLiveness(
        run, clock::nowSeconds(), host,
        [](std::int64_t pid) {
            // EPERM: the process exists but belongs to someone else.
            return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
        },
        held);
}

bool askProcessToStop(const RunRecord& run) {
    if (!run.pid || *run.pid <= 0 || *run.pid == ::getpid() || run.host != hostName()) return false;
    if (!isActive(run.status)) return false;
    return ::kill(static_cast<pid_t>(*run.pid), SIGINT) == 0;
}

double runDurationSeconds(const RunRecord& run, double now, bool stillTraining) {
    if (!run.startedAt) return -1;
    const double start = clock::parseIso(*run.startedAt);
    if (start < 0) return -1;
    double end = -1;
    if (run.endedAt) {
        end = clock::parseIso(*run.endedAt);
    } else if (stillTraining) {
        end = now;
    } else if (run.heartbeatAt) {
        end = clock::parseIso(*run.heartbeatAt);
    }
    return end >= start ? end - start : -1;
}

double estimateSecondsLeft(const RunRecord& run, double now) {
    if (!isActive(run.status) || run.lastStep <= 0 || run.totalSteps <= run.lastStep) return -1;
    const double took = runDurationSeconds(run, now, /*stillTraining=*/false);
    if (took <= 0) return -1;
    return took / static_cast<double>(run.lastStep) * static_cast<double>(run.totalSteps - run.lastStep);
}

}  // namespace ladder::store
