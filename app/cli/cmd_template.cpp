// ladder-cli template render: a conversation rendered with a model's own chat template, exactly
// as transformers' apply_chat_template renders it (or, with --ids, its token ids).
// ladder-cli template pairs: preference pairs as a run trains them (format::TextFormat, TRL's
// tokenization): the prompt's and each answer's token ids.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/cli_context.h"
#include "core/chat/chat_template.h"
#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/common/lists.h"
#include "core/data/conversation.h"
#include "core/format/text_format.h"
#include "core/tokenizer/tokenizer.h"

namespace ladder::cli {
namespace {

struct TemplateOptions {
    std::string model;
    std::string messages;
    std::string templateName;
    std::vector<std::string> variables;
    bool addGenerationPrompt = false;
    bool ids = false;
};

// NAME=VALUE: VALUE as JSON when it reads as JSON (true, 3, "x", [..]), else as a string.
void setVariable(chat::ChatRequest& request, const std::string& assignment) {
    const std::size_t equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw Error("--set " + assignment +
                    ": expected NAME=VALUE, e.g. --set enable_thinking=false");
    }
    const std::string name = assignment.substr(0, equals);
    const std::string text = assignment.substr(equals + 1);
    chat::OrderedJson value = chat::OrderedJson::parse(text, nullptr, /*allow_exceptions=*/false);
    request.variables[name] = value.is_discarded() ? chat::OrderedJson(text) : value;
}

void render(const TemplateOptions& options) {
    chat::ChatRequest request = chat::readChatRequest(options.messages);
    if (options.addGenerationPrompt) request.addGenerationPrompt = true;
    request.templateName = options.templateName;
    for (const auto& assignment : options.variables) setVariable(request, assignment);
    const auto chatTemplate = chat::ChatTemplate::load(options.model);
    const std::string text = chatTemplate.render(request);
    if (!options.ids) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return;
    }
    std::unique_ptr<tokenizer::Tokenizer> tok;
    try {
        tok = tokenizer::loadTokenizer(options.model);
    } catch (const Error& e) {
        throw Error(std::string("--ids needs the model's tokenizer: ") + e.what());
    }
    // The template already wrote the special tokens (BOS included), as TRL's chat path assumes.
    const auto ids = tok->encode(text, /*addSpecialTokens=*/false);
    const std::string line =
        text::join(ids, " ", [](std::int32_t id) { return std::to_string(id); }) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
}

struct PairsOptions {
    std::string model;
    std::string pairs;
    std::string setting = "auto";
};

// One JSON line: {"prompt": text or messages, "input"?: text, "chosen": text, "rejected": text}.
format::Prompt promptOf(const nlohmann::json& row, const std::string& where) {
    format::Prompt prompt;
    const auto p = row.find("prompt");
    if (p == row.end()) throw Error(where + ": no `prompt`");
    if (p->is_string()) {
        prompt.instruction = p->get<std::string>();
    } else {
        std::string error;
        auto messages = data::readMessages(*p, &error);
        if (!messages) throw Error(where + ", field `prompt`: " + error);
        prompt.instruction = data::renderPrompt(*messages);
        if (data::isConversation(*messages)) prompt.messages = std::move(*messages);
    }
    if (const auto in = row.find("input"); in != row.end() && in->is_string()) {
        prompt.input = in->get<std::string>();
    }
    return prompt;
}

void pairs(const PairsOptions& options) {
    const auto tok = tokenizer::loadTokenizer(options.model);
    const auto textFormat = format::TextFormat::resolve(options.setting, *tok);
    std::ifstream in(options.pairs, std::ios::binary);
    if (!in) throw Error(options.pairs + ": cannot be read");
    std::string line;
    int row = 0;
    while (std::getline(in, line)) {
        ++row;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = options.pairs + ", line " + std::to_string(row);
        const auto j = json::parseText(line, where);
        if (!j.is_object() || !j.contains("chosen") || !j["chosen"].is_string() ||
            !j.contains("rejected") || !j["rejected"].is_string()) {
            throw Error(where + ": expected {\"prompt\", \"chosen\": text, \"rejected\": text}");
        }
        const format::Prompt prompt = promptOf(j, where);
        const auto t = textFormat.pairTokens(prompt, j["chosen"].get<std::string>(),
                                             j["rejected"].get<std::string>());
        const nlohmann::json out = {{"prompt_text", textFormat.promptText(prompt)},
                                    {"prompt", t.prompt},
                                    {"chosen", t.chosen},
                                    {"rejected", t.rejected}};
        const std::string text = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::fwrite(text.data(), 1, text.size(), stdout);
    }
    std::fprintf(stderr, "%d lines through %s\n", row, textFormat.name().c_str());
}

}  // namespace

void addTemplateCommands(CLI::App& app, CliContext& /*context*/) {
    auto* group = app.add_subcommand("template",
                                     "Chat templates: render a conversation with a "
                                     "model's own template");
    group->require_subcommand(1);
    auto options = std::make_shared<TemplateOptions>();
    auto* command = group->add_subcommand(
        "render",
        "Print a conversation as the model's chat template renders it (no newline added)");
    command
        ->add_option("--model,-m", options->model,
                     "The model folder (tokenizer_config.json, chat_template.jinja)")
        ->required();
    command
        ->add_option("--messages", options->messages,
                     "A JSON list of messages, or an object with \"messages\" and optionally "
                     "\"tools\", \"documents\" and other template variables")
        ->required();
    command->add_flag("--add-generation-prompt,-g", options->addGenerationPrompt,
                      "End with the header of the assistant's answer");
    command->add_option("--template,-t", options->templateName,
                        "Which of the model's named templates (default: transformers' choice)");
    command->add_option(
        "--set", options->variables,
        "A template variable NAME=VALUE (JSON or text), e.g. enable_thinking=false");
    command->add_flag("--ids", options->ids,
                      "Print the token ids of the rendered text (no special tokens added)");
    command->callback([options] { render(*options); });

    auto pairOptions = std::make_shared<PairsOptions>();
    auto* pairsCommand = group->add_subcommand(
        "pairs",
        "Print preference pairs as a run trains them: one JSON line each with the prompt's "
        "text and the token ids of the prompt and both answers (TRL's tokenization)");
    pairsCommand
        ->add_option("--model,-m", pairOptions->model,
                     "The model (or tokenizer) folder: tokenizer files and chat template")
        ->required();
    pairsCommand
        ->add_option("--pairs", pairOptions->pairs,
                     "A JSON-lines file of {\"prompt\": text or messages, \"input\"?: text, "
                     "\"chosen\": text, \"rejected\": text}")
        ->required();
    pairsCommand
        ->add_option("--template,-t", pairOptions->setting,
                     "auto (the model's chat template, else alpaca), model, alpaca, chatml, raw")
        ->check(CLI::IsMember(format::templateSettings()))
        ->capture_default_str();
    pairsCommand->callback([pairOptions] { pairs(*pairOptions); });
}

}  // namespace ladder::cli
