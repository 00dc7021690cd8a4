// Studies in the workspace: the study (its resolved file) and which run stands for which point,
// so that a second `study run` of the same file continues it rather than starting over.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/store/database.h"
#include "core/study/study_spec.h"

namespace ladder::study {

struct StudyRecord {
    std::int64_t id = 0;
    std::string name;
    std::string specJson;
    std::string createdAt;
};

// The lock a process holds while it runs a study (store::OwnerLock): one runner per study.
[[nodiscard]] std::filesystem::path studyLockFile(const std::filesystem::path& workspace,
                                                  std::int64_t studyId);

class StudyStore {
public:
    explicit StudyStore(store::Database& db) : m_db(db) {}

    // The study of spec.name: made when new; the stored one when every run it stands for is still
    // a run of `spec` with the same config (more seeds, grid values or variants; other metrics,
    // parallel or baseline): the stored file is then updated. Throws ladder::Error when a run of
    // the stored study would mean something else now (another config under the same name):
    // rename the study in the file.
    std::int64_t open(const StudySpec& spec);
    [[nodiscard]] std::optional<StudyRecord> find(const std::string& name);
    [[nodiscard]] std::vector<StudyRecord> list();  // oldest first

    // point key -> run id, for the points that have a run.
    [[nodiscard]] std::map<std::string, std::int64_t> runs(std::int64_t studyId);
    void link(std::int64_t studyId, const std::string& point, std::int64_t runId);
    void unlink(std::int64_t studyId, const std::string& point);
    // A run named `name` that belongs to no study: one a `study run` killed between making the
    // run and recording it; adopted rather than trained twice. The newest such run, if any.
    [[nodiscard]] std::optional<std::int64_t> unlinkedRunNamed(const std::string& name);

private:
    bool hasTables();

    store::Database& m_db;
};

}  // namespace ladder::study
