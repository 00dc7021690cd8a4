#include "core/store/metric_summary.h"

#include <cmath>

namespace ladder::store {
namespace {

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

Better betterDirection(const std::string& name) {
    if (name == "loss" || endsWith(name, "/loss") || name == "grad_norm") return Better::Lower;
    if (endsWith(name, "accuracies") || endsWith(name, "margins") || endsWith(name, "win_rate") ||
        endsWith(name, "rewards/chosen")) {
        return Better::Higher;
    }
    return Better::Neither;
}

std::optional<MetricSummary> summarizeSeries(
    const std::vector<std::pair<std::int64_t, double>>& series, Better better) {
    MetricSummary out;
    for (const auto& [step, value] : series) {
        if (!std::isfinite(value)) continue;
        ++out.points;
        out.last = value;
        out.lastStep = step;
        if (better == Better::Neither) continue;
        const bool improves = !out.best || (better == Better::Lower ? value < *out.best
                                                                     : value > *out.best);
        if (improves) {
            out.best = value;
            out.bestStep = step;
        }
    }
    if (out.points == 0) return std::nullopt;
    return out;
}

}  // namespace ladder::store
