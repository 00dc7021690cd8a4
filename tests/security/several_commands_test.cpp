// Several ladder-cli commands on one workspace at once, each a real process: a long import beside a
// training run, an import killed half way, the same file imported twice at once, a pairs rebuild
// and `init --overwrite` while a run trains, exports aimed at the workspace, two trainings sharing
// the cores. No run, row or file may be lost, and each refusal says why.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "core/store/database.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder {
namespace {
namespace fs = std::filesystem;

class SeveralCommands : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(run("demo init w.ladder --prompts 300").exitCode, 0);
    }
    test::CommandResult run(const std::string& args) {
        return test::runLadderCli(m_dir.path(), args);
    }
    // A read-only look at the workspace, through SQLite as Ladder reads it.
    std::string query(const std::string& sql) {
        store::Database db(m_dir / "w.ladder", store::OpenFlags{.readOnly = true});
        return db.queryText(sql).value_or("");
    }
    // A training config of `steps` steps of the tiny model.
    void writeConfig(const std::string& name, int steps, int threads = 0) {
        test::writeFile(m_dir / name,
                        R"({"name": ")" + name + R"(", "method": "sft", "model": {"kind": "tiny"},
          "template": "chatml", "data": {"ladder": "demo", "max_length": 64,
          "max_prompt_length": 48}, "optimizer": {"lr": 0.002}, "schedule": {"warmup_steps": 1},
          "batch_size": 2, "max_steps": )" + std::to_string(steps) +
                            R"(, "threads": )" + std::to_string(threads) +
                            R"(, "checkpoint": {"every": 0}, "seed": 0})");
    }
    // Waits until `sql` answers 1 (up to two minutes; the machine may be busy).
    bool waitFor(const std::string& sql) {
        for (int i = 0; i < 2400; ++i) {
            try {
                if (query(sql) == "1") return true;
            } catch (const std::exception&) {
            }
            ::usleep(50'000);
        }
        return false;
    }
    // answers.jsonl: `rows` answers of one source (generic instruction format).
    void writeAnswers(const fs::path& file, int rows, const std::string& source) {
        std::ofstream out(file);
        for (int i = 0; i < rows; ++i) {
            out << R"({"instruction": "question number )" << i << R"(", "output": "answer )" << i
                << R"(", "generator": ")" << source << "\"}\n";
        }
    }

    test::TempDir m_dir;
};

TEST_F(SeveralCommands, ALongImportDoesNotStopATrainingRunOrLoseItsMetrics) {
    writeAnswers(m_dir / "big.jsonl", 600'000, "big");
    writeConfig("train.json", 100000);
    const int trainer = test::startLadderCli(m_dir.path(), {"train", "-w", "w.ladder", "--config",
                                                            "train.json"}, m_dir / "train.txt");
    test::KillAtExit killTrainer(trainer);
    ASSERT_TRUE(waitFor("SELECT last_step > 2 FROM runs WHERE id = 1"))
        << test::readFile(m_dir / "train.txt");
    const auto imported = run("import -w w.ladder big.jsonl");
    EXPECT_EQ(imported.exitCode, 0) << imported.output;
    // The run went on through the import and is still training.
    EXPECT_EQ(query("SELECT status FROM runs WHERE id = 1"), "running")
        << test::readFile(m_dir / "train.txt") << query("SELECT message FROM runs WHERE id = 1");
    ::kill(trainer, SIGINT);  // Ctrl+C: a checkpoint, then stopped
    EXPECT_EQ(test::waitForExit(trainer), 130) << test::readFile(m_dir / "train.txt");
    EXPECT_EQ(query("SELECT status FROM runs WHERE id = 1"), "stopped");
    // Every step has its loss, none twice.
    EXPECT_EQ(query("SELECT count(*) = count(DISTINCT step) AND count(*) = max(step) FROM metrics m "
                    "JOIN metric_names n ON n.id = m.name_id WHERE n.name = 'loss' AND run_id = 1"),
              "1");
    EXPECT_EQ(query("SELECT state || ' ' || row_count FROM datasets WHERE name = 'big'"),
              "complete 600000");
    EXPECT_EQ(query("SELECT count(*) FROM responses r JOIN datasets d ON d.id = r.dataset_id "
                    "WHERE d.name = 'big'"), "600000");
}

TEST_F(SeveralCommands, ATrainingRunWaitsOutAWriterThatHoldsTheWorkspaceForLong) {
    writeConfig("train.json", 100000);
    const int trainer = test::startLadderCli(m_dir.path(), {"train", "-w", "w.ladder", "--config",
                                                            "train.json"}, m_dir / "train.txt");
    test::KillAtExit killTrainer(trainer);
    ASSERT_TRUE(waitFor("SELECT last_step > 2 FROM runs WHERE id = 1"));
    {
        // Longer than SQLite's usual busy timeout of 5 s, with the write lock held throughout.
        store::Database db(m_dir / "w.ladder", store::OpenFlags{});
        db.exec("BEGIN IMMEDIATE");
        db.exec("INSERT INTO workspace_info(key, value) VALUES ('held', 'yes')");
        ::sleep(12);
        db.exec("COMMIT");
    }
    const std::string stepAfter = query("SELECT last_step FROM runs WHERE id = 1");
    EXPECT_TRUE(waitFor("SELECT last_step > " + stepAfter + " FROM runs WHERE id = 1"))
        << "step " << stepAfter << ", now " << query("SELECT last_step FROM runs WHERE id = 1")
        << "\n" << test::readFile(m_dir / "train.txt");
    EXPECT_EQ(query("SELECT status FROM runs WHERE id = 1"), "running")
        << test::readFile(m_dir / "train.txt") << query("SELECT message FROM runs WHERE id = 1");
    ::kill(trainer, SIGINT);
    EXPECT_EQ(test::waitForExit(trainer), 130) << test::readFile(m_dir / "train.txt");
    EXPECT_EQ(query("SELECT count(*) = count(DISTINCT step) AND count(*) = max(step) FROM metrics m "
                    "JOIN metric_names n ON n.id = m.name_id WHERE n.name = 'loss' AND run_id = 1"),
              "1");
}

TEST_F(SeveralCommands, AnImportKilledHalfWayIsRolledBackAndDoneOnceWhenRunAgain) {
    writeAnswers(m_dir / "big.jsonl", 400'000, "big");
    const std::string promptsBefore = query("SELECT count(*) FROM prompts");
    const int importer = test::startLadderCli(m_dir.path(), {"import", "-w", "w.ladder",
                                                             "big.jsonl"}, m_dir / "import.txt");
    test::KillAtExit killImporter(importer);
    ASSERT_TRUE(waitFor("SELECT coalesce(max(row_count), 0) > 0 FROM datasets WHERE "
                        "state = 'importing'"));
    ::kill(importer, SIGKILL);
    test::waitForExit(importer);
    // Half an import is nobody's answers: pairs are not built from it.
    EXPECT_EQ(query("SELECT count(*) FROM datasets WHERE state = 'importing'"), "1");
    const auto sources = run("sources -w w.ladder");
    EXPECT_NE(sources.output.find("big"), std::string::npos);

    const auto again = run("import -w w.ladder big.jsonl");
    ASSERT_EQ(again.exitCode, 0) << again.output;
    EXPECT_EQ(query("SELECT count(*) FROM datasets WHERE name LIKE 'big%'"), "1");
    EXPECT_EQ(query("SELECT count(*) FROM responses r JOIN sources s ON s.id = r.source_id "
                    "WHERE s.name = 'big'"), "400000");
    EXPECT_EQ(query("SELECT count(*) FROM prompts"),
              std::to_string(std::stoll(promptsBefore) + 400'000));
    EXPECT_EQ(query("PRAGMA integrity_check"), "ok");
}

TEST_F(SeveralCommands, TheSameFileImportedTwiceAtOnceIsImportedOnce) {
    writeAnswers(m_dir / "a.jsonl", 150'000, "a");
    const int first = test::startLadderCli(m_dir.path(), {"import", "-w", "w.ladder", "a.jsonl"},
                                           m_dir / "first.txt");
    test::KillAtExit killFirst(first);
    const int second = test::startLadderCli(m_dir.path(), {"import", "-w", "w.ladder", "a.jsonl"},
                                            m_dir / "second.txt");
    test::KillAtExit killSecond(second);
    const int a = test::waitForExit(first);
    const int b = test::waitForExit(second);
    const std::string both = test::readFile(m_dir / "first.txt") + test::readFile(m_dir / "second.txt");
    EXPECT_EQ(both.find("UNIQUE constraint"), std::string::npos) << both;
    EXPECT_TRUE(a == 0 || b == 0) << both;
    if (a != 0 || b != 0) {
        EXPECT_NE(both.find("is being imported"), std::string::npos) << both;
    }
    EXPECT_EQ(query("SELECT count(*) FROM datasets WHERE state = 'complete' AND name LIKE 'a%'"), "1");
    EXPECT_EQ(query("SELECT count(*) FROM responses r JOIN sources s ON s.id = r.source_id "
                    "WHERE s.name = 'a'"), "150000");
}

TEST_F(SeveralCommands, PairsAreNotRebuiltAndTheWorkspaceNotReplacedUnderARun) {
    writeConfig("train.json", 100000);
    const int trainer = test::startLadderCli(m_dir.path(), {"train", "-w", "w.ladder", "--config",
                                                            "train.json"}, m_dir / "train.txt");
    test::KillAtExit killTrainer(trainer);
    ASSERT_TRUE(waitFor("SELECT last_step > 1 FROM runs WHERE id = 1"));
    const std::string pairsBefore = query("SELECT group_concat(id) FROM pairs");

    auto r = run("pairs build -w w.ladder --ladder demo");
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("is training on the pairs of ladder demo"), std::string::npos) << r.output;
    EXPECT_EQ(query("SELECT group_concat(id) FROM pairs"), pairsBefore);

    r = run("init --overwrite w.ladder");
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("is open in a Ladder window or a ladder-cli command"), std::string::npos)
        << r.output;

    ::kill(trainer, SIGINT);
    EXPECT_EQ(test::waitForExit(trainer), 130) << test::readFile(m_dir / "train.txt");
    EXPECT_EQ(query("SELECT status FROM runs WHERE id = 1"), "stopped");
    // Once the run has stopped, both go ahead.
    r = run("pairs build -w w.ladder --ladder demo");
    EXPECT_EQ(r.exitCode, 0) << r.output;
}

TEST_F(SeveralCommands, ExportsNeverWriteOverTheWorkspaceOrAnotherDatabase) {
    const std::string before = query("SELECT count(*) FROM pairs");
    for (const char* args : {"pairs export -w w.ladder --ladder demo --out w.ladder",
                             "pairs export -w w.ladder --ladder demo --out w.ladder --force",
                             "pairs export -w w.ladder --ladder demo --out w.ladder-wal"}) {
        const auto r = run(args);
        EXPECT_NE(r.exitCode, 0) << args << "\n" << r.output;
        EXPECT_NE(r.output.find("will not write"), std::string::npos) << r.output;
    }
    ASSERT_EQ(run("init other.ladder").exitCode, 0);
    auto r = run("pairs export -w w.ladder --ladder demo --out other.ladder");
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("--force"), std::string::npos) << r.output;
    r = run("export-outputs -w w.ladder --source strong --out w.ladder");
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_EQ(query("SELECT count(*) FROM pairs"), before);
    EXPECT_EQ(query("PRAGMA integrity_check"), "ok");
    r = run("pairs export -w w.ladder --ladder demo --out other.ladder --force");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    r = run("pairs export -w w.ladder --ladder demo --out pairs.jsonl");
    EXPECT_EQ(r.exitCode, 0) << r.output;
}

TEST_F(SeveralCommands, TheWorkspaceIsNoImportFile) {
    const auto r = run("import -w w.ladder w.ladder");
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("is the workspace itself"), std::string::npos) << r.output;
    const auto wal = run("import -w w.ladder w.ladder-wal");
    EXPECT_NE(wal.exitCode, 0) << wal.output;
    EXPECT_EQ(query("PRAGMA integrity_check"), "ok");
}

TEST_F(SeveralCommands, ASecondTrainingTakesTheCoresTheFirstLeavesAndSaysSo) {
    // Runs elsewhere on the machine (other tests beside this one) count too: these two processes
    // get a claims folder of their own.
    const fs::path runtime = m_dir / "runtime";
    ASSERT_EQ(::mkdir(runtime.c_str(), 0700), 0);
    ::setenv("XDG_RUNTIME_DIR", runtime.c_str(), 1);
    writeConfig("first.json", 100000);
    writeConfig("second.json", 3);
    const int first = test::startLadderCli(m_dir.path(), {"train", "-w", "w.ladder", "--config",
                                                          "first.json"}, m_dir / "first.txt");
    test::KillAtExit killFirst(first);
    ASSERT_TRUE(waitFor("SELECT last_step > 0 FROM runs WHERE id = 1"));
    const auto second = run("train -w w.ladder --config second.json");
    ::kill(first, SIGINT);
    test::waitForExit(first);
    ASSERT_EQ(second.exitCode, 0) << second.output;
    const int cores = std::stoi(query("SELECT json_extract(config_json, '$.threads') FROM runs "
                                      "WHERE id = 1"));
    EXPECT_GE(cores, 1);  // the first took every core there is
    EXPECT_NE(second.output.find("1 other Ladder run on this machine uses " + std::to_string(cores)),
              std::string::npos) << second.output;
    EXPECT_EQ(query("SELECT json_extract(config_json, '$.threads') FROM runs WHERE id = 2"), "1");
}

}  // namespace
}  // namespace ladder
