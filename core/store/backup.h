// Rolling backups of a workspace, made with SQLite's online backup API while others read and write
// it (a consistent snapshot; writers are not blocked in WAL mode), kept beside the file in
// <folder>/<stem>.backups/<stem>-<UTC time>.ladder. Each backup is itself a workspace that Ladder
// opens. The window makes one on opening a workspace and every hour while it changes; recovery.h
// restores them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ladder::store {

inline constexpr int kBackupsKept = 3;

struct BackupInfo {
    std::filesystem::path file;
    std::string takenAt;      // "2026-12-03T14:00:05Z", from the name
    double takenAtSeconds = -1;  // Unix time
    std::uintmax_t bytes = 0;
};

// <folder>/<stem>.backups for <folder>/<stem>.ladder.
[[nodiscard]] std::filesystem::path backupDirFor(const std::filesystem::path& workspace);

// The workspace's backups, newest first.
[[nodiscard]] std::vector<BackupInfo> listBackups(const std::filesystem::path& workspace);

// Copies the workspace into a new backup (written under a temporary name, renamed when complete)
// and removes all but the newest `keep`. Returns the new file. Throws ladder::Error naming the
// file and the cause (a full disk, a read-only folder); the workspace itself is never written.
std::filesystem::path makeBackup(const std::filesystem::path& workspace, int keep = kBackupsKept);

// SQLite's integrity check of a database file (read-only): "ok", or the first problems it lists,
// or why the file cannot be read. `quick` runs quick_check (no index contents: much faster).
[[nodiscard]] std::string checkIntegrity(const std::filesystem::path& file, bool quick = false);

}  // namespace ladder::store
