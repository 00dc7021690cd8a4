// Studies in the workspace (tables studies and study_runs, schema version 5).
#include "core/study/study_store.h"

#include <algorithm>

#include "core/common/clock.h"
#include "core/common/error.h"

namespace ladder::study {
namespace {

// Whether `now` means the same runs as `before`, perhaps more: values added to its grid's lists
// (no key added or dropped) and nothing else changed but what only shows (metrics, parallel,
// baseline). Every run of the old study is then still a run of the new one.
bool sameRunsOrMore(const std::string& before, const nlohmann::json& now) {
    const auto old = nlohmann::json::parse(before, nullptr, /*allow_exceptions=*/false);
    if (old.is_discarded() || !old.is_object() || !old.contains("grid")) return false;
    auto runsPart = [](nlohmann::json j) {
        for (const char* key : {"grid", "metrics", "parallel", "baseline"}) j.erase(key);
        return j;
    };
    if (runsPart(old) != runsPart(now)) return false;
    const auto& oldGrid = old["grid"];
    const auto& newGrid = now["grid"];
    if (oldGrid.size() != newGrid.size()) return false;
    for (const auto& [key, values] : oldGrid.items()) {
        if (!newGrid.contains(key)) return false;
        for (const auto& value : values) {
            if (std::find(newGrid[key].begin(), newGrid[key].end(), value) == newGrid[key].end()) {
                return false;
            }
        }
    }
    return true;
}

}  // namespace

// A workspace opened read-only before its schema reached version 5 has no study tables: no studies.
bool StudyStore::hasTables() {
    return m_db.queryInt64("SELECT count(*) FROM sqlite_master WHERE name = 'study_runs'") > 0;
}

std::int64_t StudyStore::open(const StudySpec& spec) {
    const std::string text = spec.resolved.dump();
    if (const auto existing = find(spec.name)) {
        if (existing->specJson != text && sameRunsOrMore(existing->specJson, spec.resolved)) {
            // More seeds or values, other columns: the runs so far keep their meaning.
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
