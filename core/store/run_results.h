// What the evaluation recorded for runs, read for display: win rates against a reference (table
// evals) and the generated answers behind them (table samples). Written by core/eval, never here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/database.h"

namespace ladder::store {

struct EvalRecord {
    std::int64_t id = 0;
    std::int64_t runId = 0;
    std::optional<std::int64_t> step;
    std::string judge;
    std::string referenceSource;
    std::int64_t n = 0;
    std::int64_t wins = 0;
    std::int64_t ties = 0;
    std::int64_t losses = 0;
    std::optional<double> winRate;
    std::optional<double> stdError;
    std::string createdAt;
};

struct SampleRecord {
    std::int64_t id = 0;
    std::int64_t runId = 0;
    std::optional<std::int64_t> evalId;
    std::optional<std::int64_t> step;
    std::optional<std::int64_t> promptId;
    std::string promptText;
    std::string output;
    std::optional<std::string> referenceOutput;
    std::optional<double> preference;  // 2 = the generated answer won, 1 = the reference, 1.5 tie
};

class RunResultsReader {
public:
    explicit RunResultsReader(Database& db) : m_db(db) {}

    // A run's evaluations, by step (then by id).
    [[nodiscard]] std::vector<EvalRecord> evals(std::int64_t runId);
    // The evaluation at the latest step (the newest of them), if any.
    [[nodiscard]] std::optional<EvalRecord> latestEval(std::int64_t runId);
    // The samples of one evaluation, or (evalId empty) those of the run's latest step that has
    // samples, by prompt id then sample id; at most `limit`.
    [[nodiscard]] std::vector<SampleRecord> samples(std::int64_t runId,
                                                    std::optional<std::int64_t> evalId = {},
                                                    std::size_t limit = 2000);

private:
    Database& m_db;
};

}  // namespace ladder::store
