// What every ladder-cli command shares: the global options and a way to open the workspace.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/store/workspace.h"

namespace ladder::cli {

struct CliContext {
    std::string workspacePath;  // --workspace / -w, or $LADDER_WORKSPACE
    bool verbose = false;
    bool quiet = false;         // no progress lines
    std::vector<std::string> arguments;  // the command line after the program's name

    // The path given by --workspace; throws ladder::Error with what to do when unset.
    [[nodiscard]] std::string requiredWorkspacePath() const;
    // Opens the workspace named by --workspace; throws ladder::Error with what to do when unset.
    [[nodiscard]] store::Workspace openWorkspace(bool readOnly = false) const;
    [[nodiscard]] store::Workspace openOrCreateWorkspace() const;
};

// Adds `--workspace/-w` to a subcommand (each command that needs one takes it after its name too).
void addWorkspaceOption(CLI::App& command, CliContext& context);

// The ladder a command works on: the one named, else the workspace's only ladder; throws
// ladder::Error asking for --ladder when there are several (or none).
[[nodiscard]] std::string ladderOrOnly(store::Database& db, const std::string& wanted);

// While one lives, Ctrl+C and SIGTERM ask a long command to stop at its next safe point (a second
// Ctrl+C ends the program at once); the default handlers again after. For the commands whose work
// the same command continues: generate-source, study run, pairs judge.
class StopOnInterrupt {
public:
    StopOnInterrupt();
    ~StopOnInterrupt();
    StopOnInterrupt(const StopOnInterrupt&) = delete;
    StopOnInterrupt& operator=(const StopOnInterrupt&) = delete;

    // Set by the signal: what the work polls.
    [[nodiscard]] static const std::atomic<bool>& requested();
};

// Each file cmd_*.cpp adds its subcommands here.
void addWorkspaceCommands(CLI::App& app, CliContext& context);  // init, info, runs, backup, recover
void addPluginCommands(CLI::App& app, CliContext& context);     // plugins
void addTokenizeCommands(CLI::App& app, CliContext& context);   // tokenize
void addTemplateCommands(CLI::App& app, CliContext& context);   // template render
void addDataCommands(CLI::App& app, CliContext& context);       // import, datasets, sources, ladder
void addPairCommands(CLI::App& app, CliContext& context);  // pairs build | stats | judge | export
void addCurriculumCommands(CLI::App& app, CliContext& context);  // curriculum show | preset | list
void addDemoCommands(CLI::App& app, CliContext& context);        // demo init
void addTrainCommands(CLI::App& app, CliContext& context);      // train
void addEvalCommands(CLI::App& app, CliContext& context);  // generate, eval, evals, export-outputs
void addGenerateSourceCommand(CLI::App& app, CliContext& context);  // generate-source
void addModelCommands(CLI::App& app, CliContext& context);  // model info | logits | generate
void addStudyCommands(CLI::App& app, CliContext& context);  // study run | show | list

}  // namespace ladder::cli
