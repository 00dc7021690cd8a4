// Recovering a damaged workspace: restore its newest good backup, or salvage every row SQLite can
// still read into a new workspace. Either way the damaged file is kept beside it (renamed), and the
// report names what was lost, table by table. `ladder-cli recover` and the window's "damaged
// workspace" dialog call this.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ladder::store {

enum class RecoveryMode {
    Auto,     // the newest good backup when there is one, else salvage
    Backup,   // the newest good backup (or `backup` when given); error when there is none
    Salvage,  // what can be read from the damaged file
};

struct TableLoss {
    std::string table;
    std::int64_t before = -1;  // rows the damaged file held (-1: could not be counted)
    std::int64_t after = 0;    // rows in the recovered workspace
    std::string note;          // e.g. "rows after id 4097 could not be read"
};

struct RecoveryReport {
    std::string integrity;            // the damaged file's integrity check before recovery
    std::string method;               // "backup" or "salvage"
    std::filesystem::path backupUsed; // the backup restored (method "backup")
    std::string backupTakenAt;
    std::filesystem::path damagedKept;  // where the damaged file now is
    std::vector<TableLoss> tables;      // every table, in schema order
    [[nodiscard]] std::int64_t rowsLost() const;
    [[nodiscard]] std::string text() const;  // a few lines for a terminal or a dialog
};

struct RecoveryOptions {
    RecoveryMode mode = RecoveryMode::Auto;
    std::optional<std::filesystem::path> backup;  // a backup to restore instead of the newest
    bool evenIfIntact = false;  // recover a file whose integrity check passes (normally refused)
};

// Recovers `workspace` in place: on success the path holds an intact workspace (the damaged one is
// renamed to <name>.damaged-<time>). Throws ladder::Error when nothing can be recovered, when the
// file is intact (unless options.evenIfIntact), or when another process has it open.
RecoveryReport recoverWorkspace(const std::filesystem::path& workspace,
                                const RecoveryOptions& options = {});

// True for an error message that means the file is damaged (SQLite's "malformed", "not a
// database" for a file with a Ladder name, a failed integrity check).
[[nodiscard]] bool looksDamaged(const std::string& message);

}  // namespace ladder::store
