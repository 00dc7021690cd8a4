// ladder-cli demo init: the ready-made demo workspace (the same core function the window calls),
// with --local also three tiny models trained here whose answers make a ladder of their own.
#include <cstdio>
#include <algorithm>
#include <memory>

#include "app/cli/cli_context.h"
#include "core/demo/demo_workspace.h"
#include "core/train/local_demo.h"

namespace ladder::cli {

void addDemoCommands(CLI::App& app, CliContext& context) {
    auto* demo = app.add_subcommand("demo", "The embedded demo task");
    demo->require_subcommand(1);
    struct Args {
        std::string path;
        demo::DemoOptions options;
        bool local = false;
        int localSteps = 1200;  // the strongest local model's SFT steps
    };
    auto args = std::make_shared<Args>();
    auto* init = demo->add_subcommand(
        "init",
        "Create the demo workspace: three simulated models, ladder strong > medium > weak, "
        "pairs, curriculum presets");
    init->add_option("path", args->path,
                     "Workspace file (default: " + demo::defaultWorkspacePath().string() + ")");
    init->add_option("--prompts", args->options.prompts, "Number of prompts")
        ->check(CLI::Range(1, 1'000'000));
    init->add_option("--seed", args->options.seed, "Seed (the same seed makes the same workspace)");
    init->add_option("--heldout", args->options.heldoutFraction, "Share of prompts held out")
        ->check(CLI::Range(0.0, 0.99));
    init->add_flag("--overwrite", args->options.overwrite, "Replace an existing workspace");
    init->add_flag("--local", args->local,
                   "Also train three tiny models to different strengths here, answer every prompt "
                   "with each, and build the ladder 'local' from their answers (minutes on a CPU)");
    init->add_option("--local-steps", args->localSteps,
                     "--local: SFT steps of the strongest model (the others get a quarter and a twentieth)")
        ->check(CLI::Range(1, 1'000'000));
    init->callback([&context, args] {
        const std::filesystem::path path =
            args->path.empty() ? demo::defaultWorkspacePath() : std::filesystem::path(args->path);
        if (args->local) {
            train::LocalDemoOptions local;
            local.world = args->options;
            local.models[0].steps = args->localSteps;
            local.models[1].steps = std::max(1, args->localSteps / 4);
            local.models[2].steps = std::max(1, args->localSteps / 20);
            const auto summary = train::buildLocalDemo(path, local, [&context](const std::string& line) {
                if (!context.quiet) std::fprintf(stderr, "%s\n", line.c_str());
            });
            std::fputs(train::renderLocalDemoSummary(summary).c_str(), stdout);
            std::printf("next: ladder-cli train -w %s --config resources/presets/demo-dpo-curriculum.json "
                        "(on ladder demo), or set \"ladder\": \"local\" in a config\n", path.c_str());
            context.workspacePath = path.string();
            return;
        }
        const auto summary = demo::initWorkspace(path, args->options);
        std::fputs(demo::renderDemoSummary(summary).c_str(), stdout);
        std::printf("next: ladder-cli pairs stats -w %s\n", path.c_str());
        context.workspacePath = path.string();
    });
}

}  // namespace ladder::cli
