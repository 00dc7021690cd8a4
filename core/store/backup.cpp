#include "core/store/backup.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <system_error>

#include <sqlite3.h>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/store/database.h"

namespace ladder::store {
namespace fs = std::filesystem;

namespace {

constexpr const char* kPartial = ".partial";

// "20261203T140005Z" for a Unix time; sorts as the time does.
std::string stamp(double unixSeconds) {
    const auto t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
    return text;
}

// The time in a backup's name, as ISO text; empty when the name is not a backup's.
std::string isoFromName(const std::string& stem, const std::string& name) {
    const std::string prefix = stem + "-";
    const std::string suffix = ".ladder";
    if (name.size() != prefix.size() + 16 + suffix.size() || name.rfind(prefix, 0) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
        return {};
    }
    const std::string s = name.substr(prefix.size(), 16);  // 20261203T140005Z
    if (s[8] != 'T' || s[15] != 'Z') return {};
    return s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + "T" + s.substr(9, 2) +
           ":" + s.substr(11, 2) + ":" + s.substr(13, 2) + "Z";
}

}  // namespace

fs::path backupDirFor(const fs::path& workspace) {
    const fs::path parent = workspace.parent_path().empty() ? fs::path(".") : workspace.parent_path();
    return parent / (workspace.stem().string() + ".backups");
}

std::vector<BackupInfo> listBackups(const fs::path& workspace) {
    std::vector<BackupInfo> out;
    const fs::path dir = backupDirFor(workspace);
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const std::string iso = isoFromName(workspace.stem().string(), it->path().filename().string());
        if (iso.empty()) continue;
        BackupInfo b;
        b.file = it->path();
        b.takenAt = iso;
        b.takenAtSeconds = clock::parseIso(iso);
        b.bytes = it->file_size(ec);
        out.push_back(std::move(b));
    }
    std::sort(out.begin(), out.end(), [](const BackupInfo& a, const BackupInfo& b) {
        return a.file.filename() > b.file.filename();
    });
    return out;
}

fs::path makeBackup(const fs::path& workspace, int keep) {
    const fs::path dir = backupDirFor(workspace);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        throw Error("cannot make the backup folder " + dir.string() + ": " + ec.message());
    }
    double now = clock::nowSeconds();
    // Names sort as the backups were made: two within a second (a quick reopen) or a clock set
    // back take the second after the newest.
    if (const auto existing = listBackups(workspace);
        !existing.empty() && existing.front().takenAtSeconds >= std::floor(now)) {
        now = existing.front().takenAtSeconds + 1;
    }
    const fs::path target = dir / (workspace.stem().string() + "-" + stamp(now) + ".ladder");
    const fs::path partial = target.string() + kPartial;
    fs::remove(partial, ec);

    {
        // The source through SQLite only (workspace_files.h says why), read-only.
        Database source(workspace, OpenFlags{.readOnly = true, .busyTimeoutMs = 10000});
        Database dest(partial, OpenFlags{.create = true});
        sqlite3_backup* backup = sqlite3_backup_init(dest.handle(), "main", source.handle(), "main");
        if (!backup) dest.fail(sqlite3_errcode(dest.handle()), "starting the backup");
        // All pages in one step: one read transaction, so the copy is one consistent snapshot
        // (in steps, every write by a running trainer would restart it).
        int rc = SQLITE_OK;
        for (int attempt = 0; attempt < 50; ++attempt) {
            rc = sqlite3_backup_step(backup, -1);
            if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
            sqlite3_sleep(100);
        }
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE) {
            const std::string hint = sqliteHint(rc);
            dest.close();
            fs::remove(partial, ec);
            throw Error("cannot back up " + workspace.string() + " to " + target.string() + ": " +
                        sqlite3_errstr(rc) + (hint.empty() ? "" : " (" + hint + ")"));
        }
        // A backup is one file: no WAL beside it.
        dest.exec("PRAGMA journal_mode = DELETE");
    }
    fs::rename(partial, target, ec);
    if (ec) {
        fs::remove(partial, ec);
        throw Error("cannot complete the backup " + target.string() + ": " + ec.message());
    }

    const auto all = listBackups(workspace);
    for (std::size_t i = static_cast<std::size_t>(std::max(1, keep)); i < all.size(); ++i) {
        fs::remove(all[i].file, ec);
    }
    log::get("store")->info("backed up {} to {}", workspace.string(), target.string());
    return target;
}

std::string checkIntegrity(const fs::path& file, bool quick) {
    try {
        Database db(file, OpenFlags{.readOnly = true, .busyTimeoutMs = 10000});
        auto st = db.prepare(quick ? "PRAGMA quick_check(20)" : "PRAGMA integrity_check(20)");
        std::string report;
        while (st.step()) {
            if (!report.empty()) report += "; ";
            report += st.text(0);
        }
        return report.empty() ? "no answer from the integrity check" : report;
    } catch (const std::exception& e) {
        return e.what();
    }
}

}  // namespace ladder::store
