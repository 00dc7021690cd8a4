#include "core/data/catalog.h"

#include "core/common/error.h"

namespace ladder::data {

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
    auto s = db.prepare(
        "SELECT s.id, s.name, "
        "count(CASE WHEN (d.kind = 'responses' AND d.state = 'complete') OR r.dataset_id IS NULL "
        "THEN r.id END), "
        "count(DISTINCT CASE WHEN (d.kind = 'responses' AND d.state = 'complete') "
        "OR r.dataset_id IS NULL THEN r.prompt_id END), "
        "count(CASE WHEN d.kind <> 'responses' THEN r.id END) "
        "FROM sources s LEFT JOIN responses r ON r.source_id = s.id "
        "LEFT JOIN datasets d ON d.id = r.dataset_id GROUP BY s.id ORDER BY s.name");
    std::vector<SourceInfo> out;
    while (s.step()) {
        out.push_back({s.int64(0), s.text(1), s.int64(2), s.int64(3), s.int64(4)});
    }
    return out;
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
