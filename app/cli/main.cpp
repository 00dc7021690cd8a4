// ladder-cli: import data, build pairs, train and evaluate from the command line, without Qt.
#include <cstdio>
#include <exception>
#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "app/cli/cli_context.h"
#include "core/common/heap.h"
#include "core/common/log.h"
#include "core/common/version.h"

namespace {

// CLI11 reports `ladder-cli nosuch` as "A subcommand is required" (exit 106) and `ladder-cli model
// nosuch` the same way: a mistyped command is a usage error, named, with the commands there are,
// and exit code 2. Walks the words down the command tree (a group's only options are flags, so its
// first other word is a command); nullopt when every command word is known.
std::optional<int> unknownCommand(CLI::App& app, int argc, char** argv) {
    CLI::App* level = &app;
    std::string path = "ladder-cli";
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (word == "--") break;
        if (!word.empty() && word[0] == '-') continue;
        const auto children = level->get_subcommands(std::function<bool(CLI::App*)>());
        if (children.empty()) break;  // a command: the rest are its arguments
        CLI::App* next = nullptr;
        for (CLI::App* child : children) {
            if (child->check_name(word)) next = child;
        }
        if (!next) {
            std::string names;
            for (const CLI::App* child : children) names += (names.empty() ? "" : ", ") + child->get_name();
            std::fprintf(stderr, "error: unknown command '%s %s'; %s has: %s (see %s --help)\n",
                         path.c_str(), word.c_str(), path.c_str(), names.c_str(), path.c_str());
            return 2;
        }
        level = next;
        path += " " + word;
    }
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace ladder;
    heap::returnLargeBlocks();  // before any training allocates (core/common/heap.h)
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // results and progress interleave in order when piped
    CLI::App app{"Ladder: contrastive post-training on automatically constructed preference pairs",
                 "ladder-cli"};
    app.set_version_flag("--version", std::string("ladder-cli ") + kVersion + " (LibTorch " +
                                          kTorchVersion + ")");
    cli::CliContext context;
    context.arguments.assign(argv + 1, argv + argc);
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
    cli::addGenerateSourceCommand(app, context);
    cli::addModelCommands(app, context);
    cli::addStudyCommands(app, context);

    // Logging must be set up before the chosen command's callback runs.
    app.parse_complete_callback([&context] {
        // Commands print their own results; the console log shows problems (all goes to the file).
        log::init(log::Options{.verbose = context.verbose, .quietConsole = true});
    });
    if (const auto code = unknownCommand(app, argc, argv)) return *code;
    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code();  // the command has said what went wrong
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; a usage error (a missing or wrong option) is code 2.
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        log::get("cli")->debug("command failed: {}", e.what());
        return 1;
    }
    return 0;
}
