#include "ui/pairs/word_diff.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include <QHash>

namespace ladder::ui {

namespace {

// A word or one punctuation mark (the key, compared) and the whitespace after it (not compared).
struct Token {
    qsizetype start = 0;
    qsizetype keyLength = 0;
    qsizetype length = 0;  // key and trailing whitespace
};

struct Tokens {
    qsizetype leadingSpace = 0;
    std::vector<Token> list;
};

// The code point at i and how many UTF-16 units it takes (surrogate pairs stay whole).
std::pair<char32_t, qsizetype> codePointAt(const QString& s, qsizetype i) {
    const QChar c = s[i];
    if (c.isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
        return {QChar::surrogateToUcs4(c, s[i + 1]), 2};
    }
    return {c.unicode(), 1};
}

bool isWordChar(char32_t c) {
    return QChar::isLetterOrNumber(c) || QChar::isMark(c) || c == U'_';
}

Tokens tokenize(const QString& s) {
    Tokens out;
    const qsizetype n = s.size();
    qsizetype i = 0;
    while (i < n && s[i].isSpace()) ++i;
    out.leadingSpace = i;
    while (i < n) {
        Token t;
        t.start = i;
        auto [c, width] = codePointAt(s, i);
        i += width;
        if (isWordChar(c)) {
            while (i < n) {
                std::tie(c, width) = codePointAt(s, i);
                if (!isWordChar(c)) break;
                i += width;
            }
        }
        t.keyLength = i - t.start;
        while (i < n && s[i].isSpace()) ++i;
        t.length = i - t.start;
        out.list.push_back(t);
    }
    return out;
}

// Marks the tokens of a and b (as ids) that are not on a longest common subsequence.
bool markChanges(const std::vector<int>& a, const std::vector<int>& b, std::vector<bool>& changedA,
                 std::vector<bool>& changedB) {
    changedA.assign(a.size(), false);
    changedB.assign(b.size(), false);
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
        ++suffix;
    }
    const std::size_t n = a.size() - prefix - suffix;
    const std::size_t m = b.size() - prefix - suffix;
    if (n == 0 || m == 0) {
        for (std::size_t i = 0; i < n; ++i) changedA[prefix + i] = true;
        for (std::size_t j = 0; j < m; ++j) changedB[prefix + j] = true;
        return true;
    }
    if (static_cast<double>(n) * static_cast<double>(m) > static_cast<double>(kMaxDiffCells)) {
        for (std::size_t i = 0; i < n; ++i) changedA[prefix + i] = true;
        for (std::size_t j = 0; j < m; ++j) changedB[prefix + j] = true;
        return false;
    }
    // lcs[i * (m + 1) + j]: the LCS length of a's middle from i and b's middle from j.
    std::vector<int> lcs((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> int& { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;) {
        for (std::size_t j = m; j-- > 0;) {
            at(i, j) = a[prefix + i] == b[prefix + j] ? at(i + 1, j + 1) + 1
                                                      : std::max(at(i + 1, j), at(i, j + 1));
        }
    }
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n && j < m) {
        if (a[prefix + i] == b[prefix + j]) {
            ++i;
            ++j;
        } else if (at(i + 1, j) >= at(i, j + 1)) {
            changedA[prefix + i++] = true;
        } else {
            changedB[prefix + j++] = true;
        }
    }
    for (; i < n; ++i) changedA[prefix + i] = true;
    for (; j < m; ++j) changedB[prefix + j] = true;
    return true;
}

void append(QList<DiffPiece>& pieces, QString text, bool changed) {
    if (text.isEmpty()) return;
    if (!pieces.isEmpty() && pieces.back().changed == changed) {
        pieces.back().text += text;
    } else {
        pieces.push_back({std::move(text), changed});
    }
}

// Whitespace between two changed words is marked too, so that a changed phrase reads as one.
QList<DiffPiece> piecesOf(const QString& s, const Tokens& tokens, const std::vector<bool>& changed,
                          int* changedWords) {
    QList<DiffPiece> out;
    append(out, s.left(tokens.leadingSpace), false);
    *changedWords = 0;
    for (std::size_t k = 0; k < tokens.list.size(); ++k) {
        const Token& t = tokens.list[k];
        const bool nextChanged = k + 1 < tokens.list.size() && changed[k + 1];
        append(out, s.mid(t.start, t.keyLength), changed[k]);
        append(out, s.mid(t.start + t.keyLength, t.length - t.keyLength),
               changed[k] && nextChanged);
        if (changed[k]) ++*changedWords;
    }
    return out;
}

}  // namespace

WordDiff diffWords(const QString& left, const QString& right) {
    const Tokens a = tokenize(left);
    const Tokens b = tokenize(right);
    QHash<QStringView, int> ids;
    auto idsOf = [&ids](const QString& s, const Tokens& tokens) {
        std::vector<int> out;
        out.reserve(tokens.list.size());
        for (const Token& t : tokens.list) {
            const QStringView key = QStringView(s).mid(t.start, t.keyLength);
            auto it = ids.find(key);
            if (it == ids.end()) it = ids.insert(key, static_cast<int>(ids.size()));
            out.push_back(it.value());
        }
        return out;
    };
    const std::vector<int> idsA = idsOf(left, a);
    const std::vector<int> idsB = idsOf(right, b);
    std::vector<bool> changedA;
    std::vector<bool> changedB;
    WordDiff out;
    out.approximate = !markChanges(idsA, idsB, changedA, changedB);
    out.left = piecesOf(left, a, changedA, &out.changedLeftWords);
    out.right = piecesOf(right, b, changedB, &out.changedRightWords);
    return out;
}

QString diffHtml(const QList<DiffPiece>& pieces, const QColor& background,
                 const QColor& foreground) {
    const QString open = QStringLiteral("<span style=\"background-color:%1; color:%2;\">")
                             .arg(background.name(), foreground.name());
    QString html = QStringLiteral("<div style=\"white-space: pre-wrap;\">");
    for (const DiffPiece& p : pieces) {
        QString text = p.text.toHtmlEscaped();
        text.replace(QLatin1Char('\n'), QStringLiteral("<br/>"));
        html += p.changed ? open + text + QStringLiteral("</span>") : text;
    }
    return html + QStringLiteral("</div>");
}

}  // namespace ladder::ui
