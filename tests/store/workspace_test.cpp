// Workspace creation: schema, pragmas, summary, run records and checkpoint rows.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/store/runs.h"
#include "core/store/schema.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::store {
namespace {

TEST(Workspace, CreateWritesLatestSchemaWithWalAndForeignKeys) {
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    EXPECT_EQ(ws.schemaVersion(), latestSchemaVersion());
    EXPECT_EQ(ws.db().queryInt64("PRAGMA application_id"), kApplicationId);
    EXPECT_EQ(ws.db().queryText("PRAGMA journal_mode").value_or(""), "wal");
    EXPECT_EQ(ws.db().queryInt64("PRAGMA foreign_keys"), 1);
    for (const char* table : {"datasets", "prompts", "sources", "responses", "ladders", "pairs",
                              "pair_annotations", "curricula", "runs", "metrics", "evals",
                              "samples", "checkpoints", "verdicts", "ref_logps"}) {
        auto st = ws.db().prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?");
        st.bind(1, table);
        ASSERT_TRUE(st.step());
        EXPECT_EQ(st.int64(0), 1) << table;
    }
    EXPECT_EQ(ws.checkpointDir(), dir.path() / "a.checkpoints");
    EXPECT_EQ(ws.summary().runs, 0);
}

TEST(Workspace, ReopenKeepsDataAndSchema) {
    test::TempDir dir;
    {
        auto ws = Workspace::create(dir / "a.ladder");
        ws.setInfo("note", "hello");
    }
    auto ws = Workspace::open(dir / "a.ladder");
    EXPECT_EQ(ws.info("note"), "hello");
    EXPECT_EQ(ws.schemaVersion(), latestSchemaVersion());
}

TEST(Workspace, CreateRefusesExistingFileUnlessOverwrite) {
    test::TempDir dir;
    { auto ws = Workspace::create(dir / "a.ladder"); ws.setInfo("note", "old"); }
    EXPECT_THROW(Workspace::create(dir / "a.ladder"), Error);
    auto ws = Workspace::create(dir / "a.ladder", /*overwrite=*/true);
    EXPECT_EQ(ws.info("note", "none"), "none");
}

TEST(Workspace, OverwriteRefusesAFileThatIsNotAWorkspace) {
    test::TempDir dir;
    test::writeFile(dir / "notes.ladder", "my precious notes");
    try {
        Workspace::create(dir / "notes.ladder", /*overwrite=*/true);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("not a Ladder workspace"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::readFile(dir / "notes.ladder"), "my precious notes");
}

TEST(Workspace, ForeignKeysCascadeFromRunsToMetricsAndCheckpoints) {
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    RunStore runs(ws.db());
    const auto id = runs.create({.name = "r", .method = "dpo", .configJson = "{}", .seed = 7,
                                 .device = "cpu", .totalSteps = 10});
    ws.db().exec("INSERT INTO metric_names(name) VALUES ('loss')");
    ws.db().exec("INSERT INTO metrics(run_id, step, name_id, value, wall_time) VALUES (" +
                 std::to_string(id) + ", 1, 1, 0.5, 0)");
    runs.addCheckpoint(id, 5, "run-1/step-5", "periodic");
    EXPECT_THROW(ws.db().exec("INSERT INTO metrics(run_id, step, name_id, value, wall_time) "
                              "VALUES (999, 1, 1, 0.5, 0)"),
                 Error);
    runs.remove(id);
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM metrics"), 0);
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM checkpoints"), 0);
}

TEST(RunStore, RecordsLifecycleWithVersionSeedAndDevice) {
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    RunStore runs(ws.db());
    const auto id = runs.create({.name = "dpo easy", .method = "dpo",
                                 .configJson = R"({"beta":0.1})", .seed = 42, .device = "cpu"});
    auto r = runs.get(id);
    EXPECT_EQ(r.status, RunStatus::Queued);
    EXPECT_EQ(r.seed, 42);
    EXPECT_EQ(r.configJson, R"({"beta":0.1})");
    EXPECT_FALSE(r.programVersion.empty());
    runs.markStarted(id, 100);
    runs.heartbeat(id, 40);
    r = runs.get(id);
    EXPECT_EQ(r.status, RunStatus::Running);
    EXPECT_EQ(r.lastStep, 40);
    EXPECT_EQ(r.totalSteps, 100);
    EXPECT_TRUE(r.pid.has_value());
    EXPECT_TRUE(r.startedAt.has_value());
    runs.finish(id, RunStatus::Failed, "loss is NaN at step 41");
    r = runs.get(id);
    EXPECT_EQ(r.status, RunStatus::Failed);
    EXPECT_EQ(r.message, "loss is NaN at step 41");
    EXPECT_TRUE(r.endedAt.has_value());
    EXPECT_THROW(runs.get(id + 100), Error);
}

TEST(RunStore, CheckpointsAreListedByStepAndReplacedOnTheSameStep) {
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    RunStore runs(ws.db());
    const auto id = runs.create({.name = "r", .method = "sft", .configJson = "{}"});
    runs.addCheckpoint(id, 20, "run-1/step-20", "periodic");
    runs.addCheckpoint(id, 10, "run-1/step-10", "periodic");
    runs.addCheckpoint(id, 20, "run-1/step-20b", "stop");
    const auto all = runs.checkpoints(id);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].step, 10);
    EXPECT_EQ(all[1].path, "run-1/step-20b");
    EXPECT_EQ(runs.latestCheckpoint(id)->kind, "stop");
}

}  // namespace
}  // namespace ladder::store
