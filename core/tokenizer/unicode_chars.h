// Code-point level helpers the tokenizers need: stepping through UTF-8 (a stray byte counts as a
// one-byte character) and the \s and \w classes Hugging Face uses around added tokens.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ladder::tokenizer {

inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// The code point at pos and its length in bytes; kInvalidCodePoint and 1 for a byte that does not
// start a valid UTF-8 sequence.
char32_t codePointAt(std::string_view text, std::size_t pos, std::size_t& length);
// The code point that ends just before pos (kInvalidCodePoint at 0 or on invalid UTF-8).
char32_t codePointBefore(std::string_view text, std::size_t pos);

void appendUtf8(std::string& out, char32_t codePoint);
inline std::size_t utf8Length(char32_t c) {
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

bool isUnicodeWhitespace(char32_t c);
bool isWordCharacter(char32_t c);  // letters, marks, decimal digits, connector punctuation

}  // namespace ladder::tokenizer
