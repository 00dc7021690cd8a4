// Runs and their checkpoints in the workspace: what a trainer records and what the runs list shows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/database.h"

namespace ladder::store {

enum class RunStatus { Queued, Running, Paused, Finished, Failed, Stopped };

[[nodiscard]] const char* toString(RunStatus status);
[[nodiscard]] RunStatus runStatusFromString(const std::string& s);  // throws ladder::Error
[[nodiscard]] bool isActive(RunStatus status);                      // queued, running or paused
[[nodiscard]] std::string hostName();  // this machine's, as markStarted records it

struct NewRun {
    std::string name;
    std::string method;      // "sft", "dpo", "slic", ...
    std::string configJson;  // the full run configuration, as `ladder-cli train --config` reads it
    std::int64_t seed = 0;
    std::string device;      // "cpu", "cuda:0"
    std::int64_t totalSteps = 0;
    std::optional<std::int64_t> parentRunId;  // the run whose checkpoint this one starts from
};

struct RunRecord {
    std::int64_t id = 0;
    std::string name;
    std::string method;
    RunStatus status = RunStatus::Queued;
    std::string configJson;
    std::int64_t seed = 0;
    std::string programVersion;
    std::string device;
    std::int64_t totalSteps = 0;
    std::int64_t lastStep = 0;
    std::string message;
    std::optional<std::int64_t> parentRunId;
    std::optional<std::int64_t> pid;
    std::string host;
    std::string createdAt;
    std::optional<std::string> startedAt;
    std::optional<std::string> endedAt;
    std::optional<std::string> heartbeatAt;
};

struct CheckpointRecord {
    std::int64_t id = 0;
    std::int64_t runId = 0;
    std::int64_t step = 0;
    std::string path;  // relative to the workspace's checkpoint folder
    std::string kind;  // "periodic", "final", "stop", "best"
    std::string createdAt;
};

class RunStore {
public:
    explicit RunStore(Database& db) : m_db(db) {}

    std::int64_t create(const NewRun& run);  // status queued, program version of this build
    [[nodiscard]] RunRecord get(std::int64_t id);  // throws when there is no such run
    [[nodiscard]] std::optional<RunRecord> find(std::int64_t id);
    [[nodiscard]] std::vector<RunRecord> list();   // newest first
    // The newest finished run of a method (its newest by end time), if any: what a preset's
    // model {"kind": "run", "run": 0} starts from.
    [[nodiscard]] std::optional<RunRecord> latestFinished(const std::string& method);

    // status running, with this process's pid and host, started_at now.
    void markStarted(std::int64_t id, std::int64_t totalSteps);
    void setStatus(std::int64_t id, RunStatus status, const std::string& message = {});
    // last_step and heartbeat_at; a follower calls a run whose heartbeat is old "stale".
    void heartbeat(std::int64_t id, std::int64_t step);
    // status finished / failed / stopped and ended_at now.
    void finish(std::int64_t id, RunStatus status, const std::string& message = {});
    void rename(std::int64_t id, const std::string& name);
    void remove(std::int64_t id);  // the run and everything recorded for it (not its files)

    std::int64_t addCheckpoint(std::int64_t runId, std::int64_t step, const std::string& path,
                               const std::string& kind);
    [[nodiscard]] std::vector<CheckpointRecord> checkpoints(std::int64_t runId);  // by step
    [[nodiscard]] std::optional<CheckpointRecord> latestCheckpoint(std::int64_t runId);
    void removeCheckpoint(std::int64_t checkpointId);

private:
    Database& m_db;
};

}  // namespace ladder::store
