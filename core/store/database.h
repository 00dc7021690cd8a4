// A thin RAII layer over the SQLite C API: a connection, prepared statements, transactions.
// One Database per thread; SQLite errors become ladder::Error naming the file and the statement.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ladder::store {

class Database;

// Another connection held the lock for longer than the busy timeout: the same call may succeed
// later (a writer that must not lose data retries; see the trainer's metrics).
class BusyError : public Error {
public:
    using Error::Error;
};

class Statement {
public:
    Statement() = default;
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are 1-based, as in SQLite. Each bind returns *this for chaining.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, std::nullptr_t);
    Statement& bindBlob(int index, const void* data, std::size_t size);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind(index, nullptr);
    }

    // Runs one step: true while a row is available, false when done.
    bool step();
    // Runs a statement that returns no rows (INSERT/UPDATE/DELETE) and resets it for reuse.
    void run();
    void reset();  // also clears bindings

    [[nodiscard]] int columnCount() const;
    [[nodiscard]] bool isNull(int column) const;
    [[nodiscard]] std::int64_t int64(int column) const;
    [[nodiscard]] int int32(int column) const { return static_cast<int>(int64(column)); }
    [[nodiscard]] double real(int column) const;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::string_view textView(int column) const;  // valid until the next step
    [[nodiscard]] std::string blob(int column) const;
    [[nodiscard]] std::optional<std::int64_t> optInt64(int column) const;
    [[nodiscard]] std::optional<double> optReal(int column) const;
    [[nodiscard]] std::optional<std::string> optText(int column) const;

private:
    void check(int rc, const char* what) const;

    Database* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
};

struct OpenFlags {
    bool readOnly = false;
    bool create = false;       // create the file when missing
    int busyTimeoutMs = 5000;  // how long to wait for another writer before "database is locked"
    // The file cannot change (it lies on a read-only medium): read without locks or the -shm file,
    // which SQLite cannot create there. Only with readOnly.
    bool immutable = false;
};

class Database {
public:
    Database() = default;
    Database(const std::filesystem::path& path, const OpenFlags& flags);
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    [[nodiscard]] bool isOpen() const { return m_db != nullptr; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] bool readOnly() const { return m_readOnly; }
    [[nodiscard]] sqlite3* handle() const { return m_db; }

    void exec(std::string_view sql);  // one or more statements, no results
    [[nodiscard]] Statement prepare(std::string_view sql) { return Statement(*this, sql); }

    // Convenience for single-value queries ("SELECT count(*) ...").
    [[nodiscard]] std::int64_t queryInt64(std::string_view sql);
    [[nodiscard]] std::optional<std::string> queryText(std::string_view sql);

    [[nodiscard]] std::int64_t lastInsertId() const;
    [[nodiscard]] int changes() const;
    [[nodiscard]] std::string errorMessage() const;

    // Throws ladder::Error for a failed call: "<file>: <what> failed: <sqlite message> (<hint>)";
    // BusyError when the database stayed locked by another connection.
    [[noreturn]] void fail(int rc, std::string_view what) const;

    void close();

private:
    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
    bool m_readOnly = false;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed without commit() (an exception, a return).
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();
    // Commits what was written so far and begins the next transaction at once: a long write (an
    // import) in bounded chunks, so that other writers (a training run's metrics) get their turn.
    void commitAndContinue();

private:
    Database& m_db;
    bool m_done = false;
};

// A user-facing hint for an SQLite result code ("another program holds the write lock: ...").
[[nodiscard]] std::string sqliteHint(int rc);

}  // namespace ladder::store
