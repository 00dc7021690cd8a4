#include "core/pairs/pair_provenance.h"

#include "core/common/error.h"

namespace ladder::pairs {
namespace {

nlohmann::json originJson(const AnswerOrigin& o) {
    return {{"source", o.source},
            {"dataset_id", o.datasetId},
            {"dataset", o.dataset},
            {"file", o.file},
            {"row", o.row}};
}

AnswerOrigin readOrigin(store::Statement& s, int first) {
    AnswerOrigin o;
    o.source = s.text(first);
    o.datasetId = s.optInt64(first + 1).value_or(0);
    o.dataset = s.optText(first + 2).value_or("");
    o.file = s.optText(first + 3).value_or("");
    o.row = s.optInt64(first + 4).value_or(-1);
    return o;
}

}  // namespace

nlohmann::json PairProvenance::toJson() const {
    nlohmann::json j = {
        {"pair_id", pairId}, {"chosen", originJson(chosen)}, {"rejected", originJson(rejected)}};
    if (!ladder.empty()) j["ladder"] = ladder;
    if (!imported.empty()) j["imported"] = imported;
    return j;
}

PairProvenance pairProvenance(store::Database& db, std::int64_t pairId) {
    auto s = db.prepare(
        "SELECT l.name, pd.name, "
        "cs.name, c.dataset_id, cd.name, cd.path, c.row_index, "
        "rs.name, r.dataset_id, rd.name, rd.path, r.row_index "
        "FROM pairs p LEFT JOIN ladders l ON l.id = p.ladder_id "
        "LEFT JOIN datasets pd ON pd.id = p.dataset_id "
        "JOIN responses c ON c.id = p.chosen_id JOIN sources cs ON cs.id = c.source_id "
        "LEFT JOIN datasets cd ON cd.id = c.dataset_id "
        "JOIN responses r ON r.id = p.rejected_id JOIN sources rs ON rs.id = r.source_id "
        "LEFT JOIN datasets rd ON rd.id = r.dataset_id WHERE p.id = ?");
    s.bind(1, pairId);
    if (!s.step())
        throw Error("there is no pair #" + std::to_string(pairId) + " in this workspace");
    PairProvenance p;
    p.pairId = pairId;
    p.ladder = s.optText(0).value_or("");
    p.imported = s.optText(1).value_or("");
    p.chosen = readOrigin(s, 2);
    p.rejected = readOrigin(s, 7);
    return p;
}

}  // namespace ladder::pairs
