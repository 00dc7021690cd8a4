// A model's chat template, loaded from its folder the way transformers loads it, and the
// rendering of a conversation with it as apply_chat_template(..., tokenize=False) renders it:
// the same template choice, special tokens, message clean-up and variables.
#pragma once

#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/chat/json_values.h"
#include "core/chat/template.h"

namespace ladder::chat {

// One conversation and the options of apply_chat_template.
struct ChatRequest {
    OrderedJson messages = OrderedJson::array();  // [{"role": ..., "content": ...}, ...]
    OrderedJson tools;                            // null (none given) or a list of JSON schemas
    OrderedJson documents;                        // null or a list of {"title", "text"} dicts
    bool addGenerationPrompt = false;
    // Further template variables (enable_thinking, date_string, ...); they win over special tokens.
    OrderedJson variables = OrderedJson::object();
    // Which of the model's named templates; empty: transformers' choice ("tool_use" when tools
    // are given and the model has one, else "default").
    std::string templateName;
};

class ChatTemplate {
public:
    // Reads chat_template.jinja (and additional_chat_templates/*.jinja), which win over the
    // chat_template of tokenizer_config.json (a string or a list of named templates), and the
    // special tokens of tokenizer_config.json / special_tokens_map.json. Throws ladder::Error
    // naming the file when the folder has no template or a file cannot be read. A template that
    // does not compile fails when it is chosen, so that its siblings stay usable.
    [[nodiscard]] static ChatTemplate load(const std::filesystem::path& modelFolder,
                                           const TemplateOptions& options = {});

    // Names of the templates: {"default"} for a model with a single one.
    [[nodiscard]] std::vector<std::string> names() const;
    // bos_token, eos_token, ... as the template sees them (AddedToken dicts read as their content).
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& specialTokens() const {
        return m_specialTokens;
    }
    // The template transformers would use (see ChatRequest::templateName); throws ladder::Error
    // for an unknown name, TemplateError when that template does not compile.
    [[nodiscard]] const Template& choose(const std::string& name, bool withTools) const;
    // The conversation as the model sees it. Throws ladder::Error for a malformed request and
    // TemplateError from the template (its raise_exception included).
    [[nodiscard]] std::string render(const ChatRequest& request, const Clock& clock = {}) const;

private:
    struct Entry {
        std::string name;
        std::optional<Template> compiled;
        std::exception_ptr error;  // why it did not compile
    };

    std::filesystem::path m_folder;
    std::vector<Entry> m_templates;
    bool m_named = false;  // several named templates (transformers keeps a dict), not one string
    std::vector<std::pair<std::string, std::string>> m_specialTokens;
};

// Reads a conversation file for `ladder-cli template render` and tests: a JSON list of messages,
// or an object with "messages" and optionally "tools", "documents" and further variables.
[[nodiscard]] ChatRequest readChatRequest(const std::filesystem::path& file);

}  // namespace ladder::chat
