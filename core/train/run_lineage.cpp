#include "core/train/run_lineage.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/store/metrics.h"
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

std::vector<std::pair<double, double>> branchPoints(store::Database& db, const RunBranch& branch,
                                                    const std::string& metric) {
    const auto shift = static_cast<double>(branch.offset - branch.step);
    std::vector<std::pair<double, double>> out;
    for (const auto& [step, value] : store::MetricsReader(db).series(branch.parentRunId, metric)) {
        if (step > branch.step) break;  // series() is ordered by step
        const double at = shift + static_cast<double>(step);
        while (!out.empty() && out.back().first >= at) out.pop_back();  // redone: the latest
        out.emplace_back(at, value);
    }
    return out;
}

}  // namespace ladder::train
