// Text helpers on UTF-8 strings: validation, Unicode NFC, whitespace folding, counting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ladder::text {

[[nodiscard]] bool isValidUtf8(std::string_view s);

// Unicode canonical composition (NFC). Throws ladder::Error on invalid UTF-8.
[[nodiscard]] std::string nfc(std::string_view s);

// Collapses every run of Unicode white space (incl. NBSP, line and paragraph separators)
// into one ASCII space and trims both ends.
[[nodiscard]] std::string foldWhitespace(std::string_view s);

// NFC + folded whitespace: the form two texts are compared in ("same answer", "same prompt").
[[nodiscard]] std::string normalize(std::string_view s);

// Number of Unicode code points (the "characters" of length caps and statistics).
[[nodiscard]] std::size_t codePointCount(std::string_view s);

// The longest prefix of s with at most maxCodePoints code points, never splitting one.
[[nodiscard]] std::string_view truncateCodePoints(std::string_view s, std::size_t maxCodePoints);

// How much a text repeats itself: the share of its word n-grams (split on whitespace, ASCII
// lower-cased) that occurred before in it, 1 - distinct / all ("rep-n", Welleck et al. 2019).
// 0 for a text of fewer than n words; a loop of one phrase tends to 1.
[[nodiscard]] double repeatedNgramShare(std::string_view s, std::size_t n = 3);

[[nodiscard]] std::string trim(std::string_view s);
[[nodiscard]] std::string toLowerAscii(std::string_view s);

// "50GB", "500MB", "5GiB", "20KB" or a number of bytes, as transformers' max_shard_size reads
// them (KB, MB, GB, TB decimal; KiB, MiB, GiB, TiB binary). Throws ladder::Error naming `field`.
[[nodiscard]] std::int64_t parseByteSize(const std::string& text, const std::string& field);

}  // namespace ladder::text
