#include "core/store/database.h"

#include <sqlite3.h>

#include "core/common/error.h"

namespace ladder::store {

std::string sqliteHint(int rc) {
    switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return "another program is writing to this workspace; wait for it to finish or close it, "
                   "then try again";
        case SQLITE_READONLY:
            return "the workspace or its folder is read-only; copy it somewhere writable";
        case SQLITE_FULL:
            return "the disk is full; free some space, nothing committed so far is lost";
        case SQLITE_NOTADB:
            return "this file is not a Ladder workspace (not an SQLite database)";
        case SQLITE_CORRUPT:
            return "the file is damaged; restore it from a backup";
        case SQLITE_CANTOPEN:
            return "check that the file and its folder exist and that you may write there";
        case SQLITE_IOERR:
            return "a read or write failed; check the disk";
        default:
            return {};
    }
}

namespace {

// A file name as the path of a file: URI (the characters a URI gives a meaning to, escaped).
std::string uriPath(const std::string& path) {
    std::string out;
    for (const char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            static const char* const kHex = "0123456789ABCDEF";
            out += '%';
            out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
            out += kHex[static_cast<unsigned char>(c) & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

[[noreturn]] void throwFor(int rc, std::string message) {
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) throw BusyError(message);
    throw Error(message);
}

}  // namespace

// --- Statement --------------------------------------------------------------------------------

Statement::Statement(Database& db, std::string_view sql) : m_db(&db) {
    const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                      &m_stmt, nullptr);
    if (rc != SQLITE_OK) db.fail(rc, "preparing `" + std::string(sql.substr(0, 80)) + "`");
}

Statement::~Statement() {
    if (m_stmt) sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) {
    other.m_stmt = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (m_stmt) sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = other.m_stmt;
        other.m_stmt = nullptr;
    }
    return *this;
}

void Statement::check(int rc, const char* what) const {
    if (rc != SQLITE_OK) m_db->fail(rc, what);
}

Statement& Statement::bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(m_stmt, index, value), "binding an integer");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    check(sqlite3_bind_double(m_stmt, index, value), "binding a number");
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    check(sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT,
                              SQLITE_UTF8),
          "binding a text");
    return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
    check(sqlite3_bind_null(m_stmt, index), "binding NULL");
    return *this;
}

Statement& Statement::bindBlob(int index, const void* data, std::size_t size) {
    check(sqlite3_bind_blob64(m_stmt, index, data, size, SQLITE_TRANSIENT), "binding a blob");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const char* sql = sqlite3_sql(m_stmt);
    const std::string what = "running `" + std::string(sql ? sql : "").substr(0, 80) + "`";
    sqlite3_reset(m_stmt);
    m_db->fail(rc, what);
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

int Statement::columnCount() const { return sqlite3_column_count(m_stmt); }
bool Statement::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}
std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
double Statement::real(int column) const { return sqlite3_column_double(m_stmt, column); }

std::string_view Statement::textView(int column) const {
    const auto* p = sqlite3_column_text(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string_view();
}

std::string Statement::text(int column) const { return std::string(textView(column)); }

std::string Statement::blob(int column) const {
    const void* p = sqlite3_column_blob(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::int64_t> Statement::optInt64(int column) const {
    if (isNull(column)) return std::nullopt;
    return int64(column);
}
std::optional<double> Statement::optReal(int column) const {
    if (isNull(column)) return std::nullopt;
    return real(column);
}
std::optional<std::string> Statement::optText(int column) const {
    if (isNull(column)) return std::nullopt;
    return text(column);
}

// --- Database ---------------------------------------------------------------------------------

Database::Database(const std::filesystem::path& path, const OpenFlags& flags)
    : m_path(path), m_readOnly(flags.readOnly) {
    int mode = flags.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (flags.create && !flags.readOnly) mode |= SQLITE_OPEN_CREATE;
    mode |= SQLITE_OPEN_NOMUTEX;  // one connection per thread
    std::string name = path.string();
    if (flags.immutable && flags.readOnly) {
        mode |= SQLITE_OPEN_URI;
        name = "file:" + uriPath(name) + "?immutable=1";
    }
    const int rc = sqlite3_open_v2(name.c_str(), &m_db, mode, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        if (m_db) sqlite3_close_v2(m_db);
        m_db = nullptr;
        std::string hint = sqliteHint(rc);
        throw Error("cannot open " + path.string() + ": " + message +
                    (hint.empty() ? "" : " (" + hint + ")"));
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, flags.busyTimeoutMs);
}

Database::~Database() { close(); }

Database::Database(Database&& other) noexcept
    : m_db(other.m_db), m_path(std::move(other.m_path)), m_readOnly(other.m_readOnly) {
    other.m_db = nullptr;
}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        close();
        m_db = other.m_db;
        m_path = std::move(other.m_path);
        m_readOnly = other.m_readOnly;
        other.m_db = nullptr;
    }
    return *this;
}

void Database::close() {
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

void Database::exec(std::string_view sql) {
    std::string copy(sql);  // sqlite3_exec needs a NUL-terminated string
    char* err = nullptr;
    const int rc = sqlite3_exec(m_db, copy.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string message = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        std::string hint = sqliteHint(rc);
        throwFor(rc, m_path.string() + ": `" + copy.substr(0, 80) + "` failed: " + message +
                         (hint.empty() ? "" : " (" + hint + ")"));
    }
}

std::int64_t Database::queryInt64(std::string_view sql) {
    Statement s(*this, sql);
    if (!s.step()) throw Error(m_path.string() + ": `" + std::string(sql) + "` returned no row");
    return s.int64(0);
}

std::optional<std::string> Database::queryText(std::string_view sql) {
    Statement s(*this, sql);
    if (!s.step()) return std::nullopt;
    return s.optText(0);
}

std::int64_t Database::lastInsertId() const { return sqlite3_last_insert_rowid(m_db); }
int Database::changes() const { return sqlite3_changes(m_db); }
std::string Database::errorMessage() const { return m_db ? sqlite3_errmsg(m_db) : "not open"; }

void Database::fail(int rc, std::string_view what) const {
    std::string hint = sqliteHint(rc);
    throwFor(rc, m_path.string() + ": " + std::string(what) + " failed: " +
                     (m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc)) +
                     (hint.empty() ? "" : " (" + hint + ")"));
}

// --- Transaction ------------------------------------------------------------------------------

Transaction::Transaction(Database& db) : m_db(db) { m_db.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (!m_done) {
        try {
            m_db.exec("ROLLBACK");
        } catch (...) {
            // A failed rollback leaves SQLite to roll back on close; never throw from a destructor.
        }
    }
}

void Transaction::commit() {
    m_db.exec("COMMIT");
    m_done = true;
}

void Transaction::commitAndContinue() {
    m_db.exec("COMMIT");
    m_done = true;
    m_db.exec("BEGIN IMMEDIATE");
    m_done = false;
}

}  // namespace ladder::store
