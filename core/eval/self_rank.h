// Pairs from samples of one model, the self-ranking variant of automatic pairs: a source with
// several answers to a prompt (generate-source --samples-per-prompt K) has every two of them judged
// (both orders unless the judge is symmetric); each answer scores its mean preference over its
// comparisons, and the best against the worst becomes a pair of the tier "<source>:best>worst",
// where the judge tells them apart. The pairs go to a ladder of their own (its one rung is the
// source), split train/held out by prompt as every ladder's are, so that a run trains on them and
// the window shows and filters the tier like any other. Building that ladder's pairs with `pairs
// build` would remove them (one rung makes no tier): run self-rank again instead.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "core/eval/judge.h"
#include "core/store/database.h"

namespace ladder::eval {

struct SelfRankOptions {
    std::string source;
    std::string ladder;             // default: "<source>-self"
    double heldoutFraction = 0.05;  // as pairs build's
};

struct SelfRankResult {
    std::string ladder;
    std::string tier;
    std::int64_t prompts = 0;      // with two answers or more of the source
    std::int64_t pairs = 0;        // best against worst, written
    std::int64_t undecided = 0;    // prompts whose answers the judge scored all alike
    std::int64_t comparisons = 0;  // asked of the judge (both orders counted)
    double seconds = 0;
};

// Replaces the ladder's pairs with the new ones in one transaction. Throws ladder::Error when the
// source has no prompt with two answers (naming generate-source --samples-per-prompt).
SelfRankResult selfRankPairs(store::Database& db, Judge& judge, const SelfRankOptions& options,
                             const std::function<void(std::int64_t done, std::int64_t total)>& progress = {});

}  // namespace ladder::eval
