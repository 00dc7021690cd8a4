// Python's str semantics on UTF-8 text, as chat templates see them through jinja2: lengths and
// indexes in code points, str.isspace, strip/split/replace, case mapping, repr() and float repr.
// Strings given here are valid UTF-8 (templates and JSON inputs are checked when read).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ladder::chat::py {

[[nodiscard]] std::u32string toCodePoints(std::string_view text);
[[nodiscard]] std::string fromCodePoints(std::u32string_view codePoints);
void appendUtf8(std::string& out, char32_t codePoint);
[[nodiscard]] std::size_t codePointLength(std::string_view text);
// Byte offset of code point `index` (clamped to the text's length).
[[nodiscard]] std::size_t byteOffset(std::string_view text, std::size_t index);

// str.isspace() of one code point: also what Python's regex \s matches.
[[nodiscard]] bool isSpace(char32_t codePoint);
// The text without trailing Python whitespace, and the length of its leading whitespace.
[[nodiscard]] std::string_view rstripSpace(std::string_view text);
[[nodiscard]] std::size_t leadingSpaceBytes(std::string_view text);
// True when text is non-empty and only Python whitespace.
[[nodiscard]] bool isAllSpace(std::string_view text);

enum class Side { Left, Right, Both };
[[nodiscard]] std::string strip(std::string_view text, Side side);
[[nodiscard]] std::string strip(std::string_view text, std::string_view chars, Side side);

// str.split() / str.rsplit(): without a separator on runs of whitespace; maxSplit < 0: no limit.
[[nodiscard]] std::vector<std::string> splitWhitespace(std::string_view text, std::int64_t maxSplit,
                                                       bool fromRight);
// sep must not be empty (the caller raises Python's ValueError).
[[nodiscard]] std::vector<std::string> split(std::string_view text, std::string_view sep,
                                             std::int64_t maxSplit, bool fromRight);
[[nodiscard]] std::vector<std::string> splitLines(std::string_view text, bool keepEnds);

// str.replace(old, new, count); count < 0 replaces all.
[[nodiscard]] std::string replace(std::string_view text, std::string_view old,
                                  std::string_view with, std::int64_t count);
// str.find / str.rfind: a code point index, or -1.
[[nodiscard]] std::int64_t find(std::string_view text, std::string_view sub, bool fromRight);
[[nodiscard]] std::int64_t count(std::string_view text, std::string_view sub);

[[nodiscard]] std::string upper(std::string_view text);
[[nodiscard]] std::string lower(std::string_view text);
[[nodiscard]] std::string capitalize(std::string_view text);  // str.capitalize()
[[nodiscard]] std::string title(std::string_view text);       // str.title()
[[nodiscard]] bool isLower(std::string_view text);
[[nodiscard]] bool isUpper(std::string_view text);
[[nodiscard]] bool isDigit(std::string_view text);
[[nodiscard]] bool isAlpha(std::string_view text);
[[nodiscard]] bool isAlnum(std::string_view text);
[[nodiscard]] bool isSpaceText(std::string_view text);  // str.isspace()

// repr(str): quotes and escapes as Python prints strings inside lists and dicts.
[[nodiscard]] std::string repr(std::string_view text);
// repr(float): the shortest text that reads back to the same double ("1.0", "1e-05", "inf").
[[nodiscard]] std::string floatRepr(double value);

}  // namespace ladder::chat::py
