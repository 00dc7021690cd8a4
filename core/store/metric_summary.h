// The last and the best value of a metric's series, for tables of final results; which way is
// better follows the metric's name (losses down, accuracies and win rates up).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ladder::store {

enum class Better { Lower, Higher, Neither };

// loss, eval/loss, grad_norm: Lower; accuracies, margins, win rates, rewards/chosen: Higher;
// anything else (learning rate, throughput, log-probs): Neither.
[[nodiscard]] Better betterDirection(const std::string& metricName);

struct MetricSummary {
    std::int64_t lastStep = 0;
    double last = 0;
    std::optional<std::int64_t> bestStep;  // empty for Better::Neither
    std::optional<double> best;
    std::int64_t points = 0;  // finite values seen
};

// Non-finite values are skipped; an empty or all-NaN series gives nullopt.
[[nodiscard]] std::optional<MetricSummary> summarizeSeries(
    const std::vector<std::pair<std::int64_t, double>>& series, Better better);

}  // namespace ladder::store
