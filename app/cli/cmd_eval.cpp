// ladder-cli generate | eval | evals | export-outputs: answers of a model (any Hugging Face
// folder Ladder loads, or a run's checkpoint), their win rate against a reference source as
// judged by a judge, the stored evaluations side by side, and AlpacaEval's model_outputs.json.
#include <cmath>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/cli/cli_context.h"
#include "app/cli/judge_choice.h"
#include "app/cli/model_choice.h"
#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/eval/alpaca_eval_files.h"
#include "core/eval/eval_store.h"
#include "core/eval/evaluator.h"
#include "core/format/text_format.h"
#include "core/model/checkpoint.h"
#include "core/store/runs.h"
#include "core/store/workspace_files.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/model_source.h"
#include "core/train/plugins.h"
#include "core/train/run_config.h"
#include "core/train/training_checkpoint.h"

namespace ladder::cli {
namespace {
namespace fs = std::filesystem;

// --- generate --------------------------------------------------------------------------------

struct GenerateArgs {
    ModelChoice model;
    std::vector<std::string> prompts;
    std::string input;
    bool greedy = false;
    double temperature = 0.0;
    double topP = 1.0;
    std::uint64_t seed = 0;
    std::int64_t maxNewTokens = 128;
    bool ids = false;
};

std::string joinIds(const std::vector<std::int64_t>& ids) {
    std::string out;
    for (auto id : ids) out += (out.empty() ? "" : " ") + std::to_string(id);
    return out;
}

void runGenerate(const CliContext& context, const GenerateArgs& args) {
    if (args.prompts.empty()) throw Error("give at least one --prompt TEXT");
    const LoadedModel loaded = loadModel(context, args.model);
    eval::AnswerOptions options;
    options.templateSetting = loaded.templateName;
    options.maxNewTokens = args.maxNewTokens;
    options.temperature = args.greedy ? 0.0 : args.temperature;
    options.topP = args.topP;
    options.seed = args.seed;
    std::vector<eval::Instruction> instructions;
    for (const auto& p : args.prompts) instructions.push_back({p, args.input});
    const auto answers =
        eval::generateAnswers(*loaded.model, *loaded.tokenizer, instructions, options);
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const auto& a = answers[i];
        if (answers.size() > 1) std::printf("--- prompt %zu\n", i + 1);
        std::printf("%s\n", a.text.c_str());
        if (args.ids) {
            std::printf("prompt ids (%zu%s): %s\n", a.prompt.size(),
                        a.promptTruncated ? ", start cut" : "", joinIds(a.prompt).c_str());
            std::printf("generated ids (%zu, stop: %s): %s\n", a.tokens.size(),
                        model::toString(a.reason), joinIds(a.tokens).c_str());
        }
    }
}

// --- eval ------------------------------------------------------------------------------------

struct EvalArgs {
    ModelChoice model;
    std::string outputs;  // judge a model_outputs.json instead of generating
    std::string reference;
    JudgeChoice judge;
    std::string ladder;
    int prompts = 0;
    bool allPrompts = false;
    std::int64_t maxNewTokens = 64;
    int batchSize = 16;
    bool noStore = false;
    bool json = false;  // print the result as JSON (what evals.details_json holds) instead
    int show = 0;
};

std::string percent(double v) {
    if (!std::isfinite(v)) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * v);
    return buf;
}

void printResult(const eval::EvalResult& result, const eval::EvalTarget& target, int show) {
    std::string what = target.generator;
    if (target.runId) what = "run " + std::to_string(*target.runId) + " (" + target.generator + ")";
    if (target.step) what += " step " + std::to_string(*target.step);
    std::printf("%s vs %s, judge %s, %s\n", what.c_str(), result.reference.c_str(),
                result.judge.c_str(), result.details.value("prompt_set", std::string()).c_str());
    std::fputs(eval::renderWinRate(result.winRate).c_str(), stdout);
    const auto& errors = result.details["judge_errors"];
    if (!errors.empty()) {
        std::printf("judge errors:\n");
        for (const auto& e : errors) {
            std::printf("  %lld rows: %s\n", static_cast<long long>(e.value("rows", 0)),
                        e.value("message", std::string()).c_str());
        }
    }
    const auto n =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(0, show)), result.samples.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto& s = result.samples[i];
        const auto score = s.outcome.score();
        std::printf("--- %s\n  answer:    %s\n  reference: %s\n  verdict:   %s%s\n",
                    eval::alpacaInstruction(s.prompt.instruction, s.prompt.input).c_str(),
                    s.output.c_str(), s.prompt.reference.c_str(),
                    score ? (*score > 0.5   ? "won"
                             : *score < 0.5 ? "lost"
                                            : "tie")
                          : "none",
                    s.outcome.error.empty() ? "" : (" (" + s.outcome.error + ")").c_str());
    }
    if (result.evalId > 0) {
        std::printf(
            "stored as evaluation %lld (`ladder-cli evals`, `ladder-cli export-outputs "
            "--eval %lld`)\n",
            static_cast<long long>(result.evalId), static_cast<long long>(result.evalId));
    }
}

void runEval(const CliContext& context, const EvalArgs& args) {
    train::loadPlugins();
    if (args.reference.empty()) {
        throw Error(
            "say which source's answers to play against: --reference SOURCE (medium for "
            "the demo, text_davinci_003 for AlpacaEval)");
    }
    eval::EvalSettings settings;
    settings.judge = args.judge.judge;
    settings.judgeOptions = judgeOptionsOf(args.judge);
    settings.prompts.reference = args.reference;
    settings.prompts.limit = args.prompts;
    settings.generation.maxNewTokens = args.maxNewTokens;
    settings.generation.batchSize = args.batchSize;

    std::optional<LoadedModel> loaded;
    eval::EvalTarget target;
    if (!args.outputs.empty()) {
        if (args.model.run > 0 || !args.model.modelDir.empty()) {
            throw Error("--outputs judges a file of answers: leave out --model and --run");
        }
        target.generator = fs::path(args.outputs).filename().string();
    } else {
        loaded = loadModel(context, args.model);
        target = loaded->target;
        settings.generation.templateSetting = loaded->templateName;
        if (loaded->runConfig) {
            settings.generation.maxPromptTokens = loaded->runConfig->data.maxPromptLength;
            // The held-out prompts of the run's ladder, whichever tiers it trained on: the
            // prompts its win rate during training was judged on (trainer_eval.cpp).
            settings.prompts.heldoutOf.ladder = loaded->runConfig->data.ladder;
            settings.prompts.heldoutOf.datasetIds = loaded->runConfig->data.datasets;
        }
    }
    if (!args.ladder.empty()) {
        settings.prompts.heldoutOf = {};
        settings.prompts.heldoutOf.ladder = args.ladder;
    }
    if (args.allPrompts) settings.prompts.heldoutOf = {};
    target.store = !args.noStore;

    auto ws = context.openWorkspace(/*readOnly=*/args.noStore);
    eval::Evaluator evaluator(ws.db(), std::move(settings));
    const eval::EvalProgress progress = [&context](const std::string& message) {
        if (!context.quiet) std::fprintf(stderr, "%s\n", message.c_str());
    };
    const eval::EvalResult result =
        loaded ? evaluator.evaluateModel(*loaded->model, *loaded->tokenizer, target, progress)
               : evaluator.evaluateOutputs(eval::readModelOutputs(args.outputs), target, progress);
    if (args.json) {
        nlohmann::json out = result.details;
        out["eval_id"] = result.evalId;
        out["judge"] = result.judge;
        out["reference"] = result.reference;
        std::printf("%s\n", out.dump(2).c_str());
        return;
    }
    printResult(result, target, args.show);
}

// --- evals, export-outputs ---------------------------------------------------------------------

void listEvaluations(const CliContext& context, std::int64_t run) {
    auto ws = context.openWorkspace(/*readOnly=*/true);
    const auto all =
        eval::listEvals(ws.db(), run > 0 ? std::optional<std::int64_t>(run) : std::nullopt);
    if (all.empty()) {
        std::printf("no evaluations yet: `ladder-cli eval --run R --reference SOURCE --judge J`\n");
        return;
    }
    std::printf("%-5s %-24s %6s %-16s %-18s %5s %17s %7s %9s %8s\n", "eval", "run (answers)",
                "step", "judge", "reference", "n", "win rate ± se", "LC", "agree", "length");
    for (const auto& e : all) {
        // A run's number and name, or the name of the answers judged (a model folder, a file).
        const std::string run = e.runId ? std::to_string(*e.runId) + " " + e.runName
                                        : e.details.value("generator", std::string("-"));
        const std::string step = e.step ? std::to_string(*e.step) : "-";
        const auto& w = e.details.contains("win_rate") ? e.details["win_rate"] : nlohmann::json();
        double agreement = NAN, difference = NAN, lengthControlled = NAN;
        if (w.is_object()) {
            const auto& lc = w.value("length_controlled", nlohmann::json::object());
            if (lc.is_object() && lc.value("win_rate", nlohmann::json()).is_number())
                lengthControlled = lc["win_rate"].get<double>();
            const auto& a = w["position"]["agreement"];
            if (a.is_number()) agreement = a.get<double>();
            const auto& d = w["length"]["mean_difference"];
            if (d.is_number()) difference = d.get<double>();
        }
        char length[32] = "-";
        if (std::isfinite(difference)) std::snprintf(length, sizeof length, "%+.1f", difference);
        std::printf("%-5lld %-24.24s %6s %-16.16s %-18.18s %5lld %8s ± %6s %7s %9s %8s\n",
                    static_cast<long long>(e.id), run.c_str(), step.c_str(), e.judge.c_str(),
                    e.reference.c_str(), static_cast<long long>(e.n), percent(e.winRate).c_str(),
                    percent(e.stdError).c_str(), percent(lengthControlled).c_str(),
                    percent(agreement).c_str(), length);
    }
    std::printf(
        "(win rate: ties count half; ± one standard error; LC: length-controlled win rate, "
        "AlpacaEval 2's; agree: the judge's verdicts in both answer orders; length: answer minus "
        "reference, characters)\n");
}

struct ExportArgs {
    std::int64_t evalId = 0;
    std::int64_t run = 0;
    std::string source;
    std::string out;
    std::string generator;
    bool force = false;
};

void exportOutputs(const CliContext& context, const ExportArgs& args) {
    const int chosen = (args.evalId > 0) + (args.run > 0) + !args.source.empty();
    if (chosen != 1) {
        throw Error(
            "say whose answers to export: --eval ID, --run R (its latest evaluation) or "
            "--source NAME, one of them");
    }
    auto ws = context.openWorkspace(/*readOnly=*/true);
    store::refuseOverwritingDatabase(args.out, ws.path(), args.force);
    std::vector<eval::ModelOutput> outputs;
    if (!args.source.empty()) {
        outputs = eval::sourceOutputs(ws.db(), args.source, args.generator);
    } else {
        std::int64_t evalId = args.evalId;
        if (args.run > 0) {
            const auto evals = eval::listEvals(ws.db(), args.run);
            if (evals.empty()) {
                throw Error("run " + std::to_string(args.run) +
                            " has no evaluation yet: `ladder-cli eval --run " +
                            std::to_string(args.run) + " --reference SOURCE` makes one");
            }
            evalId = evals.back().id;
        }
        outputs = eval::evalOutputs(ws.db(), evalId, args.generator);
    }
    eval::writeModelOutputs(args.out, outputs);
    std::printf("wrote %zu answers of %s to %s\n", outputs.size(),
                outputs.empty() ? "?" : outputs.front().generator.c_str(), args.out.c_str());
    std::printf(
        "judge them with AlpacaEval (alpaca_eval --model_outputs %s), then import its "
        "annotations.json: ladder-cli import -w %s annotations.json\n",
        args.out.c_str(), context.workspacePath.c_str());
}

}  // namespace

void addEvalCommands(CLI::App& app, CliContext& context) {
    auto generateArgs = std::make_shared<GenerateArgs>();
    auto* generate = app.add_subcommand(
        "generate", "Answer a prompt with a model folder or a run's checkpoint (KV cache)");
    addWorkspaceOption(*generate, context);
    addModelOptions(*generate, generateArgs->model);
    generate->add_option("-p,--prompt", generateArgs->prompts, "The instruction (repeatable)")
        ->required();
    generate->add_option("--input", generateArgs->input, "An input for the instruction");
    generate->add_flag("--greedy", generateArgs->greedy, "Greedy decoding (the default)");
    generate->add_option("--temperature", generateArgs->temperature, "Sample at this temperature")
        ->check(CLI::Range(0.0, 100.0));
    generate->add_option("--top-p", generateArgs->topP, "Nucleus sampling mass")
        ->check(CLI::Range(1e-9, 1.0));
    generate->add_option("--seed", generateArgs->seed, "Seed of the sampling");
    generate
        ->add_option("--max-new-tokens", generateArgs->maxNewTokens, "Tokens to generate at most")
        ->check(CLI::Range(1, 1 << 20));
    generate->add_flag("--ids", generateArgs->ids, "Print the prompt's and the answer's token ids");
    generate->callback([&context, generateArgs] { runGenerate(context, *generateArgs); });

    auto evalArgs = std::make_shared<EvalArgs>();
    auto* evaluate = app.add_subcommand(
        "eval", "Win rate of a model's answers against a reference source's, decided by a judge");
    addWorkspaceOption(*evaluate, context);
    addModelOptions(*evaluate, evalArgs->model);
    evaluate->add_option("--outputs", evalArgs->outputs,
                         "Judge the answers of a model_outputs.json instead of generating");
    evaluate->add_option("--reference", evalArgs->reference,
                         "The source whose answers play against (medium, text_davinci_003)");
    addJudgeOptions(*evaluate, evalArgs->judge);
    evaluate->add_option("--ladder", evalArgs->ladder, "Held-out prompts of this ladder's pairs");
    evaluate->add_flag("--all-prompts", evalArgs->allPrompts,
                       "Every prompt the reference answered, not only held-out ones");
    evaluate->add_option("--prompts", evalArgs->prompts, "An evenly spread subset (0: all)")
        ->check(CLI::NonNegativeNumber);
    evaluate->add_option("--max-new-tokens", evalArgs->maxNewTokens, "Tokens per answer at most")
        ->check(CLI::Range(1, 1 << 20));
    evaluate->add_option("--batch-size", evalArgs->batchSize, "Prompts per generation batch")
        ->check(CLI::Range(1, 4096));
    evaluate->add_flag("--no-store", evalArgs->noStore, "Print only: store nothing");
    evaluate->add_flag("--json", evalArgs->json,
                       "Print the result as JSON (counts, win rates, length-controlled win rate, "
                       "length view)");
    evaluate->add_option("--show", evalArgs->show, "Print this many answers with their verdicts");
    evaluate->callback([&context, evalArgs] { runEval(context, *evalArgs); });

    auto listRun = std::make_shared<std::int64_t>(0);
    auto* evals = app.add_subcommand("evals", "List stored evaluations side by side");
    addWorkspaceOption(*evals, context);
    evals->add_option("--run", *listRun, "Only this run's");
    evals->callback([&context, listRun] { listEvaluations(context, *listRun); });

    auto exportArgs = std::make_shared<ExportArgs>();
    auto* exportCommand =
        app.add_subcommand("export-outputs", "Write answers as AlpacaEval's model_outputs.json");
    addWorkspaceOption(*exportCommand, context);
    exportCommand->add_option("--eval", exportArgs->evalId, "An evaluation's generated answers");
    exportCommand->add_option("--run", exportArgs->run, "The run's latest evaluation's answers");
    exportCommand->add_option("--source", exportArgs->source, "An imported source's answers");
    exportCommand->add_option("-o,--out", exportArgs->out, "The file to write")->required();
    exportCommand->add_option("--generator", exportArgs->generator,
                              "The generator name to write (default: the run's or source's)");
    exportCommand->add_flag("--force", exportArgs->force,
                            "Write even over an SQLite database (never over the workspace itself)");
    exportCommand->callback([&context, exportArgs] { exportOutputs(context, *exportArgs); });
}

}  // namespace ladder::cli
