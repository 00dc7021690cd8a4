// A process that holds a workspace connection keeps its SQLite locks when it opens the workspace
// again (the window does, for each pane, filter and run): no descriptor of the file is opened and
// closed outside SQLite, which would drop them. Also: the guards against using a workspace's files
// as inputs or outputs, and refusing to overwrite a workspace that is in use.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/common/error.h"
#include "core/store/workspace.h"
#include "core/store/workspace_files.h"
#include "tests/support/test_support.h"

namespace ladder::store {
namespace {

// Whether /proc/locks lists a POSIX lock of this process on the file's inode.
bool thisProcessLocks(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return false;
    std::ifstream locks("/proc/locks");
    std::string line;
    const std::string pid = std::to_string(::getpid());
    const std::string inode = ":" + std::to_string(st.st_ino);
    while (std::getline(locks, line)) {
        // "1: POSIX  ADVISORY  READ 7490 fe:00:10952899 1073741826 1073742335"
        std::istringstream fields(line);
        std::string n, kind, mode, access, owner, device;
        fields >> n >> kind >> mode >> access >> owner >> device;
        if (kind == "POSIX" && owner == pid && device.size() > inode.size() &&
            device.compare(device.size() - inode.size(), inode.size(), inode) == 0) {
            return true;
        }
    }
    return false;
}

class WorkspaceLocks : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::exists("/proc/locks")) GTEST_SKIP() << "no /proc/locks here";
        m_file = m_dir / "w.ladder";
        Workspace::create(m_file);
    }
    test::TempDir m_dir;
    std::filesystem::path m_file;
};

TEST_F(WorkspaceLocks, OpeningAgainKeepsTheLockOfTheConnectionAlreadyOpen) {
    auto held = Workspace::open(m_file);
    (void)held.summary();  // a read: in WAL mode the connection now holds its shared lock
    ASSERT_TRUE(thisProcessLocks(m_file)) << "SQLite took no lock: the test cannot see a loss";

    { auto again = Workspace::open(m_file); (void)again.summary(); }
    EXPECT_TRUE(thisProcessLocks(m_file)) << "opening the workspace again dropped the lock";
    { auto readOnly = Workspace::open(m_file, OpenOptions{.readOnly = true}); }
    EXPECT_TRUE(thisProcessLocks(m_file)) << "a read-only open dropped the lock";
    EXPECT_TRUE(workspaceInUse(m_file));
    EXPECT_TRUE(isSqliteDatabase(m_file));
    EXPECT_TRUE(thisProcessLocks(m_file)) << "the guards dropped the lock";
}

TEST_F(WorkspaceLocks, ACommandInAnotherProcessSeesTheWorkspaceInUse) {
    auto held = Workspace::open(m_file);
    (void)held.summary();
    { auto again = Workspace::open(m_file); }
    // `init --overwrite` asks for an exclusive lock: it must not get one while we hold ours.
    const auto r = test::runLadderCli(m_dir.path(), "init --overwrite w.ladder");
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("open in a Ladder window"), std::string::npos) << r.output;
    held.setInfo("still", "here");
    EXPECT_EQ(held.info("still"), "here");
}

TEST_F(WorkspaceLocks, NotInUseOnceEveryConnectionIsClosed) {
    { auto ws = Workspace::open(m_file); (void)ws.summary(); }
    EXPECT_FALSE(workspaceInUse(m_file));
    auto replaced = Workspace::create(m_file, /*overwrite=*/true);
    EXPECT_EQ(replaced.summary().runs, 0);
}

TEST_F(WorkspaceLocks, TheWorkspaceAndItsJournalsAreRefusedAsInputsAndOutputs) {
    auto held = Workspace::open(m_file);
    (void)held.summary();
    const auto other = m_dir / "other.ladder";
    Workspace::create(other);
    const auto json = m_dir / "answers.json";
    test::writeFile(json, "[]");
    std::filesystem::create_symlink(m_file, m_dir / "link.ladder");

    for (const auto& bad : {m_file, m_dir / "link.ladder", std::filesystem::path(m_file.string() + "-wal"),
                            std::filesystem::path(m_file.string() + "-shm"), other}) {
        EXPECT_THROW(refuseDatabaseAsInput(bad, m_file, "an import file"), Error) << bad;
    }
    EXPECT_NO_THROW(refuseDatabaseAsInput(json, m_file, "an import file"));

    EXPECT_THROW(refuseOverwritingDatabase(m_file, m_file, /*force=*/true), Error);
    EXPECT_THROW(refuseOverwritingDatabase(m_dir / "link.ladder", m_file, true), Error);
    EXPECT_THROW(refuseOverwritingDatabase(other, m_file, /*force=*/false), Error);
    EXPECT_NO_THROW(refuseOverwritingDatabase(other, m_file, /*force=*/true));
    EXPECT_NO_THROW(refuseOverwritingDatabase(json, m_file, false));
    EXPECT_NO_THROW(refuseOverwritingDatabase(m_dir / "new.jsonl", m_file, false));
    EXPECT_TRUE(thisProcessLocks(m_file));
}

}  // namespace
}  // namespace ladder::store
