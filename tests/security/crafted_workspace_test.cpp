// Crafted workspaces: checkpoint rows that name folders outside the workspace (a leftover row of a
// missing run, an absolute path, ".", a symlink out), and a stored run config whose judge runs a
// program. Ladder must delete nothing outside its own checkpoint folders and run nothing it was
// not told to run on this machine.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/store/checkpoint_paths.h"
#include "core/store/database.h"
#include "core/store/run_cleanup.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder {
namespace {
namespace fs = std::filesystem;

// What an attacker's sqlite3 shell does: foreign keys off, any row.
void craft(const fs::path& file, const std::string& sql) {
    store::Database db(file, store::OpenFlags{});
    db.exec("PRAGMA foreign_keys = OFF");
    db.exec(sql);
}

class CraftedWorkspace : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(run("demo init w.ladder --prompts 200").exitCode, 0);
        m_victim = m_dir / "victim";
        test::writeFile(m_victim / "precious.txt", "keep me");
        test::writeFile(m_dir / "sft.json", R"({
          "name": "sft", "method": "sft", "model": {"kind": "tiny"}, "template": "chatml",
          "data": {"ladder": "demo", "curriculum": "uniform", "max_length": 64,
                   "max_prompt_length": 48},
          "optimizer": {"lr": 0.002}, "schedule": {"warmup_steps": 1}, "batch_size": 2,
          "max_steps": 6, "checkpoint": {"every": 1, "keep": 1}, "threads": 1, "seed": 0})");
    }
    test::CommandResult run(const std::string& args) {
        return test::runLadderCli(m_dir.path(), args);
    }
    bool victimIntact() const {
        return fs::exists(m_victim / "precious.txt") &&
               test::readFile(m_victim / "precious.txt") == "keep me";
    }

    test::TempDir m_dir;
    fs::path m_victim;
};

TEST_F(CraftedWorkspace, ALeftoverCheckpointRowOfAMissingRunDeletesNothingOutside) {
    craft(m_dir / "w.ladder",
          "INSERT INTO checkpoints(run_id, step, path, kind, created_at) VALUES (1, 1, '" +
              m_victim.string() + "', 'periodic', 'x')");
    const auto r = run("train -w w.ladder --config sft.json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(victimIntact()) << r.output;
}

TEST_F(CraftedWorkspace, ResumingARunWithACraftedCheckpointPathDeletesNothingOutside) {
    auto r = run("train -w w.ladder --config sft.json --steps 3");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    // Make it a stopped run with an older "periodic" checkpoint that names the victim.
    craft(m_dir / "w.ladder",
          "UPDATE runs SET status = 'stopped', total_steps = 6 WHERE id = 1;"
          "UPDATE runs SET config_json = json_set(config_json, '$.max_steps', 6) WHERE id = 1;"
          "UPDATE checkpoints SET kind = 'periodic' WHERE run_id = 1;"
          "INSERT INTO checkpoints(run_id, step, path, kind, created_at) VALUES (1, 0, '" +
              m_victim.string() + "', 'periodic', 'x');"
          "INSERT INTO checkpoints(run_id, step, path, kind, created_at) VALUES "
          "(1, -1, '../victim', 'periodic', 'x')");
    r = run("train -w w.ladder --resume 1");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(victimIntact()) << r.output;
}

TEST_F(CraftedWorkspace, DeletingARunRemovesOnlyItsOwnFolders) {
    auto r = run("train -w w.ladder --config sft.json --steps 2");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    r = run("train -w w.ladder --config sft.json --steps 2");  // run 2, its checkpoints beside 1's
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const fs::path root = m_dir / "w.checkpoints";
    ASSERT_TRUE(fs::exists(root / "run-2"));
    fs::create_directory_symlink(m_victim, root / "run-1" / "link");
    craft(m_dir / "w.ladder",
          "INSERT INTO checkpoints(run_id, step, path, kind, created_at) VALUES "
          "(1, 100, '.', 'periodic', 'x'), (1, 101, '', 'periodic', 'x'), "
          "(1, 102, 'run-1/link/precious.txt', 'periodic', 'x'), "
          "(1, 103, 'run-2', 'periodic', 'x'), (1, 104, 'run-1/..', 'periodic', 'x'), "
          "(1, 105, '" + m_victim.string() + "', 'periodic', 'x')");
    {
        // A relative workspace path, as `ladder-cli -w w.ladder` gives it.
        const fs::path before = fs::current_path();
        fs::current_path(m_dir.path());
        auto ws = store::Workspace::open("w.ladder");
        store::deleteRunAndCheckpoints(ws, 1);
        fs::current_path(before);
    }
    EXPECT_TRUE(victimIntact());
    EXPECT_FALSE(fs::exists(root / "run-1"));
    EXPECT_TRUE(fs::exists(root / "run-2"));
    EXPECT_FALSE(fs::is_empty(root / "run-2"));
    r = run("runs -w w.ladder");
    EXPECT_EQ(r.output.find("    1  "), std::string::npos) << r.output;

    // The same through an absolute workspace path (the window's): `.` and an empty path named the
    // whole checkpoints folder, with run 2's checkpoints in it.
    r = run("train -w w.ladder --config sft.json --steps 2");  // run 3
    ASSERT_EQ(r.exitCode, 0) << r.output;
    fs::create_directory_symlink(m_victim, root / "run-3" / "link");
    craft(m_dir / "w.ladder",
          "INSERT INTO checkpoints(run_id, step, path, kind, created_at) VALUES "
          "(3, 100, '.', 'periodic', 'x'), (3, 101, '', 'periodic', 'x'), "
          "(3, 102, 'run-3/link', 'periodic', 'x')");
    {
        auto ws = store::Workspace::open(fs::absolute(m_dir / "w.ladder"));
        store::deleteRunAndCheckpoints(ws, 3);
    }
    EXPECT_TRUE(victimIntact());
    EXPECT_FALSE(fs::exists(root / "run-3"));
    EXPECT_TRUE(fs::exists(root / "run-2"));
    EXPECT_FALSE(fs::is_empty(root / "run-2"));
}

TEST_F(CraftedWorkspace, OnlyPathsInsideTheRunsOwnFolderAreOwned) {
    const fs::path root = m_dir / "w.checkpoints";
    fs::create_directories(root / "run-3" / "step-5");
    fs::create_directories(root / "run-4");
    fs::create_directory_symlink(m_victim, root / "run-3" / "out");
    fs::create_directory_symlink(m_victim, root / "run-4" / "..link");
    const std::vector<std::string> bad = {"", ".", "..", "run-3", "run-3/", "run-3/..",
                                          "run-3/../run-4", "run-4/step-1", "run-3/out",
                                          "run-3/out/precious.txt", "/tmp", m_victim.string(),
                                          "./run-3/step-5"};
    for (const std::string& path : bad) {
        EXPECT_FALSE(store::ownedCheckpointFolder(root, 3, path).has_value()) << path;
    }
    EXPECT_EQ(store::ownedCheckpointFolder(root, 3, "run-3/step-5"),
              fs::canonical(root) / "run-3" / "step-5");
    EXPECT_FALSE(store::removeCheckpointFolder(root, 3, "run-3/out"));
    EXPECT_TRUE(victimIntact());
}

TEST_F(CraftedWorkspace, LeftoversOfAKilledTrainerGoButNothingElseInTheRunsFolder) {
    // What a trainer killed at the wrong moment leaves beside the checkpoints the workspace lists,
    // and what it never names so (a link, a file, other folders): only the first go.
    const fs::path run = m_dir / "w.checkpoints" / "run-3";
    for (const char* name : {"step-4", "step-6", "step-2", "step-8.partial", "step-2.removing"}) {
        test::writeFile(run / name / "model.safetensors", "x");
    }
    test::writeFile(run / "notes" / "mine.txt", "mine");
    test::writeFile(run / "step-10.txt", "not a folder");
    test::writeFile(run / "step-x" / "a", "not a step");
    fs::create_directory_symlink(m_victim, run / "step-12");
    EXPECT_EQ(store::removeUnlistedCheckpointFolders(m_dir / "w.checkpoints", 3,
                                                     {"run-3/step-4", "run-3/step-6"}),
              3);
    EXPECT_TRUE(fs::exists(run / "step-4" / "model.safetensors"));
    EXPECT_TRUE(fs::exists(run / "step-6" / "model.safetensors"));
    for (const char* gone : {"step-2", "step-8.partial", "step-2.removing"}) {
        EXPECT_FALSE(fs::exists(run / gone)) << gone;
    }
    EXPECT_TRUE(fs::exists(run / "notes" / "mine.txt"));
    EXPECT_TRUE(fs::exists(run / "step-10.txt"));
    EXPECT_TRUE(fs::exists(run / "step-x" / "a"));
    EXPECT_TRUE(fs::is_symlink(run / "step-12"));
    EXPECT_TRUE(victimIntact());
    // A run folder that is a link out is left alone altogether.
    fs::create_directory_symlink(m_victim, m_dir / "w.checkpoints" / "run-5");
    test::writeFile(m_victim / "step-1" / "f", "x");
    EXPECT_EQ(store::removeUnlistedCheckpointFolders(m_dir / "w.checkpoints", 5, {}), 0);
    EXPECT_TRUE(fs::exists(m_victim / "step-1" / "f"));
}

TEST_F(CraftedWorkspace, AStoredJudgeProgramRunsOnlyWhenTheUserAllowsIt) {
    auto r = run("train -w w.ladder --config sft.json --steps 3");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const fs::path marker = m_dir / "PWNED";
    craft(m_dir / "w.ladder",
          "UPDATE runs SET status = 'stopped', total_steps = 6, config_json = json_set(config_json, "
          "'$.max_steps', 6, '$.win_rate.reference', 'medium', '$.win_rate.judge', 'command', "
          "'$.win_rate.prompts', 2, '$.win_rate.max_new_tokens', 4, "
          "'$.win_rate.judge_options', json('{\"argv\": [\"/bin/sh\", \"-c\", \"touch " +
              marker.string() + "\"]}')) WHERE id = 1");
    r = run("train -w w.ladder --resume 1");
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_FALSE(fs::exists(marker)) << r.output;
    EXPECT_NE(r.output.find("/bin/sh -c 'touch " + marker.string() + "'"), std::string::npos)
        << r.output;
    {
        // Refused before it touched the run: still stopped, not failed.
        store::Database db(m_dir / "w.ladder", store::OpenFlags{.readOnly = true});
        EXPECT_EQ(db.queryText("SELECT status FROM runs WHERE id = 1").value_or(""), "stopped");
    }
    r = run("train -w w.ladder --resume 1 --no-win-rate");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_FALSE(fs::exists(marker)) << r.output;
}

TEST_F(CraftedWorkspace, TheUserCanAllowAJudgeProgramOnTheCommandLine) {
    const fs::path marker = m_dir / "judged";
    test::writeFile(m_dir / "judged.json", R"({
      "name": "sft", "method": "sft", "model": {"kind": "tiny"}, "template": "chatml",
      "data": {"ladder": "demo", "max_length": 64, "max_prompt_length": 48},
      "schedule": {"warmup_steps": 1}, "batch_size": 2, "max_steps": 2, "threads": 1,
      "win_rate": {"reference": "medium", "judge": "command", "prompts": 2, "max_new_tokens": 4,
                   "judge_options": {"argv": ["/bin/sh", "-c", "touch )" + marker.string() +
                                   R"("]}}})");
    auto r = run("train -w w.ladder --config judged.json");
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_FALSE(fs::exists(marker));
    r = run("train -w w.ladder --config judged.json --allow-judge-program");
    EXPECT_TRUE(fs::exists(marker)) << r.output;  // it ran (and, being no judge, failed to judge)
    EXPECT_NE(r.output.find("allowed by --allow-judge-program"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ladder
