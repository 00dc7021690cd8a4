// Forward migrations: from an empty file to the latest schema, from an older version, and a failed
// migration that must leave the file at the last good version.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/store/schema.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::store {
namespace {

bool hasTable(Database& db, const std::string& name) {
    auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?");
    st.bind(1, name);
    st.step();
    return st.int64(0) == 1;
}

TEST(Migration, EmptyFileMigratesToLatestVersion) {
    test::TempDir dir;
    Database db(dir / "empty.db", OpenFlags{.create = true});
    EXPECT_EQ(schemaVersion(db), 0);
    EXPECT_EQ(migrate(db), latestSchemaVersion());
    EXPECT_EQ(schemaVersion(db), latestSchemaVersion());
    EXPECT_TRUE(hasTable(db, "runs"));
    EXPECT_TRUE(hasTable(db, "metrics"));
    // Running again changes nothing.
    EXPECT_EQ(migrate(db), latestSchemaVersion());
}

TEST(Migration, OlderFileMigratesForwardOneTransactionEach) {
    test::TempDir dir;
    Database db(dir / "old.db", OpenFlags{.create = true});
    std::vector<Migration> v1 = {migrations().front()};
    ASSERT_EQ(migrate(db, v1), 1);
    db.exec("INSERT INTO sources(name) VALUES ('gpt4')");

    auto v2 = v1;
    v2.push_back({2, "add a column", [](Database& d) {
                      d.exec("ALTER TABLE sources ADD COLUMN family TEXT DEFAULT 'unknown'");
                  }});
    EXPECT_EQ(migrate(db, v2), 2);
    EXPECT_EQ(db.queryText("SELECT family FROM sources WHERE name = 'gpt4'").value_or(""),
              "unknown");
}

TEST(Migration, FailedMigrationRollsBackAndKeepsTheLastGoodVersion) {
    test::TempDir dir;
    Database db(dir / "old.db", OpenFlags{.create = true});
    std::vector<Migration> list = {migrations().front()};
    migrate(db, list);
    list.push_back({2, "half done", [](Database& d) {
                        d.exec("CREATE TABLE half(x)");
                        throw Error("simulated failure in the middle of a migration");
                    }});
    EXPECT_THROW(migrate(db, list), Error);
    EXPECT_EQ(schemaVersion(db), 1);
    EXPECT_FALSE(hasTable(db, "half"));
}

TEST(Migration, GapInMigrationListIsReported) {
    test::TempDir dir;
    Database db(dir / "gap.db", OpenFlags{.create = true});
    std::vector<Migration> list = {migrations().front(),
                                   {3, "skips 2", [](Database&) {}}};
    EXPECT_THROW(migrate(db, list), Error);
    EXPECT_EQ(schemaVersion(db), 1);
}

TEST(Migration, Version2KeepsTheRunsAndNeverReusesARunId) {
    test::TempDir dir;
    const auto file = dir / "old.ladder";
    {
        Database db(file, OpenFlags{.create = true});
        db.exec("PRAGMA foreign_keys = ON");
        db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        ASSERT_EQ(migrate(db, {migrations().front()}), 1);
        for (int i = 1; i <= 4; ++i) {
            db.exec("INSERT INTO runs(name, method, status, config_json, seed, program_version, "
                    "device, created_at) VALUES ('r" + std::to_string(i) +
                    "', 'sft', 'finished', '{}', 0, 'x', 'cpu', 'now')");
        }
        db.exec("INSERT INTO runs(name, method, status, config_json, seed, program_version, "
                "device, created_at, parent_run_id) VALUES ('child', 'dpo', 'stopped', '{}', 0, "
                "'x', 'cpu', 'now', 1)");
        db.exec("INSERT INTO metric_names(name) VALUES ('loss')");
        db.exec("INSERT INTO metrics(run_id, step, name_id, value, wall_time) VALUES (2, 1, 1, 0.5, 0)");
        db.exec("INSERT INTO checkpoints(run_id, step, path, created_at) VALUES (2, 1, 'run-2/step-1', 'x')");
        db.exec("DELETE FROM runs WHERE id = 4");  // its id must not come back
        db.exec("DELETE FROM runs WHERE id = 5");
        db.exec("PRAGMA foreign_keys = OFF");      // a row left by a crafted file
        db.exec("INSERT INTO checkpoints(run_id, step, path, created_at) VALUES (9, 1, '/x', 'x')");
    }
    std::filesystem::create_directories(dir / "old.checkpoints" / "run-6");  // a folder left behind
    auto ws = Workspace::open(file);  // migrates
    EXPECT_EQ(ws.schemaVersion(), latestSchemaVersion());
    auto& db = ws.db();
    EXPECT_EQ(db.queryInt64("SELECT count(*) FROM runs"), 3);
    EXPECT_EQ(db.queryInt64("SELECT count(*) FROM metrics WHERE run_id = 2"), 1);
    EXPECT_EQ(db.queryInt64("SELECT count(*) FROM checkpoints"), 1);
    EXPECT_EQ(db.queryText("PRAGMA foreign_key_check"), std::nullopt);
    EXPECT_EQ(db.queryInt64("PRAGMA foreign_keys"), 1);
    db.exec("INSERT INTO runs(name, method, status, config_json, seed, program_version, device, "
            "created_at) VALUES ('new', 'sft', 'queued', '{}', 0, 'x', 'cpu', 'now')");
    EXPECT_EQ(db.lastInsertId(), 7);  // above 5 (deleted) and run-6/ (a folder on disk)
    db.exec("DELETE FROM runs WHERE id = 7");
    db.exec("INSERT INTO runs(name, method, status, config_json, seed, program_version, device, "
            "created_at) VALUES ('newer', 'sft', 'queued', '{}', 0, 'x', 'cpu', 'now')");
    EXPECT_EQ(db.lastInsertId(), 8);
    // Deleting a run still cascades to its metrics and checkpoints.
    db.exec("DELETE FROM runs WHERE id = 2");
    EXPECT_EQ(db.queryInt64("SELECT count(*) FROM metrics"), 0);
    EXPECT_EQ(db.queryInt64("SELECT count(*) FROM checkpoints"), 0);
}

}  // namespace
}  // namespace ladder::store
