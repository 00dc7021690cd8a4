// Conversations in imported pair files: message lists (TRL, ShareGPT, OpenAI) and Anthropic HH-RLHF
// dialogues, turned into the prompt text (instruction) and answer texts a pair is made of.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ladder::data {

struct Message {
    std::string role;  // "system", "user" or "assistant" (other names are mapped onto these)
    std::string content;
};

// Reads [{role, content}] or ShareGPT's [{from, value}]; content may be a string or a list of
// {type: "text", text} parts. Returns nullopt and sets *error (saying what is wrong) otherwise.
[[nodiscard]] std::optional<std::vector<Message>> readMessages(const nlohmann::json& value,
                                                               std::string* error);
// Reads one message object ({role, content} or {from, value}).
[[nodiscard]] std::optional<Message> readMessage(const nlohmann::json& value, std::string* error);

// "human" -> "user", "gpt"/"bot"/"model" -> "assistant"; other names are kept (lower case).
[[nodiscard]] std::string canonicalRole(std::string_view role);

// The prompt a pair is stored under: a lone user message is its text; anything longer (a system
// message, earlier turns) becomes a transcript "System: ...\n\nUser: ...\n\nAssistant: ...".
[[nodiscard]] std::string renderPrompt(const std::vector<Message>& messages);
// A prompt worth keeping as messages: anything but a lone user message (whose text is the
// instruction itself).
[[nodiscard]] bool isConversation(const std::vector<Message>& messages);
// Messages as the workspace stores them ([{"role", "content"}, ...]) and back; fromJson returns
// nullopt (and sets *error) for anything else.
[[nodiscard]] std::string messagesToJson(const std::vector<Message>& messages);
[[nodiscard]] std::optional<std::vector<Message>> messagesFromJson(std::string_view text,
                                                                   std::string* error);

// An answer: the assistant messages' texts joined by blank lines; nullopt when a message of
// another role is among them (a completion must be the assistant's).
[[nodiscard]] std::optional<std::string> renderCompletion(const std::vector<Message>& messages);

// Two full HH-RLHF dialogues ("\n\nHuman: ...\n\nAssistant: ...") split into their shared prompt
// (everything before the last "\n\nAssistant:" they have in common) and the two answers.
struct DialogueSplit {
    std::string prompt;  // rendered like renderPrompt(): a single human turn is just its text
    std::vector<Message> messages;  // the prompt's turns (user/assistant), last one the user's
    std::string chosen;
    std::string rejected;
};
[[nodiscard]] std::optional<DialogueSplit> splitDialogues(std::string_view chosen,
                                                          std::string_view rejected,
                                                          std::string* error);

}  // namespace ladder::data
