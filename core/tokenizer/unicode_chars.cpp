// UTF-8 stepping and character classes over utf8proc's Unicode tables.
#include "core/tokenizer/unicode_chars.h"

#include <utf8proc.h>

namespace ladder::tokenizer {

char32_t codePointAt(std::string_view text, std::size_t pos, std::size_t& length) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                                    static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0) {
        length = 1;
        return kInvalidCodePoint;
    }
    length = static_cast<std::size_t>(n);
    return static_cast<char32_t>(cp);
}

char32_t codePointBefore(std::string_view text, std::size_t pos) {
    if (pos == 0) return kInvalidCodePoint;
    std::size_t start = pos - 1;
    while (start > 0 && pos - start < 4 &&
           (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
        --start;
    }
    std::size_t length = 0;
    const char32_t cp = codePointAt(text, start, length);
    return start + length == pos ? cp : kInvalidCodePoint;
}

void appendUtf8(std::string& out, char32_t codePoint) {
    utf8proc_uint8_t buffer[4];
    const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(codePoint), buffer);
    out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

bool isUnicodeWhitespace(char32_t c) {
    if (c == kInvalidCodePoint) return false;
    if ((c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85) return true;
    const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(c));
    return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
           category == UTF8PROC_CATEGORY_ZP;
}

bool isWordCharacter(char32_t c) {
    if (c == kInvalidCodePoint) return false;
    switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_PC:
            return true;
        default:
            return c == 0x200C || c == 0x200D;  // joiners count as word characters in \w
    }
}

}  // namespace ladder::tokenizer
