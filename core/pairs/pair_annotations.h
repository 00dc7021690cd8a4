// An annotator's decision on one pair (keep, flip, tie, discard, or none yet) and a note, saved at
// once; every change returns what it replaced, so that an undo restores exactly the previous state.
// loadTrainingPairs() applies the decisions when the next run loads its pairs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/store/database.h"

namespace ladder::pairs {

enum class AnnotationStatus { None, Keep, Flip, Tie, Discard };

// "keep", "flip", "tie", "discard"; "" for None (stored as NULL).
[[nodiscard]] const char* toString(AnnotationStatus status);
// Throws ladder::Error for anything but those words (and "" or "none" for None).
[[nodiscard]] AnnotationStatus annotationStatusFromString(std::string_view text);

// One pair_annotations row. A pair without a row has no annotation (std::nullopt below), which
// differs from a row with status None (a note without a decision).
struct PairAnnotation {
    AnnotationStatus status = AnnotationStatus::None;
    std::string note;
    std::string annotator;
    std::string updatedAt;

    bool operator==(const PairAnnotation&) const = default;
};

using AnnotationState = std::optional<PairAnnotation>;

// One change of one pair's annotation: the state before and after it.
struct AnnotationChange {
    std::int64_t pairId = 0;
    AnnotationState before;
    AnnotationState after;
};

// Throws ladder::Error when there is no such pair.
[[nodiscard]] AnnotationState annotationOf(store::Database& db, std::int64_t pairId);

// Each runs in one short transaction and throws ladder::Error for an unknown pair or a workspace
// opened read-only. The note (or the status) already stored is kept.
AnnotationChange setAnnotationStatus(store::Database& db, std::int64_t pairId,
                                     AnnotationStatus status, const std::string& annotator = {});
AnnotationChange setAnnotationNote(store::Database& db, std::int64_t pairId,
                                   const std::string& note, const std::string& annotator = {});
// Removes the row: the pair is unreviewed again, without a note.
AnnotationChange clearAnnotation(store::Database& db, std::int64_t pairId);

// Writes a state back exactly as it was (no row, or the row with its annotator and time).
void restoreAnnotation(store::Database& db, std::int64_t pairId, const AnnotationState& state);
inline void undoChange(store::Database& db, const AnnotationChange& change) {
    restoreAnnotation(db, change.pairId, change.before);
}
inline void redoChange(store::Database& db, const AnnotationChange& change) {
    restoreAnnotation(db, change.pairId, change.after);
}

}  // namespace ladder::pairs
