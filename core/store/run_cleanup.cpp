#include "core/store/run_cleanup.h"

#include <filesystem>

#include "core/common/error.h"
#include "core/store/checkpoint_paths.h"
#include "core/store/run_liveness.h"
#include "core/store/runs.h"

namespace ladder::store {
namespace fs = std::filesystem;

void deleteRunAndCheckpoints(Workspace& workspace, std::int64_t runId) {
    RunStore runs(workspace.db());
    const RunRecord run = runs.get(runId);
    if (isActive(run.status) && runLiveness(run, workspace.path()) != Liveness::Stale) {
        throw Error("run " + std::to_string(runId) + " (" + run.name + ") is " +
                    toString(run.status) + ": stop it before deleting it");
    }
    const fs::path root = workspace.checkpointDir();
    // Only folders inside this run's own folder are deleted (checkpoint_paths.h); a path that
    // leads anywhere else is left alone and logged.
    for (const CheckpointRecord& c : runs.checkpoints(runId)) {
        removeCheckpointFolder(root, runId, c.path);
    }
    removeRunFolder(root, runId);
    runs.remove(runId);
}

}  // namespace ladder::store
