// Shared by the pair importers: checks a pair's parts and hands it to the sink.
#pragma once

#include <string>

#include "core/common/text.h"
#include "core/data/conversation.h"
#include "core/data/json_records.h"

namespace ladder::data {

// Reports an empty prompt (under promptField) and otherwise adds the pair.
inline void addPairRow(RecordFields& f, ImportSink& sink, const std::string& promptField,
                       std::string prompt, std::string input, std::string chosen,
                       std::string rejected, std::string category = {},
                       std::vector<Message> messages = {}) {
    if (text::trim(prompt).empty() && text::trim(input).empty()) {
        f.bad(promptField, "empty: a pair needs the prompt its two answers answer");
        return;
    }
    PairRecord p;
    p.instruction = std::move(prompt);
    p.input = std::move(input);
    p.chosen = std::move(chosen);
    p.rejected = std::move(rejected);
    p.category = std::move(category);
    if (isConversation(messages)) p.messages = std::move(messages);
    p.at = f.at();
    sink.addPair(std::move(p));
}

// A pair whose prompt is a conversation: stored as its transcript and as its messages.
inline void addConversationPairRow(RecordFields& f, ImportSink& sink, const std::string& promptField,
                                   std::vector<Message> prompt, std::string chosen,
                                   std::string rejected) {
    std::string transcript = renderPrompt(prompt);
    addPairRow(f, sink, promptField, std::move(transcript), {}, std::move(chosen),
               std::move(rejected), {}, std::move(prompt));
}

// A messages field read with readMessages(); reports what is wrong under the field's name.
inline std::optional<std::vector<Message>> messagesField(RecordFields& f, const char* field,
                                                         const nlohmann::json& value) {
    std::string error;
    auto messages = readMessages(value, &error);
    if (!messages) f.bad(field, error);
    return messages;
}

// An answer given as a list of assistant messages.
inline std::optional<std::string> completionField(RecordFields& f, const char* field,
                                                  const std::vector<Message>& messages) {
    auto text = renderCompletion(messages);
    if (!text) f.bad(field, "expected the assistant's answer, found a message of another role");
    return text;
}

}  // namespace ladder::data
