// ChatTemplate (see chat_template.h), following transformers 5's rules: template files in the
// folder replace tokenizer_config.json's chat_template; special_tokens_map.json is read only for
// configs without added_tokens_decoder (older saves); messages lose None-valued keys and get
// their reasoning under the names templates read (reasoning_content, thinking).
#include "core/chat/chat_template.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/common/lists.h"

namespace ladder::chat {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStandardTokens[] = {"bos_token", "eos_token", "unk_token", "sep_token",
                                           "pad_token", "cls_token", "mask_token"};
constexpr const char* kReasoningFields[] = {"reasoning_content", "thinking", "reasoning"};

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string() + ": cannot be read: check that it exists and is readable");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

OrderedJson readJson(const fs::path& path) {
    try {
        return OrderedJson::parse(readFile(path));
    } catch (const OrderedJson::exception& e) {
        throw Error(path.string() + ": not valid JSON (" + e.what() +
                    "): fix the file or download the model folder again");
    }
}

// A special token as transformers stores it: a string, or an AddedToken dict with "content".
std::optional<std::string> tokenText(const OrderedJson& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_object()) {
        const auto content = value.find("content");
        if (content != value.end() && content->is_string()) return content->get<std::string>();
    }
    return std::nullopt;
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void setToken(std::vector<std::pair<std::string, std::string>>& tokens, const std::string& name,
              const std::string& text) {
    for (auto& [key, value] : tokens) {
        if (key == name) {
            value = text;
            return;
        }
    }
    tokens.emplace_back(name, text);
}

std::vector<std::pair<std::string, std::string>> readSpecialTokens(const OrderedJson& config,
                                                                   const fs::path& folder) {
    std::vector<std::pair<std::string, std::string>> tokens;
    for (const char* name : kStandardTokens) {
        const auto it = config.find(name);
        if (it == config.end()) continue;
        if (const auto text = tokenText(*it)) setToken(tokens, name, *text);
    }
    // Model-specific tokens (image_token, ...) are special tokens too in transformers 5.
    for (const auto& [key, value] : config.items()) {
        if (!endsWith(key, "_token")) continue;
        if (const auto text = tokenText(value)) setToken(tokens, key, *text);
    }
    if (const auto extra = config.find("extra_special_tokens");
        extra != config.end() && extra->is_object()) {
        for (const auto& [key, value] : extra->items()) {
            if (const auto text = tokenText(value)) setToken(tokens, key, *text);
        }
    }
    const fs::path legacyMap = folder / "special_tokens_map.json";
    if (!config.contains("added_tokens_decoder") && fs::exists(legacyMap)) {
        const OrderedJson map = readJson(legacyMap);
        if (map.is_object()) {
            for (const auto& [key, value] : map.items()) {
                if (!endsWith(key, "_token")) continue;
                if (const auto text = tokenText(value)) setToken(tokens, key, *text);
            }
        }
    }
    return tokens;
}

// A message as transformers hands it to the template: keys whose value is None dropped, and
// its reasoning (under any of its names) also as "thinking" (first) and "reasoning_content".
OrderedJson cleanMessage(const OrderedJson& message, std::size_t index) {
    if (!message.is_object()) {
        throw Error("message " + std::to_string(index + 1) +
                    " is not a JSON object: a conversation is a list of {\"role\": ..., "
                    "\"content\": ...} objects");
    }
    OrderedJson kept = OrderedJson::object();
    for (const auto& [key, value] : message.items()) {
        if (!value.is_null()) kept[key] = value;
    }
    const OrderedJson* reasoning = nullptr;
    for (const char* field : kReasoningFields) {
        const auto it = kept.find(field);
        if (it != kept.end()) {
            reasoning = &*it;
            break;
        }
    }
    if (!reasoning) return kept;
    OrderedJson aliased = OrderedJson::object();
    aliased["thinking"] = *reasoning;
    for (const auto& [key, value] : kept.items()) aliased[key] = value;
    aliased["reasoning_content"] = *reasoning;
    return aliased;
}

Value jsonValue(const OrderedJson& json, const std::string& what) {
    try {
        return fromJson(json);
    } catch (const EvalFailure& failure) {
        throw Error(what + ": " + failure.message);
    }
}

}  // namespace

ChatTemplate ChatTemplate::load(const fs::path& modelFolder, const TemplateOptions& options) {
    ChatTemplate chat;
    chat.m_folder = modelFolder;
    const std::string shown = modelFolder.filename().empty()
                                  ? modelFolder.parent_path().filename().string()
                                  : modelFolder.filename().string();
    if (!fs::is_directory(modelFolder)) {
        throw Error(modelFolder.string() +
                    ": not a folder: give the model's folder (the one with "
                    "tokenizer_config.json)");
    }
    const fs::path configPath = modelFolder / "tokenizer_config.json";
    const OrderedJson config =
        fs::exists(configPath) ? readJson(configPath) : OrderedJson::object();
    if (!config.is_object()) throw Error(configPath.string() + ": expected a JSON object");

    // (name, origin shown in messages, text)
    struct Source {
        std::string name;
        std::string origin;
        std::string text;
    };
    std::vector<Source> sources;
    const fs::path jinjaFile = modelFolder / "chat_template.jinja";
    if (fs::exists(jinjaFile)) {
        sources.push_back({"default", shown + "/chat_template.jinja", readFile(jinjaFile)});
    }
    const fs::path extraFolder = modelFolder / "additional_chat_templates";
    if (fs::is_directory(extraFolder)) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(extraFolder)) {
            if (entry.path().extension() == ".jinja") files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            sources.push_back({file.stem().string(),
                               shown + "/additional_chat_templates/" + file.filename().string(),
                               readFile(file)});
        }
    }
    if (!sources.empty()) {
        chat.m_named = !(sources.size() == 1 && sources.front().name == "default");
    } else if (const auto it = config.find("chat_template"); it != config.end() && !it->is_null()) {
        const std::string origin = shown + "/tokenizer_config.json (chat_template";
        if (it->is_string()) {
            sources.push_back({"default", origin + ")", it->get<std::string>()});
        } else if (it->is_array()) {
            chat.m_named = true;
            for (const auto& named : *it) {
                if (!named.is_object() || !named.contains("name") || !named.contains("template") ||
                    !named["name"].is_string() || !named["template"].is_string()) {
                    throw Error(configPath.string() +
                                ": chat_template is a list whose items are not {\"name\": ..., "
                                "\"template\": ...}: fix the file or download it again");
                }
                const std::string name = named["name"].get<std::string>();
                sources.push_back(
                    {name, origin + " \"" + name + "\")", named["template"].get<std::string>()});
            }
        } else {
            throw Error(configPath.string() +
                        ": chat_template is neither a string nor a list of named templates");
        }
    }
    if (sources.empty()) {
        throw Error(modelFolder.string() +
                    ": the model has no chat template (no chat_template.jinja, no chat_template in "
                    "tokenizer_config.json): is it a base model? Give a template or use a prompt "
                    "format instead");
    }
    for (auto& source : sources) {
        Entry entry;
        entry.name = source.name;
        try {
            entry.compiled = Template::compile(source.text, source.origin, options);
        } catch (const TemplateError&) {
            entry.error = std::current_exception();
        }
        chat.m_templates.push_back(std::move(entry));
    }
    chat.m_specialTokens = readSpecialTokens(config, modelFolder);
    return chat;
}

std::vector<std::string> ChatTemplate::names() const {
    std::vector<std::string> out;
    for (const auto& entry : m_templates) out.push_back(entry.name);
    return out;
}

const Template& ChatTemplate::choose(const std::string& name, bool withTools) const {
    auto find = [&](const std::string& wanted) -> const Entry* {
        for (const auto& entry : m_templates) {
            if (entry.name == wanted) return &entry;
        }
        return nullptr;
    };
    auto listNames = [&] {
        return text::join(m_templates, ", ",
                          [](const Entry& entry) -> std::string_view { return entry.name; });
    };
    const Entry* chosen = nullptr;
    if (!name.empty()) {
        chosen = find(name);
        if (!chosen) {
            throw Error(m_folder.string() + ": the model has no chat template named \"" + name +
                        "\"; it has: " + listNames());
        }
    } else if (!m_named) {
        chosen = &m_templates.front();
    } else {
        chosen = withTools ? find("tool_use") : nullptr;
        if (!chosen) chosen = find("default");
        if (!chosen) {
            throw Error(m_folder.string() +
                        ": the model has several chat templates and none is called \"default\": "
                        "choose one of " +
                        listNames());
        }
    }
    if (chosen->error) std::rethrow_exception(chosen->error);
    return *chosen->compiled;
}

std::string ChatTemplate::render(const ChatRequest& request, const Clock& clock) const {
    if (!request.messages.is_array()) {
        throw Error("the conversation must be a JSON list of messages");
    }
    if (request.messages.empty()) {
        throw Error(
            "Cannot apply chat template to an empty conversation. Provide at least one "
            "message.");
    }
    if (!request.tools.is_null() && !request.tools.is_array()) {
        throw Error("tools must be a list of JSON schemas");
    }
    if (!request.documents.is_null()) {
        if (!request.documents.is_array() ||
            !std::all_of(request.documents.begin(), request.documents.end(),
                         [](const OrderedJson& d) { return d.is_object(); })) {
            throw Error("Documents should be a list of dicts with 'title' and 'text' keys!");
        }
    }
    const Template& chosen = choose(request.templateName, !request.tools.is_null());
    OrderedJson messages = OrderedJson::array();
    for (std::size_t i = 0; i < request.messages.size(); ++i) {
        messages.push_back(cleanMessage(request.messages[i], i));
    }
    Variables variables;
    auto set = [&](const std::string& name, Value value) {
        for (auto& [key, existing] : variables) {
            if (key == name) {
                existing = std::move(value);
                return;
            }
        }
        variables.emplace_back(name, std::move(value));
    };
    for (const auto& [name, text] : m_specialTokens) set(name, Value(text));
    if (!request.variables.is_object()) throw Error("template variables must be a JSON object");
    for (const auto& [name, value] : request.variables.items()) {
        if (name == "messages" || name == "tools" || name == "documents" ||
            name == "add_generation_prompt") {
            throw Error("the template variable \"" + name + "\" is given twice");
        }
        set(name, jsonValue(value, "template variable " + name));
    }
    set("messages", jsonValue(messages, "the conversation"));
    set("tools", request.tools.is_null() ? Value::none() : jsonValue(request.tools, "tools"));
    set("documents",
        request.documents.is_null() ? Value::none() : jsonValue(request.documents, "documents"));
    set("add_generation_prompt", Value(request.addGenerationPrompt));
    return chosen.render(variables, clock);
}

ChatRequest readChatRequest(const fs::path& file) {
    const OrderedJson json = readJson(file);
    ChatRequest request;
    if (json.is_array()) {
        request.messages = json;
        return request;
    }
    if (!json.is_object() || !json.contains("messages")) {
        throw Error(file.string() +
                    ": expected a list of messages, or an object with \"messages\" (and optionally "
                    "\"tools\", \"documents\" and other template variables)");
    }
    for (const auto& [key, value] : json.items()) {
        if (key == "messages") {
            request.messages = value;
        } else if (key == "tools") {
            request.tools = value;
        } else if (key == "documents") {
            request.documents = value;
        } else if (key == "add_generation_prompt") {
            if (!value.is_boolean())
                throw Error(file.string() + ": add_generation_prompt must be true or false");
            request.addGenerationPrompt = value.get<bool>();
        } else {
            request.variables[key] = value;
        }
    }
    return request;
}

}  // namespace ladder::chat
