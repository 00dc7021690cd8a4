// Per-step metrics in the workspace: a batched writer (one transaction per batch) and a reader that
// follows a run live by the rowid of the last row it saw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/store/database.h"

namespace ladder::store {

struct MetricRow {
    std::int64_t runId = 0;
    std::int64_t step = 0;
    std::string name;
    double value = 0;  // NaN is stored as NULL and read back as NaN
    double wallTime = 0;
};

class MetricsWriter {
public:
    // Rows are kept in memory until batchSize of them are pending, then written in one transaction.
    explicit MetricsWriter(Database& db, std::size_t batchSize = 512);
    ~MetricsWriter();  // flushes; an error is logged, never thrown from here
    MetricsWriter(const MetricsWriter&) = delete;
    MetricsWriter& operator=(const MetricsWriter&) = delete;

    void add(std::int64_t runId, std::int64_t step, std::string_view name, double value,
             double wallTime);
    void add(const MetricRow& row) { add(row.runId, row.step, row.name, row.value, row.wallTime); }
    // Writes everything pending in one transaction. On error the rows stay pending and it throws.
    void flush();
    [[nodiscard]] std::size_t pending() const { return m_pending.size(); }
    [[nodiscard]] std::size_t batchSize() const { return m_batchSize; }

private:
    struct Pending {
        std::int64_t runId, step, nameId;
        double value, wallTime;
    };
    // Heterogeneous lookup: finding a name by string_view allocates nothing.
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    static constexpr std::size_t kRowsPerInsert = 64;
    void bindRow(Statement& s, int firstParam, const Pending& p);
    // The id of a metric name, inserted into metric_names (committed at once) the first time.
    std::int64_t nameId(std::string_view name);

    Database& m_db;
    std::size_t m_batchSize;
    std::vector<Pending> m_pending;
    std::unordered_map<std::string, std::int64_t, NameHash, std::equal_to<>> m_nameIds;
    Statement m_insert;      // one row
    Statement m_insertMany;  // kRowsPerInsert rows: one statement step for many rows
    Statement m_findName;
    Statement m_insertName;
};

struct MetricRecord {
    std::int64_t rowId = 0;
    std::int64_t runId = 0;
    std::int64_t step = 0;
    std::string name;
    double value = 0;
    double wallTime = 0;
};

class MetricsReader {
public:
    explicit MetricsReader(Database& db) : m_db(db) {}

    // Rows of a run with rowid > afterRowId in insertion order (at most limit). runId 0: every run.
    [[nodiscard]] std::vector<MetricRecord> since(std::int64_t runId, std::int64_t afterRowId,
                                                  std::size_t limit = 1'000'000);
    // (step, value) of one metric, by step.
    [[nodiscard]] std::vector<std::pair<std::int64_t, double>> series(std::int64_t runId,
                                                                      const std::string& name);
    // The value of a metric at the last step at or before `step` (a redone step's latest write),
    // as (step, value); nullopt when it has none there. One index lookup, not the series.
    [[nodiscard]] std::optional<std::pair<std::int64_t, double>> atOrBefore(std::int64_t runId,
                                                                            const std::string& name,
                                                                            std::int64_t step);
    [[nodiscard]] std::vector<std::string> names(std::int64_t runId);
    // Last value of each metric of a run (by step).
    [[nodiscard]] std::unordered_map<std::string, double> latest(std::int64_t runId);

private:
    Database& m_db;
};

}  // namespace ladder::store
