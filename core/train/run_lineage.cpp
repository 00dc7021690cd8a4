#include "core/train/run_lineage.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/train/run_config.h"

namespace ladder::train {

namespace {

// A run's tokens_seen by step (a redone step's latest).
std::map<std::int64_t, double> tokensByStep(store::Database& db, std::int64_t runId) {
    std::map<std::int64_t, double> out;
    for (const auto& [step, value] : store::MetricsReader(db).series(runId, kTokensSeenMetric)) {
        out[step] = value;
    }
    return out;
}

// A parent's tokens at its branching step: the count recorded there, else the last before it; 0
// when it recorded none (a run from before they were). One index lookup.
double parentTokens(store::Database& db, std::int64_t parentId, std::int64_t step) {
    const auto at = store::MetricsReader(db).atOrBefore(parentId, kTokensSeenMetric, step);
    return at && std::isfinite(at->second) ? at->second : 0.0;
}

}  // namespace

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
        chain.push_back({parentId, step, step, parentTokens(db, parentId, step), 0});
        seen.insert(parentId);
        child = std::move(parent);
    }
    // Offsets from the root down: a branch step lies after its own run's ancestors.
    std::int64_t below = 0;
    double tokensBelow = 0;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        it->offset = below + it->step;
        below = it->offset;
        it->tokenOffset = tokensBelow + it->tokens;
        tokensBelow = it->tokenOffset;
    }
    return chain;
}

std::int64_t chainedStepOffset(store::Database& db, std::int64_t runId) {
    const auto chain = runAncestry(db, runId);
    return chain.empty() ? 0 : chain.front().offset;
}

std::vector<std::vector<std::pair<double, double>>> branchPoints(
    store::Database& db, const RunBranch& branch, const std::vector<std::string>& metrics,
    ChainAxis axis) {
    const bool tokens = axis == ChainAxis::Tokens;
    const auto shift = tokens ? branch.tokenOffset - branch.tokens
                              : static_cast<double>(branch.offset - branch.step);
    // The parent's token counts, read once for every metric.
    const auto tokensSeen =
        tokens ? tokensByStep(db, branch.parentRunId) : std::map<std::int64_t, double>{};
    store::MetricsReader reader(db);
    std::vector<std::vector<std::pair<double, double>>> lines;
    for (const auto& metric : metrics) {
        auto& out = lines.emplace_back();
        for (const auto& [step, value] : reader.series(branch.parentRunId, metric)) {
            if (step > branch.step) break;  // series() is ordered by step
            double at = shift + static_cast<double>(step);
            if (tokens) {
                const auto t = tokensSeen.find(step);
                if (t == tokensSeen.end()) continue;
                at = shift + t->second;
            }
            while (!out.empty() && out.back().first >= at) out.pop_back();  // redone: the latest
            out.emplace_back(at, value);
        }
    }
    return lines;
}

std::vector<std::pair<double, double>> branchPoints(store::Database& db, const RunBranch& branch,
                                                    const std::string& metric, ChainAxis axis) {
    return branchPoints(db, branch, std::vector<std::string>{metric}, axis).front();
}

RunAxis RunAxis::load(store::Database& db, std::int64_t runId, ChainAxis axis, bool chained) {
    return load(db, runId, axis, chained ? runAncestry(db, runId) : std::vector<RunBranch>{});
}

RunAxis RunAxis::load(store::Database& db, std::int64_t runId, ChainAxis axis,
                      const std::vector<RunBranch>& ancestry) {
    RunAxis a(axis);
    if (!ancestry.empty()) {
        a.m_offset = axis == ChainAxis::Tokens ? ancestry.front().tokenOffset
                                               : static_cast<double>(ancestry.front().offset);
    }
    if (axis == ChainAxis::Tokens) a.m_tokens = tokensByStep(db, runId);
    return a;
}

std::optional<double> RunAxis::at(std::int64_t step) const {
    if (m_axis == ChainAxis::Steps) return m_offset + static_cast<double>(step);
    const auto t = m_tokens.find(step);
    if (t == m_tokens.end()) return std::nullopt;
    return m_offset + t->second;
}

ChainedCurve chainedCurve(store::Database& db, std::int64_t runId, const std::string& metric,
                          ChainAxis axis, bool chained) {
    ChainedCurve c;
    const auto ancestry = chained ? runAncestry(db, runId) : std::vector<RunBranch>{};
    for (auto it = ancestry.rbegin(); it != ancestry.rend(); ++it) {
        for (const auto& [at, value] : branchPoints(db, *it, metric, axis)) {
            if (!c.x.empty() && at <= c.x.back()) continue;
            c.x.push_back(at);
            c.y.push_back(value);
        }
    }
    const std::size_t inherited = c.x.size();
    const auto place = RunAxis::load(db, runId, axis, ancestry);
    store::MetricsReader reader(db);
    for (const auto& [step, value] : reader.series(runId, metric)) {
        const auto at = place.at(step);
        if (!at) continue;
        if (inherited > 0 && *at <= c.x[inherited - 1]) continue;  // the branching point itself
        while (c.x.size() > inherited && c.x.back() >= *at) {      // redone after a resume
            c.x.pop_back();
            c.y.pop_back();
        }
        c.x.push_back(*at);
        c.y.push_back(value);
    }
    for (const auto& [step, error] : reader.series(runId, metric + "_stderr")) {
        if (const auto at = place.at(step)) {
            c.errorX.push_back(*at);
            c.errors.push_back(error);
        }
    }
    return c;
}

}  // namespace ladder::train
