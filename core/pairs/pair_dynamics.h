// Per-pair dynamics (issue 16): a run's reward margin of each pair at every evaluation (table
// pair_margin_steps: the held-out pairs it evaluates and a fixed sample of training pairs), and
// what they say: a pair never learned, learned at step N (right from then on), forgotten (right,
// then wrong at the last evaluation), or right from the first evaluation on. Learnability: those
// counts per tier and per source of the chosen answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/store/database.h"

namespace ladder::pairs {

// Stores the margins measured at `step` beside the earlier ones (replacing that step's), in one
// transaction. Pairs no longer in the workspace are left out. Throws ladder::Error for a
// non-finite margin or an unknown run.
void savePairMarginStep(store::Database& db, std::int64_t runId, std::int64_t step,
                        const std::vector<std::pair<std::int64_t, double>>& marginByPair);

enum class PairLearning { NeverLearned, LearnedAt, Forgotten, RightFromTheStart };
[[nodiscard]] const char* toString(PairLearning learning);  // "never learned", ...

struct PairDynamics {
    std::int64_t pairId = 0;
    std::string tier;
    std::string chosenSource;  // the source of its chosen answer
    bool heldOut = false;
    std::vector<std::pair<std::int64_t, double>> margins;  // by step
    PairLearning learning = PairLearning::NeverLearned;
    std::int64_t learnedAt = 0;  // LearnedAt: the first step from which it stays right
};

// What the margins say (at least one); a margin > 0 is right.
[[nodiscard]] PairLearning classify(const std::vector<std::pair<std::int64_t, double>>& margins,
                                    std::int64_t* learnedAt = nullptr);

// Every pair with margins at two evaluations or more, by pair id.
[[nodiscard]] std::vector<PairDynamics> pairDynamics(store::Database& db, std::int64_t runId);

// The pairs behind a point of a run's curve: their margins at an evaluation, worst first.
struct StepMargin {
    std::int64_t pairId = 0;
    std::string tier;
    bool heldOut = false;
    double margin = 0;
};
// The evaluation step with stored margins nearest `step` (nullopt: the run stored none).
[[nodiscard]] std::optional<std::int64_t> nearestMarginStep(store::Database& db, std::int64_t runId,
                                                            double step);
[[nodiscard]] std::vector<StepMargin> marginsAtStep(store::Database& db, std::int64_t runId,
                                                    std::int64_t step);

struct Learnability {
    std::string group;  // a tier, or a source
    std::int64_t pairs = 0, neverLearned = 0, learned = 0, forgotten = 0, rightFromTheStart = 0;
};
// Counts per tier (bySource false) or per source of the chosen answer; held-out pairs only, or
// training pairs only.
[[nodiscard]] std::vector<Learnability> learnability(const std::vector<PairDynamics>& pairs,
                                                     bool bySource, bool heldOut);

}  // namespace ladder::pairs
