// Where a run branched off: a run that starts from another run's checkpoint (a DPO run after an
// SFT run) continues that run's steps. Plots draw it on one axis with its parent: its own steps
// after the parent's step at the branching point, the parent up to that point. No LibTorch here.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ladder::store {
class Database;
}

namespace ladder::train {

struct RunBranch {
    std::int64_t parentRunId = 0;
    std::int64_t step = 0;    // the parent's checkpoint step the child started from
    std::int64_t offset = 0;  // where that step lies on the chained axis (the parent's own offset + step)
};

// The runs `runId` descends from, nearest first: its parent at the checkpoint it started from
// (model.checkpoint_step, or the parent's latest checkpoint for -1), that run's parent, and so on.
// Empty for a run that did not start from a run, or whose parent was deleted. A cycle (impossible
// in a workspace Ladder wrote) ends the walk.
[[nodiscard]] std::vector<RunBranch> runAncestry(store::Database& db, std::int64_t runId);

// A parent's points of `metric` on the chained axis: its steps up to the branching point, after
// its own ancestors' (branch.offset - branch.step + step). A step the parent redid after a resume
// counts with its latest value. Compare and the Plots pane draw parents with this.
[[nodiscard]] std::vector<std::pair<double, double>> branchPoints(store::Database& db,
                                                                  const RunBranch& branch,
                                                                  const std::string& metric);

// The steps to add to a run's own to draw it after its ancestors (0 for a run without a parent).
[[nodiscard]] std::int64_t chainedStepOffset(store::Database& db, std::int64_t runId);

}  // namespace ladder::train
