// A word-level diff of two answers for the side-by-side view: words (and single punctuation marks)
// that are not on the longest common subsequence of the two are marked as changed. Whitespace
// only separates words; it is never a difference on its own.
#pragma once

#include <QColor>
#include <QList>
#include <QString>

namespace ladder::ui {

// A run of text that is all changed or all common; pieces concatenate to the original text.
struct DiffPiece {
    QString text;
    bool changed = false;

    bool operator==(const DiffPiece&) const = default;
};

struct WordDiff {
    QList<DiffPiece> left;
    QList<DiffPiece> right;
    int changedLeftWords = 0;
    int changedRightWords = 0;
    bool approximate = false;  // too long for a full LCS: only the common ends were matched
};

// kMaxCells bounds the LCS table (words x words) after the common start and end are cut off.
inline constexpr qsizetype kMaxDiffCells = 4'000'000;

[[nodiscard]] WordDiff diffWords(const QString& left, const QString& right);

// HTML for a QTextBrowser: whitespace and line breaks kept, changed runs on `background` with
// `foreground` text (both given, so the marks stay readable in light and dark themes).
[[nodiscard]] QString diffHtml(const QList<DiffPiece>& pieces, const QColor& background,
                               const QColor& foreground);

}  // namespace ladder::ui
