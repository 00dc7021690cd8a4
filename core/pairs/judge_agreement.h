// How often a judge agrees with a ladder: for each verdict on two answers whose sources are in the
// ladder at different ranks, does the judge prefer the higher-ranked source's answer? A verdict is
// tied to the ladder pair on the same prompt and tier; it judged exactly that pair's texts when
// its answers are the pair's responses or have the same normalised text (a verdict file may carry
// other generations of a source's answers: AlpacaEval's text_davinci_003 annotations do).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/store/database.h"

namespace ladder::pairs {

struct TierAgreement {
    std::string tier;
    std::string judge;
    std::int64_t verdicts = 0;
    std::int64_t agree = 0;      // the judge prefers the higher-ranked source
    std::int64_t disagree = 0;   // the judge prefers the lower-ranked source
    std::int64_t ties = 0;       // preference 1.5
    std::int64_t undecided = 0;  // no preference (null or 0)
    std::int64_t withPair = 0;   // verdicts on a prompt where the ladder has a pair in this tier
    std::int64_t sameTexts = 0;  // ... that judged exactly that pair's two answers

    // agree / (agree + disagree + ties); 0 when the judge decided nothing.
    [[nodiscard]] double agreement() const;
};

// A verdict against the ladder, and the pair it flags (pairId 0 when the ladder has none there).
struct Disagreement {
    std::int64_t verdictId = 0;
    std::int64_t pairId = 0;
    std::int64_t promptId = 0;
    std::string tier;
    std::string judge;
    double preference = 0;
    bool sameTexts = false;
};

struct JudgeAgreementReport {
    std::string ladder;
    std::vector<TierAgreement> tiers;  // tiers that verdicts cover, in the ladder's tier order
    std::vector<Disagreement> disagreements;
};

[[nodiscard]] JudgeAgreementReport judgeAgreement(store::Database& db,
                                                  const std::string& ladderName);

// Per tier and judge: "agrees in 716 of 805 (88.9%), against 83, ties 5, undecided 1".
[[nodiscard]] std::string renderJudgeAgreement(const JudgeAgreementReport& report,
                                               std::size_t listDisagreements = 0);

}  // namespace ladder::pairs
