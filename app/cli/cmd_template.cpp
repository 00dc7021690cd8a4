// ladder-cli template render: a conversation rendered with a model's own chat template, exactly
// as transformers' apply_chat_template renders it (or, with --ids, its token ids).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/cli_context.h"
#include "core/chat/chat_template.h"
#include "core/common/error.h"
#include "core/common/lists.h"
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
}

}  // namespace ladder::cli
