// A workspace on a medium that refuses writes: a disk that fills up while a run writes its metrics
// or a checkpoint, and a read-only mount. Each is a real file system made by the test (a small
// tmpfs in a mount namespace of its own, seen only by the ladder-cli it runs), so the tests need
// root or the right to mount; elsewhere they skip and say why.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/common/paths.h"
#include "core/store/backup.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::store {
namespace {
namespace fs = std::filesystem;

struct MediumRun {
    int exitCode = -1;
    std::string output;  // the script's stdout and stderr
};

constexpr int kCannotMount = 77;

// Runs `script` (sh) with a tmpfs of `bytes` mounted at `mountPoint` in a mount namespace of its
// own: the mount is gone when the script ends, so the script copies out what the test looks at.
// The script sees $MNT (the mount point) and $CLI (ladder-cli, with its home in `home`).
// Exit code kCannotMount: the file system could not be made (the output says why).
MediumRun runOnTmpfs(const fs::path& mountPoint, long bytes, const fs::path& home,
                     const std::string& script) {
    fs::create_directories(mountPoint);
    // Everything the child needs is made before fork(): after it, only system calls.
    const std::string point = mountPoint.string();
    const std::string size = "size=" + std::to_string(bytes);
    const std::string cli = (test::binaryDir() / "bin" / "ladder-cli").string();
    const std::string full = "export MNT='" + point + "' CLI='" + cli + "' XDG_DATA_HOME='" +
                             (home / "data").string() + "' XDG_STATE_HOME='" +
                             (home / "state").string() + "' LADDER_WORKSPACE=\n" + script;
    const std::string noNamespace = "cannot make a mount namespace (unshare): ";
    const std::string noMount = "cannot mount a tmpfs at " + point + ": ";
    MediumRun r;
    int fds[2];
    if (::pipe(fds) != 0) return r;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], 1);
        ::dup2(fds[1], 2);
        ::close(fds[0]);
        const auto say = [](const std::string& what) {
            const char* reason = std::strerror(errno);
            if (::write(2, what.data(), what.size()) < 0 ||
                ::write(2, reason, std::strlen(reason)) < 0) {
                _exit(kCannotMount);
            }
            _exit(kCannotMount);
        };
        if (::unshare(CLONE_NEWNS) != 0) say(noNamespace);
        // Private: the tmpfs must not show in the namespace of the test (or of the machine).
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) say(noNamespace);
        if (::mount("tmpfs", point.c_str(), "tmpfs", 0, size.c_str()) != 0) say(noMount);
        ::execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    ::close(fds[1]);
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) r.output.append(buf, n);
    ::close(fds[0]);
    int status = 0;
    if (pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
        r.exitCode = WEXITSTATUS(status);
    }
    return r;
}

#define SKIP_WHEN_NOT_MOUNTED(run)                                                             \
    do {                                                                                       \
        if ((run).exitCode == kCannotMount) {                                                  \
            GTEST_SKIP() << "this test makes a small file system and cannot here (it needs "     \
                            "root or CAP_SYS_ADMIN): "                                         \
                         << (run).output;                                                      \
        }                                                                                      \
    } while (0)

void expectContains(const std::string& text, const std::string& part) {
    EXPECT_NE(text.find(part), std::string::npos) << "missing: " << part << "\nin: " << text;
}

std::int64_t queryInt(Workspace& ws, const std::string& sql) { return ws.db().queryInt64(sql); }

// A small model (one checkpoint is about 0.5 MB) on the demo ladder, one thread.
std::string sftConfig(int steps, int checkpointEvery) {
    return R"({"name": "sft", "method": "sft", "template": "chatml", "threads": 1, "seed": 0,
      "model": {"kind": "tiny", "overrides": {"hidden_size": 32, "num_hidden_layers": 2,
                "num_attention_heads": 2, "num_key_value_heads": 2, "intermediate_size": 64}},
      "data": {"ladder": "demo", "curriculum": "uniform", "max_length": 96, "max_prompt_length": 64},
      "optimizer": {"lr": 0.002}, "schedule": {"warmup_steps": 2}, "batch_size": 4,
      "max_steps": )" + std::to_string(steps) + R"(, "checkpoint": {"every": )" +
           std::to_string(checkpointEvery) + R"(, "keep": 1}})";
}

class StorageMedium : public ::testing::Test {
protected:
    void SetUp() override {
        const auto init = test::runLadderCli(m_dir.path(), "demo init w.ladder --prompts 300");
        ASSERT_EQ(init.exitCode, 0) << init.output;
        auto ws = Workspace::open(m_dir / "w.ladder");
        m_pairs = queryInt(ws, "SELECT count(*) FROM pairs");
        m_responses = queryInt(ws, "SELECT count(*) FROM responses");
        ws.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    // What a run left in `workspace`: it opens, passes
    // SQLite's integrity check, and holds every pair and answer it held before.
    void expectNothingSavedIsLost(const fs::path& workspace) {
        ASSERT_EQ(checkIntegrity(workspace), "ok");
        auto ws = Workspace::open(workspace, OpenOptions{.readOnly = true});
        EXPECT_EQ(queryInt(ws, "SELECT count(*) FROM pairs"), m_pairs);
        EXPECT_EQ(queryInt(ws, "SELECT count(*) FROM responses"), m_responses);
        // The metrics that were committed are whole: every step up to the last saved one.
        const auto last = queryInt(ws, "SELECT coalesce(max(step), 0) FROM metrics m JOIN "
                                       "metric_names n ON n.id = m.name_id WHERE n.name = 'loss'");
        EXPECT_GT(last, 0);
        EXPECT_EQ(queryInt(ws, "SELECT count(*) FROM metrics m JOIN metric_names n ON "
                               "n.id = m.name_id WHERE n.name = 'loss'"),
                  last);
    }

    [[nodiscard]] fs::path after() const { return m_dir / "after" / "w.ladder"; }

    test::TempDir m_dir;
    std::int64_t m_pairs = 0;
    std::int64_t m_responses = 0;
};

TEST_F(StorageMedium, ADiskFullWhileWritingMetricsStopsTheRunNamingStepAndFileAndKeepsWhatWasSaved) {
    test::writeFile(m_dir / "sft.json", sftConfig(/*steps=*/3000, /*checkpointEvery=*/0));
    const fs::path medium = m_dir / "medium";
    // The workspace, then a file that fills the rest but for 640 KB: enough to start the run,
    // not for its metrics.
    const auto run = runOnTmpfs(medium, 8 << 20, m_dir.path(), R"(
        cp ")" + (m_dir / "w.ladder").string() + R"(" "$MNT/" || exit 1
        dd if=/dev/zero of="$MNT/fill" bs=4096 2>/dev/null
        truncate -s -655360 "$MNT/fill" || exit 1
        "$CLI" train -w "$MNT/w.ladder" --config ")" + (m_dir / "sft.json").string() + R"("
        echo "exit code $?"
        rm "$MNT/fill"
        mkdir -p ")" + (m_dir / "after").string() + R"(" && cp -a "$MNT/." ")" +
                                                     (m_dir / "after").string() + R"(/")");
    SKIP_WHEN_NOT_MOUNTED(run);
    expectContains(run.output, "exit code 1");
    const std::string file = (medium / "w.ladder").string();
    expectContains(run.output, "error: run 1 failed: step ");
    // The metrics of a step, or the pair margins of an evaluation: whichever write finds the
    // disk full first.
    const bool metrics = run.output.find(": saving the metrics failed: " + file) != std::string::npos;
    const bool margins = run.output.find(": saving the pair margins failed: " + file) != std::string::npos;
    EXPECT_TRUE(metrics || margins) << run.output;
    expectContains(run.output, "the disk is full; free some space");
    expectContains(run.output, "The run stopped; the metrics and checkpoints saved before are "
                               "kept. Fix the cause (a full disk: free some space), then resume "
                               "run 1");
    expectContains(run.output, "--resume 1");
    expectNothingSavedIsLost(after());
    {
        auto ws = Workspace::open(after(), OpenOptions{.readOnly = true});
        EXPECT_LT(RunStore(ws.db()).get(1).lastStep, 3000);
    }
    // The failure itself is recorded when the full disk still takes that one row; when not, the
    // runs list sees the run's process gone and says how to go on.
    const auto runs = test::runLadderCli(m_dir / "after", "runs -w w.ladder");
    EXPECT_TRUE(runs.output.find("failed") != std::string::npos ||
                runs.output.find("running (stale)") != std::string::npos)
        << runs.output;
}

TEST_F(StorageMedium, ADiskFullWhileWritingACheckpointKeepsTheEarlierOneAndTheRunResumesFromIt) {
    test::writeFile(m_dir / "sft.json", sftConfig(/*steps=*/300, /*checkpointEvery=*/100));
    // The checkpoints folder alone is the small medium: room for one checkpoint (about 0.5 MB)
    // and a half. The run writes step 100's, then fails writing step 200's (the older one is
    // removed only after the newer one is whole).
    const fs::path checkpoints = m_dir / "w.checkpoints";
    const auto run = runOnTmpfs(checkpoints, 760 << 10, m_dir.path(), R"(
        "$CLI" train -w ")" + (m_dir / "w.ladder").string() + R"(" --config ")" +
                                                     (m_dir / "sft.json").string() + R"("
        echo "exit code $?"
        mkdir -p ")" + (m_dir / "after").string() + R"(" && cp -a "$MNT" ")" +
                                                     (m_dir / "after").string() + R"(/")");
    SKIP_WHEN_NOT_MOUNTED(run);
    expectContains(run.output, "exit code 1");
    const std::string folder = (checkpoints / "run-1" / "step-200").string();
    expectContains(run.output, "error: run 1 failed: step 200: cannot write the checkpoint " +
                                   folder + ": ");
    expectContains(run.output, "No space left on device");
    expectContains(run.output, "nothing of it was kept, the earlier checkpoints are intact");
    expectContains(run.output, "resume run 1");
    expectContains(run.output, "it goes on from its checkpoint of step 100");
    expectNothingSavedIsLost(m_dir / "w.ladder");
    {
        auto ws = Workspace::open(m_dir / "w.ladder", OpenOptions{.readOnly = true});
        EXPECT_EQ(queryInt(ws, "SELECT group_concat(step) FROM checkpoints WHERE run_id = 1"), 100);
        EXPECT_EQ(RunStore(ws.db()).get(1).status, RunStatus::Failed);
    }
    // No half-written checkpoint is left, and step 100's is whole.
    const fs::path left = m_dir / "after" / "w.checkpoints" / "run-1";
    EXPECT_TRUE(fs::is_regular_file(left / "step-100" / "model.safetensors"));
    EXPECT_TRUE(fs::is_regular_file(left / "step-100" / "trainer_state.json"));
    EXPECT_FALSE(fs::exists(left / "step-200"));
    EXPECT_FALSE(fs::exists(left / "step-200.partial"));
    // Space again (the checkpoints moved off the medium): the run resumes from step 100 and ends.
    paths::removeTree(checkpoints);
    fs::rename(m_dir / "after" / "w.checkpoints", checkpoints);
    const auto resumed = test::runLadderCli(m_dir.path(), "train -w w.ladder --resume 1");
    EXPECT_EQ(resumed.exitCode, 0) << resumed.output;
    expectContains(resumed.output, "resumed from step 100");
    expectContains(resumed.output, "run 1 finished at step 300");
}

TEST_F(StorageMedium, AWorkspaceOnAReadOnlyMountIsReadButNeverWritten) {
    test::writeFile(m_dir / "more.jsonl",
                    R"({"instruction": "Name a colour", "output": "Blue", "generator": "strong"})"
                    "\n");
    test::writeFile(m_dir / "sft.json", sftConfig(/*steps=*/10, /*checkpointEvery=*/0));
    const std::string before = test::readFile(m_dir / "w.ladder");
    const fs::path medium = m_dir / "medium";
    const auto run = runOnTmpfs(medium, 8 << 20, m_dir.path(), R"(
        cp ")" + (m_dir / "w.ladder").string() + R"(" "$MNT/" || exit 1
        mount -o remount,ro "$MNT" || exit 77
        touch "$MNT/probe" 2>/dev/null && { echo "the mount is not read-only"; exit 1; }
        echo "== info"; "$CLI" info -w "$MNT/w.ladder"; echo "exit code $?"
        echo "== import"; "$CLI" import -w "$MNT/w.ladder" ")" + (m_dir / "more.jsonl").string() +
                                                     R"("; echo "exit code $?"
        echo "== train"; "$CLI" train -w "$MNT/w.ladder" --config ")" +
                                                     (m_dir / "sft.json").string() + R"("
        echo "exit code $?"
        echo "== files"; ls "$MNT"
        mkdir -p ")" + (m_dir / "after").string() + R"(" && cp -a "$MNT/." ")" +
                                                     (m_dir / "after").string() + R"(/")");
    SKIP_WHEN_NOT_MOUNTED(run);
    const auto section = [&](const std::string& name) {
        const auto from = run.output.find("== " + name);
        const auto to = run.output.find("== ", from + 3);
        return from == std::string::npos ? std::string() : run.output.substr(from, to - from);
    };
    const std::string file = (medium / "w.ladder").string();
    // Reading works: the listing commands open it as it is.
    const std::string info = section("info");
    expectContains(info, "exit code 0");
    expectContains(info, "pairs");
    // A command that writes is refused before it starts, naming the file and what to do.
    for (const char* writer : {"import", "train"}) {
        const std::string text = section(writer);
        expectContains(text, "exit code 1");
        expectContains(text, file + " is on a read-only medium");
        expectContains(text, "copy it to a folder you can write, or open it read-only");
    }
    // Nothing was written there: no journal, no checkpoints folder, the same bytes.
    EXPECT_EQ(section("files"), "== files\nw.ladder\n");
    EXPECT_EQ(test::readFile(m_dir / "after" / "w.ladder"), before);
}

}  // namespace
}  // namespace ladder::store
