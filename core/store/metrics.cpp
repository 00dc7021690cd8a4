#include "core/store/metrics.h"

#include <cmath>
#include <limits>
#include <optional>

#include "core/common/error.h"
#include "core/common/log.h"

namespace ladder::store {
namespace {

std::string insertRows(std::size_t rows) {
    std::string sql = "INSERT INTO metrics(run_id, step, name_id, value, wall_time) VALUES ";
    for (std::size_t i = 0; i < rows; ++i) sql += i == 0 ? "(?,?,?,?,?)" : ",(?,?,?,?,?)";
    return sql;
}

}  // namespace

MetricsWriter::MetricsWriter(Database& db, std::size_t batchSize)
    : m_db(db),
      m_batchSize(batchSize == 0 ? 1 : batchSize),
      m_insert(db, insertRows(1)),
      m_insertMany(db, insertRows(kRowsPerInsert)),
      m_findName(db, "SELECT id FROM metric_names WHERE name = ?"),
      // OR IGNORE: another connection (a second run training beside this one) may add the same
      // name between this one's look-up and its insert.
      m_insertName(db, "INSERT OR IGNORE INTO metric_names(name) VALUES (?)") {
    m_pending.reserve(m_batchSize);
}

MetricsWriter::~MetricsWriter() {
    try {
        flush();
    } catch (const std::exception& e) {
        log::get("store")->error("{} metric rows were not saved: {}", m_pending.size(), e.what());
    }
}

void MetricsWriter::add(std::int64_t runId, std::int64_t step, std::string_view name, double value,
                        double wallTime) {
    m_pending.push_back({runId, step, nameId(name), value, wallTime});
    if (m_pending.size() >= m_batchSize) flush();
}

std::int64_t MetricsWriter::nameId(std::string_view name) {
    if (auto it = m_nameIds.find(name); it != m_nameIds.end()) return it->second;
    const auto find = [this, name]() -> std::optional<std::int64_t> {
        m_findName.bind(1, name);
        std::optional<std::int64_t> found;
        if (m_findName.step()) found = m_findName.int64(0);
        m_findName.reset();
        return found;
    };
    auto id = find();
    if (!id) {
        m_insertName.bind(1, name);
        m_insertName.run();
        id = find();
        if (!id) throw Error("the metric name '" + std::string(name) + "' could not be stored");
    }
    m_nameIds.emplace(std::string(name), *id);
    return *id;
}

void MetricsWriter::flush() {
    if (m_pending.empty()) return;
    try {
        Transaction tx(m_db);
        std::size_t i = 0;
        for (; i + kRowsPerInsert <= m_pending.size(); i += kRowsPerInsert) {
            for (std::size_t r = 0; r < kRowsPerInsert; ++r) {
                bindRow(m_insertMany, static_cast<int>(5 * r) + 1, m_pending[i + r]);
            }
            m_insertMany.run();
        }
        for (; i < m_pending.size(); ++i) {
            bindRow(m_insert, 1, m_pending[i]);
            m_insert.run();
        }
        tx.commit();
    } catch (...) {
        m_insert.reset();
        m_insertMany.reset();
        throw;
    }
    m_pending.clear();
}

void MetricsWriter::bindRow(Statement& s, int firstParam, const Pending& p) {
    s.bind(firstParam, p.runId).bind(firstParam + 1, p.step).bind(firstParam + 2, p.nameId);
    if (std::isnan(p.value)) {
        s.bind(firstParam + 3, nullptr);
    } else {
        s.bind(firstParam + 3, p.value);
    }
    s.bind(firstParam + 4, p.wallTime);
}

std::vector<MetricRecord> MetricsReader::since(std::int64_t runId, std::int64_t afterRowId,
                                               std::size_t limit) {
    auto s = m_db.prepare(
        "SELECT m.rowid, m.run_id, m.step, n.name, m.value, m.wall_time FROM metrics m "
        "JOIN metric_names n ON n.id = m.name_id "
        "WHERE m.rowid > ?1 AND (?2 = 0 OR m.run_id = ?2) ORDER BY m.rowid LIMIT ?3");
    s.bind(1, afterRowId).bind(2, runId).bind(3, static_cast<std::int64_t>(limit));
    std::vector<MetricRecord> out;
    while (s.step()) {
        out.push_back({s.int64(0), s.int64(1), s.int64(2), s.text(3),
                       s.isNull(4) ? std::numeric_limits<double>::quiet_NaN() : s.real(4),
                       s.real(5)});
    }
    return out;
}

std::vector<std::pair<std::int64_t, double>> MetricsReader::series(std::int64_t runId,
                                                                   const std::string& name) {
    auto s = m_db.prepare(
        "SELECT m.step, m.value FROM metrics m JOIN metric_names n ON n.id = m.name_id "
        "WHERE m.run_id = ? AND n.name = ? ORDER BY m.step, m.rowid");
    s.bind(1, runId).bind(2, name);
    std::vector<std::pair<std::int64_t, double>> out;
    while (s.step()) {
        out.emplace_back(s.int64(0),
                         s.isNull(1) ? std::numeric_limits<double>::quiet_NaN() : s.real(1));
    }
    return out;
}

std::optional<std::pair<std::int64_t, double>> MetricsReader::atOrBefore(std::int64_t runId,
                                                                        const std::string& name,
                                                                        std::int64_t step) {
    auto s = m_db.prepare(
        "SELECT m.step, m.value FROM metrics m JOIN metric_names n ON n.id = m.name_id "
        "WHERE m.run_id = ? AND n.name = ? AND m.step <= ? ORDER BY m.step DESC, m.rowid DESC LIMIT 1");
    s.bind(1, runId).bind(2, name).bind(3, step);
    if (!s.step()) return std::nullopt;
    return std::pair(s.int64(0), s.isNull(1) ? std::numeric_limits<double>::quiet_NaN() : s.real(1));
}

std::vector<std::string> MetricsReader::names(std::int64_t runId) {
    auto s = m_db.prepare(
        "SELECT DISTINCT n.name FROM metrics m JOIN metric_names n ON n.id = m.name_id "
        "WHERE m.run_id = ? ORDER BY n.name");
    s.bind(1, runId);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
}

std::unordered_map<std::string, double> MetricsReader::latest(std::int64_t runId) {
    auto s = m_db.prepare(
        "SELECT n.name, m.value FROM metrics m JOIN metric_names n ON n.id = m.name_id "
        "WHERE m.rowid IN (SELECT max(rowid) FROM metrics WHERE run_id = ? GROUP BY name_id)");
    s.bind(1, runId);
    std::unordered_map<std::string, double> out;
    while (s.step()) {
        out[s.text(0)] = s.isNull(1) ? std::numeric_limits<double>::quiet_NaN() : s.real(1);
    }
    return out;
}

}  // namespace ladder::store
