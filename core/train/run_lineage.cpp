#include "core/train/run_lineage.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/store/runs.h"
#include "core/train/run_config.h"

namespace ladder::train {

std::vector<RunBranch> runAncestry(store::Database& db, std::int64_t runId) {
    store::RunStore runs(db);
    std::vector<RunBranch> chain;
    std::set<std::int64_t> seen = {runId};
    auto child = runs.find(runId);
    while (child && child->parentRunId && !seen.count(*child->parentRunId)) {
        const std::int64_t parentId = *child->parentRunId;
        auto parent = runs.find(parentId);
        if (!parent) break;
        std::int64_t step = -1;
        try {
            step = parseRunConfig(nlohmann::json::parse(child->configJson)).model.checkpointStep;
        } catch (const std::exception&) {
            // A config this version cannot read: the parent's latest checkpoint.
        }
        if (step < 0) {
            const auto latest = runs.latestCheckpoint(parentId);
            step = latest ? latest->step : parent->lastStep;
        }
        chain.push_back({parentId, step, step});
        seen.insert(parentId);
        child = std::move(parent);
    }
    // Offsets from the root down: a branch step lies after its own run's ancestors.
    std::int64_t below = 0;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        it->offset = below + it->step;
        below = it->offset;
    }
    return chain;
}

std::int64_t chainedStepOffset(store::Database& db, std::int64_t runId) {
    const auto chain = runAncestry(db, runId);
    return chain.empty() ? 0 : chain.front().offset;
}

}  // namespace ladder::train
