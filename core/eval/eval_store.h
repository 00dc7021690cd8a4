// Evaluations in the workspace: an evals row (counts, win rate, standard error, details), a
// samples row per answer (preference 2 = the evaluated answer won, 1 = the reference, 1.5 tie),
// and the run's metrics eval/win_rate, eval/win_rate_stderr and eval/win_rate_lc at the step,
// which the plots show.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/eval/eval_result.h"
#include "core/store/database.h"

namespace ladder::eval {

inline constexpr const char* kWinRateMetric = "eval/win_rate";
inline constexpr const char* kWinRateStdErrorMetric = "eval/win_rate_stderr";
// AlpacaEval 2's length-controlled win rate (length_controlled.h); absent under 10 decided prompts.
inline constexpr const char* kLengthControlledWinRateMetric = "eval/win_rate_lc";
inline constexpr const char* kPositionAgreementMetric = "eval/position_agreement";
inline constexpr const char* kAnswerLengthMetric = "eval/answer_length";
inline constexpr const char* kAnswerRepetitionMetric = "eval/answer_repetition";
inline constexpr const char* kLengthDifferenceMetric = "eval/length_difference";

// Writes the rows in one transaction, then the metrics (when the target has a run and a step; a
// metric already at that step is replaced, so the curve shows the latest evaluation there).
// Returns the evals row id.
std::int64_t storeEval(store::Database& db, const EvalTarget& target, const EvalResult& result);

struct EvalRecord {
    std::int64_t id = 0;
    std::optional<std::int64_t> runId;
    std::string runName;  // empty without a run
    std::optional<std::int64_t> checkpointId;
    std::optional<std::int64_t> step;
    std::string judge;
    std::string reference;
    std::int64_t n = 0;
    std::int64_t wins = 0;
    std::int64_t ties = 0;
    std::int64_t losses = 0;
    double winRate = 0;   // NaN when the row has none
    double stdError = 0;  // NaN when the row has none
    nlohmann::json details;
    std::string createdAt;
};

// Evaluations, oldest first; of one run when runId is given.
[[nodiscard]] std::vector<EvalRecord> listEvals(store::Database& db,
                                                std::optional<std::int64_t> runId = std::nullopt);

struct SampleRecord {
    std::int64_t id = 0;
    std::optional<std::int64_t> promptId;
    std::string promptText;
    std::string output;
    std::string referenceOutput;
    std::optional<double> preference;  // 2 = the evaluated answer won
};

// A run's evaluation at its latest step (the newest of several there; one without a step counts
// as before step 0): what the runs list and the comparison show as the run's win rate.
[[nodiscard]] std::optional<EvalRecord> latestEval(store::Database& db, std::int64_t runId);

// The samples of one evaluation in prompt order.
[[nodiscard]] std::vector<SampleRecord> loadSamples(store::Database& db, std::int64_t evalId);

}  // namespace ladder::eval
