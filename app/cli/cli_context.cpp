#include "app/cli/cli_context.h"

#include <csignal>

#include "core/common/error.h"
#include "core/pairs/ladder.h"

namespace ladder::cli {

namespace {

std::atomic<bool> g_stopRequested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void onInterrupt(int) {
    g_stopRequested = true;
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl+C ends it at once
}

}  // namespace

StopOnInterrupt::StopOnInterrupt() {
    g_stopRequested = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

StopOnInterrupt::~StopOnInterrupt() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>& StopOnInterrupt::requested() {
    return g_stopRequested;
}

namespace {

std::string resolvedPath(const CliContext& context) {
    if (context.workspacePath.empty()) {
        throw Error("no workspace given: pass --workspace FILE.ladder (or set LADDER_WORKSPACE); "
                    "`ladder-cli init FILE.ladder` or `ladder-cli demo init` creates one");
    }
    return context.workspacePath;
}

}  // namespace

std::string CliContext::requiredWorkspacePath() const { return resolvedPath(*this); }

store::Workspace CliContext::openWorkspace(bool readOnly) const {
    return store::Workspace::open(resolvedPath(*this), store::OpenOptions{.readOnly = readOnly});
}

store::Workspace CliContext::openOrCreateWorkspace() const {
    return store::Workspace::openOrCreate(resolvedPath(*this));
}

std::string ladderOrOnly(store::Database& db, const std::string& wanted) {
    if (!wanted.empty()) return wanted;
    const auto all = pairs::listLadders(db);
    if (all.size() == 1) return all.front().name;
    throw Error("say which ladder: --ladder NAME (this workspace has " + std::to_string(all.size()) +
                " ladders; `ladder-cli ladder list` shows them)");
}

void addWorkspaceOption(CLI::App& command, CliContext& context) {
    command.add_option("-w,--workspace", context.workspacePath, "Workspace file (*.ladder)")
        ->envname("LADDER_WORKSPACE");
}

}  // namespace ladder::cli
