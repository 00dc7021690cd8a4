// Studies in the workspace (tables studies and study_runs, schema version 5).
#include "core/study/study_store.h"

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/json_read.h"

namespace ladder::study {
namespace {

// Whether every run of the study stored as `before` is still a run of `now`, with the same
// config and parent: `now` may add seeds, grid values or variants, and change what only shows
// (metrics, parallel, baseline), but never what a run that exists was trained with.
bool keepsEveryRun(const std::string& name, const std::string& before, const StudySpec& now) {
    StudySpec old;
    try {
        old =
            parseStudy(ladder::json::parseText(before, "the stored study"), {}, "the stored study");
    } catch (const std::exception&) {
        return false;
    }
    std::map<std::string, const StudyPoint*> current;
    for (const auto& point : now.points) current[point.key] = &point;
    for (const auto& point : old.points) {
        const auto it = current.find(point.key);
        if (it == current.end() || it->second->parentKey != point.parentKey ||
            train::toJson(it->second->config) != train::toJson(point.config)) {
            return false;
        }
    }
    return old.name == name;
}

}  // namespace

// A workspace opened read-only before its schema reached version 5 has no study tables: no studies.
bool StudyStore::hasTables() {
    return m_db.queryInt64("SELECT count(*) FROM sqlite_master WHERE name = 'study_runs'") > 0;
}

std::int64_t StudyStore::open(const StudySpec& spec) {
    const std::string text = spec.resolved.dump();
    if (const auto existing = find(spec.name)) {
        if (existing->specJson != text && keepsEveryRun(spec.name, existing->specJson, spec)) {
            // More seeds, values or variants, other columns: the runs so far keep their meaning.
            m_db.prepare("UPDATE studies SET spec_json = ? WHERE id = ?")
                .bind(1, text)
                .bind(2, existing->id)
                .run();
        } else if (existing->specJson != text) {
            throw Error("the workspace has a study named '" + spec.name +
                        "' made from a different "
                        "file (or from files it names that have changed since " +
                        existing->createdAt +
                        "): give this study another name, or put the "
                        "files back as they were to continue it");
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
    m_db.prepare("INSERT OR REPLACE INTO study_runs (study_id, point, run_id) VALUES (?, ?, ?)")
        .bind(1, studyId)
        .bind(2, point)
        .bind(3, runId)
        .run();
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
