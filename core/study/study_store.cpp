// Studies in the workspace (tables studies and study_runs, schema version 5).
#include "core/study/study_store.h"

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/store/workspace.h"

namespace ladder::study {
namespace {

// Why a run of the study stored as `before` would not be the same run in `now` (its point gone, or
// another config or parent under its name); empty when every one still is: `now` may add seeds,
// grid values or variants, and change what only shows (metrics, parallel, baseline).
std::string changedRun(const std::string& before, const StudySpec& now) {
    StudySpec old;
    try {
        old =
            parseStudy(ladder::json::parseText(before, "the stored study"), {}, "the stored study");
    } catch (const std::exception& e) {
        return std::string("the stored study no longer reads (") + e.what() + ")";
    }
    std::map<std::string, const StudyPoint*> current;
    for (const auto& point : now.points) current[point.key] = &point;
    for (const auto& point : old.points) {
        const auto it = current.find(point.key);
        if (it == current.end())
            return "its runs of '" + pointLabel(point) + "' are not in the file";
        if (it->second->parentKey != point.parentKey ||
            train::toJson(it->second->config) != train::toJson(point.config)) {
            return "the runs of '" + pointLabel(point) + "' would be trained with another config";
        }
    }
    return {};
}

}  // namespace

// A workspace opened read-only before its schema reached version 5 has no study tables: no studies.
bool StudyStore::hasTables() {
    return m_db.queryInt64("SELECT count(*) FROM sqlite_master WHERE name = 'study_runs'") > 0;
}

std::int64_t StudyStore::open(const StudySpec& spec) {
    const std::string text = spec.resolved.dump();
    if (const auto existing = find(spec.name)) {
        if (existing->specJson != text) {
            const std::string why = changedRun(existing->specJson, spec);
            if (!why.empty()) {
                throw Error("the workspace has a study named '" + spec.name +
                            "' made from another "
                            "file: " +
                            why +
                            ". Give this study another name, or put the file (and "
                            "the configs it names) back as they were to continue it");
            }
            // More seeds, values or variants, other columns: the runs so far keep their meaning.
            m_db.prepare("UPDATE studies SET spec_json = ? WHERE id = ?")
                .bind(1, text)
                .bind(2, existing->id)
                .run();
        }
        return existing->id;
    }
    m_db.prepare("INSERT INTO studies (name, spec_json, created_at) VALUES (?, ?, ?)")
        .bind(1, spec.name)
        .bind(2, text)
        .bind(3, clock::nowIso())
        .run();
    return m_db.lastInsertId();
}

std::optional<StudyRecord> StudyStore::find(const std::string& name) {
    if (!hasTables()) return std::nullopt;
    auto q = m_db.prepare("SELECT id, name, spec_json, created_at FROM studies WHERE name = ?");
    q.bind(1, name);
    if (!q.step()) return std::nullopt;
    return StudyRecord{q.int64(0), q.text(1), q.text(2), q.text(3)};
}

std::vector<StudyRecord> StudyStore::list() {
    std::vector<StudyRecord> all;
    if (!hasTables()) return all;
    auto q = m_db.prepare("SELECT id, name, spec_json, created_at FROM studies ORDER BY id");
    while (q.step()) all.push_back({q.int64(0), q.text(1), q.text(2), q.text(3)});
    return all;
}

std::map<std::string, std::int64_t> StudyStore::runs(std::int64_t studyId) {
    std::map<std::string, std::int64_t> all;
    if (!hasTables()) return all;
    auto q = m_db.prepare("SELECT point, run_id FROM study_runs WHERE study_id = ?");
    q.bind(1, studyId);
    while (q.step()) all[q.text(0)] = q.int64(1);
    return all;
}

void StudyStore::link(std::int64_t studyId, const std::string& point, std::int64_t runId) {
    // A run stands for one point: linking it to a second one fails (UNIQUE run_id) rather than
    // moving it.
    m_db.prepare(
            "INSERT INTO study_runs (study_id, point, run_id) VALUES (?, ?, ?) "
            "ON CONFLICT (study_id, point) DO UPDATE SET run_id = excluded.run_id")
        .bind(1, studyId)
        .bind(2, point)
        .bind(3, runId)
        .run();
}

void StudyStore::unlink(std::int64_t studyId, const std::string& point) {
    m_db.prepare("DELETE FROM study_runs WHERE study_id = ? AND point = ?")
        .bind(1, studyId)
        .bind(2, point)
        .run();
}

std::filesystem::path studyLockFile(const std::filesystem::path& workspace, std::int64_t studyId) {
    return store::checkpointDirFor(workspace) / "locks" /
           ("study-" + std::to_string(studyId) + ".lock");
}

std::optional<std::int64_t> StudyStore::unlinkedRunNamed(const std::string& name) {
    auto q = m_db.prepare(
        "SELECT id FROM runs WHERE name = ? AND id NOT IN (SELECT run_id FROM study_runs) "
        "ORDER BY id DESC LIMIT 1");
    q.bind(1, name);
    if (!q.step()) return std::nullopt;
    return q.int64(0);
}

}  // namespace ladder::study
