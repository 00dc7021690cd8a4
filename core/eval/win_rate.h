// The win rate of generated answers against reference answers, from a judge's verdicts: ties
// count half, with its standard error, the judge's position agreement (when both orders were
// asked) and a length view (win rate by answer length, and the length difference), which is
// where a judge's length bias shows, and the length-controlled win rate that corrects for it.
// Plain numbers: no model, no database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/eval/length_controlled.h"

namespace ladder::eval {

// What the judge said about one prompt. Preferences follow AlpacaEval: in the forward order the
// reference is output_1 and the generated answer output_2, so 2 means the generated answer won.
struct PromptOutcome {
    std::optional<double> forward;   // reference first, generated answer second
    std::optional<double> backward;  // swapped (asked only of judges that are not symmetric)
    bool backwardAsked = false;
    std::string error;              // why an order has no verdict, when the judge failed
    std::int64_t outputLength = 0;  // the generated answer, in code points
    std::int64_t referenceLength = 0;
    double outputRepetition = 0;  // text::repeatedNgramShare of the generated answer

    // The generated answer's score in [0, 1] (1 won, 0.5 tie, 0 lost): forward - 1 and
    // 2 - backward, averaged over the orders that were decided; none when neither was.
    [[nodiscard]] std::optional<double> score() const;
};

struct LengthBucket {
    std::int64_t minLength = 0;  // generated answers' lengths in this bucket, code points
    std::int64_t maxLength = 0;
    std::int64_t n = 0;
    double winRate = 0;
};

struct LengthSplit {
    std::int64_t n = 0;
    double winRate = 0;  // NaN when n is 0
};

struct WinRate {
    std::int64_t prompts = 0;    // every prompt asked about
    std::int64_t n = 0;          // prompts with a decision (the win rate's denominator)
    std::int64_t wins = 0;       // score above 0.5
    std::int64_t ties = 0;       // score exactly 0.5
    std::int64_t losses = 0;     // score below 0.5
    std::int64_t undecided = 0;  // the judge declined (no preference, no error)
    std::int64_t errors = 0;     // the judge failed on every order of the prompt
    // mean score (ties 0.5, a split decision across orders 0.5 too); NaN when n is 0
    double winRate = 0;
    // the sample standard deviation of the scores / sqrt(n) (AlpacaEval's standard error); NaN
    // when n < 2
    double stdError = 0;

    std::int64_t bothOrders = 0;   // prompts decided in both orders
    std::int64_t ordersAgree = 0;  // ... where both orders gave the same win / tie / loss
    double positionAgreement = 0;  // ordersAgree / bothOrders; NaN when none

    double meanOutputLength = 0;  // over decided prompts, code points
    double meanReferenceLength = 0;
    double meanLengthDifference = 0;     // generated - reference
    double meanOutputRepetition = 0;     // over decided prompts: repeated word 3-grams' share
    std::vector<LengthBucket> byLength;  // quartiles of the generated answers' length
    LengthSplit longer, same, shorter;   // generated answer longer / as long / shorter

    // AlpacaEval 2's length-controlled win rate over the decided prompts (length_controlled.h);
    // its winRate is NaN under kLengthControlledMinRows prompts.
    LengthControlledFit lengthControlled;
};

[[nodiscard]] WinRate summarize(const std::vector<PromptOutcome>& outcomes);

// For evals.details_json and `--json` output (NaN as null).
[[nodiscard]] nlohmann::json toJson(const WinRate& winRate);

// "win rate 42.5% ± 3.1% (n 160: 60 wins, 16 ties, 84 losses)" and, on further lines, the
// position agreement and the length view.
[[nodiscard]] std::string renderWinRate(const WinRate& winRate);

}  // namespace ladder::eval
