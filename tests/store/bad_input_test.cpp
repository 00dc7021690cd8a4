// Bad input when opening or creating a workspace: each case gives a clear message naming the file
// and what to do, and leaves the file untouched.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "core/common/error.h"
#include "core/store/schema.h"
#include "core/store/workspace.h"
#include "core/store/workspace_files.h"
#include "tests/support/test_support.h"

namespace ladder::store {
namespace {
namespace fs = std::filesystem;

// The bytes and modification time of a file, to check that a failed open did not touch it.
struct Fingerprint {
    std::string bytes;
    fs::file_time_type mtime;
    bool operator==(const Fingerprint&) const = default;
};

Fingerprint fingerprint(const fs::path& p) { return {test::readFile(p), fs::last_write_time(p)}; }

// Runs fn and returns the message of the ladder::Error it throws ("" when it does not throw).
std::string errorOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

// File permissions do not stop root. When the tests run as root, run fn in a child process
// that has given up root (uid/gid 65534, "nobody"), and bring its error message back.
std::string errorOfUnprivileged(const std::function<void()>& fn) {
    if (::geteuid() != 0) return errorOf(fn);
    int fds[2];
    if (::pipe(fds) != 0) return "pipe failed";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        std::string message;
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) {
            message = "cannot drop root";
        } else {
            message = errorOf(fn);
        }
        if (::write(fds[1], message.data(), message.size()) < 0) _exit(3);
        _exit(0);
    }
    ::close(fds[1]);
    std::string message;
    char buf[512];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) message.append(buf, n);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return message;
}

void expectContains(const std::string& message, const std::string& part) {
    EXPECT_NE(message.find(part), std::string::npos) << "message: " << message;
}

TEST(WorkspaceBadInput, TextFileIsNotAWorkspaceAndStaysUntouched) {
    test::TempDir dir;
    const auto file = dir / "notes.ladder";
    test::writeFile(file, "these are my notes, not a database\n");
    const auto before = fingerprint(file);
    const auto message = errorOf([&] { Workspace::open(file); });
    expectContains(message, file.string());
    expectContains(message, "not a Ladder workspace");
    EXPECT_EQ(fingerprint(file), before);
    EXPECT_FALSE(fs::exists(file.string() + "-wal"));
}

TEST(WorkspaceBadInput, OtherSqliteDatabaseIsNotAWorkspaceAndStaysUntouched) {
    test::TempDir dir;
    const auto file = dir / "other.db";
    {
        Database db(file, OpenFlags{.create = true});
        db.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    }
    const auto before = fingerprint(file);
    const auto message = errorOf([&] { Workspace::open(file); });
    expectContains(message, file.string());
    expectContains(message, "not a Ladder workspace");
    EXPECT_EQ(fingerprint(file), before);
}

TEST(WorkspaceBadInput, NewerSchemaVersionAsksToUpdateLadderAndStaysUntouched) {
    test::TempDir dir;
    const auto file = dir / "future.ladder";
    {
        auto ws = Workspace::create(file);
        ws.db().exec("PRAGMA user_version = " + std::to_string(latestSchemaVersion() + 5));
        ws.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    const auto before = fingerprint(file);
    const auto message = errorOf([&] { Workspace::open(file); });
    expectContains(message, file.string());
    expectContains(message, "newer Ladder");
    expectContains(message, "update Ladder");
    EXPECT_EQ(fingerprint(file), before);
    // Not even read-only: its tables may mean something else now.
    EXPECT_FALSE(errorOf([&] { Workspace::open(file, OpenOptions{.readOnly = true}); }).empty());
}

// A copy or download that stopped part way: SQLite alone says "malformed" (or, with the header
// itself cut, that it is no Ladder workspace). Ladder says it is cut short, by how much, and how to
// get it back, whether the cut is in the header, at a page boundary or inside a page.
TEST(WorkspaceBadInput, ATruncatedWorkspaceSaysItIsCutShortAndHowToRecoverAndStaysUntouched) {
    test::TempDir dir;
    const auto whole = dir / "whole.ladder";
    {
        auto ws = Workspace::create(whole);
        for (int i = 0; i < 400; ++i) {
            ws.setInfo("note " + std::to_string(i), std::string(200, 'n'));
        }
        ws.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    const std::string bytes = test::readFile(whole);
    ASSERT_GT(bytes.size(), 40000u);
    const auto file = dir / "copy.ladder";
    const std::size_t pageSize = 4096;
    for (const std::size_t keep : {std::size_t{50}, pageSize * 3, bytes.size() / 2 + 123}) {
        test::writeFile(file, bytes.substr(0, keep));
        const auto before = fingerprint(file);
        for (const bool readOnly : {false, true}) {
            const auto message =
                errorOf([&] { Workspace::open(file, OpenOptions{.readOnly = readOnly}); });
            expectContains(message, file.string() + " is cut short: it has " +
                                        std::to_string(keep) + " bytes where its header needs ");
            expectContains(message, "a copy or download that stopped part way?");
            expectContains(message, "Copy it again from where it came, or recover it "
                                    "(`ladder-cli recover -w " + file.string() + "`");
        }
        EXPECT_EQ(fingerprint(file), before) << keep;
        // SQLite's read-only look may leave an empty journal beside it, nothing in it.
        const auto wal = file.string() + "-wal";
        EXPECT_TRUE(!fs::exists(wal) || fs::file_size(wal) == 0) << keep;
    }
    // A whole file is not cut short.
    EXPECT_FALSE(cutShort(whole).has_value());
}

TEST(WorkspaceBadInput, MissingEmptyAndFolderPathsSayWhatToDo) {
    test::TempDir dir;
    expectContains(errorOf([&] { Workspace::open(dir / "nope.ladder"); }), "does not exist");
    test::writeFile(dir / "empty.ladder", "");
    expectContains(errorOf([&] { Workspace::open(dir / "empty.ladder"); }), "empty file");
    EXPECT_EQ(fs::file_size(dir / "empty.ladder"), 0u);
    expectContains(errorOf([&] { Workspace::open(dir.path()); }), "is a folder");
    expectContains(errorOf([&] { Workspace::create(dir / "no" / "such" / "x.ladder"); }),
                   "does not exist");
}

TEST(WorkspaceBadInput, ReadOnlyFolderCannotHoldANewWorkspace) {
    test::TempDir dir;
    const auto folder = dir / "ro";
    fs::create_directories(folder);
    fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                fs::perms::group_exec | fs::perms::others_read |
                                fs::perms::others_exec);
    fs::permissions(dir.path(), fs::perms::others_exec | fs::perms::others_read,
                    fs::perm_options::add);
    const auto message = errorOfUnprivileged([&] { Workspace::create(folder / "new.ladder"); });
    expectContains(message, "read-only");
    expectContains(message, (folder / "new.ladder").string());
    EXPECT_FALSE(fs::exists(folder / "new.ladder"));
}

TEST(WorkspaceBadInput, WorkspaceInReadOnlyFolderOrReadOnlyFileIsReportedAndUntouched) {
    test::TempDir dir;
    fs::permissions(dir.path(), fs::perms::others_exec | fs::perms::others_read,
                    fs::perm_options::add);
    const auto folder = dir / "ro";
    fs::create_directories(folder);
    const auto file = folder / "a.ladder";
    {
        auto ws = Workspace::create(file);
        ws.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    fs::remove(file.string() + "-wal");
    fs::remove(file.string() + "-shm");
    fs::permissions(file, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    const auto readOnlyFile = fingerprint(file);
    auto message = errorOfUnprivileged([&] { Workspace::open(file); });
    expectContains(message, file.string());
    expectContains(message, "read-only");
    EXPECT_EQ(fingerprint(file), readOnlyFile);

    fs::permissions(file, fs::perms::all, fs::perm_options::add);
    fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read |
                                fs::perms::others_exec);
    const auto inReadOnlyFolder = fingerprint(file);
    message = errorOfUnprivileged([&] { Workspace::open(file); });
    expectContains(message, file.string());
    expectContains(message, "read-only");
    EXPECT_EQ(fingerprint(file), inReadOnlyFolder);
}

TEST(WorkspaceBadInput, LockedWorkspaceSaysWhoHoldsItAndStaysUntouched) {
    test::TempDir dir;
    const auto file = dir / "a.ladder";
    { auto ws = Workspace::create(file); ws.setInfo("note", "kept"); }
    // Another program holds the file exclusively (as a crashed or busy writer in exclusive mode).
    Database holder(file, OpenFlags{});
    holder.exec("PRAGMA locking_mode = EXCLUSIVE");
    holder.exec("BEGIN EXCLUSIVE");
    holder.exec("UPDATE workspace_info SET value = value WHERE key = 'note'");
    const auto message = errorOf([&] { Workspace::open(file, OpenOptions{.busyTimeoutMs = 100}); });
    expectContains(message, file.string());
    expectContains(message, "locked");
    holder.exec("ROLLBACK");
    holder.close();
    auto ws = Workspace::open(file);
    EXPECT_EQ(ws.info("note"), "kept");
}

}  // namespace
}  // namespace ladder::store
