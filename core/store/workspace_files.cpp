#include "core/store/workspace_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
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

std::optional<CutShort> cutShort(const fs::path& path) {
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) return std::nullopt;
    sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
    const std::string full = fs::absolute(path, ec).string();
    if (!vfs || ec) return std::nullopt;
    // The VFS keeps one descriptor per file and process and closes it only when no lock of this
    // process needs it: a connection elsewhere in the process keeps its locks.
    sqlite3_filename name = sqlite3_create_filename(full.c_str(), "", "", 0, nullptr);
    std::vector<unsigned char> storage(static_cast<std::size_t>(vfs->szOsFile), 0);
    auto* file = reinterpret_cast<sqlite3_file*>(storage.data());
    unsigned char header[100] = {};
    int flags = 0;
    int rc = vfs->xOpen(vfs, name, file, SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB, &flags);
    if (rc == SQLITE_OK) {
        // A short read fills the rest with zeros and says SQLITE_IOERR_SHORT_READ.
        rc = file->pMethods->xRead(file, header, sizeof header, 0);
    }
    if (file->pMethods) file->pMethods->xClose(file);
    sqlite3_free_filename(name);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return std::nullopt;
    static const char kMagic[] = "SQLite format 3";  // and its NUL: 16 bytes
    const std::size_t magicBytes = std::min<std::uintmax_t>(size, sizeof kMagic);
    if (magicBytes == 0 || std::memcmp(header, kMagic, magicBytes) != 0) return std::nullopt;
    if (size < sizeof header) return CutShort{size, sizeof header};
    const auto be = [&](int at, int bytes) {
        std::uintmax_t v = 0;
        for (int i = 0; i < bytes; ++i) v = (v << 8) | header[at + i];
        return v;
    };
    const std::uintmax_t pageSize = be(16, 2) == 1 ? 65536 : be(16, 2);
    // The page count at 28 is only valid while the change counter at 24 equals the one at 92.
    if (pageSize < 512 || be(24, 4) != be(92, 4)) return std::nullopt;
    const std::uintmax_t expected = pageSize * be(28, 4);
    if (size < expected) return CutShort{size, expected};
    return std::nullopt;
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
