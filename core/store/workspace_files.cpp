#include "core/store/workspace_files.h"

#include <sys/stat.h>

#include <string>

#include <sqlite3.h>

#include "core/common/error.h"

namespace ladder::store {
namespace fs = std::filesystem;

namespace {

constexpr const char* kCompanionSuffixes[] = {"-wal", "-shm", "-journal"};

bool endsWith(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A name like X-wal where X exists: SQLite's companion of X, whatever X is.
bool isCompanionOfSomething(const fs::path& file) {
    const std::string name = file.string();
    for (const char* suffix : kCompanionSuffixes) {
        if (!endsWith(name, suffix)) continue;
        std::error_code ec;
        if (fs::exists(name.substr(0, name.size() - std::string_view(suffix).size()), ec)) {
            return true;
        }
    }
    return false;
}

bool isWorkspaceFile(const fs::path& file, const fs::path& workspace) {
    if (workspace.empty()) return false;
    for (const fs::path& f : workspaceFiles(workspace)) {
        if (sameFile(file, f)) return true;
    }
    return false;
}

}  // namespace

std::vector<fs::path> workspaceFiles(const fs::path& path) {
    std::vector<fs::path> files{path};
    for (const char* suffix : kCompanionSuffixes) files.emplace_back(path.string() + suffix);
    return files;
}

bool sameFile(const fs::path& a, const fs::path& b) {
    struct stat sa {};
    struct stat sb {};
    if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

bool isSqliteDatabase(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) == 0) return false;
    sqlite3* db = nullptr;
    bool database = false;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        // Reading the schema makes SQLite check the header; a locked database is still one.
        if (sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &st, nullptr) == SQLITE_OK) {
            const int rc = sqlite3_step(st);
            database = rc == SQLITE_ROW || (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
        }
        sqlite3_finalize(st);
    }
    sqlite3_close_v2(db);
    return database;
}

bool workspaceInUse(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return false;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close_v2(db);
        return false;  // cannot even open it: nobody can be using it through SQLite
    }
    sqlite3_busy_timeout(db, 0);
    // In WAL mode every open connection holds a shared lock on the file; an exclusive lock in
    // exclusive locking mode is only granted when no other connection exists.
    bool inUse = false;
    if (sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK) {
        const int rc = sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr);
        inUse = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
        if (rc == SQLITE_OK) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    sqlite3_close_v2(db);
    return inUse;
}

void refuseDatabaseAsInput(const fs::path& file, const fs::path& workspace, std::string_view what) {
    if (isWorkspaceFile(file, workspace)) {
        throw Error(file.string() + " is the workspace itself (or its journal), not " +
                    std::string(what) + ": name the file to read, e.g. an answers .json/.jsonl");
    }
    if (isCompanionOfSomething(file)) {
        throw Error(file.string() + " is a journal SQLite keeps beside a database, not " +
                    std::string(what) + "; Ladder leaves it untouched");
    }
    if (isSqliteDatabase(file)) {
        throw Error(file.string() + " is an SQLite database (a workspace?), not " +
                    std::string(what) + ": to take runs or pairs from another workspace, export "
                    "them from it first (`ladder-cli pairs export`)");
    }
}

void refuseOverwritingDatabase(const fs::path& out, const fs::path& workspace, bool force) {
    if (isWorkspaceFile(out, workspace) || isCompanionOfSomething(out)) {
        throw Error("will not write to " + out.string() +
                    ": it is the workspace (or its journal) and would be destroyed; choose "
                    "another output file");
    }
    if (!force && isSqliteDatabase(out)) {
        throw Error("will not write over " + out.string() +
                    ": it is an SQLite database (a workspace?); choose another output file, or "
                    "add --force to replace it");
    }
}

}  // namespace ladder::store
