// Rolling backups (SQLite's online backup API) and recovering a damaged workspace: the newest good
// backup restored, or the readable rows salvaged around a damaged page, with what was lost named;
// `ladder-cli backup` and `ladder-cli recover` end to end.
#include <gtest/gtest.h>

#include <string>

#include "core/common/error.h"
#include "core/store/backup.h"
#include "core/store/metrics.h"
#include "core/store/recovery.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/store/workspace_files.h"
#include "tests/support/test_support.h"
#include "tests/support/workspace_damage.h"

namespace ladder::store {
namespace {
namespace fs = std::filesystem;

// A workspace with runs and metrics: enough rows that the metrics span many pages.
void fill(const fs::path& file, int runs, int metricsPerRun) {
    auto ws = Workspace::open(file);
    RunStore store(ws.db());
    MetricsWriter writer(ws.db(), 8192);
    for (int r = 0; r < runs; ++r) {
        const auto id = store.create({.name = "run " + std::to_string(r), .method = "dpo",
                                      .configJson = "{}"});
        for (int s = 0; s < metricsPerRun; ++s) writer.add(id, s, "loss", 1.0 / (s + 1), s);
    }
    writer.flush();
}

std::int64_t count(const fs::path& file, const std::string& table) {
    auto ws = Workspace::open(file, {.readOnly = true});
    return ws.db().queryInt64("SELECT count(*) FROM " + table);
}

class Recovery : public ::testing::Test {
protected:
    void SetUp() override {
        m_file = m_dir / "study.ladder";
        Workspace::create(m_file);
    }
    test::TempDir m_dir;
    fs::path m_file;
};

TEST_F(Recovery, BackupsKeepTheNewestThreeAndEachIsTheWorkspaceAsItWas) {
    fill(m_file, 2, 100);
    std::vector<fs::path> made;
    for (int i = 0; i < 5; ++i) made.push_back(makeBackup(m_file));
    const auto backups = listBackups(m_file);
    ASSERT_EQ(backups.size(), 3u);
    EXPECT_EQ(backups.front().file, made.back());  // newest first
    EXPECT_FALSE(fs::exists(made.front()));
    for (const auto& b : backups) {
        EXPECT_EQ(b.file.parent_path(), m_dir / "study.backups");
        EXPECT_EQ(checkIntegrity(b.file), "ok");
        EXPECT_FALSE(fs::exists(b.file.string() + "-wal"));
        auto copy = Workspace::open(b.file, {.readOnly = true});
        EXPECT_EQ(copy.summary().runs, 2);
        EXPECT_EQ(copy.summary().metrics, 200);
    }
}

TEST_F(Recovery, ABackupIsASnapshotWhileAnotherConnectionWrites) {
    fill(m_file, 1, 10);
    auto writer = Workspace::open(m_file);
    writer.db().exec("BEGIN IMMEDIATE");
    writer.db().exec("INSERT INTO sources(name) VALUES ('uncommitted')");
    const auto backup = makeBackup(m_file);
    writer.db().exec("COMMIT");
    auto copy = Workspace::open(backup, {.readOnly = true});
    EXPECT_EQ(copy.summary().sources, 0);
    EXPECT_EQ(copy.summary().metrics, 10);
    EXPECT_EQ(writer.summary().sources, 1);
}

TEST_F(Recovery, RestoresTheNewestGoodBackupAndNamesWhatWasLost) {
    fill(m_file, 3, 2000);
    makeBackup(m_file);
    fill(m_file, 2, 2000);  // after the backup: 2 runs and 4,000 metrics the backup lacks
    if (!test::damageLeafPage(m_file, "metrics")) GTEST_SKIP() << "SQLite here has no dbstat table";
    ASSERT_NE(checkIntegrity(m_file), "ok");

    const auto report = recoverWorkspace(m_file);
    EXPECT_EQ(report.method, "backup");
    EXPECT_EQ(checkIntegrity(m_file), "ok");
    EXPECT_EQ(count(m_file, "runs"), 3);
    EXPECT_EQ(count(m_file, "metrics"), 6000);
    EXPECT_TRUE(fs::exists(report.damagedKept));
    bool runsNamed = false;
    for (const auto& t : report.tables) {
        if (t.table == "runs") {
            EXPECT_EQ(t.before, 5);
            EXPECT_EQ(t.after, 3);
            runsNamed = true;
        }
    }
    EXPECT_TRUE(runsNamed);
    EXPECT_NE(report.text().find("runs: 2 of 5 rows lost"), std::string::npos) << report.text();
}

TEST_F(Recovery, SalvagesTheRowsAroundADamagedPage) {
    fill(m_file, 4, 5000);
    {
        auto ws = Workspace::open(m_file);
        ws.db().exec("INSERT INTO sources(name) VALUES ('gpt4'), ('chatgpt')");
    }
    if (!test::damageLeafPage(m_file, "metrics")) GTEST_SKIP() << "SQLite here has no dbstat table";
    ASSERT_NE(checkIntegrity(m_file), "ok");
    ASSERT_TRUE(listBackups(m_file).empty());

    const auto report = recoverWorkspace(m_file);
    EXPECT_EQ(report.method, "salvage");
    EXPECT_EQ(checkIntegrity(m_file), "ok");
    EXPECT_EQ(count(m_file, "runs"), 4);
    EXPECT_EQ(count(m_file, "sources"), 2);
    const auto metrics = count(m_file, "metrics");
    // One page of 20,000 rows is lost, not the rows after it.
    EXPECT_LT(metrics, 20000);
    EXPECT_GT(metrics, 19000);
    bool named = false;
    for (const auto& t : report.tables) {
        if (t.table != "metrics") continue;
        named = true;
        EXPECT_EQ(t.after, metrics);
        EXPECT_NE(t.note.find("could not be read"), std::string::npos) << t.note;
    }
    EXPECT_TRUE(named);
    EXPECT_GT(report.rowsLost(), 0);
    auto ws = Workspace::open(m_file);
    EXPECT_EQ(ws.db().queryInt64("PRAGMA application_id"), kApplicationId);
    EXPECT_TRUE(fs::exists(report.damagedKept));
}

// A copy that stopped half way: the pages before the cut are salvaged (SQLite alone could not open
// the file at all), the cut file is kept, and what was lost is named.
TEST_F(Recovery, SalvagesTheRowsBeforeTheCutOfAWorkspaceCutShort) {
    fill(m_file, 4, 5000);
    {
        auto ws = Workspace::open(m_file);
        ws.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    const std::string bytes = test::readFile(m_file);
    test::writeFile(m_file, bytes.substr(0, bytes.size() / 2 + 100));
    ASSERT_TRUE(cutShort(m_file).has_value());

    const auto report = recoverWorkspace(m_file);
    EXPECT_EQ(report.method, "salvage");
    EXPECT_EQ(checkIntegrity(m_file), "ok");
    EXPECT_EQ(count(m_file, "runs"), 4);
    const auto metrics = count(m_file, "metrics");
    EXPECT_GT(metrics, 0);
    EXPECT_LT(metrics, 20000);
    // The cut file cannot be counted: the report says which ids could not be read.
    EXPECT_NE(report.text().find("could not be read"), std::string::npos) << report.text();
    EXPECT_LT(report.text().size(), 2000u) << report.text();
    EXPECT_EQ(test::readFile(report.damagedKept).size(), bytes.size() / 2 + 100);
    EXPECT_FALSE(fs::exists(m_file.string() + ".padded"));
}

TEST_F(Recovery, RefusesAnIntactWorkspaceAndOneInUse) {
    fill(m_file, 1, 10);
    EXPECT_THROW(recoverWorkspace(m_file), Error);
    auto open = Workspace::open(m_file);
    (void)open.summary();
    try {
        recoverWorkspace(m_file, {.mode = RecoveryMode::Salvage, .evenIfIntact = true});
        FAIL() << "recovered a workspace in use";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("close or stop it first"), std::string::npos);
    }
    EXPECT_EQ(open.summary().runs, 1);
}

TEST_F(Recovery, TheCliBacksUpAndRecovers) {
    fill(m_file, 2, 3000);
    auto r = test::runLadderCli(m_dir.path(), "backup -w study.ladder");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("backed up to"), std::string::npos) << r.output;
    r = test::runLadderCli(m_dir.path(), "recover -w study.ladder");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("is intact"), std::string::npos) << r.output;
    if (!test::damageLeafPage(m_file, "metrics")) GTEST_SKIP() << "SQLite here has no dbstat table";
    r = test::runLadderCli(m_dir.path(), "recover -w study.ladder");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("restored the backup of"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nothing was lost"), std::string::npos) << r.output;
    EXPECT_EQ(count(m_file, "metrics"), 6000);
    r = test::runLadderCli(m_dir.path(), "info -w study.ladder");
    EXPECT_EQ(r.exitCode, 0) << r.output;
}

}  // namespace
}  // namespace ladder::store
