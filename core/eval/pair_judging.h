// A judge's verdicts on a ladder's pairs, stored as verdicts beside imported ones (judge, prompt,
// the chosen answer as response_1 and the rejected as response_2, preference), so that `pairs
// stats` reports the judge's agreement with the ladder, and so that two judges can be held
// against each other on the same two sources' answers to the same prompts (a local model against
// imported GPT-4 verdicts). A judge that is not symmetric is asked both orders; the stored
// preference is their mean. Committed a batch at a time: stopped or killed, the same call goes on
// with the pairs that have no verdict of that judge yet.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/eval/judge.h"
#include "core/store/database.h"

namespace ladder::eval {

struct PairJudgingOptions {
    std::vector<std::string> tiers;  // empty: every tier of the ladder
    std::string split;               // "train", "heldout" or empty for both
    int limit = 0;                   // an evenly spread subset of this many pairs (0: all)
    int batch = 16;                  // pairs per judge call and per transaction
};

struct PairJudgingProgress {
    std::int64_t done = 0;     // pairs with a verdict of this judge now (earlier ones included)
    std::int64_t total = 0;    // pairs selected
    std::int64_t resumed = 0;  // of done, stored before this call
    std::int64_t errors = 0;   // pairs the judge failed on in both orders (left for a retry)
    double seconds = 0;        // spent by this call
};

// Throws ladder::Error for an unknown ladder or tier, or a ladder without pairs.
PairJudgingProgress judgePairs(store::Database& db, const std::string& ladderName, Judge& judge,
                               const PairJudgingOptions& options,
                               const std::function<void(const PairJudgingProgress&)>& progress = {},
                               const std::atomic<bool>* stop = nullptr);

// How often `judge` prefers the same answer as another judge that compared the same two sources'
// answers to the same prompt (either order; the texts may differ: another generation of a
// source). A tie agrees only with a tie.
struct JudgesAgreement {
    std::string other;
    std::int64_t prompts = 0;  // comparisons both judges decided
    std::int64_t same = 0;
    [[nodiscard]] double share() const;
};
[[nodiscard]] std::vector<JudgesAgreement> agreementWithOtherJudges(store::Database& db,
                                                                    const std::string& judge);

}  // namespace ladder::eval
