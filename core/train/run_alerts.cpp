#include "core/train/run_alerts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/eval/eval_store.h"
#include "core/store/metrics.h"

namespace ladder::train {
namespace {

using Points = std::vector<std::pair<std::int64_t, double>>;

const Points& pointsOf(const MetricSeries& series, const std::string& name) {
    static const Points none;
    const auto it = series.find(name);
    return it == series.end() ? none : it->second;
}

// The mean of the values of points [from, to).
double meanOf(const Points& p, std::size_t from, std::size_t to) {
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = from; i < to && i < p.size(); ++i) {
        if (std::isfinite(p[i].second)) {
            sum += p[i].second;
            ++n;
        }
    }
    return n ? sum / static_cast<double>(n) : std::nan("");
}

// How many points the start and the end of a series are averaged over: a fifth, at least 3.
std::size_t edge(const Points& p) { return std::max<std::size_t>(3, p.size() / 5); }
double startOf(const Points& p) { return meanOf(p, 0, edge(p)); }
double endOf(const Points& p) { return meanOf(p, p.size() - std::min(p.size(), edge(p)), p.size()); }

// The first step from which the trailing mean of `window` points passes `threshold` (below it when
// `falling`), or the last step when none does.
std::int64_t firstCrossing(const Points& p, double threshold, bool falling) {
    const std::size_t window = edge(p);
    for (std::size_t i = window; i <= p.size(); ++i) {
        const double m = meanOf(p, i - window, i);
        if (falling ? m < threshold : m > threshold) return p[i - 1].first;
    }
    return p.empty() ? 0 : p.back().first;
}

std::string number(double v, int decimals = 2) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

constexpr std::size_t kMinimumPoints = 10;

void likelihoodAlerts(const MetricSeries& series, std::vector<RunAlert>& out) {
    const auto& logps = pointsOf(series, "logps/chosen");
    const auto& margins = pointsOf(series, "rewards/margins");
    const auto& chosen = pointsOf(series, "rewards/chosen");
    const auto& rejected = pointsOf(series, "rewards/rejected");
    if (logps.size() < kMinimumPoints || margins.size() < kMinimumPoints) return;
    const double logpStart = startOf(logps), logpEnd = endOf(logps);
    const double drop = logpStart - logpEnd;
    const double marginGain = endOf(margins) - startOf(margins);
    const bool marginsGrow = marginGain > 0.5;
    if (marginsGrow && drop > std::max(1.0, 0.02 * std::abs(logpStart))) {
        RunAlert a;
        a.kind = "likelihood_displacement";
        a.title = "Likelihood displacement";
        a.metric = "logps/chosen";
        a.step = firstCrossing(logps, logpStart - drop / 2, /*falling=*/true);
        a.explanation =
            "The chosen answers' log-probability fell from " + number(logpStart) + " to " +
            number(logpEnd) + " while the reward margin grew by " + number(marginGain) +
            ": the run separates the answers mostly by pushing the rejected ones down, and takes "
            "the chosen ones down with them. The probability goes to answers that are neither "
            "(likelihood displacement). Try an NLL term on the chosen answers (the loss's nll "
            "knob, as RPO does), a lower learning rate, a larger beta, or fewer steps.";
        out.push_back(std::move(a));
    }
    if (chosen.size() < kMinimumPoints || rejected.size() < kMinimumPoints || marginsGrow) return;
    const double chosenFall = startOf(chosen) - endOf(chosen);
    const double rejectedFall = startOf(rejected) - endOf(rejected);
    const double threshold = std::max(0.1, 0.1 * std::abs(endOf(margins)));
    if (chosenFall > threshold && rejectedFall > threshold) {
        RunAlert a;
        a.kind = "rewards_falling";
        a.title = "Both rewards falling";
        a.metric = "rewards/chosen";
        a.step = firstCrossing(chosen, startOf(chosen) - chosenFall / 2, /*falling=*/true);
        a.explanation =
            "The chosen and the rejected answers' rewards both fell (by " + number(chosenFall) +
            " and " + number(rejectedFall) + ") and the margin between them did not grow: the "
            "policy makes every answer of the data less likely without telling them apart. Try a "
            "lower learning rate, an NLL term on the chosen answers, or check that the chosen "
            "answers really are the better ones (pairs judge).";
        out.push_back(std::move(a));
    }
}

void overfittingAlert(const MetricSeries& series, std::vector<RunAlert>& out) {
    const auto& train = pointsOf(series, "rewards/accuracies");
    const auto& heldout = pointsOf(series, "eval/rewards/accuracies");
    const auto& heldoutLoss = pointsOf(series, "eval/loss");
    if (train.size() < kMinimumPoints || heldout.size() < 3) return;
    const double trainEnd = endOf(train);
    if (trainEnd < 0.95) return;
    const double heldoutGain = heldout.back().second - heldout.front().second;
    double lowest = std::numeric_limits<double>::infinity();
    for (const auto& [step, loss] : heldoutLoss) lowest = std::min(lowest, loss);
    const bool lossRising = !heldoutLoss.empty() && std::isfinite(lowest) &&
                            heldoutLoss.back().second > 1.1 * lowest + 0.01;
    if (heldoutGain >= 0.02 && !lossRising) return;
    RunAlert a;
    a.kind = "overfitting";
    a.title = "Overfitting";
    a.metric = "eval/rewards/accuracies";
    a.step = firstCrossing(train, 0.95, /*falling=*/false);
    a.explanation = "The training pairs are almost all ranked right (accuracy " + number(trainEnd) +
                    ") while the held-out accuracy went from " + number(heldout.front().second) +
                    " to " + number(heldout.back().second) +
                    (lossRising ? " and the held-out loss rose from its lowest " + number(lowest, 3) +
                                      " to " + number(heldoutLoss.back().second, 3)
                                : std::string()) +
                    ": the run learns these pairs, not the preference. Try fewer steps (an "
                    "earlier checkpoint), more pairs or tiers, a lower learning rate, or a "
                    "larger beta.";
    out.push_back(std::move(a));
}

void gradientAlert(const MetricSeries& series, std::vector<RunAlert>& out) {
    const auto& norms = pointsOf(series, "grad_norm");
    int count = 0;
    std::int64_t first = -1;
    double worst = 0, medianAtWorst = 0;
    for (std::size_t i = 0; i < norms.size(); ++i) {
        const double v = norms[i].second;
        bool bad = !std::isfinite(v);
        double median = 0;
        if (!bad && i >= 5) {
            std::vector<double> before;
            for (std::size_t j = i >= 20 ? i - 20 : 0; j < i; ++j) {
                if (std::isfinite(norms[j].second)) before.push_back(norms[j].second);
            }
            std::nth_element(before.begin(), before.begin() + static_cast<std::ptrdiff_t>(before.size() / 2), before.end());
            median = before.empty() ? 0 : before[before.size() / 2];
            bad = median > 0 && v > 10 * median && v > 1.0;
        }
        if (!bad) continue;
        ++count;
        if (first < 0) first = norms[i].first;
        if (!std::isfinite(v) || v > worst) {
            worst = v;
            medianAtWorst = median;
        }
    }
    if (count == 0) return;
    RunAlert a;
    a.kind = "exploding_gradients";
    a.title = "Exploding gradients";
    a.metric = "grad_norm";
    a.step = first;
    a.explanation =
        std::to_string(count) + (count == 1 ? " step had" : " steps had") + " a gradient norm " +
        (std::isfinite(worst) ? "over ten times the steps' before (up to " + number(worst) +
                                    " against a median of " + number(medianAtWorst) + ")"
                              : std::string("that was not finite")) +
        ": a few pairs (very long, or with a reference that gives them extreme log-probabilities) "
        "pull the weights hard. Gradient clipping caps the step, not the cause. Try a lower "
        "learning rate, a longer warmup, gradient clipping at 1.0, or look at the pairs of those "
        "steps (max_length, their lengths in the preflight report).";
    out.push_back(std::move(a));
}

void lengthAlert(const MetricSeries& series, std::vector<RunAlert>& out) {
    const auto& lengths = pointsOf(series, eval::kAnswerLengthMetric);
    if (lengths.size() < 2 || !(lengths.front().second > 0)) return;
    const double first = lengths.front().second;
    for (const auto& [step, length] : lengths) {
        const double ratio = length / first;
        if (ratio <= 1.5 && ratio >= 1.0 / 1.5) continue;
        RunAlert a;
        a.kind = "length_drift";
        a.title = ratio > 1 ? "Answers growing longer" : "Answers growing shorter";
        a.metric = eval::kAnswerLengthMetric;
        a.step = step;
        a.explanation =
            "The answers the policy generates for the win rate went from " + number(first, 0) +
            " to " + number(length, 0) + " characters on average. " +
            (ratio > 1 ? "Preference data often favours longer answers, and a judge may too: the "
                         "win rate can rise for length alone (look at the length-controlled win "
                         "rate), and long answers may repeat themselves. Try pairs balanced for "
                         "length (the preflight's length-bias flags), a larger beta, or fewer steps."
                       : "The policy learned to stop early, often to lower the rejected answers' "
                         "likelihood. Try an NLL term on the chosen answers or fewer steps.");
        out.push_back(std::move(a));
        return;
    }
}

void repetitionAlert(const MetricSeries& series, std::vector<RunAlert>& out) {
    // A share of repeated word 3-grams this high is a loop, not style (a healthy answer of a few
    // hundred words repeats a few percent).
    constexpr double kRepeating = 0.25;
    constexpr double kRise = 0.15;
    const auto& shares = pointsOf(series, eval::kAnswerRepetitionMetric);
    if (shares.empty()) return;
    const double first = shares.front().second;
    for (const auto& [step, share] : shares) {
        if (!(share >= kRepeating && share >= first + kRise)) continue;
        RunAlert a;
        a.kind = "repetition";
        a.title = "Answers repeating themselves";
        a.metric = eval::kAnswerRepetitionMetric;
        a.step = step;
        a.explanation =
            "In the answers the policy generates for the win rate, " + number(share * 100, 0) +
            "% of the word 3-grams repeat earlier ones (" + number(first * 100, 0) +
            "% at the first evaluation): the policy loops. DPO pushes the rejected answers' "
            "likelihood down faster than it raises the chosen ones', and the mass goes to "
            "degenerate text. Look at the run's samples; try a larger beta, a lower learning rate, "
            "an NLL term on the chosen answers (RPO), or an earlier checkpoint.";
        out.push_back(std::move(a));
        return;
    }
}

void stageAlerts(const MetricSeries& series, std::vector<RunAlert>& out) {
    const auto& stages = pointsOf(series, "curriculum/stage");
    const auto& accuracy = pointsOf(series, "rewards/accuracies");
    if (stages.size() < 2 || accuracy.size() < kMinimumPoints) return;
    for (std::size_t i = 1; i < stages.size(); ++i) {
        if (stages[i].second == stages[i - 1].second) continue;
        const std::int64_t boundary = stages[i].first;
        const auto at = std::lower_bound(accuracy.begin(), accuracy.end(), boundary,
                                         [](const auto& p, std::int64_t s) { return p.first < s; });
        const auto index = static_cast<std::size_t>(at - accuracy.begin());
        constexpr std::size_t kWindow = 10;
        if (index < kWindow || index + kWindow > accuracy.size()) continue;
        const double before = meanOf(accuracy, index - kWindow, index);
        const double after = meanOf(accuracy, index, index + kWindow);
        if (before - after <= 0.15) continue;
        RunAlert a;
        a.kind = "stage_drop";
        a.title = "Accuracy drop at a curriculum stage";
        a.metric = "rewards/accuracies";
        a.step = boundary;
        a.explanation =
            "When the curriculum moved to stage " + number(stages[i].second, 0) + " at step " +
            std::to_string(boundary) + ", the training accuracy fell from " + number(before) +
            " to " + number(after) + " over the next " + std::to_string(kWindow) +
            " steps: the new stage's pairs are much harder than what came before. Expected for "
            "a jump from easy to hard tiers; if it does not recover, blend the stages, give the "
            "earlier stage more steps, or leave out the hardest tier.";
        out.push_back(std::move(a));
    }
}

}  // namespace

const std::vector<std::string>& alertMetrics() {
    static const std::vector<std::string> names = {
        "logps/chosen", "rewards/margins", "rewards/chosen", "rewards/rejected",
        "rewards/accuracies", "eval/rewards/accuracies", "eval/loss", "grad_norm",
        eval::kAnswerLengthMetric, "curriculum/stage"};
    return names;
}

std::vector<RunAlert> findRunAlerts(const MetricSeries& series) {
    std::vector<RunAlert> out;
    likelihoodAlerts(series, out);
    overfittingAlert(series, out);
    gradientAlert(series, out);
    lengthAlert(series, out);
    repetitionAlert(series, out);
    stageAlerts(series, out);
    std::stable_sort(out.begin(), out.end(), [](const RunAlert& a, const RunAlert& b) { return a.step < b.step; });
    return out;
}

std::vector<RunAlert> runAlerts(store::Database& db, std::int64_t runId) {
    store::MetricsReader reader(db);
    MetricSeries series;
    for (const auto& name : alertMetrics()) series[name] = reader.series(runId, name);
    return findRunAlerts(series);
}

}  // namespace ladder::train
