#include "app/cli/cli_context.h"

#include "core/common/error.h"

namespace ladder::cli {

namespace {

std::string resolvedPath(const CliContext& context) {
    if (context.workspacePath.empty()) {
        throw Error("no workspace given: pass --workspace FILE.ladder (or set LADDER_WORKSPACE); "
                    "`ladder-cli init FILE.ladder` or `ladder-cli demo init` creates one");
    }
    return context.workspacePath;
}

}  // namespace

store::Workspace CliContext::openWorkspace(bool readOnly) const {
    return store::Workspace::open(resolvedPath(*this), store::OpenOptions{.readOnly = readOnly});
}

store::Workspace CliContext::openOrCreateWorkspace() const {
    return store::Workspace::openOrCreate(resolvedPath(*this));
}

void addWorkspaceOption(CLI::App& command, CliContext& context) {
    command.add_option("-w,--workspace", context.workspacePath, "Workspace file (*.ladder)")
        ->envname("LADDER_WORKSPACE");
}

}  // namespace ladder::cli
