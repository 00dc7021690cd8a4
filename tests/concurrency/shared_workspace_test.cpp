// The window and ladder-cli on one workspace at once: a process that holds a connection, opens the
// workspace again and again and saves annotations (annotating_child, as the window's panes do)
// while ladder-cli writes curricula and trains. Afterwards the file is intact and every annotation
// the first process reported saved is in it, seen by another process and after reopening.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/pairs/pair_annotations.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

extern char** environ;

namespace ladder {
namespace {

// Starts the annotating child with its output in a file; returns its pid.
pid_t startChild(const std::filesystem::path& workspace, const std::filesystem::path& stop,
                 const std::filesystem::path& output) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::string exe = ANNOTATING_CHILD;
    std::string ws = workspace.string();
    std::string stopFile = stop.string();
    std::string pause = "15";
    char* argv[] = {exe.data(), ws.data(), stopFile.data(), pause.data(), nullptr};
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

// "saved <id> <status>" lines: the last status saved per pair.
std::map<std::int64_t, std::string> savedAnnotations(const std::string& output, int* failures) {
    std::map<std::int64_t, std::string> saved;
    std::istringstream lines(output);
    std::string word;
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        fields >> word;
        if (word == "saved") {
            long long id = 0;
            std::string status;
            fields >> id >> status;
            saved[id] = status;
        } else if (word == "failed") {
            ++*failures;
        }
    }
    return saved;
}

TEST(SharedWorkspace, AnnotationsOfAReopeningProcessSurviveCliCurriculaAndTraining) {
    test::TempDir dir;
    ASSERT_EQ(test::runLadderCli(dir.path(), "demo init w.ladder --prompts 300").exitCode, 0);
    const auto file = dir / "w.ladder";
    test::writeFile(dir / "sft.json", R"({
      "name": "sft", "method": "sft", "model": {"kind": "tiny"}, "template": "chatml",
      "data": {"ladder": "demo", "curriculum": "uniform", "max_length": 96, "max_prompt_length": 64},
      "optimizer": {"lr": 0.002}, "schedule": {"warmup_steps": 2}, "batch_size": 4,
      "max_steps": 12, "checkpoint": {"every": 6, "keep": 1}, "seed": 0})");

    const auto stop = dir / "stop";
    const auto output = dir / "child.txt";
    const pid_t child = startChild(file, stop, output);
    ASSERT_GT(child, 0);
    // Let the child open, reopen and annotate before the first command starts.
    for (int i = 0; i < 200 && test::readFile(output).find("saved") == std::string::npos; ++i) {
        ::usleep(20'000);
    }

    for (const char* command : {"curriculum preset -w w.ladder uniform --ladder demo --name x",
                                "train -w w.ladder --config sft.json",
                                "curriculum preset -w w.ladder uniform --ladder demo --name y"}) {
        const auto r = test::runLadderCli(dir.path(), command);
        EXPECT_EQ(r.exitCode, 0) << command << "\n" << r.output;
    }
    ::usleep(300'000);  // the child goes on annotating after the last command ended
    test::writeFile(stop, "");
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    const std::string log = test::readFile(output);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;
    int failures = 0;
    const auto saved = savedAnnotations(log, &failures);
    ASSERT_GT(saved.size(), 10u) << log;
    EXPECT_EQ(failures, 0) << log;

    // Another process (ladder-cli) checks the file and counts the annotations.
    const auto check = test::runLadderCli(dir.path(), "info -w w.ladder");
    EXPECT_EQ(check.exitCode, 0) << check.output;
    EXPECT_NE(check.output.find("(" + std::to_string(saved.size()) + " annotated)"),
              std::string::npos)
        << check.output;

    auto ws = store::Workspace::open(file);
    EXPECT_EQ(ws.db().queryText("PRAGMA integrity_check").value_or(""), "ok");
    for (const auto& [id, expected] : saved) {
        const auto state = pairs::annotationOf(ws.db(), id);
        ASSERT_TRUE(state.has_value()) << "pair " << id << " lost its annotation";
        EXPECT_EQ(pairs::toString(state->status), expected) << "pair " << id;
    }
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM curricula WHERE name IN ('x', 'y')"), 2);
    EXPECT_EQ(ws.db().queryText("SELECT status FROM runs ORDER BY id DESC LIMIT 1").value_or(""),
              "finished");
}

}  // namespace
}  // namespace ladder

namespace ladder {
namespace {

std::int64_t lastStep(const std::filesystem::path& file, std::int64_t runId) {
    try {
        auto ws = store::Workspace::open(file, {.readOnly = true});
        auto st = ws.db().prepare("SELECT last_step FROM runs WHERE id = ?");
        st.bind(1, runId);
        return st.step() ? st.int64(0) : -1;
    } catch (const std::exception&) {
        return -1;
    }
}

TEST(SharedWorkspace, AKilledRunIsStaleForTheCliAndOnlyOneProcessTrainsARun) {
    test::TempDir dir;
    ASSERT_EQ(test::runLadderCli(dir.path(), "demo init w.ladder --prompts 300").exitCode, 0);
    test::writeFile(dir / "sft.json", R"({
      "name": "long", "method": "sft", "model": {"kind": "tiny"}, "template": "chatml",
      "data": {"ladder": "demo", "curriculum": "uniform", "max_length": 64, "max_prompt_length": 48},
      "optimizer": {"lr": 0.002}, "schedule": {"warmup_steps": 2}, "batch_size": 2,
      "max_steps": 100000, "checkpoint": {"every": 2, "keep": 1}, "seed": 0})");
    const pid_t trainer = test::startLadderCli(
        dir.path(), {"train", "-w", "w.ladder", "--config", "sft.json"}, dir / "train.txt");
    ASSERT_GT(trainer, 0);
    test::KillAtExit killTrainer(trainer);
    for (int i = 0; i < 1200 && lastStep(dir / "w.ladder", 1) < 3; ++i) ::usleep(50'000);
    ASSERT_GE(lastStep(dir / "w.ladder", 1), 3) << test::readFile(dir / "train.txt");

    auto runs = test::runLadderCli(dir.path(), "runs -w w.ladder");
    EXPECT_NE(runs.output.find("running"), std::string::npos) << runs.output;
    EXPECT_EQ(runs.output.find("stale"), std::string::npos) << runs.output;

    // A second process may not take the run over while its owner trains it.
    const auto second = test::runLadderCli(dir.path(), "train -w w.ladder --resume 1");
    EXPECT_NE(second.exitCode, 0) << second.output;
    EXPECT_NE(second.output.find("is being trained by process"), std::string::npos) << second.output;
    EXPECT_EQ(second.output.find("run 0 failed"), std::string::npos) << second.output;
    // The owner goes on (its heartbeat records the step about once a second).
    const std::int64_t before = lastStep(dir / "w.ladder", 1);
    for (int i = 0; i < 600 && lastStep(dir / "w.ladder", 1) <= before; ++i) ::usleep(50'000);
    EXPECT_GT(lastStep(dir / "w.ladder", 1), before) << "the owner stopped training";
    {
        auto ws = store::Workspace::open(dir / "w.ladder", {.readOnly = true});
        EXPECT_EQ(ws.db().queryText("SELECT status FROM runs WHERE id = 1").value_or(""), "running");
    }

    ::kill(trainer, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(trainer, &status, 0), trainer);
    runs = test::runLadderCli(dir.path(), "runs -w w.ladder");
    EXPECT_NE(runs.output.find("running (stale)"), std::string::npos) << runs.output;
}

}  // namespace
}  // namespace ladder
