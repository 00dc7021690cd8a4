// Deleting a run for good: its rows (metrics, checkpoints, evals, samples go with it) and its
// checkpoint folders beside the workspace file.
#pragma once

#include <cstdint>

#include "core/store/workspace.h"

namespace ladder::store {

// Removes the checkpoint folders the run recorded (and its run-<id> folder), then the run. Throws
// ladder::Error when the run is active and not stale (stop it first) or a folder cannot be removed
// (the rows are kept then, so nothing points nowhere).
void deleteRunAndCheckpoints(Workspace& workspace, std::int64_t runId);

}  // namespace ladder::store
