// Data-parallel training (core/dist) end to end: ranks as processes (ladder-cli train
// --nproc-per-node, or started as torchrun starts them) and as threads of this test, over Gloo
// on loopback. Two processes of batch 4 must train as one of batch 8; a run resumed with another
// number of processes goes on with the same batches; a rank that dies or hangs stops the others
// within the timeout with a message naming it, and the last checkpoint stays whole.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "core/demo/demo_workspace.h"
#include "core/dist/launch.h"
#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/train/run_config.h"
#include "core/train/training_job.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_run.h"

namespace ladder::train {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

class DataParallelTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_path = m_dir / "demo.ladder";
        demo::initWorkspace(m_path, {.prompts = 120, .seed = 5});
    }

    RunConfig config(int batch, int steps) {
        RunConfig c = test::tinyRunConfig("dpo", steps);
        c.batchSize = batch;
        return c;
    }
    std::string save(const RunConfig& c, const std::string& name) {
        saveRunConfig(c, (m_dir / name).string());
        return name;
    }

    std::map<std::int64_t, double> series(std::int64_t run, const std::string& name) {
        auto ws = store::Workspace::open(m_path);
        std::map<std::int64_t, double> out;
        for (const auto& [step, value] : store::MetricsReader(ws.db()).series(run, name)) out[step] = value;
        return out;
    }
    void expectSameSeries(std::int64_t a, std::int64_t b, const std::string& name, double tolerance,
                          std::int64_t fromStep = 1) {
        const auto x = series(a, name), y = series(b, name);
        ASSERT_FALSE(x.empty()) << name;
        ASSERT_EQ(x.size(), y.size()) << name;
        for (const auto& [step, value] : x) {
            if (step < fromStep) continue;
            ASSERT_TRUE(y.count(step)) << name << " step " << step;
            EXPECT_NEAR(value, y.at(step), tolerance) << name << " at step " << step;
        }
    }

    JobRequest request(const RunConfig& c, int rank = 0, int processes = 1, int port = 0) {
        JobRequest r{m_path.string(), c, 0};
        if (processes > 1) {
            r.world.rank = rank;
            r.world.localRank = rank;
            r.world.worldSize = processes;
            r.world.localWorldSize = processes;
            r.world.masterPort = port;
            r.world.timeout = std::chrono::seconds(60);
        }
        return r;
    }

    // Runs `requests` (one per rank) as threads; stops them (through rank 0) after `stopAt` steps
    // (0: to the end). Returns rank 0's last event.
    TrainingEvent runRanks(std::vector<JobRequest> requests, std::int64_t stopAt = 0) {
        std::vector<std::unique_ptr<TrainingJob>> jobs;
        for (auto& r : requests) jobs.push_back(std::make_unique<TrainingJob>(r));
        for (auto& j : jobs) j->start();
        TrainingEvent last;
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            while (auto e = jobs[i]->events().pop(std::chrono::seconds(120))) {
                if (i == 0 && stopAt > 0 && e->kind == EventKind::Step && e->step == stopAt) jobs[0]->stop();
                if (e->kind == EventKind::Failed) ADD_FAILURE() << "rank " << i << ": " << e->message;
                if (e->isTerminal()) {
                    if (i == 0) last = *e;
                    break;
                }
            }
        }
        for (auto& j : jobs) j->wait();
        return last;
    }

    // Waits until run 1 has a checkpoint of step `step` or later; its step (0 after 120 s).
    std::int64_t waitForCheckpoint(std::int64_t step) {
        const auto start = Clock::now();
        while (secondsSince(start) < 120) {
            try {
                auto ws = store::Workspace::open(m_path);
                const auto latest = store::RunStore(ws.db()).latestCheckpoint(1);
                if (latest && latest->step >= step) return latest->step;
            } catch (const std::exception&) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ADD_FAILURE() << "no checkpoint of step " << step << " within 120 s";
        return 0;
    }

    // Run 1, failed, resumed here alone from its last checkpoint: it trains again (the checkpoint
    // was whole) and is stopped (with a checkpoint) a few steps on.
    void expectResumableFrom(std::int64_t checkpointStep) {
        const auto stopped = test::stopAtStep({m_path.string(), {}, 1}, checkpointStep + 2);
        EXPECT_EQ(stopped, 1);
        auto ws = store::Workspace::open(m_path);
        EXPECT_GE(store::RunStore(ws.db()).latestCheckpoint(1)->step, checkpointStep + 2);
        EXPECT_EQ(store::RunStore(ws.db()).get(1).status, store::RunStatus::Stopped);
    }

    // Starts ladder-cli as rank `rank` of 2, as torchrun would (its variables), the output into
    // `output`.
    int startRank(int rank, int port, const std::vector<std::string>& args, const fs::path& output) {
        ::setenv("WORLD_SIZE", "2", 1);
        ::setenv("RANK", std::to_string(rank).c_str(), 1);
        ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
        ::setenv("MASTER_ADDR", "127.0.0.1", 1);
        ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
        ::setenv("LADDER_DIST_TIMEOUT", "5", 1);
        const int pid = test::startLadderCli(m_dir.path(), args, output);
        for (const char* name : {"WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT",
                                 "LADDER_DIST_TIMEOUT"}) {
            ::unsetenv(name);
        }
        return pid;
    }

    // Rank 0 and rank 1 of a long run (longRun) started as torchrun starts them, once it has a
    // checkpoint of step 10; killed when the test ends. Their pids.
    std::pair<int, int> startTwoRanks() {
        m_port = dist::freePort();
        const std::vector<std::string> args = {"train", "-w", "demo.ladder", "-c", longRun()};
        const int rank0 = startRank(0, m_port, args, m_dir / "rank0.txt");
        m_guard0.emplace(rank0);
        const int rank1 = startRank(1, m_port, args, m_dir / "rank1.txt");
        m_guard1.emplace(rank1);
        (void)waitForCheckpoint(10);
        return {rank0, rank1};
    }

    // A run long enough to be stopped by the test, checkpointed every 5 steps.
    std::string longRun() {
        RunConfig c = config(4, 100000);
        c.checkpointEvery = 5;
        return save(c, "long.json");
    }

    test::TempDir m_dir;
    fs::path m_path;
    int m_port = 0;  // startTwoRanks's
    std::optional<test::KillAtExit> m_guard0, m_guard1;  // gone before m_dir
};

TEST_F(DataParallelTest, TwoProcessesOfBatchFourTrainAsOneOfBatchEight) {
    RunConfig two = config(4, 20);
    two.evalEvery = 10;
    two.checkpointEvery = 10;
    two.marginPairs = 20;
    const auto launched =
        test::runLadderCli(m_dir.path(), "train -w demo.ladder -c " + save(two, "two.json") +
                                             " --nproc-per-node 2");
    ASSERT_EQ(launched.exitCode, 0) << launched.output;
    EXPECT_NE(launched.output.find("run 1 started on 2 processes"), std::string::npos) << launched.output;
    RunConfig one = two;
    one.batchSize = 8;
    const auto alone = test::runLadderCli(m_dir.path(), "train -w demo.ladder -c " + save(one, "one.json"));
    ASSERT_EQ(alone.exitCode, 0) << alone.output;

    // The reference pass was shared: rank 0 computed half of the pairs (the progress it prints);
    // the run alone then found all of them in the workspace, and trained on them to equal losses.
    const std::smatch shared = [&] {
        std::smatch m;
        std::regex_search(launched.output, m, std::regex("reference log-probs: ([0-9]+) / ([0-9]+) pairs of this process"));
        return m;
    }();
    ASSERT_FALSE(shared.empty()) << launched.output;
    auto ws0 = store::Workspace::open(m_path);
    auto rows = ws0.db().prepare("SELECT COUNT(*) FROM ref_logps");
    ASSERT_TRUE(rows.step());
    EXPECT_EQ(std::stoll(shared[2]), (rows.int64(0) + 1) / 2);
    EXPECT_EQ(alone.output.find("reference log-probs:"), std::string::npos) << alone.output;

    // Within 1e-6 a step: the same pairs, summed in another order.
    expectSameSeries(1, 2, "loss", 1e-6);
    EXPECT_EQ(series(1, "loss").size(), 20u);
    expectSameSeries(1, 2, "rewards/margins", 1e-5);
    expectSameSeries(1, 2, "rewards/accuracies", 1e-9);
    expectSameSeries(1, 2, "grad_norm", 1e-5);
    expectSameSeries(1, 2, "eval/loss", 1e-6);

    // ladder-cli runs shows it as one run on two processes.
    const auto listed = test::runLadderCli(m_dir.path(), "runs -w demo.ladder");
    EXPECT_NE(listed.output.find("cpu x2"), std::string::npos) << listed.output;

    // One run, written by rank 0 alone: its metrics once, its checkpoints, its margins.
    auto ws = store::Workspace::open(m_path);
    store::RunStore runs(ws.db());
    EXPECT_EQ(runs.list().size(), 2u);
    const auto run = runs.get(1);
    EXPECT_EQ(run.status, store::RunStatus::Finished);
    EXPECT_EQ(parseRunConfig(nlohmann::json::parse(run.configJson)).worldSize, 2);
    EXPECT_EQ(runs.checkpoints(1).size(), runs.checkpoints(2).size());
    auto count = ws.db().prepare("SELECT COUNT(*) FROM metrics m JOIN metric_names n ON n.id = m.name_id "
                                 "WHERE m.run_id = 1 AND n.name = 'loss' AND m.step = 5");
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.int64(0), 1);
}

TEST_F(DataParallelTest, TwoNodesOfOneProcessEachTrainAsOneProcessOfTheDoubleBatch) {
    // Two machines' launchers, here both on loopback: --nnodes 2 --node-rank 0|1.
    const std::string file = save(config(4, 12), "two.json");
    const std::string port = std::to_string(dist::freePort());
    std::vector<int> nodes;
    std::vector<std::optional<test::KillAtExit>> guards(2);
    for (int node = 0; node < 2; ++node) {
        nodes.push_back(test::startLadderCli(
            m_dir.path(),
            {"train", "-w", "demo.ladder", "-c", file, "--nnodes", "2", "--node-rank",
             std::to_string(node), "--master-addr", "127.0.0.1", "--master-port", port},
            m_dir / ("node" + std::to_string(node) + ".txt")));
        guards[static_cast<std::size_t>(node)].emplace(nodes.back());
    }
    for (int node = 0; node < 2; ++node) {
        EXPECT_EQ(test::waitForExit(nodes[static_cast<std::size_t>(node)]), 0)
            << test::readFile(m_dir / ("node" + std::to_string(node) + ".txt"));
    }
    const std::string said = test::readFile(m_dir / "node1.txt");
    EXPECT_NE(said.find("launcher: rank 1 of 2: pid"), std::string::npos) << said;
    const auto alone = test::runLadderCli(m_dir.path(), "train -w demo.ladder -c " + save(config(8, 12), "one.json"));
    ASSERT_EQ(alone.exitCode, 0) << alone.output;
    expectSameSeries(1, 2, "loss", 1e-6);
    EXPECT_EQ(series(1, "loss").size(), 12u);
}

TEST_F(DataParallelTest, AStoppedRunGoesOnWithAnotherNumberOfProcessesDrawingTheSameBatches) {
    // The reference: one process, batch 8, 16 steps.
    const auto reference = runRanks({request(config(8, 16))});
    ASSERT_EQ(reference.kind, EventKind::Finished) << reference.message;

    // Two processes of batch 4, stopped at step 6, resumed alone: batch 8 now.
    const int port = dist::freePort();
    const auto stopped = runRanks({request(config(4, 16), 0, 2, port), request(config(4, 16), 1, 2, port)}, 6);
    ASSERT_EQ(stopped.kind, EventKind::Stopped) << stopped.message;
    EXPECT_GE(stopped.step, 6);  // stopped after step 6, by the next step boundary
    EXPECT_LT(stopped.step, 16);
    const auto resumed = runRanks({{m_path.string(), {}, 2}});
    ASSERT_EQ(resumed.kind, EventKind::Finished) << resumed.message;
    expectSameSeries(1, 2, "loss", 1e-6);

    // One process of batch 8, stopped at step 5, resumed on two: batch 4 each.
    const auto alone = runRanks({request(config(8, 16))}, 5);
    ASSERT_EQ(alone.kind, EventKind::Stopped) << alone.message;
    ASSERT_LT(alone.step, 16);
    JobRequest resume0{m_path.string(), {}, 3}, resume1{m_path.string(), {}, 3};
    const int port2 = dist::freePort();
    for (auto* r : {&resume0, &resume1}) {
        r->world.worldSize = 2;
        r->world.masterPort = port2;
        r->world.timeout = std::chrono::seconds(60);
    }
    resume1.world.rank = resume1.world.localRank = 1;
    const auto finished = runRanks({resume0, resume1});
    ASSERT_EQ(finished.kind, EventKind::Finished) << finished.message;
    expectSameSeries(1, 3, "loss", 1e-6);
}

TEST_F(DataParallelTest, ProcessesThatCannotShareTheBatchEvenlyAreRefused) {
    // Batch 3 alone, stopped at step 2, resumed on 2 processes: 3 pairs do not split 2 ways.
    const auto alone = runRanks({request(config(3, 8))}, 2);
    ASSERT_EQ(alone.kind, EventKind::Stopped) << alone.message;
    const int port = dist::freePort();
    std::vector<std::unique_ptr<TrainingJob>> jobs;
    for (int rank = 0; rank < 2; ++rank) {
        JobRequest r{m_path.string(), {}, 1};
        r.world.rank = r.world.localRank = rank;
        r.world.worldSize = 2;
        r.world.masterPort = port;
        r.world.timeout = std::chrono::seconds(60);
        jobs.push_back(std::make_unique<TrainingJob>(r));
        jobs.back()->start();
    }
    for (auto& job : jobs) {
        std::optional<TrainingEvent> last;
        while (auto e = job->events().pop(std::chrono::seconds(120))) {
            last = e;
            if (e->isTerminal()) break;
        }
        ASSERT_TRUE(last.has_value());
        EXPECT_EQ(last->kind, EventKind::Failed);
        EXPECT_NE(last->message.find("run 1's micro-batches take 3 pairs (batch_size 3 x 1 "
                                     "processes when it started), which 2 processes cannot share "
                                     "evenly"),
                  std::string::npos) << last->message;
        job->wait();
    }
}

TEST_F(DataParallelTest, ARankThatDiesStopsTheLauncherNamingIt) {
    const fs::path output = m_dir / "launcher.txt";
    const int launcher = test::startLadderCli(
        m_dir.path(), {"train", "-w", "demo.ladder", "-c", longRun(), "--nproc-per-node", "2",
                       "--dist-timeout", "5"},
        output);
    test::KillAtExit guard(launcher);
    const auto checkpoint = waitForCheckpoint(10);
    std::smatch match;
    const std::string text = test::readFile(output);
    ASSERT_TRUE(std::regex_search(text, match, std::regex("rank 1 of 2: pid ([0-9]+)"))) << text;
    const int rank1 = std::stoi(match[1]);
    ASSERT_EQ(::kill(rank1, SIGKILL), 0);
    const auto killedAt = Clock::now();
    const int status = test::waitForExit(launcher);
    EXPECT_LT(secondsSince(killedAt), 40.0);
    EXPECT_EQ(status, 128 + SIGKILL);
    const std::string said = test::readFile(output);
    EXPECT_NE(said.find("launcher: rank 1 (pid " + std::to_string(rank1) + ") was killed by signal 9"),
              std::string::npos) << said;
    // Rank 0 recorded the failure, naming rank 1.
    auto ws = store::Workspace::open(m_path);
    const auto run = store::RunStore(ws.db()).get(1);
    EXPECT_EQ(run.status, store::RunStatus::Failed);
    EXPECT_NE(run.message.find("Rank 1 "), std::string::npos) << run.message;
    expectResumableFrom(store::RunStore(ws.db()).latestCheckpoint(1)->step);
    EXPECT_GE(checkpoint, 10);
}

TEST_F(DataParallelTest, ARankThatHangsStopsTheOthersWithinTheTimeoutNamingIt) {
    const auto [rank0, rank1] = startTwoRanks();
    ASSERT_EQ(::kill(rank1, SIGSTOP), 0);  // hangs: alive, its sockets open, answering nothing
    const auto stoppedAt = Clock::now();
    const int status = test::waitForExit(rank0);
    const double waited = secondsSince(stoppedAt);
    EXPECT_EQ(status, 1);
    EXPECT_GE(waited, 3.0);   // it waited for the timeout (5 s, from its last collective) ...
    EXPECT_LT(waited, 25.0);  // ... and not much longer
    const std::string said = test::readFile(m_dir / "rank0.txt");
    // Stopped before the step's collective, or inside it.
    const std::regex named("Rank 1 (did not arrive: it was last at step [0-9]+|has stopped "
                           "answering: it arrived, then died or hung)");
    EXPECT_TRUE(std::regex_search(said, named)) << said;
    ::kill(rank1, SIGKILL);
    auto ws = store::Workspace::open(m_path);
    const auto run = store::RunStore(ws.db()).get(1);
    EXPECT_EQ(run.status, store::RunStatus::Failed);
    EXPECT_TRUE(std::regex_search(run.message, named)) << run.message;
    expectResumableFrom(store::RunStore(ws.db()).latestCheckpoint(1)->step);
}

TEST_F(DataParallelTest, WhenRankZeroDiesTheOthersSaySo) {
    const auto [rank0, rank1] = startTwoRanks();
    ::kill(rank0, SIGKILL);
    const auto killedAt = Clock::now();
    EXPECT_EQ(test::waitForExit(rank1), 1);
    EXPECT_LT(secondsSince(killedAt), 25.0);
    const std::string said = test::readFile(m_dir / "rank1.txt");
    EXPECT_NE(said.find("error: rank 1 of 2: run 1 failed: rank 1 of 2:"), std::string::npos) << said;
    EXPECT_NE(said.find("Rank 0 (it holds the rendezvous at 127.0.0.1:" + std::to_string(m_port) +
                        ") cannot be reached: it has stopped"),
              std::string::npos) << said;
}

}  // namespace
}  // namespace ladder::train
