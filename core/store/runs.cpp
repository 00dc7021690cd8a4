#include "core/store/runs.h"

#include <unistd.h>

#include <array>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/version.h"

namespace ladder::store {
namespace {

constexpr const char* kRunColumns =
    "id, name, method, status, config_json, seed, program_version, device, total_steps, last_step, "
    "message, parent_run_id, pid, host, created_at, started_at, ended_at, heartbeat_at";

RunRecord readRun(const Statement& s) {
    RunRecord r;
    r.id = s.int64(0);
    r.name = s.text(1);
    r.method = s.text(2);
    r.status = runStatusFromString(s.text(3));
    r.configJson = s.text(4);
    r.seed = s.int64(5);
    r.programVersion = s.text(6);
    r.device = s.text(7);
    r.totalSteps = s.int64(8);
    r.lastStep = s.int64(9);
    r.message = s.optText(10).value_or("");
    r.parentRunId = s.optInt64(11);
    r.pid = s.optInt64(12);
    r.host = s.optText(13).value_or("");
    r.createdAt = s.text(14);
    r.startedAt = s.optText(15);
    r.endedAt = s.optText(16);
    r.heartbeatAt = s.optText(17);
    return r;
}

}  // namespace

std::string hostName() {
    std::array<char, 256> buf{};
    if (::gethostname(buf.data(), buf.size() - 1) != 0) return {};
    return buf.data();
}

const char* toString(RunStatus status) {
    switch (status) {
        case RunStatus::Queued: return "queued";
        case RunStatus::Running: return "running";
        case RunStatus::Paused: return "paused";
        case RunStatus::Finished: return "finished";
        case RunStatus::Failed: return "failed";
        case RunStatus::Stopped: return "stopped";
    }
    return "unknown";
}

RunStatus runStatusFromString(const std::string& s) {
    for (RunStatus st : {RunStatus::Queued, RunStatus::Running, RunStatus::Paused,
                         RunStatus::Finished, RunStatus::Failed, RunStatus::Stopped}) {
        if (s == toString(st)) return st;
    }
    throw Error("unknown run status '" + s + "'");
}

bool isActive(RunStatus status) {
    return status == RunStatus::Queued || status == RunStatus::Running ||
           status == RunStatus::Paused;
}

std::int64_t RunStore::create(const NewRun& run) {
    m_db.prepare("INSERT INTO runs(name, method, status, config_json, seed, program_version, device, "
                 "total_steps, parent_run_id, created_at) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, run.name)
        .bind(2, run.method)
        .bind(3, run.configJson)
        .bind(4, run.seed)
        .bind(5, kVersion)
        .bind(6, run.device)
        .bind(7, run.totalSteps)
        .bind(8, run.parentRunId)
        .bind(9, clock::nowIso())
        .run();
    const std::int64_t id = m_db.lastInsertId();
    // Rows a crafted or damaged file left for this id (foreign keys off when they were written)
    // are not this run's: its checkpoints, metrics and samples start empty.
    for (const char* table : {"checkpoints", "metrics", "evals", "samples", "pair_margins",
                              "pair_margin_steps"}) {
        m_db.prepare(std::string("DELETE FROM ") + table + " WHERE run_id = ?").bind(1, id).run();
    }
    return id;
}

std::optional<RunRecord> RunStore::find(std::int64_t id) {
    auto s = m_db.prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readRun(s);
}

RunRecord RunStore::get(std::int64_t id) {
    auto r = find(id);
    if (!r) {
        throw Error("there is no run " + std::to_string(id) + " in " + m_db.path().string() +
                    " (`ladder-cli runs` lists them)");
    }
    return *r;
}

std::vector<RunRecord> RunStore::list() {
    auto s = m_db.prepare(std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id DESC");
    std::vector<RunRecord> out;
    while (s.step()) out.push_back(readRun(s));
    return out;
}

std::optional<RunRecord> RunStore::latestFinished(const std::string& method) {
    auto s = m_db.prepare(std::string("SELECT ") + kRunColumns +
                          " FROM runs WHERE method = ? AND status = 'finished' "
                          "ORDER BY coalesce(ended_at, created_at) DESC, id DESC LIMIT 1");
    s.bind(1, method);
    if (!s.step()) return std::nullopt;
    return readRun(s);
}

void RunStore::markStarted(std::int64_t id, std::int64_t totalSteps) {
    const std::string now = clock::nowIso();
    m_db.prepare("UPDATE runs SET status = 'running', pid = ?, host = ?, total_steps = ?, "
                 "started_at = coalesce(started_at, ?), heartbeat_at = ?, ended_at = NULL, "
                 "message = NULL WHERE id = ?")
        .bind(1, static_cast<std::int64_t>(::getpid()))
        .bind(2, hostName())
        .bind(3, totalSteps)
        .bind(4, now)
        .bind(5, now)
        .bind(6, id)
        .run();
}

void RunStore::setStatus(std::int64_t id, RunStatus status, const std::string& message) {
    m_db.prepare("UPDATE runs SET status = ?, message = ? WHERE id = ?")
        .bind(1, toString(status))
        .bind(2, message.empty() ? std::optional<std::string>() : message)
        .bind(3, id)
        .run();
}

void RunStore::heartbeat(std::int64_t id, std::int64_t step) {
    m_db.prepare("UPDATE runs SET last_step = ?, heartbeat_at = ? WHERE id = ?")
        .bind(1, step)
        .bind(2, clock::nowIso())
        .bind(3, id)
        .run();
}

void RunStore::finish(std::int64_t id, RunStatus status, const std::string& message) {
    m_db.prepare("UPDATE runs SET status = ?, message = ?, ended_at = ? WHERE id = ?")
        .bind(1, toString(status))
        .bind(2, message.empty() ? std::optional<std::string>() : message)
        .bind(3, clock::nowIso())
        .bind(4, id)
        .run();
}

void RunStore::rename(std::int64_t id, const std::string& name) {
    m_db.prepare("UPDATE runs SET name = ? WHERE id = ?").bind(1, name).bind(2, id).run();
}

void RunStore::remove(std::int64_t id) {
    Transaction tx(m_db);
    m_db.prepare("DELETE FROM runs WHERE id = ?").bind(1, id).run();
    tx.commit();
}

std::int64_t RunStore::addCheckpoint(std::int64_t runId, std::int64_t step,
                                     const std::string& path, const std::string& kind) {
    m_db.prepare("INSERT INTO checkpoints(run_id, step, path, kind, created_at) VALUES (?, ?, ?, ?, ?) "
                 "ON CONFLICT(run_id, step) DO UPDATE SET path = excluded.path, kind = excluded.kind, "
                 "created_at = excluded.created_at")
        .bind(1, runId)
        .bind(2, step)
        .bind(3, path)
        .bind(4, kind)
        .bind(5, clock::nowIso())
        .run();
    auto s = m_db.prepare("SELECT id FROM checkpoints WHERE run_id = ? AND step = ?");
    s.bind(1, runId).bind(2, step);
    s.step();
    return s.int64(0);
}

std::vector<CheckpointRecord> RunStore::checkpoints(std::int64_t runId) {
    auto s = m_db.prepare("SELECT id, run_id, step, path, kind, created_at FROM checkpoints "
                          "WHERE run_id = ? ORDER BY step");
    s.bind(1, runId);
    std::vector<CheckpointRecord> out;
    while (s.step()) {
        out.push_back({s.int64(0), s.int64(1), s.int64(2), s.text(3), s.text(4), s.text(5)});
    }
    return out;
}

std::optional<CheckpointRecord> RunStore::latestCheckpoint(std::int64_t runId) {
    auto all = checkpoints(runId);
    if (all.empty()) return std::nullopt;
    return all.back();
}

void RunStore::removeCheckpoint(std::int64_t checkpointId) {
    m_db.prepare("DELETE FROM checkpoints WHERE id = ?").bind(1, checkpointId).run();
}

}  // namespace ladder::store
