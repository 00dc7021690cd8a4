#include "core/data/catalog.h"

#include <unordered_map>

#include "core/common/error.h"

namespace ladder::data {

namespace {

// The answers a ladder can pair: those of complete 'responses' datasets, and those generated in
// the workspace (no dataset). Pair and verdict files hold answers too, counted apart.
constexpr const char* kPairableAnswer =
    "((d.kind = 'responses' AND d.state = 'complete') OR r.dataset_id IS NULL)";

}  // namespace

std::vector<DatasetInfo> listDatasets(store::Database& db) {
    auto s = db.prepare(
        "SELECT d.id, d.name, d.path, d.format, d.kind, d.row_count, d.skipped_rows, "
        "(SELECT count(*) FROM responses r WHERE r.dataset_id = d.id), "
        "(SELECT count(*) FROM pairs p WHERE p.dataset_id = d.id), "
        "(SELECT count(*) FROM verdicts v WHERE v.dataset_id = d.id), d.imported_at "
        "FROM datasets d ORDER BY d.id");
    std::vector<DatasetInfo> out;
    while (s.step()) {
        DatasetInfo d;
        d.id = s.int64(0);
        d.name = s.text(1);
        d.path = s.text(2);
        d.format = s.text(3);
        d.kind = datasetKindFromString(s.text(4));
        d.rows = s.int64(5);
        d.skippedRows = s.int64(6);
        d.responses = s.int64(7);
        d.pairs = s.int64(8);
        d.verdicts = s.int64(9);
        d.importedAt = s.text(10);
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<SourceInfo> listSources(store::Database& db) {
    const std::string pairable = kPairableAnswer;
    std::string sql = "SELECT s.id, s.name, count(CASE WHEN " + pairable + " THEN r.id END), ";
    sql += "count(DISTINCT CASE WHEN " + pairable + " THEN r.prompt_id END), ";
    sql +=
        "count(CASE WHEN d.kind <> 'responses' THEN r.id END) FROM sources s "
        "LEFT JOIN responses r ON r.source_id = s.id "
        "LEFT JOIN datasets d ON d.id = r.dataset_id GROUP BY s.id ORDER BY s.name";
    auto s = db.prepare(sql);
    std::vector<SourceInfo> out;
    while (s.step()) {
        SourceInfo info;
        info.id = s.int64(0);
        info.name = s.text(1);
        info.answers = s.int64(2);
        info.prompts = s.int64(3);
        info.otherResponses = s.int64(4);
        out.push_back(std::move(info));
    }
    return out;
}

// SQLite's length() of a text counts characters (code points), as text::codePointCount does;
// sorted by SQLite, the lengths of a source arrive in order, so its median is read off the middle.
void addAnswerLengths(store::Database& db, std::vector<SourceInfo>& sources) {
    auto s = db.prepare(std::string("SELECT r.source_id, length(r.text) FROM responses r "
                                    "LEFT JOIN datasets d ON d.id = r.dataset_id WHERE ") +
                        kPairableAnswer + " ORDER BY r.source_id, 2");
    std::unordered_map<std::int64_t, std::vector<std::int64_t>> lengths;
    while (s.step()) lengths[s.int64(0)].push_back(s.int64(1));
    for (auto& source : sources) {
        const auto it = lengths.find(source.id);
        if (it == lengths.end()) continue;
        const std::vector<std::int64_t>& l = it->second;
        const std::size_t n = l.size();
        source.shortestChars = l.front();
        source.longestChars = l.back();
        source.medianChars = n % 2 == 1 ? static_cast<double>(l[n / 2])
                                        : 0.5 * static_cast<double>(l[n / 2 - 1] + l[n / 2]);
    }
}


std::optional<std::int64_t> findSource(store::Database& db, const std::string& name) {
    auto s = db.prepare("SELECT id FROM sources WHERE name = ?");
    s.bind(1, name);
    if (s.step()) return s.int64(0);
    return std::nullopt;
}

void deleteDataset(store::Database& db, std::int64_t datasetId) {
    store::Transaction tx(db);
    db.prepare("DELETE FROM datasets WHERE id = ?").bind(1, datasetId).run();
    if (db.changes() == 0) {
        throw Error("there is no dataset #" + std::to_string(datasetId) +
                    " in this workspace: `ladder-cli datasets` lists them");
    }
    tx.commit();
}

}  // namespace ladder::data
