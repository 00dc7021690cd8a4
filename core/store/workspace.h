// A Ladder workspace: one SQLite file (*.ladder, WAL) plus a checkpoint folder beside it.
// A Workspace is one connection: use it from one thread; other threads open their own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/store/database.h"

namespace ladder::store {

// "LADR" in the SQLite header: tells a Ladder workspace from any other SQLite file.
inline constexpr std::int32_t kApplicationId = 0x4C414452;
inline constexpr const char* kWorkspaceExtension = ".ladder";

struct OpenOptions {
    bool readOnly = false;     // never writes (no migration, no WAL switch)
    int busyTimeoutMs = 5000;  // waiting for another writer before reporting the file as locked
};

struct WorkspaceSummary {
    std::int64_t datasets = 0;
    std::int64_t sources = 0;
    std::int64_t prompts = 0;
    std::int64_t responses = 0;
    std::int64_t ladders = 0;
    std::int64_t pairs = 0;
    std::int64_t annotations = 0;
    std::int64_t curricula = 0;
    std::int64_t runs = 0;
    std::int64_t metrics = 0;
    std::int64_t checkpoints = 0;
    std::int64_t evals = 0;
};

class Workspace {
public:
    // Creates a new workspace file; fails when the path exists (unless overwrite) or its folder
    // is not writable. The file is complete (schema, WAL) when this returns.
    static Workspace create(const std::filesystem::path& path, bool overwrite = false);
    // Opens an existing workspace after checking it: a file that is not a Ladder workspace, one
    // written by a newer Ladder, a read-only location or a locked file give a ladder::Error that
    // names the file and what to do, and leave the file untouched. Older schemas are migrated.
    static Workspace open(const std::filesystem::path& path, const OpenOptions& options = {});
    // open() when the file exists, create() otherwise.
    static Workspace openOrCreate(const std::filesystem::path& path);

    Workspace(Workspace&&) noexcept = default;
    Workspace& operator=(Workspace&&) noexcept = default;

    [[nodiscard]] Database& db() { return m_db; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] bool readOnly() const { return m_db.readOnly(); }
    // <folder>/<stem>.checkpoints/ (created on first use by whoever writes checkpoints).
    [[nodiscard]] std::filesystem::path checkpointDir() const;
    [[nodiscard]] int schemaVersion();
    [[nodiscard]] WorkspaceSummary summary();

    // Settings stored in the file (workspace_info).
    [[nodiscard]] std::string info(const std::string& key, const std::string& fallback = {});
    void setInfo(const std::string& key, const std::string& value);

private:
    Workspace(std::filesystem::path path, Database db);
    void configure();

    std::filesystem::path m_path;
    Database m_db;
};

// The checkpoint folder that belongs to a workspace file.
[[nodiscard]] std::filesystem::path checkpointDirFor(const std::filesystem::path& workspaceFile);

}  // namespace ladder::store
