// How a prompt and its answers become the tokens a model reads: one path for training,
// generation and evaluation, following TRL's DPOTrainer/SFTTrainer (1.x) exactly.
//
// A model with a chat template (TRL's "conversational" data):
//   prompt   = the conversation rendered with the generation prompt, tokenized without
//              special tokens (the template writes its own <bos>, nothing is added twice);
//   answer   = what rendering the conversation with the assistant's answer appended adds after
//              the longest token prefix it shares with the prompt (end-of-turn tokens included).
// A built-in format (alpaca, chatml, raw: TRL's "standard" text data):
//   prompt   = the format's prompt text tokenized with the tokenizer's special tokens (the
//              post-processor's <s> for Llama-2 style tokenizers);
//   answer   = prompt + answer + format suffix + EOS tokenized the same way, after the shared
//              token prefix (tokens that merge across the boundary belong to the answer).
// Loss covers answer tokens only (the caller's masks).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/conversation.h"
#include "core/format/prompt_template.h"

namespace ladder::tokenizer {
class Tokenizer;
}
namespace ladder::chat {
class ChatTemplate;
}

namespace ladder::format {

// What a pair or an instruction asks.
struct Prompt {
    std::string instruction;
    std::string input;
    // The conversation up to the answer (system message, earlier turns, the last user turn) as
    // it was imported; empty: the instruction (and input) as one user message.
    std::vector<data::Message> messages;
};

// The prompt as messages: `messages`, or one user message "instruction" / "instruction\n\ninput".
[[nodiscard]] std::vector<data::Message> promptMessages(const Prompt& prompt);

struct PairTokens {
    std::vector<std::int32_t> prompt;
    std::vector<std::int32_t> chosen;
    std::vector<std::int32_t> rejected;
};

// The template settings a run config, ladder-cli and the launcher accept.
//   auto    the model's chat template where its folder has one, else alpaca
//   model   the model's chat template (an error naming the folder when it has none)
//   alpaca, chatml, raw   the built-in formats
[[nodiscard]] std::vector<std::string> templateSettings();

class TextFormat {
public:
    // A built-in format over `tokenizer` (which must outlive this object).
    TextFormat(format::PromptTemplate builtin, const tokenizer::Tokenizer& tokenizer);
    // The format `setting` names for a model whose tokenizer is `tokenizer`: the chat template
    // belongs to the tokenizer (its folder's tokenizer_config.json or chat_template.jinja, as
    // transformers keeps it; Ladder's checkpoints carry them). The byte tokenizer has none: auto
    // is alpaca there. Throws ladder::Error naming the setting or folder.
    [[nodiscard]] static TextFormat resolve(const std::string& setting,
                                            const tokenizer::Tokenizer& tokenizer);

    // "alpaca", or "chat template of <folder>" (for messages and reports).
    [[nodiscard]] std::string name() const;
    // What tokens made with this format depend on besides the model (reference caches).
    [[nodiscard]] std::string cacheKey() const;
    [[nodiscard]] bool isChat() const { return m_chat != nullptr; }

    // The prompt's text, the generation prompt included (special tokens as text, e.g. for
    // display; the post-processor's tokens of a built-in format are not part of it).
    [[nodiscard]] std::string promptText(const Prompt& prompt) const;
    // The prompt's ids as the model reads them before answering (generation).
    [[nodiscard]] std::vector<std::int32_t> promptIds(const Prompt& prompt) const;
    // A preference pair's tokens (chosen/rejected are the assistant's answers). Throws
    // ladder::Error from the chat template (its raise_exception included).
    [[nodiscard]] PairTokens pairTokens(const Prompt& prompt, const std::string& chosen,
                                        const std::string& rejected) const;

    // Strings at which a generated answer ends, and the answer cut before them and trimmed.
    [[nodiscard]] std::vector<std::string> stopStrings() const;
    [[nodiscard]] std::string trimAnswer(const std::string& generated) const;

private:
    TextFormat(std::shared_ptr<const chat::ChatTemplate> chat, std::string folderName,
               const tokenizer::Tokenizer& tokenizer);
    [[nodiscard]] std::vector<std::int32_t> withAnswer(const Prompt& prompt,
                                                       const std::string& answer) const;

    format::PromptTemplate m_builtin;
    std::shared_ptr<const chat::ChatTemplate> m_chat;  // null: the built-in format
    std::string m_folderName;
    const tokenizer::Tokenizer* m_tokenizer;
    // How a built-in format's answer ends (decided once, not per pair): with the EOS token's text
    // (TRL's rule), or, where that text is not one token (the byte tokenizer's), with its id.
    std::string m_eosText;
    std::optional<std::int32_t> m_eosId;  // appended as an id

};

// The folder a tokenizer was read from (where its tokenizer_config.json is); none for the byte
// tokenizer.
[[nodiscard]] std::optional<std::filesystem::path> tokenizerFolder(
    const tokenizer::Tokenizer& tokenizer);

// True where the folder has a chat template transformers would use (chat_template.jinja,
// additional_chat_templates/, or tokenizer_config.json's chat_template).
[[nodiscard]] bool folderHasChatTemplate(const std::filesystem::path& modelFolder);

}  // namespace ladder::format
