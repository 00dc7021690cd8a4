#include "core/pairs/pair_margins.h"

#include <cmath>

#include "core/common/error.h"
#include "core/common/log.h"

namespace ladder::pairs {

void checkMarginsToStore(store::Database& db, std::int64_t runId, std::int64_t step,
                         const std::vector<std::pair<std::int64_t, double>>& marginByPair) {
    auto run = db.prepare("SELECT 1 FROM runs WHERE id = ?");
    run.bind(1, runId);
    if (!run.step()) {
        throw Error("cannot store pair margins: no run " + std::to_string(runId) +
                    " in this workspace");
    }
    for (const auto& [pairId, margin] : marginByPair) {
        if (!std::isfinite(margin)) {
            throw Error("run " + std::to_string(runId) + ", step " + std::to_string(step) +
                        ": the margin of pair " + std::to_string(pairId) +
                        " is not a finite number (a diverged run?); nothing was stored");
        }
    }
}

void savePairMargins(store::Database& db, std::int64_t runId, std::int64_t step,
                     const std::vector<std::pair<std::int64_t, double>>& marginByPair) {
    store::Transaction tx(db);
    checkMarginsToStore(db, runId, step, marginByPair);
    auto pair = db.prepare("SELECT 1 FROM pairs WHERE id = ?");
    auto insert = db.prepare(
        "INSERT INTO pair_margins(run_id, pair_id, step, margin) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(run_id, pair_id) DO UPDATE SET step = ?3, margin = ?4");
    std::int64_t gone = 0;
    for (const auto& [pairId, margin] : marginByPair) {
        pair.bind(1, pairId);
        const bool known = pair.step();
        pair.reset();
        // A pair rebuilt away since the run loaded it: the run's other margins still count.
        if (!known) {
            ++gone;
            continue;
        }
        insert.bind(1, runId).bind(2, pairId).bind(3, step).bind(4, margin).run();
    }
    tx.commit();
    if (gone > 0) {
        log::get("pairs")->warn("run {}: {} of its pairs are no longer in the workspace (the "
                                "pairs were rebuilt while it trained); their margins were left out",
                                runId, gone);
    }
}

std::vector<MarginRun> marginRuns(store::Database& db) {
    auto s = db.prepare(
        "SELECT m.run_id, r.name, count(*), max(m.step) FROM pair_margins m "
        "JOIN runs r ON r.id = m.run_id GROUP BY m.run_id ORDER BY m.run_id DESC");
    std::vector<MarginRun> out;
    while (s.step()) out.push_back({s.int64(0), s.text(1), s.int64(2), s.int64(3)});
    return out;
}

}  // namespace ladder::pairs
