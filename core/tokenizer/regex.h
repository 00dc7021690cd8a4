// A compiled PCRE2 pattern (UTF + Unicode properties, JIT where available) for the tokenizers'
// split patterns. Invalid UTF-8 in the text never matches, so such bytes end up between matches.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/tokenizer/function_ref.h"

namespace ladder::tokenizer {

class Regex {
public:
    // Throws ladder::Error naming where (the tokenizer.json field) when the pattern does not compile.
    Regex(std::string_view pattern, const std::string& where);
    ~Regex();
    Regex(Regex&& other) noexcept;
    Regex& operator=(Regex&& other) noexcept;
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    // Calls onMatch(begin, end) for each non-empty, non-overlapping match, left to right.
    void forEachMatch(std::string_view text,
                      FunctionRef<void(std::size_t, std::size_t)> onMatch) const;

    [[nodiscard]] const std::string& pattern() const { return m_pattern; }
    [[nodiscard]] bool jit() const { return m_jit; }

private:
    std::string m_pattern;
    void* m_code = nullptr;  // pcre2_code_8*, kept opaque so pcre2.h stays out of headers
    bool m_jit = false;
};

}  // namespace ladder::tokenizer
