// A run's implicit reward margin per pair (table pair_margins): beta * (log-ratio of chosen minus
// log-ratio of rejected) for DPO, the score gap for SLiC. Negative means the model prefers the
// rejected answer, so the pair browser sorts by it to show what the model gets most wrong.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/store/database.h"

namespace ladder::pairs {

struct MarginRun {
    std::int64_t runId = 0;
    std::string name;
    std::int64_t pairs = 0;  // pairs with a margin
    std::int64_t step = 0;   // the latest step they were measured at
};

// Throws ladder::Error unless `runId` is a run of the workspace and every margin is finite: what
// savePairMargins and savePairMarginStep (pair_dynamics.h) check before they store anything.
void checkMarginsToStore(store::Database& db, std::int64_t runId, std::int64_t step,
                         const std::vector<std::pair<std::int64_t, double>>& marginByPair);

// Stores (or replaces) margins measured at `step`, in one transaction. Throws ladder::Error for an
// unknown run or pair, or a non-finite margin.
void savePairMargins(store::Database& db, std::int64_t runId, std::int64_t step,
                     const std::vector<std::pair<std::int64_t, double>>& marginByPair);

// The runs that have margins, newest first.
[[nodiscard]] std::vector<MarginRun> marginRuns(store::Database& db);

}  // namespace ladder::pairs
