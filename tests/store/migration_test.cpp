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

}  // namespace
}  // namespace ladder::store
