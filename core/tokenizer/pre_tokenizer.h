// The "pre_tokenizer" of tokenizer.json: splits normalized text into the words BPE sees
// (GPT-2: ByteLevel with its regex; Llama-3/Qwen2: Split(regex, Isolated) + ByteLevel; old
// Llama-2 files: Metaspace).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/function_ref.h"
#include "core/tokenizer/json_fields.h"
#include "core/tokenizer/text_pattern.h"

namespace ladder::tokenizer {

class PreTokenizer {
public:
    // Receives each word; atStart is true for the word at the very beginning of the input.
    using WordSink = FunctionRef<void(std::string_view word, bool atStart)>;

    // j: the pre_tokenizer object, or null for none. Throws ladder::Error naming an unknown type.
    static PreTokenizer fromJson(const Json& j, const std::string& where);

    // Splits one normalized run of text (between added tokens) into words.
    void split(std::string_view text, bool atStart, WordSink emit) const;

    // Words are raw bytes to be mapped through GPT-2's byte alphabet (a ByteLevel step is present).
    [[nodiscard]] bool byteLevel() const { return m_byteLevel; }
    // A Metaspace step is present (SentencePiece-style files written before the Prepend form).
    [[nodiscard]] bool metaspace() const { return m_metaspace; }

    enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };
    enum class Prepend { Always, First, Never };

private:
    enum class Kind { ByteLevel, Split, Metaspace };
    struct Step {
        Kind kind;
        std::optional<TextPattern> pattern;  // Split; ByteLevel with use_regex
        Behavior behavior = Behavior::Isolated;
        bool invert = false;
        bool addPrefixSpace = false;         // ByteLevel
        std::string replacement;             // Metaspace
        Prepend prepend = Prepend::Always;   // Metaspace
        bool splitWords = true;              // Metaspace
    };
    void addFromJson(const Json& j, const std::string& where);
    void run(std::size_t step, std::string_view text, bool atStart, WordSink emit) const;
    void applySplit(const Step& step, std::string_view text, bool atStart,
                    FunctionRef<void(std::string_view, bool)> next) const;

    std::vector<Step> m_steps;
    bool m_byteLevel = false;
    bool m_metaspace = false;
};

}  // namespace ladder::tokenizer
