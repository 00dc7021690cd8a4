// The pairs a run trains (or evaluates) on, with the annotators' decisions applied: `flip` swaps
// chosen and rejected, `discard` and `tie` leave the pair out, `keep` (or no review) keeps it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/data/conversation.h"
#include "core/store/database.h"

namespace ladder::pairs {

struct PairSelection {
    std::optional<std::int64_t> ladderId;  // the ladder's pairs, by id ...
    std::string ladder;                    // ... or by name
    std::vector<std::int64_t> datasetIds;  // pairs imported as datasets (TRL, HH-RLHF, ...)
    std::vector<std::string> tiers;        // empty = all tiers of the above
    std::string split;                     // "train", "heldout", or empty for both
    std::size_t limit = 0;                 // at most this many pairs (the first by id); 0: all
};

struct TrainingPair {
    std::int64_t pairId = 0;
    std::int64_t promptId = 0;
    std::string instruction;  // a conversation's transcript when `messages` holds it
    std::string input;
    std::vector<data::Message> messages;  // the prompt's conversation; empty: instruction + input
    std::string chosen;  // after a flip annotation: the originally rejected text
    std::string rejected;
    std::string tier;
    int rankGap = 0;         // 0 for imported pairs
    double difficulty = 0;   // 0 easiest .. 1 hardest
    std::string split;       // "train" or "heldout"
    bool truncated = false;  // over the length cap the pairs were built with
    bool flipped = false;    // an annotator swapped chosen and rejected
};

// What the annotations did to the selection.
struct AnnotationEffects {
    std::int64_t unreviewed = 0;
    std::int64_t kept = 0;
    std::int64_t flipped = 0;
    std::int64_t discarded = 0;  // left out
    std::int64_t tied = 0;       // left out (no preference to learn)
};

// Pairs in a stable order (by pair id). Throws ladder::Error when the selection names nothing (no
// ladder and no dataset), an unknown ladder or split.
[[nodiscard]] std::vector<TrainingPair> loadTrainingPairs(store::Database& db,
                                                          const PairSelection& selection,
                                                          AnnotationEffects* effects = nullptr);

// Pair counts per tier, and the indices (into the vector) of each tier's pairs: the input of
// curriculum::Curriculum::resolved() and curriculum::CurriculumSampler.
[[nodiscard]] std::map<std::string, std::int64_t> countByTier(
    const std::vector<TrainingPair>& pairs);
[[nodiscard]] std::map<std::string, std::vector<std::int64_t>> indicesByTier(
    const std::vector<TrainingPair>& pairs);

// Counts per tier of a selection, without loading texts: for summaries and curriculum lengths.
struct TierCount {
    std::string tier;
    int rankGap = 0;
    double difficulty = 0;
    std::int64_t train = 0;
    std::int64_t heldout = 0;
    std::int64_t truncated = 0;
    std::int64_t kept = 0;  // annotations by status
    std::int64_t flipped = 0;
    std::int64_t tied = 0;
    std::int64_t discarded = 0;
};
// In the ladder's tier order (easiest first), then by name; selection.split is ignored.
[[nodiscard]] std::vector<TierCount> tierCounts(store::Database& db,
                                                const PairSelection& selection);

// Writes TRL preference JSONL: {"prompt", "chosen", "rejected"} per line (the prompt is the
// instruction, then a blank line and the input when there is one); withMetadata adds pair_id,
// tier and split. Returns the number of lines written.
std::int64_t exportTrlJsonl(const std::vector<TrainingPair>& pairs,
                            const std::filesystem::path& file, bool withMetadata = false);

}  // namespace ladder::pairs
