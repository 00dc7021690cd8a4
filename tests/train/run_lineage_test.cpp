// Where runs branched off: a run from another run's checkpoint continues that run's steps, at the
// checkpoint it named or the parent's latest; chains add up; a run without a parent has none.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/store/metrics.h"
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

// On the tokens axis each step lies at the tokens trained on up to it (tokens_seen), a child's
// after its parent's tokens at the branching point; the parent's curve stops there, a step the
// parent redid counts with its latest value, and a step with no token count is left out.
TEST(RunLineage, OnTheTokensAxisAChildContinuesItsParentsTokensFromTheBranchingPoint) {
    test::TempDir dir;
    auto ws = store::Workspace::create(dir / "w.ladder");
    store::RunStore runs(ws.db());
    const auto sft = addRun(runs, std::nullopt, -1, 4);
    runs.addCheckpoint(sft, 2, "run-1/step-2", "periodic");
    const auto dpo = addRun(runs, sft, 2, 3);
    {
        store::MetricsWriter w(ws.db());
        // The SFT run: 100 tokens a step; step 2 redone after a resume with 110 tokens so far.
        for (int step = 1; step <= 4; ++step) {
            w.add(sft, step, "tokens_seen", 100.0 * step, 0);
            w.add(sft, step, "loss", 10.0 - step, 0);
        }
        w.add(sft, 2, "tokens_seen", 110, 0);
        w.add(sft, 2, "loss", 7.5, 0);
        // The DPO run: 30 tokens a step; step 3's tokens were never recorded.
        for (int step = 1; step <= 3; ++step) {
            if (step < 3) w.add(dpo, step, "tokens_seen", 30.0 * step, 0);
            w.add(dpo, step, "loss", 1.0 / step, 0);
        }
    }
    const auto chain = runAncestry(ws.db(), dpo);
    ASSERT_EQ(chain.size(), 1u);
    EXPECT_DOUBLE_EQ(chain[0].tokens, 110);
    EXPECT_DOUBLE_EQ(chain[0].tokenOffset, 110);
    using Points = std::vector<std::pair<double, double>>;
    EXPECT_EQ(branchPoints(ws.db(), chain[0], "loss", ChainAxis::Tokens), (Points{{100, 9}, {110, 7.5}}));
    EXPECT_EQ(branchPoints(ws.db(), chain[0], "loss", ChainAxis::Steps), (Points{{1, 9}, {2, 7.5}}));
    // Several metrics at once, as the Plots pane asks for a parent's lines: the same points.
    const auto both = branchPoints(ws.db(), chain[0], std::vector<std::string>{"tokens_seen", "loss"},
                                   ChainAxis::Tokens);
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(both[0], (Points{{100, 100}, {110, 110}}));
    EXPECT_EQ(both[1], branchPoints(ws.db(), chain[0], "loss", ChainAxis::Tokens));
    // The parent's count at the branching step is one lookup: the latest write at or before it.
    store::MetricsReader reader(ws.db());
    EXPECT_EQ(reader.atOrBefore(sft, "tokens_seen", 2), (std::pair<std::int64_t, double>{2, 110}));
    EXPECT_EQ(reader.atOrBefore(sft, "tokens_seen", 9), (std::pair<std::int64_t, double>{4, 400}));
    EXPECT_EQ(reader.atOrBefore(sft, "tokens_seen", 0), std::nullopt);

    const auto axis = RunAxis::load(ws.db(), dpo, ChainAxis::Tokens, /*chained=*/true);
    EXPECT_EQ(axis.at(1), 140.0);
    EXPECT_EQ(axis.at(3), std::nullopt);
    EXPECT_EQ(RunAxis::load(ws.db(), dpo, ChainAxis::Tokens, false).at(2), 60.0);
    EXPECT_EQ(RunAxis::load(ws.db(), dpo, ChainAxis::Steps, true).at(3), 5.0);

    const auto curve = chainedCurve(ws.db(), dpo, "loss", ChainAxis::Tokens, /*chained=*/true);
    EXPECT_EQ(curve.x, (std::vector<double>{100, 110, 140, 170}));
    EXPECT_EQ(curve.y, (std::vector<double>{9, 7.5, 1, 0.5}));
    const auto steps = chainedCurve(ws.db(), dpo, "loss", ChainAxis::Steps, /*chained=*/true);
    EXPECT_EQ(steps.x, (std::vector<double>{1, 2, 3, 4, 5}));
    const auto own = chainedCurve(ws.db(), sft, "loss", ChainAxis::Steps, /*chained=*/false);
    EXPECT_EQ(own.x, (std::vector<double>{1, 2, 3, 4}));  // step 2 once: its redone value
    EXPECT_EQ(own.y, (std::vector<double>{9, 7.5, 7, 6}));
}

}  // namespace
}  // namespace ladder::train
