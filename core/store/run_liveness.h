// Whether an active run (queued, running, paused) is still alive: its process writes a heartbeat
// while it trains, so a follower can tell a run that is working from one whose process died.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/store/runs.h"

namespace ladder::store {

enum class Liveness {
    Ended,  // finished, failed or stopped: nothing to follow
    Live,   // active with a recent heartbeat (or its process is known to be alive)
    Quiet,  // active, no heartbeat for a while, but its process may still be working (setup)
    Stale,  // active in the file, but its process is gone: it will never end by itself
};

[[nodiscard]] const char* toString(Liveness liveness);

struct LivenessRules {
    double quietAfterSeconds = 60;       // no heartbeat for this long: Quiet
    double otherHostStaleSeconds = 1800; // a run of another machine (its pid cannot be checked)
                                         // is Stale after this long without a heartbeat
};

// `now` in Unix seconds; pidAlive answers for a pid of this machine (thisHost); lockHeld is
// whether a process of this machine holds the run's lock (owner_lock.h), nullopt when the run has
// none. The lock decides where there is one: a pid may have been given to another program since.
[[nodiscard]] Liveness runLiveness(const RunRecord& run, double now, const std::string& thisHost,
                                   const std::function<bool(std::int64_t)>& pidAlive,
                                   std::optional<bool> lockHeld = std::nullopt,
                                   const LivenessRules& rules = {});
// The same for a run of the workspace file `workspace` on this machine: its lock, else
// kill(pid, 0). The window (stale runs) and `ladder-cli runs` both ask this.
[[nodiscard]] Liveness runLiveness(const RunRecord& run, const std::filesystem::path& workspace);

// Asks the process that trains a run on this machine (ladder-cli) to stop it as Ctrl+C would: it
// writes a checkpoint and marks the run stopped. False when the run belongs to another machine,
// to this very process, or its process is gone.
bool askProcessToStop(const RunRecord& run);

// Seconds since the run's last heartbeat (or its start, or its creation); -1 when unknown.
[[nodiscard]] double heartbeatAgeSeconds(const RunRecord& run, double now);

// Seconds the run has been going: started_at to ended_at (or to the heartbeat while it is active,
// or now for this process's own run); -1 when it never started.
[[nodiscard]] double runDurationSeconds(const RunRecord& run, double now, bool stillTraining);

// Estimated seconds left, from its steps so far and the time they took; -1 when unknown.
[[nodiscard]] double estimateSecondsLeft(const RunRecord& run, double now);

}  // namespace ladder::store
