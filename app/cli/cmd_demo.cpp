// ladder-cli demo init: the ready-made demo workspace (the same core function the window calls).
#include <cstdio>
#include <memory>

#include "app/cli/cli_context.h"
#include "core/demo/demo_workspace.h"

namespace ladder::cli {

void addDemoCommands(CLI::App& app, CliContext& context) {
    auto* demo = app.add_subcommand("demo", "The embedded demo task");
    demo->require_subcommand(1);
    struct Args {
        std::string path;
        demo::DemoOptions options;
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
    init->callback([&context, args] {
        const std::filesystem::path path =
            args->path.empty() ? demo::defaultWorkspacePath() : std::filesystem::path(args->path);
        const auto summary = demo::initWorkspace(path, args->options);
        std::fputs(demo::renderDemoSummary(summary).c_str(), stdout);
        std::printf("next: ladder-cli pairs stats -w %s\n", path.c_str());
        context.workspacePath = path.string();
    });
}

}  // namespace ladder::cli
