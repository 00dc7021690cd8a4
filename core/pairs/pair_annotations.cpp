#include "core/pairs/pair_annotations.h"

#include "core/common/clock.h"
#include "core/common/error.h"

namespace ladder::pairs {

namespace {

void requireWritable(store::Database& db) {
    if (db.readOnly()) {
        throw Error(db.path().string() +
                    " is open read-only: open it for writing to annotate pairs");
    }
}

void requirePair(store::Database& db, std::int64_t pairId) {
    auto s = db.prepare("SELECT 1 FROM pairs WHERE id = ?");
    s.bind(1, pairId);
    if (!s.step()) {
        throw Error("no pair " + std::to_string(pairId) +
                    " in this workspace (it may have been rebuilt): reload the pair list");
    }
}

AnnotationState readState(store::Database& db, std::int64_t pairId) {
    auto s = db.prepare(
        "SELECT status, note, annotator, updated_at FROM pair_annotations WHERE pair_id = ?");
    s.bind(1, pairId);
    if (!s.step()) return std::nullopt;
    PairAnnotation a;
    a.status = annotationStatusFromString(s.optText(0).value_or(""));
    a.note = s.text(1);
    a.annotator = s.optText(2).value_or("");
    a.updatedAt = s.text(3);
    return a;
}

void writeState(store::Database& db, std::int64_t pairId, const AnnotationState& state) {
    if (!state) {
        db.prepare("DELETE FROM pair_annotations WHERE pair_id = ?").bind(1, pairId).run();
        return;
    }
    const char* status = toString(state->status);
    db.prepare(
          "INSERT INTO pair_annotations(pair_id, status, note, annotator, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(pair_id) DO UPDATE SET status = ?2, note = ?3, "
          "annotator = ?4, updated_at = ?5")
        .bind(1, pairId)
        .bind(2, *status ? std::optional<std::string>(status) : std::nullopt)
        .bind(3, state->note)
        .bind(4, state->annotator.empty() ? std::optional<std::string>() : state->annotator)
        .bind(5, state->updatedAt)
        .run();
}

// Reads the current state, lets `edit` change a copy, and stores it, all in one transaction.
// A row left with neither a decision nor a note is removed: the pair is unreviewed again.
template <typename Edit>
AnnotationChange change(store::Database& db, std::int64_t pairId, const std::string& annotator,
                        Edit edit) {
    requireWritable(db);
    store::Transaction tx(db);
    requirePair(db, pairId);
    AnnotationChange c;
    c.pairId = pairId;
    c.before = readState(db, pairId);
    PairAnnotation next = c.before.value_or(PairAnnotation{});
    edit(next);
    next.annotator = annotator;
    next.updatedAt = clock::nowIso();
    if (next.status != AnnotationStatus::None || !next.note.empty()) c.after = next;
    writeState(db, pairId, c.after);
    tx.commit();
    return c;
}

}  // namespace

const char* toString(AnnotationStatus status) {
    switch (status) {
        case AnnotationStatus::Keep:
            return "keep";
        case AnnotationStatus::Flip:
            return "flip";
        case AnnotationStatus::Tie:
            return "tie";
        case AnnotationStatus::Discard:
            return "discard";
        case AnnotationStatus::None:
            break;
    }
    return "";
}

AnnotationStatus annotationStatusFromString(std::string_view text) {
    if (text.empty() || text == "none") return AnnotationStatus::None;
    if (text == "keep") return AnnotationStatus::Keep;
    if (text == "flip") return AnnotationStatus::Flip;
    if (text == "tie") return AnnotationStatus::Tie;
    if (text == "discard") return AnnotationStatus::Discard;
    throw Error("unknown annotation status '" + std::string(text) +
                "': use keep, flip, tie, discard or none");
}

AnnotationState annotationOf(store::Database& db, std::int64_t pairId) {
    requirePair(db, pairId);
    return readState(db, pairId);
}

AnnotationChange setAnnotationStatus(store::Database& db, std::int64_t pairId,
                                     AnnotationStatus status, const std::string& annotator) {
    return change(db, pairId, annotator, [status](PairAnnotation& a) { a.status = status; });
}

AnnotationChange setAnnotationNote(store::Database& db, std::int64_t pairId,
                                   const std::string& note, const std::string& annotator) {
    return change(db, pairId, annotator, [&note](PairAnnotation& a) { a.note = note; });
}

AnnotationChange clearAnnotation(store::Database& db, std::int64_t pairId) {
    requireWritable(db);
    store::Transaction tx(db);
    requirePair(db, pairId);
    AnnotationChange c{pairId, readState(db, pairId), std::nullopt};
    writeState(db, pairId, std::nullopt);
    tx.commit();
    return c;
}

void restoreAnnotation(store::Database& db, std::int64_t pairId, const AnnotationState& state) {
    requireWritable(db);
    store::Transaction tx(db);
    requirePair(db, pairId);
    writeState(db, pairId, state);
    tx.commit();
}

}  // namespace ladder::pairs
