// Guards for the files of a workspace: the .ladder file and the -wal, -shm and -journal files SQLite
// keeps beside it. Not the checkpoints folder (see checkpoint_paths.h).
//
// Why they exist: on POSIX, closing any descriptor of a file drops every advisory lock the process
// holds on that file, SQLite's included. A process that holds a connection and then reads the same
// file with an ifstream (to hash it, sniff its format, copy it) silently loses its locks; another
// process then believes it is alone, checkpoints and deletes the WAL under the live connection, and
// the workspace is damaged. So a workspace's files are only ever opened through SQLite, and files
// the user names as inputs or outputs are checked against them first.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace ladder::store {

// The workspace file and the files SQLite keeps beside it (whether they exist or not).
[[nodiscard]] std::vector<std::filesystem::path> workspaceFiles(const std::filesystem::path& path);

// True when both name the same existing file (device and inode: links and other spellings too).
[[nodiscard]] bool sameFile(const std::filesystem::path& a, const std::filesystem::path& b);

// True when the file is an SQLite database. Read through SQLite (read-only), never with a
// descriptor of its own, so it is safe on a file this process has open. Never throws.
[[nodiscard]] bool isSqliteDatabase(const std::filesystem::path& path);

// A file cut short: an SQLite file shorter than the size its header gives (a copy or download that
// stopped part way). Read through SQLite's own file layer, never a descriptor of its own. Never
// throws; nullopt for a whole file, a missing one, or one that is not SQLite's.
struct CutShort {
    std::uintmax_t size = 0;      // bytes in the file
    std::uintmax_t expected = 0;  // bytes its header gives (page size x page count)
};
[[nodiscard]] std::optional<CutShort> cutShort(const std::filesystem::path& path);

// True when a connection in this or another process has the workspace open (an exclusive lock
// cannot be had at once). False for a missing file.
[[nodiscard]] bool workspaceInUse(const std::filesystem::path& path);

// Throws ladder::Error when `file`, named as an input (`what`: "an import file"), is `workspace`
// or one of its SQLite companions, a journal of any database, or any other SQLite database.
// `workspace` may be empty (no workspace involved).
void refuseDatabaseAsInput(const std::filesystem::path& file,
                           const std::filesystem::path& workspace, std::string_view what);

// Throws ladder::Error when writing `out` would replace `workspace` or one of its companions
// (always), or another existing SQLite database (unless `force`).
void refuseOverwritingDatabase(const std::filesystem::path& out,
                               const std::filesystem::path& workspace, bool force);

}  // namespace ladder::store
