// The "pattern" of Split pre-tokenizers and Replace normalizers/decoders: {"String": "..."} (a
// literal) or {"Regex": "..."} (PCRE2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/tokenizer/function_ref.h"
#include "core/tokenizer/json_fields.h"
#include "core/tokenizer/regex.h"

namespace ladder::tokenizer {

class TextPattern {
public:
    static TextPattern fromJson(const Json& j, const std::string& where);
    static TextPattern literal(std::string text);
    static TextPattern regex(std::string_view pattern, const std::string& where);

    // Calls onMatch(begin, end) for each non-empty, non-overlapping match, left to right.
    void forEachMatch(std::string_view text,
                      FunctionRef<void(std::size_t, std::size_t)> onMatch) const;
    // text with every match replaced by content.
    [[nodiscard]] std::string replaceAll(std::string_view text, std::string_view content) const;

private:
    std::string m_literal;
    std::optional<Regex> m_regex;
};

}  // namespace ladder::tokenizer
