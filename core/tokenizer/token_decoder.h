// The "decoder" of tokenizer.json: turns token texts back into text (GPT-2: ByteLevel;
// Llama-2: Replace("▁", " ") + ByteFallback + Fuse + Strip(" ", 1, 0)).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/tokenizer/json_fields.h"
#include "core/tokenizer/text_pattern.h"

namespace ladder::tokenizer {

class TokenDecoder {
public:
    // j: the decoder object, or null (token texts joined with spaces, as Hugging Face does).
    static TokenDecoder fromJson(const Json& j, const std::string& where);

    [[nodiscard]] std::string decode(std::vector<std::string> tokens) const;

private:
    enum class Kind { ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace };
    struct Step {
        Kind kind;
        std::optional<TextPattern> pattern;  // Replace
        std::string content;                 // Replace: the new text; Strip/Metaspace: the char
        std::size_t start = 0, stop = 0;     // Strip: how many to remove at each end
        bool dropFirstSpace = false;         // Metaspace: its pre-tokenizer prepended one
    };
    void addFromJson(const Json& j, const std::string& where);

    std::vector<Step> m_steps;
    bool m_none = false;
};

}  // namespace ladder::tokenizer
