// The "added_tokens" of tokenizer.json (<|endoftext|>, <s>, chat markers): found in the text
// before anything else and never split by BPE.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/function_ref.h"
#include "core/tokenizer/json_fields.h"
#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/string_hash.h"

namespace ladder::tokenizer {

struct AddedToken {
    std::int32_t id = 0;
    std::string content;
    bool special = false;     // skipped by decode(skipSpecialTokens)
    bool lstrip = false;      // swallows the whitespace before it
    bool rstrip = false;      // swallows the whitespace after it
    bool singleWord = false;  // only matches when not inside a word
    bool normalized = true;   // matched in the normalized text (else in the raw text)
    // What decode gives for it: the text it matched, so the normalized content when normalized.
    // Llama-2's "<s>" is matched as "▁<s>" (its normalizer prepends "▁"), which swallows the space
    // before it; tokenizers decodes it as "▁<s>" and so gives that space back.
    std::string decoded;
};

class AddedVocabulary {
public:
    // tokens: the added_tokens list (or null); normalizer: to match normalized tokens in the form
    // the normalizer gives them; idCount: the tokens the file lists, which every id is below.
    static AddedVocabulary fromJson(const Json& tokens, const Normalizer& normalizer,
                                    std::size_t idCount, const std::string& where);

    using TextSink = FunctionRef<void(std::string_view text, std::size_t offset)>;
    using TokenSink = FunctionRef<void(std::int32_t id)>;

    // Splits raw text on the tokens with normalized == false, in order.
    void splitRaw(std::string_view text, TextSink onText, TokenSink onToken) const {
        m_raw.split(m_tokens, text, onText, onToken);
    }
    // Splits normalized text on the tokens with normalized == true, in order.
    void splitNormalized(std::string_view text, TextSink onText, TokenSink onToken) const {
        m_normalized.split(m_tokens, text, onText, onToken);
    }

    [[nodiscard]] const AddedToken* byId(std::int32_t id) const;
    [[nodiscard]] const AddedToken* byContent(std::string_view content) const;
    [[nodiscard]] std::int32_t maxId() const;
    [[nodiscard]] const std::vector<AddedToken>& tokens() const { return m_tokens; }

private:
    // Leftmost-longest search for a set of strings, indexed by first byte.
    class Matcher {
    public:
        void add(std::string pattern, std::size_t tokenIndex);
        void finish();  // after the last add()
        void split(const std::vector<AddedToken>& tokens, std::string_view text, TextSink onText,
                   TokenSink onToken) const;

    private:
        struct Pattern {
            std::string text;
            std::size_t token;
        };
        std::vector<Pattern> m_patterns;
        std::array<std::vector<std::size_t>, 256> m_byFirstByte;  // longest first
    };

    std::vector<AddedToken> m_tokens;
    StringMap<std::size_t> m_byContent;
    Matcher m_raw;
    Matcher m_normalized;
};

}  // namespace ladder::tokenizer
