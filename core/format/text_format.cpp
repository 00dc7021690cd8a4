// TextFormat (see text_format.h). The rules are TRL 1.x's DPOTrainer._prepare_dataset; the oracle
// test tests/oracle/trl_text.py holds them against TRL itself on real tokenizers and templates.
#include "core/format/text_format.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/chat/chat_template.h"
#include "core/common/error.h"
#include "core/common/lists.h"
#include "core/tokenizer/tokenizer.h"

namespace ladder::format {
namespace {

namespace fs = std::filesystem;

std::size_t commonPrefix(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    std::size_t i = 0;
    while (i < n && a[i] == b[i]) ++i;
    return i;
}

chat::OrderedJson toRequestMessages(const std::vector<data::Message>& messages) {
    chat::OrderedJson out = chat::OrderedJson::array();
    for (const data::Message& m : messages) {
        out.push_back(chat::OrderedJson{{"role", m.role}, {"content", m.content}});
    }
    return out;
}

}  // namespace

std::vector<data::Message> promptMessages(const Prompt& prompt) {
    if (!prompt.messages.empty()) return prompt.messages;
    return {data::Message{"user", prompt.input.empty() ? prompt.instruction
                                                       : prompt.instruction + "\n\n" + prompt.input}};
}

std::vector<std::string> templateSettings() {
    std::vector<std::string> out = {"auto", "model"};
    for (auto& n : PromptTemplate::names()) out.push_back(n);
    return out;
}

bool folderHasChatTemplate(const fs::path& modelFolder) {
    std::error_code ec;
    if (fs::exists(modelFolder / "chat_template.jinja", ec)) return true;
    if (fs::is_directory(modelFolder / "additional_chat_templates", ec)) return true;
    const fs::path config = modelFolder / "tokenizer_config.json";
    if (!fs::exists(config, ec)) return false;
    std::ifstream in(config, std::ios::binary);
    const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return false;
    const auto t = j.find("chat_template");
    return t != j.end() && !t->is_null();
}

TextFormat::TextFormat(PromptTemplate builtin, const tokenizer::Tokenizer& tokenizer)
    : m_builtin(builtin), m_tokenizer(&tokenizer) {
    if (const auto eos = tokenizer.eosId()) {
        const auto text = tokenizer.idToToken(*eos);
        if (text && tokenizer.encode(*text) == std::vector<std::int32_t>{*eos}) {
            m_eosText = *text;
        } else {
            m_eosId = eos;
        }
    }
}

TextFormat::TextFormat(std::shared_ptr<const chat::ChatTemplate> chat, std::string folderName,
                       const tokenizer::Tokenizer& tokenizer)
    : m_chat(std::move(chat)), m_folderName(std::move(folderName)), m_tokenizer(&tokenizer) {}

std::optional<fs::path> tokenizerFolder(const tokenizer::Tokenizer& tokenizer) {
    if (tokenizer.kind() == "byte") return std::nullopt;
    const fs::path source = tokenizer.source();
    std::error_code ec;
    if (fs::is_directory(source, ec)) return source;
    return source.has_parent_path() ? source.parent_path() : fs::path(".");
}

TextFormat TextFormat::resolve(const std::string& setting, const tokenizer::Tokenizer& tokenizer) {
    const std::optional<fs::path> modelFolder = tokenizerFolder(tokenizer);
    const bool wantsModel = setting == "model";
    if (setting == "auto" || wantsModel) {
        if (modelFolder && folderHasChatTemplate(*modelFolder)) {
            auto chat = std::make_shared<const chat::ChatTemplate>(chat::ChatTemplate::load(*modelFolder));
            return TextFormat(std::move(chat), modelFolder->lexically_normal().string(), tokenizer);
        }
        if (wantsModel) {
            throw Error(modelFolder
                            ? modelFolder->string() +
                                  ": the template `model` needs the model's chat template, and "
                                  "this folder has none (no chat_template.jinja, no chat_template "
                                  "in tokenizer_config.json): choose alpaca, chatml or raw"
                            : std::string("the template `model` needs a model folder with a chat "
                                          "template; this model has none: choose alpaca, "
                                          "chatml or raw"));
        }
        return TextFormat(PromptTemplate(PromptTemplate::Kind::Alpaca), tokenizer);
    }
    for (const auto& name : PromptTemplate::names()) {
        if (setting == name) return TextFormat(PromptTemplate::fromName(name), tokenizer);
    }
    throw Error("unknown prompt template `" + setting + "`: use one of " +
                text::join(templateSettings()));
}

std::string TextFormat::name() const {
    return m_chat ? "chat template of " + m_folderName : m_builtin.name();
}

std::string TextFormat::cacheKey() const {
    // "trl1": prompts and answers tokenized together as TRL does (special tokens included).
    return (m_chat ? "chat:" + m_folderName : m_builtin.name()) + "#trl1";
}

std::string TextFormat::promptText(const Prompt& prompt) const {
    if (m_chat) {
        chat::ChatRequest request;
        request.messages = toRequestMessages(promptMessages(prompt));
        request.addGenerationPrompt = true;
        return m_chat->render(request);
    }
    return m_builtin.prompt(prompt.instruction, prompt.input);
}

std::vector<std::int32_t> TextFormat::promptIds(const Prompt& prompt) const {
    // A rendered chat writes its own special tokens; a built-in format's text gets the
    // tokenizer's (TRL: tokenizer(prompt) with add_special_tokens left on).
    return m_tokenizer->encode(promptText(prompt), /*addSpecialTokens=*/!m_chat);
}

std::vector<std::int32_t> TextFormat::withAnswer(const Prompt& prompt,
                                                 const std::string& answer) const {
    if (m_chat) {
        chat::ChatRequest request;
        auto messages = promptMessages(prompt);
        messages.push_back(data::Message{"assistant", answer});
        request.messages = toRequestMessages(messages);
        return m_tokenizer->encode(m_chat->render(request), /*addSpecialTokens=*/false);
    }
    // TRL appends the EOS token's text unless the answer ends with it; an EOS that is not a
    // token of its own in text (the byte tokenizer's) is appended as an id instead.
    std::string text = promptText(prompt) + answer + m_builtin.answerSuffix();
    if (!m_eosText.empty() && !text.ends_with(m_eosText)) text += m_eosText;
    auto ids = m_tokenizer->encode(text, /*addSpecialTokens=*/true);
    if (m_eosId) ids.push_back(*m_eosId);
    return ids;
}

PairTokens TextFormat::pairTokens(const Prompt& prompt, const std::string& chosen,
                                  const std::string& rejected) const {
    auto promptIdsAlone = promptIds(prompt);
    auto withChosen = withAnswer(prompt, chosen);
    auto withRejected = withAnswer(prompt, rejected);
    // The answers start where the prompt alone and prompt + answer part (a template may render
    // the prompt differently when an answer follows; tokens may merge across the boundary).
    const std::size_t promptLength = std::min(commonPrefix(promptIdsAlone, withChosen),
                                              commonPrefix(promptIdsAlone, withRejected));
    PairTokens out;
    out.prompt.assign(promptIdsAlone.begin(),
                      promptIdsAlone.begin() + static_cast<std::ptrdiff_t>(promptLength));
    out.chosen.assign(withChosen.begin() + static_cast<std::ptrdiff_t>(promptLength), withChosen.end());
    out.rejected.assign(withRejected.begin() + static_cast<std::ptrdiff_t>(promptLength),
                        withRejected.end());
    return out;
}

std::vector<std::string> TextFormat::stopStrings() const {
    // A chat model ends its turn with an end-of-turn token: the model's EOS ids stop it.
    return m_chat ? std::vector<std::string>{} : m_builtin.stopStrings();
}

std::string TextFormat::trimAnswer(const std::string& generated) const {
    // A chat answer ends at an EOS id: only its trailing whitespace goes (raw has no stop strings).
    return (m_chat ? PromptTemplate(PromptTemplate::Kind::Raw) : m_builtin).trimAnswer(generated);
}

}  // namespace ladder::format
