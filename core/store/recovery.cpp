#include "core/store/recovery.h"

#include <algorithm>
#include <array>
#include <climits>
#include <ctime>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <sqlite3.h>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/store/backup.h"
#include "core/store/database.h"
#include "core/store/schema.h"
#include "core/store/workspace.h"
#include "core/store/workspace_files.h"

namespace ladder::store {
namespace fs = std::filesystem;

namespace {

auto logger() { return log::get("store"); }

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

std::vector<std::string> columnsOf(Database& db, const std::string& table) {
    std::vector<std::string> out;
    auto st = db.prepare("SELECT name FROM pragma_table_info(?)");
    st.bind(1, table);
    while (st.step()) out.push_back(st.text(0));
    return out;
}

struct TableInfo {
    std::string name;
    bool withoutRowid = false;
};

// The tables of a (fresh, intact) workspace in creation order: parents before children.
std::vector<TableInfo> tablesOf(Database& db) {
    std::vector<TableInfo> out;
    auto st = db.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY rowid");
    while (st.step()) {
        std::string sql = st.text(1);
        std::transform(sql.begin(), sql.end(), sql.begin(), ::toupper);
        out.push_back({st.text(0), sql.find("WITHOUT ROWID") != std::string::npos});
    }
    return out;
}

std::int64_t countRows(Database& db, const std::string& table) {
    try {
        return db.queryInt64("SELECT count(*) FROM " + quoted(table));
    } catch (const std::exception&) {
        return -1;
    }
}

// Copies the rows SQLite can read from `table` of the damaged file, skipping damaged pages: a read
// that fails is retried from further rowids until one succeeds, then the gap is narrowed down by
// bisection so that as few readable rows as possible are skipped.
std::string copyTable(Database& from, Database& to, const TableInfo& table) {
    std::vector<std::string> columns;
    try {
        const auto fromColumns = columnsOf(from, table.name);
        const std::set<std::string> have(fromColumns.begin(), fromColumns.end());
        for (const auto& c : columnsOf(to, table.name)) {
            if (have.count(c)) columns.push_back(c);
        }
    } catch (const std::exception& e) {
        return std::string("its columns could not be read: ") + e.what();
    }
    if (columns.empty()) return "not in the damaged file";
    std::string list;
    std::string marks;
    for (const auto& c : columns) {
        list += (list.empty() ? "" : ", ") + quoted(c);
        marks += marks.empty() ? "?" : ", ?";
    }
    const std::string insertSql = table.withoutRowid
        ? "INSERT OR REPLACE INTO " + quoted(table.name) + " (" + list + ") VALUES (" + marks + ")"
        : "INSERT OR REPLACE INTO " + quoted(table.name) + " (rowid, " + list + ") VALUES (?, " +
              marks + ")";
    sqlite3_stmt* raw = nullptr;
    // Rows read from a half-written page can break the table's rules (a NULL where none may be)
    // or come out of order: they are left out and counted, not allowed to stop the copy.
    std::int64_t broken = 0;
    const auto withBroken = [&broken](std::string note) {
        if (broken == 0) return note;
        return note + fmt::format("{}{} rows that were out of order or broke the table's rules "
                                  "were left out",
                                  note.empty() ? "" : "; ", broken);
    };

    auto copyRows = [&](const std::string& sql, std::int64_t after, std::int64_t* last) {
        // Raw API: values are copied as they are (type included) with sqlite3_bind_value.
        if (sqlite3_prepare_v2(from.handle(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
            sqlite3_finalize(raw);
            raw = nullptr;
            return false;
        }
        if (!table.withoutRowid) sqlite3_bind_int64(raw, 1, after);
        sqlite3_stmt* ins = nullptr;
        sqlite3_prepare_v2(to.handle(), insertSql.c_str(), -1, &ins, nullptr);
        int rc = SQLITE_OK;
        while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
            // A damaged page can yield rows out of order (ids at or before where it started):
            // those are not the table's, and following them would go round in circles.
            if (!table.withoutRowid && sqlite3_column_int64(raw, 0) <= after) {
                ++broken;
                continue;
            }
            const int n = sqlite3_column_count(raw);
            for (int i = 0; i < n; ++i) sqlite3_bind_value(ins, i + 1, sqlite3_column_value(raw, i));
            const int inserted = sqlite3_step(ins);
            if ((inserted & 0xff) == SQLITE_CONSTRAINT) {
                ++broken;
            } else if (inserted != SQLITE_DONE) {
                const std::string message = sqlite3_errmsg(to.handle());
                sqlite3_finalize(ins);
                sqlite3_finalize(raw);
                raw = nullptr;
                throw Error("writing the recovered rows of " + table.name + " failed: " + message);
            }
            sqlite3_reset(ins);
            if (!table.withoutRowid) *last = sqlite3_column_int64(raw, 0);
        }
        sqlite3_finalize(ins);
        sqlite3_finalize(raw);
        raw = nullptr;
        return rc == SQLITE_DONE;
    };

    if (table.withoutRowid) {
        std::int64_t unused = 0;
        return withBroken(
            copyRows("SELECT " + list + " FROM " + quoted(table.name), 0, &unused)
                ? ""
                : "a damaged page stopped the copy; the rest of this table is lost");
    }

    const std::string select = "SELECT rowid, " + list + " FROM " + quoted(table.name) +
                               " WHERE rowid > ? ORDER BY rowid";
    auto readableFrom = [&](std::int64_t after) {
        sqlite3_stmt* probe = nullptr;
        const std::string sql =
            "SELECT rowid FROM " + quoted(table.name) + " WHERE rowid > ? ORDER BY rowid LIMIT 1";
        if (sqlite3_prepare_v2(from.handle(), sql.c_str(), -1, &probe, nullptr) != SQLITE_OK) {
            sqlite3_finalize(probe);
            return false;
        }
        sqlite3_bind_int64(probe, 1, after);
        const int rc = sqlite3_step(probe);
        sqlite3_finalize(probe);
        return rc == SQLITE_ROW || rc == SQLITE_DONE;
    };

    // Stretches of ids that could not be read, next ones joined ("ids 7731 to 7800").
    std::vector<std::pair<std::int64_t, std::int64_t>> unreadable;
    const auto noteOf = [&](const std::string& end) {
        std::string note;
        for (const auto& [from, to] : unreadable) {
            note += fmt::format("{}ids {} to {} could not be read", note.empty() ? "" : "; ", from,
                                to);
        }
        if (!end.empty()) note += (note.empty() ? "" : "; ") + end;
        return withBroken(note);
    };
    std::int64_t last = LLONG_MIN;
    for (int gaps = 0; gaps < 1000; ++gaps) {
        if (copyRows(select, last, &last)) return noteOf("");
        // Find a start past the damage: jumps of growing size, then bisection back towards it.
        std::int64_t bad = last;
        std::int64_t good = LLONG_MIN;
        const std::int64_t base = last == LLONG_MIN ? 0 : last;
        for (int k = 0; k < 62; ++k) {
            const std::int64_t candidate = base + (std::int64_t{1} << k);
            if (readableFrom(candidate)) {
                good = candidate;
                break;
            }
            bad = candidate;
        }
        if (good == LLONG_MIN) {
            return noteOf(fmt::format("rows after id {} could not be read",
                                      last == LLONG_MIN ? 0 : last));
        }
        while (good - bad > 1) {
            const std::int64_t mid = bad + (good - bad) / 2;
            if (readableFrom(mid)) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        const std::int64_t from = last == LLONG_MIN ? 1 : last + 1;
        if (!unreadable.empty() && unreadable.back().second + 1 >= from) {
            unreadable.back().second = good;
        } else {
            unreadable.emplace_back(from, good);
        }
        last = good;
    }
    return noteOf("too many damaged pages, the rest of this table is lost");
}

// Removes rows whose parent row was lost (a metric of a run that could not be read), table by
// table until none is left; returns the count per table.
std::map<std::string, std::int64_t> dropOrphans(Database& db, const std::vector<TableInfo>& tables) {
    std::map<std::string, std::int64_t> dropped;
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& t : tables) {
            auto fks = db.prepare("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)");
            fks.bind(1, t.name);
            std::vector<std::array<std::string, 3>> keys;
            while (fks.step()) keys.push_back({fks.text(0), fks.text(1), fks.text(2)});
            for (const auto& [parent, from, to] : keys) {
                const std::string parentKey = to.empty() ? "rowid" : quoted(to);
                db.exec("DELETE FROM " + quoted(t.name) + " WHERE " + quoted(from) +
                        " IS NOT NULL AND " + quoted(from) + " NOT IN (SELECT " + parentKey +
                        " FROM " + quoted(parent) + ")");
                if (const int n = db.changes(); n > 0) {
                    dropped[t.name] += n;
                    changed = true;
                }
            }
        }
    }
    return dropped;
}

std::string timeSuffix() {
    const auto t = static_cast<std::time_t>(clock::nowSeconds());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
    return text;
}

void renameOrThrow(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec) {
        throw Error("cannot rename " + from.string() + " to " + to.string() + ": " + ec.message());
    }
}

}  // namespace

std::int64_t RecoveryReport::rowsLost() const {
    std::int64_t lost = 0;
    for (const auto& t : tables) {
        if (t.before > t.after) lost += t.before - t.after;
    }
    return lost;
}

std::string RecoveryReport::text() const {
    std::string out;
    if (method == "backup") {
        out += "restored the backup of " + backupTakenAt + " (" + backupUsed.string() + ")\n";
    } else {
        out += "salvaged what SQLite could read from the damaged file\n";
    }
    out += "the damaged file is kept as " + damagedKept.string() + "\n";
    std::string lostLines;
    for (const auto& t : tables) {
        if (t.before < 0) {
            lostLines += fmt::format("  {}: {} rows now; the damaged file's count is unknown{}{}\n",
                                     t.table, t.after, t.note.empty() ? "" : ": ", t.note);
        } else if (t.before != t.after || !t.note.empty()) {
            const std::int64_t diff = t.before - t.after;
            lostLines += fmt::format(
                "  {}: {} of {} rows {}{}{}\n", t.table, diff > 0 ? diff : -diff, t.before,
                diff > 0 ? "lost" : "more in the backup (changed since it was taken)",
                t.note.empty() ? "" : ": ", t.note);
        }
    }
    out += lostLines.empty() ? "nothing was lost: every table has the rows the damaged file had\n"
                             : "what differs from the damaged file:\n" + lostLines;
    return out;
}

bool looksDamaged(const std::string& message) {
    for (const char* sign : {"malformed", "not a database", "disk image", "integrity check",
                             "database corrupt", "SQLITE_CORRUPT"}) {
        if (message.find(sign) != std::string::npos) return true;
    }
    return false;
}

RecoveryReport recoverWorkspace(const fs::path& workspace, const RecoveryOptions& options) {
    std::error_code ec;
    if (!fs::is_regular_file(workspace, ec)) {
        throw Error(workspace.string() + " does not exist or is not a file: nothing to recover");
    }
    if (workspaceInUse(workspace)) {
        throw Error(workspace.string() + " is open in a Ladder window or a ladder-cli command: "
                    "close or stop it first, then recover");
    }
    RecoveryReport report;
    report.integrity = checkIntegrity(workspace);
    if (report.integrity == "ok" && !options.evenIfIntact) {
        throw Error(workspace.string() + " is intact (SQLite's integrity check says ok): nothing "
                    "to recover. To go back to a backup anyway, add --force");
    }

    // The backup to restore, if any.
    std::optional<BackupInfo> backup;
    if (options.backup) {
        const std::string check = checkIntegrity(*options.backup);
        if (check != "ok") {
            throw Error("the backup " + options.backup->string() + " is damaged too: " + check);
        }
        BackupInfo b;
        b.file = *options.backup;
        b.takenAt = b.file.filename().string();
        backup = b;
    } else if (options.mode != RecoveryMode::Salvage) {
        for (const auto& b : listBackups(workspace)) {
            if (checkIntegrity(b.file) == "ok") {
                backup = b;
                break;
            }
            logger()->warn("backup {} is damaged, skipped", b.file.string());
        }
        if (!backup && options.mode == RecoveryMode::Backup) {
            throw Error("no intact backup of " + workspace.string() + " in " +
                        backupDirFor(workspace).string() + ": salvage what can be read instead "
                        "(`ladder-cli recover --salvage`)");
        }
    }

    const fs::path temporary = workspace.string() + ".recovering";
    for (const auto& f : workspaceFiles(temporary)) fs::remove(f, ec);

    // What the damaged file holds, as far as it can be counted: the measure of what is lost.
    std::unique_ptr<Database> damaged;
    int damagedVersion = -1;
    // A file cut short is read from a copy filled up with zeros to the size its header gives:
    // SQLite then reads the pages that are there, and the missing ones fail like damaged pages.
    // (A copy of its own descriptors is safe here: no connection has the file open.)
    const fs::path padded = workspace.string() + ".padded";
    fs::remove(padded, ec);
    fs::path readFrom = workspace;
    if (const auto cut = cutShort(workspace)) {
        fs::copy_file(workspace, padded, fs::copy_options::overwrite_existing, ec);
        if (!ec) fs::resize_file(padded, cut->expected, ec);
        if (!ec) readFrom = padded;
        logger()->warn("{} is cut short ({} of {} bytes): reading it filled up with zeros",
                       workspace.string(), cut->size, cut->expected);
    }
    try {
        damaged = std::make_unique<Database>(readFrom, OpenFlags{.readOnly = true});
        damagedVersion = static_cast<int>(damaged->queryInt64("PRAGMA user_version"));
    } catch (const std::exception& e) {
        logger()->warn("{}: cannot read the damaged file: {}", workspace.string(), e.what());
        damaged.reset();
    }
    if (damagedVersion > latestSchemaVersion()) {
        throw Error(workspace.string() + " was written by a newer Ladder (schema " +
                    std::to_string(damagedVersion) + "): recover it with that version");
    }

    try {
        if (backup) {
            report.method = "backup";
            report.backupUsed = backup->file;
            report.backupTakenAt = backup->takenAt;
            // Copied through SQLite's backup API too: the backup file is a database.
            {
                Database source(backup->file, OpenFlags{.readOnly = true});
                Database dest(temporary, OpenFlags{.create = true});
                sqlite3_backup* b = sqlite3_backup_init(dest.handle(), "main", source.handle(), "main");
                if (!b) dest.fail(sqlite3_errcode(dest.handle()), "restoring the backup");
                const int rc = sqlite3_backup_step(b, -1);
                sqlite3_backup_finish(b);
                if (rc != SQLITE_DONE) {
                    throw Error("cannot copy the backup " + backup->file.string() + ": " +
                                sqlite3_errstr(rc));
                }
            }
            auto restored = Workspace::open(temporary);  // migrates an older backup, sets WAL
            for (const auto& t : tablesOf(restored.db())) {
                TableLoss loss;
                loss.table = t.name;
                loss.before = damaged ? countRows(*damaged, t.name) : -1;
                loss.after = countRows(restored.db(), t.name);
                report.tables.push_back(loss);
            }
        } else {
            if (!damaged) {
                throw Error(workspace.string() + " cannot be read at all and has no intact backup "
                            "in " + backupDirFor(workspace).string() + ": nothing can be recovered");
            }
            report.method = "salvage";
            auto fresh = Workspace::create(temporary);
            Database& to = fresh.db();
            to.exec("PRAGMA foreign_keys = OFF");
            const auto tables = tablesOf(to);
            {
                Transaction tx(to);
                for (const auto& t : tables) {
                    TableLoss loss;
                    loss.table = t.name;
                    loss.before = countRows(*damaged, t.name);
                    loss.note = copyTable(*damaged, to, t);
                    report.tables.push_back(loss);
                }
                tx.commit();
            }
            {
                Transaction tx(to);
                for (const auto& [table, n] : dropOrphans(to, tables)) {
                    for (auto& loss : report.tables) {
                        if (loss.table != table) continue;
                        loss.note += fmt::format("{}{} rows whose parent row was lost were left out",
                                                 loss.note.empty() ? "" : "; ", n);
                    }
                }
                tx.commit();
            }
            to.exec("PRAGMA foreign_keys = ON");
            for (auto& loss : report.tables) loss.after = countRows(to, loss.table);
            // An older damaged file's rows are in the latest schema now; its version is kept
            // only as a note.
            const std::string check = to.queryText("PRAGMA integrity_check").value_or("");
            if (check != "ok") throw Error("the salvaged workspace fails its own check: " + check);
        }
    } catch (...) {
        damaged.reset();
        for (const auto& f : workspaceFiles(temporary)) fs::remove(f, ec);
        for (const auto& f : workspaceFiles(padded)) fs::remove(f, ec);
        throw;
    }
    damaged.reset();
    for (const auto& f : workspaceFiles(padded)) fs::remove(f, ec);

    // Swap: the damaged file (and its WAL, which holds part of its data) aside, the recovered one in.
    const fs::path aside = workspace.string() + ".damaged-" + timeSuffix();
    renameOrThrow(workspace, aside);
    if (fs::exists(workspace.string() + "-wal", ec)) {
        renameOrThrow(workspace.string() + "-wal", aside.string() + "-wal");
    }
    fs::remove(workspace.string() + "-shm", ec);
    renameOrThrow(temporary, workspace);
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(temporary.string() + suffix, ec);
    report.damagedKept = aside;
    logger()->warn("recovered {} ({}); {} rows lost; damaged file kept as {}", workspace.string(),
                   report.method, report.rowsLost(), aside.string());
    return report;
}

}  // namespace ladder::store
