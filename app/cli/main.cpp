// ladder-cli: import data, build pairs, train and evaluate from the command line, without Qt.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "app/cli/cli_context.h"
#include "core/common/log.h"
#include "core/common/version.h"

int main(int argc, char** argv) {
    using namespace ladder;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // results and progress interleave in order when piped
    CLI::App app{"Ladder: contrastive post-training on automatically constructed preference pairs",
                 "ladder-cli"};
    app.set_version_flag("--version", std::string("ladder-cli ") + kVersion + " (LibTorch " +
                                          kTorchVersion + ")");
    cli::CliContext context;
    app.add_flag("-v,--verbose", context.verbose, "Debug messages on the console and in the log");
    app.add_flag("-q,--quiet", context.quiet, "No progress lines");
    app.require_subcommand(1);
    app.fallthrough();

    cli::addWorkspaceCommands(app, context);
    cli::addPluginCommands(app, context);
    cli::addTokenizeCommands(app, context);
    cli::addTemplateCommands(app, context);
    cli::addDataCommands(app, context);
    cli::addPairCommands(app, context);
    cli::addCurriculumCommands(app, context);
    cli::addDemoCommands(app, context);
    cli::addTrainCommands(app, context);
    cli::addEvalCommands(app, context);
    cli::addModelCommands(app, context);

    // Logging must be set up before the chosen command's callback runs.
    app.parse_complete_callback([&context] {
        // Commands print their own results; the console log shows problems (all goes to the file).
        log::init(log::Options{.verbose = context.verbose, .quietConsole = true});
    });
    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code();  // the command has said what went wrong
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        log::get("cli")->debug("command failed: {}", e.what());
        return 1;
    }
    return 0;
}
