// Metrics: batched writes, NaN, row ids never reused, readers in another thread and another process
// while a writer writes, and a writer killed with SIGKILL in the middle of a batch.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

extern char** environ;

namespace ladder::store {
namespace {

std::int64_t newRun(Workspace& ws) {
    return RunStore(ws.db()).create({.name = "r", .method = "dpo", .configJson = "{}"});
}

// Checks what a reader saw of the "loss" metric written by whole batches whose value == step:
// a prefix of steps 0..n-1 with n a multiple of the batch size.
void expectWholeBatches(const std::vector<std::pair<std::int64_t, double>>& rows,
                        std::int64_t batch) {
    ASSERT_EQ(static_cast<std::int64_t>(rows.size()) % batch, 0) << "a batch arrived in part";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        ASSERT_EQ(rows[i].first, static_cast<std::int64_t>(i));
        ASSERT_EQ(rows[i].second, static_cast<double>(i));
    }
}

// A child process with its stdout on a pipe.
class Child {
public:
    explicit Child(std::vector<std::string> args) {
        int fds[2];
        if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
            throw std::runtime_error("cannot start " + args[0]);
        }
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        m_out = ::fdopen(fds[0], "r");
    }
    ~Child() {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            wait();
        }
        if (m_out) std::fclose(m_out);
    }
    // The number in the next "committed N" line, or -1 at end of output.
    long long nextCommitted() {
        long long n = -1;
        if (std::fscanf(m_out, " committed %lld", &n) != 1) return -1;
        return n;
    }
    void kill9() { ::kill(m_pid, SIGKILL); }
    int wait() {
        int status = 0;
        if (m_pid > 0) ::waitpid(m_pid, &status, 0);
        m_pid = -1;
        return status;
    }

private:
    pid_t m_pid = -1;
    FILE* m_out = nullptr;
};

TEST(MetricsWriter, WritesBatchesAndReadsThemBackInOrder) {
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    const auto run = newRun(ws);
    {
        MetricsWriter w(ws.db(), 4);
        for (int step = 0; step < 10; ++step) {
            w.add(run, step, "loss", 1.0 / (step + 1), 100.0 + step);
            w.add(run, step, "rewards/margins", step * 0.1, 100.0 + step);
        }
        EXPECT_EQ(w.pending(), 0u);  // 20 rows, batches of 4
        w.add(run, 10, "loss", 0.05, 110.0);
        EXPECT_EQ(w.pending(), 1u);
    }  // the destructor flushes the last row
    MetricsReader r(ws.db());
    const auto loss = r.series(run, "loss");
    ASSERT_EQ(loss.size(), 11u);
    EXPECT_DOUBLE_EQ(loss[3].second, 0.25);
    EXPECT_EQ(r.names(run), (std::vector<std::string>{"loss", "rewards/margins"}));
    EXPECT_DOUBLE_EQ(r.latest(run).at("loss"), 0.05);
    const auto all = r.since(run, 0);
    ASSERT_EQ(all.size(), 21u);
    const auto later = r.since(run, all[15].rowId);
    EXPECT_EQ(later.size(), 5u);
}

TEST(MetricsWriter, LargeBatchKeepsEveryRowItsValueAndItsOrder) {
    // 1000 rows in one flush: many full multi-row inserts and a remainder, NaN among them.
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    const auto run = newRun(ws);
    const std::vector<std::string> names = {"loss", "grad_norm", "rewards/margins"};
    {
        MetricsWriter w(ws.db(), 1000);
        for (int i = 0; i < 1000; ++i) {
            const double value = i % 97 == 5 ? std::nan("") : i * 0.5;
            w.add(run, i / 3, names[static_cast<std::size_t>(i % 3)], value, 1000.0 + i);
        }
        EXPECT_EQ(w.pending(), 0u);
    }
    const auto rows = MetricsReader(ws.db()).since(run, 0);
    ASSERT_EQ(rows.size(), 1000u);
    for (int i = 0; i < 1000; ++i) {
        const auto& row = rows[static_cast<std::size_t>(i)];
        ASSERT_EQ(row.step, i / 3) << "row " << i;
        ASSERT_EQ(row.name, names[static_cast<std::size_t>(i % 3)]) << "row " << i;
        ASSERT_EQ(row.wallTime, 1000.0 + i) << "row " << i;
        if (i % 97 == 5) {
            ASSERT_TRUE(std::isnan(row.value)) << "row " << i;
        } else {
            ASSERT_EQ(row.value, i * 0.5) << "row " << i;
        }
    }
}

TEST(MetricsWriter, NaNIsStoredAndReadBackAsNaN) {
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    const auto run = newRun(ws);
    {
        MetricsWriter w(ws.db(), 1);
        w.add(run, 1, "loss", std::nan(""), 0);
    }
    MetricsReader r(ws.db());
    ASSERT_EQ(r.series(run, "loss").size(), 1u);
    EXPECT_TRUE(std::isnan(r.series(run, "loss")[0].second));
}

TEST(MetricsReader, StepsWrittenAgainAfterTheTailWasDeletedComeAfterTheLastRowSeen) {
    // What a resumed run does: delete the steps after its checkpoint, then write them again.
    test::TempDir dir;
    auto ws = Workspace::create(dir / "a.ladder");
    const auto run = newRun(ws);
    MetricsWriter w(ws.db(), 1);
    for (int step = 1; step <= 4; ++step) w.add(run, step, "loss", 1.0 / step, 0);
    MetricsReader r(ws.db());
    const auto seen = r.since(run, 0);
    ASSERT_EQ(seen.size(), 4u);
    ws.db().exec("DELETE FROM metrics WHERE step > 2");
    w.add(run, 3, "loss", 0.5, 0);
    w.add(run, 4, "loss", 0.25, 0);
    const auto again = r.since(run, seen.back().rowId);
    ASSERT_EQ(again.size(), 2u);
    EXPECT_EQ(again[0].step, 3);
    EXPECT_DOUBLE_EQ(again[0].value, 0.5);
    EXPECT_DOUBLE_EQ(again[1].value, 0.25);
}

TEST(MetricsWriter, ReaderInAnotherThreadSeesOnlyWholeCommittedBatches) {
    test::TempDir dir;
    const auto path = dir / "a.ladder";
    std::int64_t run = 0;
    {
        auto ws = Workspace::create(path);
        run = newRun(ws);
    }
    constexpr int kBatch = 200;
    constexpr int kBatches = 40;
    std::atomic<bool> done{false};
    std::atomic<long long> committed{0};
    std::thread writer([&] {
        auto ws = Workspace::open(path);  // a connection of its own, as the trainer has
        MetricsWriter w(ws.db(), kBatch);
        for (int step = 0; step < kBatch * kBatches; ++step) {
            w.add(run, step, "loss", static_cast<double>(step), 0);
            if ((step + 1) % kBatch == 0) committed = step + 1;
        }
        done = true;
    });
    auto ws = Workspace::open(path, OpenOptions{.readOnly = true});
    MetricsReader r(ws.db());
    std::size_t last = 0;
    int observations = 0;
    bool sawPartialProgress = false;
    while (true) {
        const bool finished = done.load();
        const long long before = committed.load();
        const auto rows = r.series(run, "loss");
        expectWholeBatches(rows, kBatch);
        EXPECT_GE(rows.size(), last);                       // never goes backwards
        EXPECT_GE(static_cast<long long>(rows.size()), before);  // sees what was committed
        if (!rows.empty() && rows.size() < kBatch * kBatches) sawPartialProgress = true;
        last = rows.size();
        ++observations;
        if (finished) break;
    }
    writer.join();
    EXPECT_EQ(r.series(run, "loss").size(), static_cast<std::size_t>(kBatch * kBatches));
    EXPECT_GT(observations, 1);
    (void)sawPartialProgress;  // timing-dependent; the invariants above are what matter
}

TEST(MetricsWriter, ReaderInAnotherProcessSeesCommittedBatchesWhileTheWriterWrites) {
    test::TempDir dir;
    const auto path = dir / "a.ladder";
    auto ws = Workspace::create(path);
    const auto run = newRun(ws);
    constexpr long long kBatch = 500;
    Child child({METRICS_WRITER_CHILD, path.string(), std::to_string(run), std::to_string(kBatch),
                 "20"});
    MetricsReader r(ws.db());
    int checks = 0;
    for (long long n = child.nextCommitted(); n > 0; n = child.nextCommitted()) {
        // The child has committed n rows: this process must see at least those, in whole batches.
        const auto rows = r.series(run, "loss");
        EXPECT_GE(static_cast<long long>(rows.size()), n);
        expectWholeBatches(rows, kBatch);
        ++checks;
    }
    EXPECT_EQ(WEXITSTATUS(child.wait()), 0);
    EXPECT_EQ(checks, 20);
    EXPECT_EQ(r.series(run, "loss").size(), 20u * kBatch);
}

TEST(MetricsWriter, WriterKilledMidBatchLeavesIntactFileAndEveryCommittedBatch) {
    test::TempDir dir;
    const auto path = dir / "a.ladder";
    std::int64_t run = 0;
    {
        auto ws = Workspace::create(path);
        run = newRun(ws);
    }
    // Large batches so that the kill lands inside a write transaction most of the time.
    constexpr long long kBatch = 20000;
    long long committed = 0;
    {
        Child child({METRICS_WRITER_CHILD, path.string(), std::to_string(run),
                     std::to_string(kBatch), "-1"});
        for (int i = 0; i < 3; ++i) committed = child.nextCommitted();
        ASSERT_GT(committed, 0);
        // Let it get into the next batch, then kill it without warning.
        std::this_thread::sleep_for(std::chrono::milliseconds(15));
        child.kill9();
        const int status = child.wait();
        ASSERT_TRUE(WIFSIGNALED(status));
        for (long long n = child.nextCommitted(); n > 0; n = child.nextCommitted()) committed = n;
    }
    auto ws = Workspace::open(path);
    EXPECT_EQ(ws.db().queryText("PRAGMA integrity_check").value_or(""), "ok");
    MetricsReader r(ws.db());
    const auto rows = r.series(run, "loss");
    EXPECT_GE(static_cast<long long>(rows.size()), committed);
    expectWholeBatches(rows, kBatch);
    // The workspace still takes writes after the crash.
    MetricsWriter w(ws.db(), 1);
    w.add(run, 1'000'000, "loss", 1.0, 0);
    EXPECT_EQ(r.series(run, "loss").size(), rows.size() + 1);
}

}  // namespace
}  // namespace ladder::store
