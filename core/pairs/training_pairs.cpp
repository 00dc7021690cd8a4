#include "core/pairs/training_pairs.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/lists.h"
#include "core/common/log.h"
#include "core/pairs/ladder.h"

namespace ladder::pairs {

namespace {

// The WHERE clause (on pairs p) of a selection's ladder and datasets.
std::string selectionFilter(store::Database& db, const PairSelection& selection) {
    if (!selection.split.empty() && selection.split != "train" && selection.split != "heldout") {
        throw Error("unknown split '" + selection.split +
                    "': use train, heldout, or nothing for both");
    }
    std::optional<std::int64_t> ladderId = selection.ladderId;
    if (!ladderId && !selection.ladder.empty()) ladderId = loadLadder(db, selection.ladder).id;
    if (ladderId && selection.ladderId) (void)loadLadder(db, *ladderId);  // a clear error if absent
    if (!ladderId && selection.datasetIds.empty()) {
        throw Error(
            "no pairs selected: name a ladder (whose pairs `pairs build` made) or an "
            "imported pair dataset");
    }
    std::string where;
    if (ladderId) where = "p.ladder_id = " + std::to_string(*ladderId);
    if (!selection.datasetIds.empty()) {
        std::string ids;
        for (const auto id : selection.datasetIds) text::appendItem(ids, std::to_string(id), ",");
        // A dataset still being imported (in chunks) has no pairs to train on yet.
        text::appendItem(where,
                         "p.dataset_id IN (SELECT id FROM datasets WHERE id IN (" + ids +
                             ") AND state = 'complete')",
                         " OR ");
    }
    return "(" + where + ")";
}

bool tierSelected(const PairSelection& selection, const std::string& tier) {
    return selection.tiers.empty() ||
           std::find(selection.tiers.begin(), selection.tiers.end(), tier) != selection.tiers.end();
}

}  // namespace

std::vector<TrainingPair> loadTrainingPairs(store::Database& db, const PairSelection& selection,
                                            AnnotationEffects* effects) {
    const std::string where = selectionFilter(db, selection);
    std::string sql =
        "SELECT p.id, p.prompt_id, pr.instruction, pr.input, c.text, r.text, p.tier, p.rank_gap, "
        "p.difficulty, p.split, p.truncated, a.status, pr.messages_json FROM pairs p "
        "JOIN prompts pr ON pr.id = p.prompt_id JOIN responses c ON c.id = p.chosen_id "
        "JOIN responses r ON r.id = p.rejected_id "
        "LEFT JOIN pair_annotations a ON a.pair_id = p.id WHERE " +
        where;
    if (!selection.split.empty()) sql += " AND p.split = ?1";
    sql += " ORDER BY p.id";
    auto s = db.prepare(sql);
    if (!selection.split.empty()) s.bind(1, selection.split);

    AnnotationEffects counts;
    std::vector<TrainingPair> out;
    while (s.step()) {
        const std::string tier = s.text(6);
        if (!tierSelected(selection, tier)) continue;
        const std::optional<std::string> status = s.optText(11);
        if (!status) {
            ++counts.unreviewed;
        } else if (*status == "discard") {
            ++counts.discarded;
            continue;
        } else if (*status == "tie") {
            ++counts.tied;
            continue;
        } else if (*status == "flip") {
            ++counts.flipped;
        } else {
            ++counts.kept;
        }
        TrainingPair p;
        p.pairId = s.int64(0);
        p.promptId = s.int64(1);
        p.instruction = s.text(2);
        p.input = s.text(3);
        p.chosen = s.text(4);
        p.rejected = s.text(5);
        p.tier = tier;
        p.rankGap = s.int32(7);
        p.difficulty = s.real(8);
        p.split = s.text(9);
        p.truncated = s.int64(10) != 0;
        if (const auto stored = s.optText(12)) {
            std::string error;
            auto messages = data::messagesFromJson(*stored, &error);
            if (!messages) {
                throw Error(db.path().string() + ": prompt " + std::to_string(p.promptId) + ": " +
                            error + " (the workspace was edited outside Ladder?)");
            }
            p.messages = std::move(*messages);
        }
        p.flipped = status && *status == "flip";
        if (p.flipped) std::swap(p.chosen, p.rejected);
        out.push_back(std::move(p));
        if (selection.limit > 0 && out.size() >= selection.limit) break;
    }
    log::get("pairs")->info("loaded {} pairs ({} flipped; left out: {} discarded, {} ties)",
                            out.size(), counts.flipped, counts.discarded, counts.tied);
    if (effects) *effects = counts;
    return out;
}

std::vector<TierCount> tierCounts(store::Database& db, const PairSelection& selection) {
    auto s = db.prepare(
        "SELECT p.tier, max(p.rank_gap), max(p.difficulty), sum(p.split = 'train'), "
        "sum(p.split = 'heldout'), sum(p.truncated), sum(a.status = 'keep'), "
        "sum(a.status = 'flip'), sum(a.status = 'tie'), sum(a.status = 'discard') "
        "FROM pairs p LEFT JOIN pair_annotations a ON a.pair_id = p.id WHERE " +
        selectionFilter(db, selection) +
        " GROUP BY p.tier ORDER BY max(p.rank_gap) DESC, min(p.id)");
    std::vector<TierCount> out;
    while (s.step()) {
        if (!tierSelected(selection, s.text(0))) continue;
        auto n = [&s](int column) { return s.optInt64(column).value_or(0); };
        out.push_back({s.text(0), s.int32(1), s.real(2), n(3), n(4), n(5), n(6), n(7), n(8), n(9)});
    }
    return out;
}

std::map<std::string, std::int64_t> countByTier(const std::vector<TrainingPair>& pairs) {
    std::map<std::string, std::int64_t> out;
    for (const auto& p : pairs) ++out[p.tier];
    return out;
}

std::map<std::string, std::vector<std::int64_t>> indicesByTier(
    const std::vector<TrainingPair>& pairs) {
    std::map<std::string, std::vector<std::int64_t>> out;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        out[pairs[i].tier].push_back(static_cast<std::int64_t>(i));
    }
    return out;
}

std::int64_t exportTrlJsonl(const std::vector<TrainingPair>& pairs,
                            const std::filesystem::path& file, bool withMetadata) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + file.string() + ": check the folder and permissions");
    for (const TrainingPair& p : pairs) {
        nlohmann::json row = {
            {"prompt", p.input.empty() ? p.instruction : p.instruction + "\n\n" + p.input},
            {"chosen", p.chosen},
            {"rejected", p.rejected}};
        if (withMetadata) {
            row["pair_id"] = p.pairId;
            row["tier"] = p.tier;
            row["split"] = p.split;
        }
        out << row.dump() << '\n';
    }
    out.flush();
    if (!out) throw Error("error while writing " + file.string() + " (disk full?)");
    return static_cast<std::int64_t>(pairs.size());
}

}  // namespace ladder::pairs
