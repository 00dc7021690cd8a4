// The length-controlled win rate, after AlpacaEval 2 (Dubois et al. 2024, "Length-Controlled
// AlpacaEval"): a logistic model of the judge's preference for the generated answer over the
// reference, on a model term, the tanh of the length difference scaled by its standard deviation
// and (where known) the instruction's difficulty, fitted to the per-prompt scores (ties 0.5, soft
// labels); the win rate is its prediction with the length difference set to zero, averaged over
// the prompts. It answers "what would the judge prefer if both answers were as long?".
//
// Differences from AlpacaEval's own fit, which needs its leaderboard's data: no regularisation
// towards "gamed" baselines and no cross-validated L1 strength; an L2 penalty of 1/(2C) |w|^2 with
// AlpacaEval's C = 100 instead; instruction difficulties only when the caller has them.
#pragma once

#include <optional>
#include <vector>

namespace ladder::eval {

struct LengthControlledRow {
    double score = 0;             // the generated answer's preference in [0, 1]
    double lengthDifference = 0;  // generated minus reference, any unit (code points here)
    std::optional<double> instructionDifficulty;  // used only when every row has one
};

struct LengthControlledFit {
    double winRate = 0;  // mean predicted preference at zero length difference; NaN when not fitted
    double modelWeight = 0;        // the intercept: the model's own strength
    double lengthWeight = 0;       // on tanh(difference / sd)
    double instructionWeight = 0;  // on the difficulty; 0 when not used
    double lengthScale = 0;        // the sample standard deviation of the differences
    int iterations = 0;
    bool converged = false;
};

inline constexpr double kLengthControlledC = 100.0;  // AlpacaEval's inverse penalty strength
inline constexpr int kLengthControlledMinRows = 10;  // fewer: no fit (NaN)

// Newton's method on the penalised soft-label log loss (three weights at most, so exact steps).
[[nodiscard]] LengthControlledFit fitLengthControlled(const std::vector<LengthControlledRow>& rows,
                                                      double c = kLengthControlledC);

}  // namespace ladder::eval
