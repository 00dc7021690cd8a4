// What the pair browser lists: the ids of the pairs that pass a filter, in a sort order (one
// query, ids only), then the rows of a page of them, and one pair's full detail. Splitting ids
// from rows keeps a page of rows a few milliseconds away however many pairs match.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/data/conversation.h"
#include "core/pairs/pair_annotations.h"
#include "core/pairs/pair_dynamics.h"
#include "core/pairs/pair_provenance.h"
#include "core/store/database.h"

namespace ladder::pairs {

// What the judges said about a pair, matched as judge_agreement.h matches verdicts: a verdict on
// the same prompt between answers of the pair's two sources.
enum class JudgeVerdict {
    None,      // no judge compared the two answers, or none decided (no verdict)
    Agree,     // every deciding verdict prefers the chosen source's answer
    Disagree,  // at least one prefers the rejected source's answer
    Tie,       // judges compared them and called it a tie (preference 1.5), none decided
};
[[nodiscard]] const char* toString(JudgeVerdict verdict);

struct PairFilter {
    // The pairs of a ladder, or those imported with a dataset; neither: every pair.
    std::optional<std::int64_t> ladderId;
    std::optional<std::int64_t> datasetId;
    std::string tier;                        // empty: all tiers
    std::string source;                      // the chosen or the rejected answer is by this source
    std::optional<AnnotationStatus> status;  // None = unreviewed (no decision yet)
    std::optional<JudgeVerdict> judge;
    std::string split;   // "train", "heldout", or empty for both
    std::string search;  // in the prompt and both answers; ASCII letters match either case
    // The pairs whose margins over run learningRunId's evaluations say this (pair_dynamics.h's
    // classify). A pair measured at fewer than two evaluations says nothing and is left out.
    std::optional<PairLearning> learning;
    std::int64_t learningRunId = 0;
};

enum class PairSortKey {
    PairId,
    LengthDifference,  // characters of the chosen answer minus those of the rejected one
    Tier,              // easiest (largest rank gap) first, then by name
    Margin,            // a run's margin, smallest (most wrong) first; pairs without one last
};

struct PairSort {
    PairSortKey key = PairSortKey::PairId;
    bool descending = false;
    std::int64_t marginRunId = 0;  // the run whose margins sort (and fill PairRow::margin)
};

// One line of the browser. Chosen and rejected as the pair was built (before any flip).
struct PairRow {
    std::int64_t pairId = 0;
    std::int64_t promptId = 0;
    std::string prompt;  // the instruction's start on one line
    std::string tier;
    int rankGap = 0;
    std::string chosenSource;
    std::string rejectedSource;
    std::int64_t chosenChars = 0;
    std::int64_t rejectedChars = 0;
    AnnotationStatus status = AnnotationStatus::None;
    bool hasNote = false;
    JudgeVerdict judge = JudgeVerdict::None;
    std::optional<double> margin;
    std::string split;

    [[nodiscard]] std::int64_t lengthDifference() const { return chosenChars - rejectedChars; }
};

// Throws ladder::Error for an unknown split, sort run or learning run (a bad ladder or dataset id
// matches nothing).
[[nodiscard]] std::vector<std::int64_t> findPairIds(store::Database& db, const PairFilter& filter,
                                                    const PairSort& sort = {});
// The rows of these pairs in the order given (ids that no longer exist are left out).
[[nodiscard]] std::vector<PairRow> loadPairRows(store::Database& db,
                                                std::span<const std::int64_t> ids,
                                                std::int64_t marginRunId = 0);

// The tiers of the filter's ladder or dataset (every tier when it names neither), easiest first.
[[nodiscard]] std::vector<std::string> tierNames(store::Database& db, const PairFilter& scope);

struct PairAnswer {
    std::string source;
    std::optional<int> rank;  // in the pair's ladder; none for imported pairs
    std::string text;
    std::int64_t characters = 0;  // Unicode code points
    std::int64_t bytes = 0;       // UTF-8 bytes: the length in tokens of the byte tokenizer
};

struct PairVerdict {
    std::string judge;
    std::optional<double> preference;  // AlpacaEval's: 1 or 2 (the answer it prefers), 1.5 tie
    bool prefersChosen = false;
    bool prefersRejected = false;
};

struct PairMargin {
    std::int64_t runId = 0;
    std::string run;
    std::int64_t step = 0;
    double margin = 0;
};

// A run's margins of the pair at each evaluation and what they say (pair_dynamics.h).
struct PairLearningPath {
    std::int64_t runId = 0;
    std::string run;
    std::vector<std::pair<std::int64_t, double>> margins;  // by step
    std::string learning;       // "learned", "never learned", "forgotten", "right from the start"
    std::int64_t learnedAt = 0;  // "learned": from this step on
};

struct PairDetail {
    std::int64_t pairId = 0;
    std::int64_t promptId = 0;
    std::string instruction;  // a conversation's transcript when `messages` holds it
    std::string input;
    std::vector<data::Message> messages;  // the prompt's turns, for a conversation (else empty)
    PairAnswer chosen;  // as built, before any flip
    PairAnswer rejected;
    std::string tier;
    int rankGap = 0;
    double difficulty = 0;
    std::string split;
    bool truncated = false;
    PairProvenance provenance;
    AnnotationState annotation;
    JudgeVerdict judge = JudgeVerdict::None;
    std::vector<PairVerdict> verdicts;
    std::vector<PairMargin> margins;  // newest run first
    std::vector<PairLearningPath> learning;  // runs with its margin at two evaluations or more, newest first
};

// Throws ladder::Error when there is no such pair.
[[nodiscard]] PairDetail pairDetail(store::Database& db, std::int64_t pairId);

}  // namespace ladder::pairs
