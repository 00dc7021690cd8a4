// Helpers shared by the tests: temporary folders, the shared data folder, child processes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace ladder::test {

// The message of the ladder::Error that `f` throws; fails the test when it throws none.
template <typename F>
std::string errorOf(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "no ladder::Error was thrown";
    return {};
}

// A fresh folder under the system temp directory, removed when the object goes away.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
        return m_path / name;
    }

private:
    std::filesystem::path m_path;
};

// ../shared beside the checkout (LADDER_SHARED_DIR at configure time, or $LADDER_SHARED_DIR).
// Empty when absent: tests that need it call GTEST_SKIP().
[[nodiscard]] std::filesystem::path sharedDir();
[[nodiscard]] std::filesystem::path binaryDir();  // the build tree
[[nodiscard]] std::filesystem::path sourceDir();  // the checkout

// Writes text to a file (creating folders), for fixtures written by the tests themselves.
void writeFile(const std::filesystem::path& path, const std::string& content);
[[nodiscard]] std::string readFile(const std::filesystem::path& path);

struct CommandResult {
    int exitCode = -1;
    std::string output;  // stdout and stderr
};

// Runs the built ladder-cli with `arguments` (shell words) in `folder`, with a home of its own
// there: no user plugins, logs or demo workspace of the person running the tests.
[[nodiscard]] CommandResult runLadderCli(const std::filesystem::path& folder,
                                         const std::string& arguments);

// Starts the built ladder-cli with `arguments` in `folder` in the background, its stdout and stderr
// into `output`; returns its pid (-1 when it could not start). Wait for it with waitForExit().
[[nodiscard]] int startLadderCli(const std::filesystem::path& folder,
                                 const std::vector<std::string>& arguments,
                                 const std::filesystem::path& output);
// Waits for a child started by startLadderCli; its exit code, or -1 when a signal ended it.
int waitForExit(int pid);

// Kills (SIGKILL) and reaps a child that is still running when the scope ends: a test that fails
// half way must not leave a training process behind.
class KillAtExit {
public:
    explicit KillAtExit(int pid) : m_pid(pid) {}
    ~KillAtExit();
    KillAtExit(const KillAtExit&) = delete;
    KillAtExit& operator=(const KillAtExit&) = delete;

private:
    int m_pid;
};

}  // namespace ladder::test

// Skips the current test when ../shared (or a path inside it) is absent.
#define LADDER_REQUIRE_SHARED(relative)                                                      \
    do {                                                                                     \
        if (::ladder::test::sharedDir().empty() ||                                           \
            !std::filesystem::exists(::ladder::test::sharedDir() / (relative))) {            \
            GTEST_SKIP() << "shared data " << (relative) << " is absent (../shared)";        \
        }                                                                                    \
    } while (0)
