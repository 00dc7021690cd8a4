// Python str semantics on UTF-8 (see python_text.h). Case mapping uses utf8proc's simple
// mappings plus the full mappings Python applies to common characters (ß, ligatures, İ, final
// sigma); rarer full mappings (Greek with iota subscript) follow the simple mapping.
#include "core/chat/python_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <utf8proc.h>

namespace ladder::chat::py {
namespace {

// Decodes one code point at text[pos], advancing pos; a stray byte reads as itself (never
// happens on checked input, but must not loop or read past the end).
char32_t nextCodePoint(std::string_view text, std::size_t& pos) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    int extra = 0;
    char32_t value = 0;
    if (byte >= 0xF0 && byte < 0xF8) {
        extra = 3;
        value = byte & 0x07;
    } else if (byte >= 0xE0 && byte < 0xF0) {
        extra = 2;
        value = byte & 0x0F;
    } else if (byte >= 0xC0 && byte < 0xE0) {
        extra = 1;
        value = byte & 0x1F;
    }
    if (extra == 0 || pos + extra >= text.size()) {
        ++pos;
        return byte;
    }
    ++pos;
    for (int i = 0; i < extra; ++i) {
        value = (value << 6) | (static_cast<unsigned char>(text[pos++]) & 0x3F);
    }
    return value;
}

std::int32_t category(char32_t c) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

bool isCased(char32_t c) {
    const auto cat = category(c);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
           cat == UTF8PROC_CATEGORY_LT || utf8proc_isupper(static_cast<utf8proc_int32_t>(c)) ||
           utf8proc_islower(static_cast<utf8proc_int32_t>(c));
}

bool isCaseIgnorable(char32_t c) {
    switch (category(c)) {
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_SK:
            return true;
        default:
            break;
    }
    switch (c) {
        case U'\'':
        case U'.':
        case U':':
        case U'\u00B7':
        case U'\u0387':
        case U'\u05F4':
        case U'\u2018':
        case U'\u2019':
        case U'\u2024':
        case U'\u2027':
        case U'\uFE13':
        case U'\uFE52':
        case U'\uFE55':
        case U'\uFF07':
        case U'\uFF0E':
        case U'\uFF1A':
            return true;
        default:
            return false;
    }
}

struct FullMapping {
    char32_t from;
    const char32_t* upper;
    const char32_t* title;
};

// Python's unconditional full mappings (SpecialCasing.txt) for the characters text commonly has.
constexpr FullMapping kFullMappings[] = {
    {U'\u00DF', U"SS", U"Ss"},
    {U'\u0149', U"\u02BCN", U"\u02BCN"},
    {U'\u01F0', U"J\u030C", U"J\u030C"},
    {U'\u0390', U"\u0399\u0308\u0301", U"\u0399\u0308\u0301"},
    {U'\u03B0', U"\u03A5\u0308\u0301", U"\u03A5\u0308\u0301"},
    {U'\u0587', U"\u0535\u0552", U"\u0535\u0582"},
    {U'\u1E96', U"H\u0331", U"H\u0331"},
    {U'\u1E97', U"T\u0308", U"T\u0308"},
    {U'\u1E98', U"W\u030A", U"W\u030A"},
    {U'\u1E99', U"Y\u030A", U"Y\u030A"},
    {U'\u1E9A', U"A\u02BE", U"A\u02BE"},
    {U'\uFB00', U"FF", U"Ff"},
    {U'\uFB01', U"FI", U"Fi"},
    {U'\uFB02', U"FL", U"Fl"},
    {U'\uFB03', U"FFI", U"Ffi"},
    {U'\uFB04', U"FFL", U"Ffl"},
    {U'\uFB05', U"ST", U"St"},
    {U'\uFB06', U"ST", U"St"},
    {U'\uFB13', U"\u0544\u0546", U"\u0544\u0576"},
    {U'\uFB14', U"\u0544\u0535", U"\u0544\u0565"},
    {U'\uFB15', U"\u0544\u053B", U"\u0544\u056B"},
    {U'\uFB16', U"\u054E\u0546", U"\u054E\u0576"},
    {U'\uFB17', U"\u0544\u053D", U"\u0544\u056D"},
};

const FullMapping* fullMapping(char32_t c) {
    if (c < 0xDF) return nullptr;
    for (const auto& m : kFullMappings) {
        if (m.from == c) return &m;
    }
    return nullptr;
}

void appendUpper(std::u32string& out, char32_t c) {
    if (const auto* m = fullMapping(c)) {
        out += m->upper;
        return;
    }
    out += static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c)));
}

void appendTitle(std::u32string& out, char32_t c) {
    if (const auto* m = fullMapping(c)) {
        out += m->title;
        return;
    }
    out += static_cast<char32_t>(utf8proc_totitle(static_cast<utf8proc_int32_t>(c)));
}

// Lower case of cps[i], with Python's final-sigma rule for capital sigma.
void appendLower(std::u32string& out, const std::u32string& cps, std::size_t i) {
    const char32_t c = cps[i];
    if (c == U'\u0130') {
        out += U"i\u0307";
        return;
    }
    if (c == U'\u03A3') {
        std::size_t j = i;
        bool finalSigma = false;
        while (j > 0 && isCaseIgnorable(cps[j - 1])) --j;
        if (j > 0 && isCased(cps[j - 1])) {
            std::size_t k = i + 1;
            while (k < cps.size() && isCaseIgnorable(cps[k])) ++k;
            finalSigma = k == cps.size() || !isCased(cps[k]);
        }
        out += finalSigma ? U'\u03C2' : U'\u03C3';
        return;
    }
    out += static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}

template <typename Predicate>
bool allCodePoints(std::string_view text, Predicate predicate) {
    if (text.empty()) return false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (!predicate(nextCodePoint(text, pos))) return false;
    }
    return true;
}

bool isAlphaChar(char32_t c) {
    const auto cat = category(c);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

bool isDigitChar(char32_t c) {
    if (category(c) == UTF8PROC_CATEGORY_ND) return true;
    // Python's digits beyond Nd: superscripts, subscripts and circled digits.
    return c == U'\u00B2' || c == U'\u00B3' || c == U'\u00B9' || (c >= 0x2070 && c <= 0x2079) ||
           (c >= 0x2080 && c <= 0x2089) || (c >= 0x2460 && c <= 0x2468) ||
           (c >= 0x2474 && c <= 0x247C) || (c >= 0x2488 && c <= 0x2490);
}

bool isNumericChar(char32_t c) {
    const auto cat = category(c);
    return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL ||
           cat == UTF8PROC_CATEGORY_NO;
}

bool isPrintable(char32_t c) {
    if (c == U' ') return true;
    switch (category(c)) {
        case UTF8PROC_CATEGORY_CC:
        case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_CS:
        case UTF8PROC_CATEGORY_CO:
        case UTF8PROC_CATEGORY_CN:
        case UTF8PROC_CATEGORY_ZL:
        case UTF8PROC_CATEGORY_ZP:
        case UTF8PROC_CATEGORY_ZS:
            return false;
        default:
            return true;
    }
}

void appendHexEscape(std::string& out, char prefix, char32_t c, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\%c%0*x", prefix, digits, static_cast<unsigned>(c));
    out += buf;
}

bool inChars(char32_t c, const std::u32string& chars) {
    return chars.find(c) != std::u32string::npos;
}

}  // namespace

std::u32string toCodePoints(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) out.push_back(nextCodePoint(text, pos));
    return out;
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string fromCodePoints(std::u32string_view codePoints) {
    std::string out;
    out.reserve(codePoints.size());
    for (char32_t c : codePoints) appendUtf8(out, c);
    return out;
}

std::size_t codePointLength(std::string_view text) {
    std::size_t n = 0;
    for (char ch : text) {
        if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
    }
    return n;
}

std::size_t byteOffset(std::string_view text, std::size_t index) {
    std::size_t pos = 0;
    for (std::size_t i = 0; i < index && pos < text.size(); ++i) nextCodePoint(text, pos);
    return pos;
}

bool isSpace(char32_t c) {
    if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
    if (c < 0x85) return false;
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

std::string_view rstripSpace(std::string_view text) {
    std::size_t end = text.size();
    while (end > 0) {
        std::size_t start = end - 1;
        while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
        std::size_t pos = start;
        if (!isSpace(nextCodePoint(text, pos))) break;
        end = start;
    }
    return text.substr(0, end);
}

std::size_t leadingSpaceBytes(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t next = pos;
        if (!isSpace(nextCodePoint(text, next))) break;
        pos = next;
    }
    return pos;
}

bool isAllSpace(std::string_view text) {
    return allCodePoints(text, isSpace);
}

std::string strip(std::string_view text, Side side) {
    std::size_t begin = 0;
    if (side != Side::Right) begin = leadingSpaceBytes(text);
    std::string_view rest = text.substr(begin);
    if (side != Side::Left) rest = rstripSpace(rest);
    return std::string(rest);
}

std::string strip(std::string_view text, std::string_view chars, Side side) {
    const std::u32string cps = toCodePoints(text);
    const std::u32string set = toCodePoints(chars);
    std::size_t begin = 0;
    std::size_t end = cps.size();
    if (side != Side::Right) {
        while (begin < end && inChars(cps[begin], set)) ++begin;
    }
    if (side != Side::Left) {
        while (end > begin && inChars(cps[end - 1], set)) --end;
    }
    return fromCodePoints(std::u32string_view(cps).substr(begin, end - begin));
}

std::vector<std::string> splitWhitespace(std::string_view text, std::int64_t maxSplit,
                                         bool fromRight) {
    const std::u32string cps = toCodePoints(text);
    std::vector<std::u32string> parts;
    const auto n = static_cast<std::int64_t>(cps.size());
    if (!fromRight) {
        std::int64_t i = 0;
        while (true) {
            while (i < n && isSpace(cps[i])) ++i;
            if (i >= n) break;
            if (maxSplit >= 0 && static_cast<std::int64_t>(parts.size()) == maxSplit) {
                std::int64_t end = n;
                while (end > i && isSpace(cps[end - 1])) --end;
                parts.push_back(cps.substr(i, end - i));
                break;
            }
            std::int64_t j = i;
            while (j < n && !isSpace(cps[j])) ++j;
            parts.push_back(cps.substr(i, j - i));
            i = j;
        }
    } else {
        std::int64_t i = n;
        while (true) {
            while (i > 0 && isSpace(cps[i - 1])) --i;
            if (i <= 0) break;
            if (maxSplit >= 0 && static_cast<std::int64_t>(parts.size()) == maxSplit) {
                std::int64_t begin = 0;
                while (begin < i && isSpace(cps[begin])) ++begin;
                parts.push_back(cps.substr(begin, i - begin));
                break;
            }
            std::int64_t j = i;
            while (j > 0 && !isSpace(cps[j - 1])) --j;
            parts.push_back(cps.substr(j, i - j));
            i = j;
        }
        std::reverse(parts.begin(), parts.end());
    }
    std::vector<std::string> out;
    out.reserve(parts.size());
    for (const auto& part : parts) out.push_back(fromCodePoints(part));
    return out;
}

std::vector<std::string> split(std::string_view text, std::string_view sep, std::int64_t maxSplit,
                               bool fromRight) {
    // Valid UTF-8 matches only at code point boundaries, so byte search is exact.
    std::vector<std::string> out;
    if (!fromRight) {
        std::size_t start = 0;
        while (maxSplit < 0 || static_cast<std::int64_t>(out.size()) < maxSplit) {
            const std::size_t hit = text.find(sep, start);
            if (hit == std::string_view::npos) break;
            out.emplace_back(text.substr(start, hit - start));
            start = hit + sep.size();
        }
        out.emplace_back(text.substr(start));
        return out;
    }
    std::size_t end = text.size();
    while (maxSplit < 0 || static_cast<std::int64_t>(out.size()) < maxSplit) {
        if (end < sep.size()) break;
        const std::size_t hit = text.rfind(sep, end - sep.size());
        if (hit == std::string_view::npos) break;
        out.emplace_back(text.substr(hit + sep.size(), end - hit - sep.size()));
        end = hit;
    }
    out.emplace_back(text.substr(0, end));
    std::reverse(out.begin(), out.end());
    return out;
}

std::vector<std::string> splitLines(std::string_view text, bool keepEnds) {
    const std::u32string cps = toCodePoints(text);
    std::vector<std::string> out;
    std::size_t start = 0;
    std::size_t i = 0;
    while (i < cps.size()) {
        const char32_t c = cps[i];
        const bool lineBreak = c == U'\n' || c == U'\r' || c == 0x0B || c == 0x0C || c == 0x1C ||
                               c == 0x1D || c == 0x1E || c == 0x85 || c == 0x2028 || c == 0x2029;
        if (!lineBreak) {
            ++i;
            continue;
        }
        std::size_t breakEnd = i + 1;
        if (c == U'\r' && breakEnd < cps.size() && cps[breakEnd] == U'\n') ++breakEnd;
        const std::size_t lineEnd = keepEnds ? breakEnd : i;
        out.push_back(fromCodePoints(std::u32string_view(cps).substr(start, lineEnd - start)));
        start = i = breakEnd;
    }
    if (start < cps.size()) out.push_back(fromCodePoints(std::u32string_view(cps).substr(start)));
    return out;
}

std::string replace(std::string_view text, std::string_view old, std::string_view with,
                    std::int64_t count) {
    std::string out;
    if (old.empty()) {
        // Python inserts `with` before every code point and at the end.
        const std::u32string cps = toCodePoints(text);
        std::int64_t done = 0;
        for (char32_t c : cps) {
            if (count < 0 || done < count) {
                out += with;
                ++done;
            }
            appendUtf8(out, c);
        }
        if (count < 0 || done < count) out += with;
        return out;
    }
    std::size_t start = 0;
    std::int64_t done = 0;
    while (count < 0 || done < count) {
        const std::size_t hit = text.find(old, start);
        if (hit == std::string_view::npos) break;
        out += text.substr(start, hit - start);
        out += with;
        start = hit + old.size();
        ++done;
    }
    out += text.substr(start);
    return out;
}

std::int64_t find(std::string_view text, std::string_view sub, bool fromRight) {
    const std::size_t hit = fromRight ? text.rfind(sub) : text.find(sub);
    if (hit == std::string_view::npos) return -1;
    return static_cast<std::int64_t>(codePointLength(text.substr(0, hit)));
}

std::int64_t count(std::string_view text, std::string_view sub) {
    if (sub.empty()) return static_cast<std::int64_t>(codePointLength(text)) + 1;
    std::int64_t n = 0;
    for (std::size_t pos = text.find(sub); pos != std::string_view::npos;
         pos = text.find(sub, pos + sub.size())) {
        ++n;
    }
    return n;
}

std::string upper(std::string_view text) {
    std::u32string out;
    for (char32_t c : toCodePoints(text)) appendUpper(out, c);
    return fromCodePoints(out);
}

std::string lower(std::string_view text) {
    const std::u32string cps = toCodePoints(text);
    std::u32string out;
    for (std::size_t i = 0; i < cps.size(); ++i) appendLower(out, cps, i);
    return fromCodePoints(out);
}

std::string capitalize(std::string_view text) {
    const std::u32string cps = toCodePoints(text);
    std::u32string out;
    for (std::size_t i = 0; i < cps.size(); ++i) {
        if (i == 0) {
            appendTitle(out, cps[0]);
        } else {
            appendLower(out, cps, i);
        }
    }
    return fromCodePoints(out);
}

std::string title(std::string_view text) {
    const std::u32string cps = toCodePoints(text);
    std::u32string out;
    bool previousCased = false;
    for (std::size_t i = 0; i < cps.size(); ++i) {
        if (previousCased) {
            appendLower(out, cps, i);
        } else {
            appendTitle(out, cps[i]);
        }
        previousCased = isCased(cps[i]);
    }
    return fromCodePoints(out);
}

// str.islower / str.isupper: some cased character, and all of them in that case.
bool allCasedAre(std::string_view text, bool upper) {
    bool anyCased = false;
    for (char32_t c : toCodePoints(text)) {
        const auto cp = static_cast<utf8proc_int32_t>(c);
        const bool isUpper = utf8proc_isupper(cp);
        const bool isLower = utf8proc_islower(cp);
        if ((upper ? isLower : isUpper) || category(c) == UTF8PROC_CATEGORY_LT) return false;
        if (upper ? isUpper : isLower) anyCased = true;
    }
    return anyCased;
}

bool isLower(std::string_view text) {
    return allCasedAre(text, false);
}

bool isUpper(std::string_view text) {
    return allCasedAre(text, true);
}

bool isDigit(std::string_view text) {
    return allCodePoints(text, isDigitChar);
}
bool isAlpha(std::string_view text) {
    return allCodePoints(text, isAlphaChar);
}
bool isAlnum(std::string_view text) {
    return allCodePoints(text, [](char32_t c) { return isAlphaChar(c) || isNumericChar(c); });
}
bool isSpaceText(std::string_view text) {
    return isAllSpace(text);
}

std::string repr(std::string_view text) {
    const bool hasSingle = text.find('\'') != std::string_view::npos;
    const bool hasDouble = text.find('"') != std::string_view::npos;
    const char quote = hasSingle && !hasDouble ? '"' : '\'';
    std::string out(1, quote);
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char32_t c = nextCodePoint(text, pos);
        if (c == static_cast<char32_t>(quote) || c == U'\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == U'\t') {
            out += "\\t";
        } else if (c == U'\n') {
            out += "\\n";
        } else if (c == U'\r') {
            out += "\\r";
        } else if (c < 0x20 || c == 0x7F) {
            appendHexEscape(out, 'x', c, 2);
        } else if (c < 0x7F) {
            out += static_cast<char>(c);
        } else if (isPrintable(c)) {
            appendUtf8(out, c);
        } else if (c <= 0xFF) {
            appendHexEscape(out, 'x', c, 2);
        } else if (c <= 0xFFFF) {
            appendHexEscape(out, 'u', c, 4);
        } else {
            appendHexEscape(out, 'U', c, 8);
        }
    }
    out += quote;
    return out;
}

std::string floatRepr(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    if (value == 0.0) return std::signbit(value) ? "-0.0" : "0.0";
    char buf[64];
    const auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    const std::string_view text(buf, static_cast<std::size_t>(result.ptr - buf));
    // text: [-]d[.ddd]e(+|-)XX
    const bool negative = text.front() == '-';
    const std::size_t ePos = text.find('e');
    std::string digits;
    for (char ch : text.substr(negative ? 1 : 0, ePos - (negative ? 1 : 0))) {
        if (ch != '.') digits += ch;
    }
    int exponent = 0;
    std::string_view expText = text.substr(ePos + 1);
    if (expText.front() == '+') expText.remove_prefix(1);
    std::from_chars(expText.data(), expText.data() + expText.size(), exponent);
    const int pointPos = exponent + 1;  // value = 0.DIGITS x 10^pointPos
    const int count = static_cast<int>(digits.size());
    std::string out = negative ? "-" : "";
    if (pointPos > -4 && pointPos <= 16) {
        if (pointPos <= 0) {
            out += "0.";
            out.append(static_cast<std::size_t>(-pointPos), '0');
            out += digits;
        } else if (pointPos >= count) {
            out += digits + std::string(static_cast<std::size_t>(pointPos - count), '0') + ".0";
        } else {
            out += digits.substr(0, static_cast<std::size_t>(pointPos));
            out += '.';
            out += digits.substr(static_cast<std::size_t>(pointPos));
        }
        return out;
    }
    out += digits.substr(0, 1);
    if (count > 1) {
        out += '.';
        out += digits.substr(1);
    }
    const int shown = pointPos - 1;
    char expBuf[16];
    std::snprintf(expBuf, sizeof expBuf, "e%c%02d", shown < 0 ? '-' : '+', std::abs(shown));
    out += expBuf;
    return out;
}

}  // namespace ladder::chat::py
