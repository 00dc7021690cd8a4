// The "normalizer" of tokenizer.json: text rewrites applied before pre-tokenization (Llama-2:
// Prepend("▁") + Replace(" ", "▁"); Qwen2: NFC).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/json_fields.h"
#include "core/tokenizer/text_pattern.h"

namespace ladder::tokenizer {

class Normalizer {
public:
    // j: the normalizer object, or null for none. Throws ladder::Error naming an unknown type.
    static Normalizer fromJson(const Json& j, const std::string& where);

    [[nodiscard]] bool identity() const { return m_steps.empty(); }
    [[nodiscard]] std::string apply(std::string_view text) const;

private:
    enum class Kind { Prepend, Append, Replace, Unicode, Lowercase, Strip };
    struct Step {
        Kind kind;
        std::string text;                 // Prepend/Append: the text; Replace: the content
        std::optional<TextPattern> pattern;  // Replace
        int unicodeOptions = 0;           // Unicode: utf8proc options of the normal form
        bool left = false, right = false;  // Strip
    };
    void addFromJson(const Json& j, const std::string& where);

    std::vector<Step> m_steps;
};

}  // namespace ladder::tokenizer
