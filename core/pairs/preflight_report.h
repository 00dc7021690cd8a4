// What building pairs from a ladder gives (or would give): pairs per tier, what was dropped and
// why, and length statistics of chosen vs rejected answers, which flag a length bias (a known DPO
// failure: when chosen answers are systematically longer, a model learns length, not quality).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ladder::pairs {

// Why a candidate pair was left out (keys of the `dropped` maps).
inline constexpr const char* kDropMissingAnswer = "missing answer";
inline constexpr const char* kDropEmpty = "empty answer";
inline constexpr const char* kDropIdentical = "identical answers";
inline constexpr const char* kDropOverLength = "over length";
inline constexpr const char* kDropDuplicate = "duplicate pair";

// A tier is flagged when chosen is longer in at least this share of its pairs and its mean length
// is at least kLengthBiasRatio times the rejected mean.
inline constexpr double kLengthBiasShare = 0.6;
inline constexpr double kLengthBiasRatio = 1.2;

struct LengthStats {  // in Unicode code points
    std::int64_t count = 0;
    double mean = 0;
    double median = 0;
    std::int64_t max = 0;
};

struct TierReport {
    std::string tier;  // "<chosen source>><rejected source>"
    std::string chosenSource;
    std::string rejectedSource;
    int rankGap = 0;
    double difficulty = 0;   // 0 = easiest (largest gap) .. 1 = hardest (gap of one)
    std::int64_t pairs = 0;  // kept
    std::int64_t train = 0;
    std::int64_t heldout = 0;
    std::int64_t truncated = 0;  // over the length cap (kept and marked, unless dropped)
    std::map<std::string, std::int64_t> dropped;
    LengthStats chosenChars;
    LengthStats rejectedChars;
    // Prompt + answer in tokens of the tokenizer given to the builder (count 0 without one).
    LengthStats chosenTokens;
    LengthStats rejectedTokens;
    double chosenLongerShare = 0;  // pairs whose chosen answer is longer than the rejected one
    bool lengthBias = false;
};

struct PreflightReport {
    std::string ladder;
    std::int64_t ladderId = 0;
    std::string ladderSpec;    // "A > B = C > D"
    std::int64_t prompts = 0;  // prompts answered by at least one source of the ladder
    std::int64_t promptsWithPairs = 0;
    std::int64_t duplicateAnswers = 0;  // a source's further answers to a prompt (first is used)
    std::vector<TierReport> tiers;      // easiest first (largest rank gap)
    std::vector<std::string> excludedTiers;       // left out by the tier filter
    std::map<std::string, std::int64_t> dropped;  // totals over tiers
    std::int64_t pairs = 0;
    std::int64_t train = 0;
    std::int64_t heldout = 0;
    std::int64_t truncated = 0;
    std::string tokenizer;      // whose tokens were counted ("" = none)
    std::size_t maxTokens = 0;  // the token cap the truncated pairs are over (0 = none)
    std::vector<std::string> warnings;

    bool written = false;  // build() wrote the pairs; preflight() only looked
    std::int64_t inserted = 0;
    std::int64_t updated = 0;  // pairs that already existed keep their ids (and annotations)
    std::int64_t removed = 0;  // pairs of the ladder that this build no longer produces
    std::int64_t removedAnnotated = 0;
    double seconds = 0;
};

// A table for the terminal: per tier pairs, splits, drops, lengths, then warnings.
[[nodiscard]] std::string renderPreflightReport(const PreflightReport& report);

// One line a tier, for summaries: "<indent>tier strong>weak    2744 pairs (2206 train, 538 held out)".
[[nodiscard]] std::string renderTierCounts(const PreflightReport& report, const std::string& indent);

}  // namespace ladder::pairs
