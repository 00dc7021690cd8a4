#include "core/data/conversation.h"

#include "core/common/text.h"

namespace ladder::data {
using nlohmann::json;

namespace {

constexpr std::string_view kHumanTag = "\n\nHuman:";
constexpr std::string_view kAssistantTag = "\n\nAssistant:";

std::optional<std::string> readContent(const json& content, std::string* error) {
    if (content.is_string()) return content.get<std::string>();
    if (content.is_array()) {  // OpenAI content parts: [{"type": "text", "text": "..."}]
        std::string out;
        for (const json& part : content) {
            if (part.is_string()) {
                out += part.get<std::string>();
            } else if (part.is_object() && part.contains("text") && part["text"].is_string()) {
                out += part["text"].get<std::string>();
            } else {
                *error = "a content part without text (only text parts can be imported)";
                return std::nullopt;
            }
        }
        return out;
    }
    *error = std::string("message content must be text, found ") + content.type_name();
    return std::nullopt;
}

std::string roleLabel(const std::string& role) {
    if (role == "user") return "User";
    if (role == "assistant") return "Assistant";
    if (role == "system") return "System";
    std::string label = role;
    if (!label.empty() && label[0] >= 'a' && label[0] <= 'z') label[0] = char(label[0] - 32);
    return label;
}

}  // namespace

std::string canonicalRole(std::string_view role) {
    const std::string r = text::toLowerAscii(role);
    if (r == "human" || r == "user") return "user";
    if (r == "gpt" || r == "bot" || r == "model" || r == "assistant" || r == "chatgpt") {
        return "assistant";
    }
    return r;
}

std::optional<Message> readMessage(const json& value, std::string* error) {
    if (!value.is_object()) {
        *error = std::string("a message must be an object with role and content, found ") +
                 value.type_name();
        return std::nullopt;
    }
    const bool shareGpt = value.contains("from");
    const char* roleKey = shareGpt ? "from" : "role";
    const char* contentKey = shareGpt ? "value" : "content";
    const auto role = value.find(roleKey);
    const auto content = value.find(contentKey);
    if (role == value.end() || !role->is_string()) {
        *error = std::string("a message without `") + roleKey + "` text";
        return std::nullopt;
    }
    if (content == value.end() || content->is_null()) {
        *error = std::string("a message without `") + contentKey + "`";
        return std::nullopt;
    }
    auto text = readContent(*content, error);
    if (!text) return std::nullopt;
    return Message{canonicalRole(role->get<std::string>()), std::move(*text)};
}

std::optional<std::vector<Message>> readMessages(const json& value, std::string* error) {
    if (!value.is_array()) {
        *error = std::string("expected a list of messages, found ") + value.type_name();
        return std::nullopt;
    }
    std::vector<Message> out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto m = readMessage(value[i], error);
        if (!m) {
            *error = "message " + std::to_string(i + 1) + ": " + *error;
            return std::nullopt;
        }
        out.push_back(std::move(*m));
    }
    return out;
}

std::string renderPrompt(const std::vector<Message>& messages) {
    if (messages.size() == 1 && messages[0].role == "user") return messages[0].content;
    std::string out;
    for (const Message& m : messages) {
        if (!out.empty()) out += "\n\n";
        out += roleLabel(m.role) + ": " + m.content;
    }
    return out;
}

bool isConversation(const std::vector<Message>& messages) {
    return !(messages.size() == 1 && messages[0].role == "user");
}

std::string messagesToJson(const std::vector<Message>& messages) {
    json out = json::array();
    for (const Message& m : messages) out.push_back(json{{"role", m.role}, {"content", m.content}});
    return out.dump();
}

std::optional<std::vector<Message>> messagesFromJson(std::string_view text, std::string* error) {
    const json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
        *error = "stored messages are not JSON";
        return std::nullopt;
    }
    return readMessages(value, error);
}

namespace {

// The turns of an HH-RLHF prompt ("\n\nHuman: ...\n\nAssistant: ...\n\nHuman: ...").
std::vector<Message> hhTurns(std::string_view prompt) {
    std::vector<Message> out;
    std::size_t at = 0;
    std::string role;
    std::size_t start = std::string_view::npos;
    auto flush = [&](std::size_t end) {
        if (start != std::string_view::npos) {
            out.push_back(Message{role, text::trim(prompt.substr(start, end - start))});
        }
    };
    if (prompt.rfind(kHumanTag, 0) != 0) return out;  // text before the first turn: not turns
    while (at <= prompt.size()) {
        const std::size_t human = prompt.find(kHumanTag, at);
        const std::size_t assistant = prompt.find(kAssistantTag, at);
        const std::size_t next = std::min(human, assistant);
        if (next == std::string_view::npos) break;
        flush(next);
        role = next == human ? "user" : "assistant";
        start = next + (next == human ? kHumanTag.size() : kAssistantTag.size());
        at = start;
    }
    flush(prompt.size());
    return out;
}

}  // namespace

std::optional<std::string> renderCompletion(const std::vector<Message>& messages) {
    std::string out;
    for (const Message& m : messages) {
        if (m.role != "assistant") return std::nullopt;
        if (!out.empty()) out += "\n\n";
        out += m.content;
    }
    return out;
}

std::optional<DialogueSplit> splitDialogues(std::string_view chosen, std::string_view rejected,
                                            std::string* error) {
    std::size_t common = 0;
    while (common < chosen.size() && common < rejected.size() &&
           chosen[common] == rejected[common]) {
        ++common;
    }
    // The last assistant tag that both dialogues share ends the prompt; with no shared tag there
    // is no common prompt to compare the two answers on.
    const std::string_view shared = chosen.substr(0, common);
    std::size_t tag = shared.rfind(kAssistantTag);
    std::size_t tagLength = kAssistantTag.size();
    if (tag == std::string_view::npos && shared.rfind("Assistant:") == 0) {
        tag = 0;  // a dialogue that starts with the tag itself (leading blank lines stripped)
        tagLength = std::string_view("Assistant:").size();
    }
    if (tag == std::string_view::npos) {
        *error =
            "the two dialogues share no \"\\n\\nAssistant:\" turn, so they have no common "
            "prompt (expected HH-RLHF dialogues \"\\n\\nHuman: ...\\n\\nAssistant: ...\")";
        return std::nullopt;
    }
    std::string_view prompt = chosen.substr(0, tag);
    // A single human turn becomes its plain text; longer dialogues keep their transcript.
    std::string rendered;
    std::string_view body = prompt;
    while (!body.empty() && (body.front() == '\n' || body.front() == ' ')) body.remove_prefix(1);
    if (body.rfind("Human:", 0) == 0 && body.find(kHumanTag) == std::string_view::npos &&
        body.find(kAssistantTag) == std::string_view::npos) {
        rendered = text::trim(body.substr(std::string_view("Human:").size()));
    } else {
        rendered = text::trim(body);
    }
    if (rendered.empty()) {
        *error = "the shared prompt before the last common \"Assistant:\" turn is empty";
        return std::nullopt;
    }
    DialogueSplit split;
    split.prompt = std::move(rendered);
    // "Human:" at the very start (leading blank lines stripped) reads as a turn as well.
    split.messages = hhTurns(std::string("\n\n") + std::string(body));
    if (split.messages.empty() || split.messages.back().role != "user") {
        split.messages = {Message{"user", split.prompt}};
    }
    split.chosen = text::trim(chosen.substr(tag + tagLength));
    split.rejected = text::trim(rejected.substr(tag + tagLength));
    return split;
}

}  // namespace ladder::data
