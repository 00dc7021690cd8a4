// ladder-cli generate-source: a model's answers to the workspace's prompts, stored as a new source
// for a ladder (eval::generateSource). Ctrl+C stops after the batch in hand; the same command
// continues where it stopped.
#include <cstdio>
#include <set>
#include <string>

#include "app/cli/cli_context.h"
#include "app/cli/model_choice.h"
#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/eval/prompt_file.h"
#include "core/eval/source_generation.h"
#include "core/model/checkpoint.h"
#include "core/pairs/training_pairs.h"

namespace ladder::cli {
namespace {

struct GenerateSourceArgs {
    ModelChoice model;
    std::string name;
    std::string prompts = "all";  // all | heldout | N | a file of prompts
    std::string ladder;           // heldout: of this ladder (default: the only one)
    double temperature = 0.0;
    double topP = 1.0;
    std::int64_t topK = 0;
    std::uint64_t seed = 0;
    std::int64_t maxNewTokens = 256;
    int batch = 8;
    int samplesPerPrompt = 1;
};

std::vector<eval::EvalPrompt> choosePrompts(store::Database& db, const GenerateSourceArgs& args) {
    if (args.prompts == "all") return eval::workspacePrompts(db);
    if (args.prompts == "heldout") {
        pairs::PairSelection selection;
        selection.ladder = ladderOrOnly(db, args.ladder);
        selection.split = "heldout";
        std::set<std::int64_t> heldout;
        for (const auto& p : pairs::loadTrainingPairs(db, selection)) heldout.insert(p.promptId);
        auto all = eval::workspacePrompts(db);
        std::erase_if(all, [&](const eval::EvalPrompt& p) { return !heldout.count(p.promptId); });
        if (all.empty()) {
            throw Error("ladder " + selection.ladder + " has no held-out pairs in " +
                        db.path().string() + ": build its pairs with --heldout, or use --prompts all");
        }
        return all;
    }
    std::size_t used = 0;
    int n = 0;
    try {
        n = std::stoi(args.prompts, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == args.prompts.size() && n > 0) return eval::workspacePrompts(db, n);
    if (used == args.prompts.size()) {
        throw Error("--prompts takes all, heldout, a number of prompts above 0 or a file, not '" +
                    args.prompts + "'");
    }
    // Anything else names a file of prompts (new ones are added to the workspace).
    return eval::promptsFromFile(db, args.prompts);
}

void runGenerateSource(const CliContext& context, const GenerateSourceArgs& args) {
    auto ws = context.openWorkspace();
    const auto prompts = choosePrompts(ws.db(), args);
    const LoadedModel loaded = loadModel(context, args.model);

    eval::SourceGenerationSettings settings;
    settings.source = args.name;
    settings.samplesPerPrompt = args.samplesPerPrompt;
    auto& a = settings.answers;
    a.templateSetting = loaded.templateName;
    a.maxNewTokens = args.maxNewTokens;
    a.temperature = args.temperature;
    a.topP = args.topP;
    a.topK = args.topK;
    a.seed = args.seed;
    a.batchSize = args.batch;
    if (loaded.runConfig) a.maxPromptTokens = loaded.runConfig->data.maxPromptLength;
    settings.modelKey = eval::answerModelKey(*loaded.model, *loaded.tokenizer);
    settings.provenance = {{"model", loaded.folder}, {"generator", loaded.target.generator}};
    if (loaded.target.runId) {
        settings.provenance["run"] = *loaded.target.runId;
        if (loaded.target.step) settings.provenance["step"] = *loaded.target.step;
    }

    const std::size_t total = prompts.size() * static_cast<std::size_t>(args.samplesPerPrompt);
    if (!context.quiet) {
        std::fprintf(stderr, "answering %zu prompts%s with %s (%s template, %s)\n", prompts.size(),
                     args.samplesPerPrompt > 1
                         ? (" x " + std::to_string(args.samplesPerPrompt) + " samples").c_str()
                         : "",
                     loaded.target.generator.c_str(), loaded.templateName.c_str(),
                     args.temperature > 0 ? ("temperature " + std::to_string(args.temperature)).c_str()
                                          : "greedy");
    }
    const auto progress = [&context](const eval::SourceGenerationProgress& p) {
        if (context.quiet) return;
        std::fprintf(stderr, "\r%s   ", eval::progressLine(p).c_str());
        std::fflush(stderr);
    };
    eval::SourceGenerationResult result;
    {
        const StopOnInterrupt interrupts;
        result = eval::generateSource(ws.db(), *loaded.model, *loaded.tokenizer, prompts, settings,
                                      progress, &StopOnInterrupt::requested());
    }
    if (!context.quiet && result.progress.done > result.progress.resumed) std::fprintf(stderr, "\n");
    const auto& p = result.progress;
    if (result.alreadyComplete) {
        std::printf("source %s: its %zu answers with these settings are already stored (dataset #%lld)\n",
                    args.name.c_str(), total, static_cast<long long>(result.datasetId));
        return;
    }
    if (result.stopped) {
        std::printf("stopped after %zu of %zu answers; run the same command to continue\n", p.done,
                    p.total);
        return;
    }
    std::printf("source %s: %zu answers stored (dataset #%lld; %zu generated now in %s, %.0f tok/s%s)\n",
                args.name.c_str(), p.total, static_cast<long long>(result.datasetId),
                p.done - p.resumed, clock::formatDuration(p.seconds).c_str(),
                p.seconds > 0 ? static_cast<double>(p.newTokens) / p.seconds : 0.0,
                p.resumed ? (", " + std::to_string(p.resumed) + " stored before").c_str() : "");
    std::printf("next: put it on a ladder: ladder-cli ladder set -w %s NAME STRONGEST ... %s ...\n",
                context.workspacePath.c_str(), args.name.c_str());
}

}  // namespace

void addGenerateSourceCommand(CLI::App& app, CliContext& context) {
    auto args = std::make_shared<GenerateSourceArgs>();
    auto* command = app.add_subcommand(
        "generate-source",
        "Answer the workspace's prompts with a model and store the answers as a new source "
        "(batched, KV cache; Ctrl+C stops, the same command continues)");
    addWorkspaceOption(*command, context);
    addModelOptions(*command, args->model);
    command->add_option("--name", args->name, "The new source's name")->required();
    command->add_option("--prompts", args->prompts,
                        "all (default), heldout (a ladder's held-out prompts), a number (an "
                        "evenly spread subset) or a file: JSON/JSONL of {instruction, input} or "
                        "{messages}, or .txt, one prompt a line (new prompts are added)");
    command->add_option("--ladder", args->ladder, "--prompts heldout: of this ladder");
    command->add_option("--temperature", args->temperature, "Sample at this temperature (0: greedy)")
        ->check(CLI::Range(0.0, 100.0));
    command->add_option("--top-p", args->topP, "Nucleus sampling mass")->check(CLI::Range(1e-9, 1.0));
    command->add_option("--top-k", args->topK, "Sample from the K most likely tokens (0: all)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--seed", args->seed, "Seed of the sampling");
    command->add_option("--max-new-tokens", args->maxNewTokens, "Tokens per answer at most")
        ->check(CLI::Range(1, 1 << 20));
    command->add_option("--batch", args->batch, "Answers generated together (default 8)")
        ->check(CLI::Range(1, 4096));
    command
        ->add_option("--samples-per-prompt", args->samplesPerPrompt,
                     "Answers to each prompt (with --temperature above 0)")
        ->check(CLI::Range(1, 1024));
    command->callback([&context, args] { runGenerateSource(context, *args); });
}

}  // namespace ladder::cli
