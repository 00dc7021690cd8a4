// Where runs branched off: a run from another run's checkpoint continues that run's steps, at the
// checkpoint it named or the parent's latest; chains add up; a run without a parent has none.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/train/run_config.h"
#include "core/train/run_lineage.h"
#include "tests/support/test_support.h"

namespace ladder::train {
namespace {

std::int64_t addRun(store::RunStore& runs, std::optional<std::int64_t> parent, std::int64_t checkpointStep,
                    std::int64_t lastStep) {
    RunConfig c;
    c.data.ladder = "demo";
    if (parent) {
        c.model.kind = "run";
        c.model.runId = *parent;
        c.model.checkpointStep = checkpointStep;
    }
    const auto id = runs.create({.name = "r", .method = parent ? "dpo" : "sft",
                                 .configJson = toJson(c).dump(), .totalSteps = lastStep,
                                 .parentRunId = parent});
    runs.markStarted(id, lastStep);
    runs.heartbeat(id, lastStep);
    return id;
}

TEST(RunLineage, ARunContinuesItsParentsStepsFromTheCheckpointItStartedFrom) {
    test::TempDir dir;
    auto ws = store::Workspace::create(dir / "w.ladder");
    store::RunStore runs(ws.db());
    const auto sft = addRun(runs, std::nullopt, -1, 300);
    runs.addCheckpoint(sft, 100, "run-1/step-100", "periodic");
    runs.addCheckpoint(sft, 300, "run-1/step-300", "final");
    const auto dpoLatest = addRun(runs, sft, -1, 200);      // from the latest: step 300
    const auto dpoEarly = addRun(runs, sft, 100, 200);      // from step 100
    runs.addCheckpoint(dpoLatest, 200, "run-2/step-200", "final");
    const auto third = addRun(runs, dpoLatest, 150, 50);    // from the DPO run's step 150

    EXPECT_TRUE(runAncestry(ws.db(), sft).empty());
    EXPECT_EQ(chainedStepOffset(ws.db(), sft), 0);
    const auto latest = runAncestry(ws.db(), dpoLatest);
    ASSERT_EQ(latest.size(), 1u);
    EXPECT_EQ(latest[0].parentRunId, sft);
    EXPECT_EQ(latest[0].step, 300);
    EXPECT_EQ(chainedStepOffset(ws.db(), dpoLatest), 300);
    EXPECT_EQ(chainedStepOffset(ws.db(), dpoEarly), 100);
    const auto chain = runAncestry(ws.db(), third);
    ASSERT_EQ(chain.size(), 2u);
    EXPECT_EQ(chain[0].parentRunId, dpoLatest);
    EXPECT_EQ(chain[0].step, 150);
    EXPECT_EQ(chain[0].offset, 450);  // the DPO run's step 150 lies after SFT's 300
    EXPECT_EQ(chain[1].parentRunId, sft);
    EXPECT_EQ(chain[1].offset, 300);
    EXPECT_EQ(chainedStepOffset(ws.db(), third), 450);

    // A deleted parent ends the chain there.
    runs.remove(sft);
    EXPECT_TRUE(runAncestry(ws.db(), dpoEarly).empty());
    EXPECT_EQ(chainedStepOffset(ws.db(), third), 150);
}

}  // namespace
}  // namespace ladder::train
