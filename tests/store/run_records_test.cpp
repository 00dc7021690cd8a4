// What the run panes read about runs: liveness from heartbeats and pids, durations and ETAs, the
// latest finished run of a method, summaries of metric series, and deleting
// a run with its checkpoint folders.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <unistd.h>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/store/metric_summary.h"
#include "core/store/run_cleanup.h"
#include "core/store/run_liveness.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::store {
namespace {
namespace fs = std::filesystem;

// 2026-01-01T00:00:00Z as Unix time (independently: 56 years of days since 1970 incl. 14 leap days).
constexpr double kNewYear2026 = (56 * 365 + 14) * 86400.0;

RunRecord activeRun(const std::string& host, std::optional<std::int64_t> pid,
                    const std::string& heartbeat) {
    RunRecord r;
    r.status = RunStatus::Running;
    r.host = host;
    r.pid = pid;
    r.createdAt = "2026-01-01T00:00:00.000Z";
    r.startedAt = "2026-01-01T00:00:00.000Z";
    r.heartbeatAt = heartbeat;
    return r;
}

TEST(Clock, ParsesTheTimestampsItWrites) {
    EXPECT_DOUBLE_EQ(clock::parseIso("2026-01-01T00:00:00Z"), kNewYear2026);
    EXPECT_DOUBLE_EQ(clock::parseIso("2026-01-01T00:01:30.250Z"), kNewYear2026 + 90.25);
    EXPECT_DOUBLE_EQ(clock::parseIso("2026-01-01T00:00:00"), kNewYear2026);
    EXPECT_EQ(clock::parseIso("yesterday"), -1);
    EXPECT_EQ(clock::parseIso("2026-01-01T00:00:00Z trailing"), -1);
    const double now = clock::nowSeconds();
    EXPECT_NEAR(clock::parseIso(clock::nowIso()), now, 1.0);
}

TEST(RunLiveness, ARunWhosePidIsGoneOnThisHostIsStale) {
    const auto run = activeRun("here", 4242, "2026-01-01T00:00:10Z");
    const double now = kNewYear2026 + 20;
    EXPECT_EQ(runLiveness(run, now, "here", [](std::int64_t) { return false; }), Liveness::Stale);
    EXPECT_EQ(runLiveness(run, now, "here", [](std::int64_t) { return true; }), Liveness::Live);
    // Alive but silent for longer than a minute: quiet (setup work writes no heartbeat).
    EXPECT_EQ(runLiveness(run, now + 120, "here", [](std::int64_t) { return true; }),
              Liveness::Quiet);
}

TEST(RunLiveness, AnotherHostsRunIsJudgedByTheAgeOfItsHeartbeat) {
    const auto run = activeRun("gpu-server", 4242, "2026-01-01T00:00:00Z");
    auto never = [](std::int64_t) -> bool {
        ADD_FAILURE() << "a pid of another host must not be checked here";
        return false;
    };
    EXPECT_EQ(runLiveness(run, kNewYear2026 + 30, "laptop", never), Liveness::Live);
    EXPECT_EQ(runLiveness(run, kNewYear2026 + 600, "laptop", never), Liveness::Quiet);
    EXPECT_EQ(runLiveness(run, kNewYear2026 + 4000, "laptop", never), Liveness::Stale);
}

TEST(RunLiveness, EndedRunsAreEndedAndThisProcessIsAlive) {
    auto run = activeRun("x", 1, "2026-01-01T00:00:00Z");
    run.status = RunStatus::Finished;
    EXPECT_EQ(runLiveness(run, kNewYear2026, "x", [](std::int64_t) { return false; }),
              Liveness::Ended);
    auto mine = activeRun(hostName(), ::getpid(), clock::nowIso());
    EXPECT_EQ(runLiveness(mine, "/nonexistent/w.ladder"), Liveness::Live);
}

TEST(RunLiveness, DurationAndTimeLeftFollowTheSteps) {
    auto run = activeRun("x", 1, "2026-01-01T00:01:40Z");  // 100 s after the start
    run.lastStep = 25;
    run.totalSteps = 100;
    EXPECT_DOUBLE_EQ(runDurationSeconds(run, kNewYear2026 + 500, false), 100);
    EXPECT_DOUBLE_EQ(runDurationSeconds(run, kNewYear2026 + 500, true), 500);
    EXPECT_DOUBLE_EQ(estimateSecondsLeft(run, kNewYear2026 + 500), 300);  // 4 s a step, 75 left
    run.status = RunStatus::Finished;
    run.endedAt = "2026-01-01T00:10:00Z";
    EXPECT_DOUBLE_EQ(runDurationSeconds(run, kNewYear2026 + 5000, false), 600);
    EXPECT_EQ(estimateSecondsLeft(run, kNewYear2026 + 500), -1);
    RunRecord never;
    EXPECT_EQ(runDurationSeconds(never, kNewYear2026, true), -1);
}

TEST(RunStore, LatestFinishedIsTheNewestFinishedRunOfThatMethod) {
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    RunStore runs(ws.db());
    EXPECT_FALSE(runs.latestFinished("sft"));
    const auto a = runs.create({.name = "a", .method = "sft", .configJson = "{}"});
    const auto b = runs.create({.name = "b", .method = "sft", .configJson = "{}"});
    const auto c = runs.create({.name = "c", .method = "sft", .configJson = "{}"});
    const auto d = runs.create({.name = "d", .method = "dpo", .configJson = "{}"});
    runs.finish(a, RunStatus::Finished);
    runs.finish(b, RunStatus::Finished);
    runs.finish(c, RunStatus::Failed);
    runs.finish(d, RunStatus::Finished);
    ASSERT_TRUE(runs.latestFinished("sft"));
    EXPECT_EQ(runs.latestFinished("sft")->id, b);
    EXPECT_EQ(runs.latestFinished("dpo")->id, d);
    EXPECT_FALSE(runs.latestFinished("slic"));
}

TEST(MetricSummary, LastAndBestFollowTheMetricsDirection) {
    EXPECT_EQ(betterDirection("loss"), Better::Lower);
    EXPECT_EQ(betterDirection("eval/loss"), Better::Lower);
    EXPECT_EQ(betterDirection("eval/rewards/accuracies"), Better::Higher);
    EXPECT_EQ(betterDirection("eval/win_rate"), Better::Higher);
    EXPECT_EQ(betterDirection("learning_rate"), Better::Neither);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<std::pair<std::int64_t, double>> loss = {{1, 0.9}, {2, 0.4}, {3, nan}, {4, 0.6}};
    const auto s = summarizeSeries(loss, Better::Lower);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->lastStep, 4);
    EXPECT_DOUBLE_EQ(s->last, 0.6);
    EXPECT_EQ(s->bestStep, 2);
    EXPECT_DOUBLE_EQ(*s->best, 0.4);
    EXPECT_EQ(s->points, 3);
    EXPECT_DOUBLE_EQ(*summarizeSeries(loss, Better::Higher)->best, 0.9);
    EXPECT_FALSE(summarizeSeries(loss, Better::Neither)->best);
    EXPECT_FALSE(summarizeSeries({{1, nan}}, Better::Lower));
}

TEST(RunCleanup, DeletingARunRemovesItsRowsAndCheckpointFoldersOnly) {
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    RunStore runs(ws.db());
    const auto keep = runs.create({.name = "keep", .method = "sft", .configJson = "{}"});
    const auto gone = runs.create({.name = "gone", .method = "sft", .configJson = "{}"});
    for (auto id : {keep, gone}) {
        const std::string folder = "run-" + std::to_string(id) + "/step-2";
        test::writeFile(ws.checkpointDir() / folder / "config.json", "{}");
        runs.addCheckpoint(id, 2, folder, "final");
        runs.finish(id, RunStatus::Finished);
    }
    test::writeFile(dir / "outside" / "x.txt", "not ours");
    runs.addCheckpoint(gone, 1, "../outside", "periodic");  // a damaged row must not escape
    deleteRunAndCheckpoints(ws, gone);
    EXPECT_FALSE(runs.find(gone));
    EXPECT_FALSE(fs::exists(ws.checkpointDir() / ("run-" + std::to_string(gone))));
    EXPECT_TRUE(fs::exists(dir / "outside" / "x.txt"));
    EXPECT_TRUE(runs.find(keep));
    EXPECT_TRUE(fs::exists(ws.checkpointDir() / ("run-" + std::to_string(keep)) / "step-2"));
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM checkpoints"), 1);
}

TEST(RunCleanup, ALiveRunIsNotDeleted) {
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    RunStore runs(ws.db());
    const auto id = runs.create({.name = "busy", .method = "dpo", .configJson = "{}"});
    runs.markStarted(id, 10);  // this process, alive
    EXPECT_THROW(deleteRunAndCheckpoints(ws, id), Error);
    EXPECT_TRUE(runs.find(id));
}

}  // namespace
}  // namespace ladder::store
