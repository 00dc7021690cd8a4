// Prompt templates: how an (instruction, input) pair becomes the text a model continues, what
// follows an answer in training text, and where a generated answer ends. No tokenizer here: the
// caller tokenizes the strings (and appends the tokenizer's EOS after an answer).
#pragma once

#include <string>
#include <vector>

namespace ladder::format {

class PromptTemplate {
public:
    enum class Kind {
        Alpaca,  // Stanford Alpaca's "### Instruction: / ### Input: / ### Response:" (default)
        ChatMl,  // <|im_start|>user ... <|im_end|> <|im_start|>assistant (Qwen2 instruct models)
        Raw,     // the instruction (and input) as they are
    };

    explicit PromptTemplate(Kind kind = Kind::Alpaca) : m_kind(kind) {}
    // "alpaca", "chatml", "raw" (as run configs name them); throws ladder::Error otherwise.
    [[nodiscard]] static PromptTemplate fromName(const std::string& name);
    [[nodiscard]] static std::vector<std::string> names();

    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] std::string name() const;
    // The text before the answer. An empty input leaves the input section out.
    [[nodiscard]] std::string prompt(const std::string& instruction,
                                     const std::string& input = {}) const;
    // Text that closes an answer in training data (ChatML's end of turn); may be empty.
    [[nodiscard]] std::string answerSuffix() const;
    // Strings at which a generated answer ends (the model starting a new turn).
    [[nodiscard]] std::vector<std::string> stopStrings() const;
    // `generated` cut before the first stop string, trailing whitespace removed.
    [[nodiscard]] std::string trimAnswer(const std::string& generated) const;

private:
    Kind m_kind;
};

}  // namespace ladder::format
