#include "core/store/run_cleanup.h"

#include <filesystem>
#include <system_error>

#include "core/common/error.h"
#include "core/store/run_liveness.h"
#include "core/store/runs.h"

namespace ladder::store {
namespace fs = std::filesystem;

namespace {

void removeFolder(const fs::path& folder, std::int64_t runId) {
    std::error_code ec;
    fs::remove_all(folder, ec);
    if (ec) {
        throw Error("cannot delete " + folder.string() + " of run " + std::to_string(runId) + ": " +
                    ec.message() + " (check the folder's permissions; the run is kept)");
    }
}

}  // namespace

void deleteRunAndCheckpoints(Workspace& workspace, std::int64_t runId) {
    RunStore runs(workspace.db());
    const RunRecord run = runs.get(runId);
    if (isActive(run.status) && runLiveness(run, workspace.path()) != Liveness::Stale) {
        throw Error("run " + std::to_string(runId) + " (" + run.name + ") is " +
                    toString(run.status) + ": stop it before deleting it");
    }
    const fs::path root = workspace.checkpointDir();
    for (const CheckpointRecord& c : runs.checkpoints(runId)) {
        const fs::path folder = (root / c.path).lexically_normal();
        // A path that leaves the checkpoint folder is not ours to delete.
        const auto relative = folder.lexically_relative(root);
        if (relative.empty() || *relative.begin() == "..") continue;
        removeFolder(folder, runId);
    }
    removeFolder(root / ("run-" + std::to_string(runId)), runId);
    runs.remove(runId);
}

}  // namespace ladder::store
