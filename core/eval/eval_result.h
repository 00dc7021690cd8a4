// What one evaluation produced: the answers with the judge's verdicts and the win rate, and what
// it is stored under (a run and step, or nothing for a model folder). Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/eval/eval_prompts.h"
#include "core/eval/win_rate.h"

namespace ladder::eval {

struct EvalTarget {
    std::optional<std::int64_t> runId;         // the run evaluated (none: a model folder or file)
    std::optional<std::int64_t> checkpointId;  // none: the run's checkpoint at `step`, if any
    std::optional<std::int64_t> step;          // the training step; metrics are written there
    std::string generator;                     // a name for the answers: run name, folder, file
    bool store = true;                         // write evals, samples and metrics rows
};

struct EvalSample {
    EvalPrompt prompt;      // with the reference answer
    std::string output;     // the evaluated answer
    PromptOutcome outcome;  // the judge's verdicts on it
};

struct EvalResult {
    std::int64_t evalId = 0;  // the evals row; 0 when not stored
    std::string judge;        // the judge's name as stored
    std::string reference;    // the reference source
    WinRate winRate;
    std::vector<EvalSample> samples;  // in prompt order
    nlohmann::json details;           // what evals.details_json holds
};

}  // namespace ladder::eval
