// Alerts that explain a run (issue 16): patterns in its metrics that mean it is going wrong, each
// with the step where it shows, a paragraph on what it means and what to try. Read from the
// metrics a run records (Qt-free: the CLI prints them at the end of a run, the window shows them
// as a badge on the run and a mark on its curves).
//   likelihood displacement   logps/chosen falls while rewards/margins grow
//   both rewards falling      rewards/chosen and rewards/rejected both fall
//   overfitting               train accuracy near 1, held-out accuracy flat or held-out loss rising
//   exploding gradients       grad_norm far above its running median, or not finite
//   answers drifting          eval/answer_length (generated answers) grew or shrank by half
//   answers repeating         eval/answer_repetition (repeated word 3-grams) at 25%, up 15 points
//   stage-boundary drop       train accuracy drops after the curriculum moves to a new stage
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ladder::store {
class Database;
}

namespace ladder::train {

struct RunAlert {
    std::string kind;         // likelihood_displacement, rewards_falling, overfitting, ...
    std::string title;        // "Likelihood displacement"
    std::string metric;       // the curve it marks: "logps/chosen"
    std::int64_t step = 0;    // where it shows first
    std::string explanation;  // what it means, with the figures, and what to try
};

using MetricSeries = std::map<std::string, std::vector<std::pair<std::int64_t, double>>>;

// The alerts the series show, by step. Needs a few points: a run of under 10 steps has none.
[[nodiscard]] std::vector<RunAlert> findRunAlerts(const MetricSeries& series);

// The alerts of a run of the workspace, from its stored metrics.
[[nodiscard]] std::vector<RunAlert> runAlerts(store::Database& db, std::int64_t runId);

// The metric names findRunAlerts reads.
[[nodiscard]] const std::vector<std::string>& alertMetrics();

}  // namespace ladder::train
