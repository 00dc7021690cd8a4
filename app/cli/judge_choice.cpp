#include "app/cli/judge_choice.h"

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/train/plugins.h"

namespace ladder::cli {

void addJudgeOptions(CLI::App& command, JudgeChoice& choice) {
    command.add_option("--judge", choice.judge,
                       "demo, command, imported, local (--judge-model DIR), or a plugin's "
                       "(`ladder-cli plugins`)");
    command.add_option("--judge-command", choice.command,
                       "The command judge's program (run without a shell)");
    command.add_option("--judge-arg", choice.args, "An argument of it (repeatable)")
        ->allow_extra_args(false);
    command.add_option("--judge-timeout", choice.timeout, "Seconds the command judge may stay silent");
    command.add_option("--judge-options", choice.options, "The judge's options (JSON)");
    command.add_option("--annotations", choice.annotations,
                       "The imported judge's AlpacaEval annotations.json");
    command.add_option("--annotator", choice.annotator,
                       "The imported judge uses only this annotator's verdicts");
    command.add_option("--judge-model", choice.model,
                       "The local judge's chat model (a Hugging Face folder): --judge local");
}

nlohmann::json judgeOptionsOf(const JudgeChoice& choice) {
    nlohmann::json options = nlohmann::json::object();
    if (!choice.options.empty()) {
        options = json::parseOrDiscarded(choice.options);
        if (options.is_discarded() || !options.is_object()) {
            throw Error("--judge-options takes a JSON object, e.g. '{\"timeout_seconds\": 30}'");
        }
    }
    if (!choice.command.empty()) {
        nlohmann::json argv = {choice.command};
        for (const auto& a : choice.args) argv.push_back(a);
        options["argv"] = argv;
    } else if (!choice.args.empty()) {
        throw Error("--judge-arg goes with --judge-command PROGRAM");
    }
    if (choice.timeout > 0) options["timeout_seconds"] = choice.timeout;
    if (!choice.annotations.empty()) options["file"] = choice.annotations;
    if (!choice.annotator.empty()) options["annotator"] = choice.annotator;
    if (!choice.model.empty()) options["model"] = choice.model;
    return options;
}

std::unique_ptr<eval::Judge> makeChosenJudge(const JudgeChoice& choice, store::Database& workspace) {
    train::loadPlugins();
    eval::JudgeContext context;
    context.workspace = &workspace;
    return eval::makeJudge(choice.judge, judgeOptionsOf(choice), context);
}

}  // namespace ladder::cli
