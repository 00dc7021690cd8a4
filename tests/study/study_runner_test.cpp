// The study runner on a real demo workspace with the tiny model: parents before their runs, a study
// stopped mid-run and killed mid-run continues without training any point twice, a failed parent
// skips its runs, and `ladder-cli study run / show` print and write the table.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "core/demo/demo_workspace.h"
#include "core/store/owner_lock.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/study/study_runner.h"
#include "core/study/study_store.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_run.h"

namespace ladder::study {
namespace {

using nlohmann::json;

json tinyStudy(int steps) {
    return test::tinyStudyJson(steps);
}

class StudyRunnerTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_path = m_dir / "demo.ladder";
        demo::initWorkspace(m_path, {.prompts = 120, .seed = 5});
    }

    StudyOutcome run(const StudySpec& spec,
                     const std::function<bool(const StudyEvent&)>& stopWhen = {}) {
        std::atomic<bool> stop{false};
        return runStudy(
            m_path.string(), spec, {},
            [&](const StudyEvent& e) {
                m_events.push_back(e.kind);
                if (e.kind == StudyEventKind::RunStarted) {
                    m_started.push_back(e.point->key +
                                        (e.message == "resumed" ? " (resumed)" : ""));
                }
                if (stopWhen && stopWhen(e)) stop = true;
            },
            stop);
    }

    // Point key -> run, and every run of the workspace (id -> status).
    std::map<std::string, std::int64_t> links(const std::string& study) {
        auto ws = store::Workspace::open(m_path);
        StudyStore studies(ws.db());
        return studies.runs(studies.find(study)->id);
    }
    std::map<std::int64_t, store::RunStatus> runs() {
        auto ws = store::Workspace::open(m_path);
        std::map<std::int64_t, store::RunStatus> all;
        for (const auto& r : store::RunStore(ws.db()).list()) all[r.id] = r.status;
        return all;
    }

    test::TempDir m_dir;
    std::filesystem::path m_path;
    std::vector<StudyEventKind> m_events;
    std::vector<std::string> m_started;
};

TEST_F(StudyRunnerTest, ParentsFirstEachRunFromItsSeedsParentAndNothingTrainedTwice) {
    const auto spec = parseStudy(tinyStudy(4), {});
    const auto outcome = run(spec);
    EXPECT_EQ(outcome.finished, 6);
    EXPECT_EQ(outcome.failed, 0);
    EXPECT_FALSE(outcome.stopped);
    EXPECT_EQ(m_started, (std::vector<std::string>{"parent;seed=1", "parent;seed=2",
                                                   "variant=dpo;seed=1", "variant=ipo;seed=1",
                                                   "variant=dpo;seed=2", "variant=ipo;seed=2"}));
    const auto linked = links("tiny study");
    ASSERT_EQ(linked.size(), 6u);
    auto ws = store::Workspace::open(m_path);
    store::RunStore store(ws.db());
    for (const auto& point : spec.points) {
        const auto r = store.get(linked.at(point.key));
        EXPECT_EQ(r.status, store::RunStatus::Finished) << point.key;
        EXPECT_EQ(r.name, point.config.name);
        EXPECT_EQ(r.seed, point.config.seed);
        if (!point.isParent) {
            ASSERT_TRUE(r.parentRunId) << point.key;
            EXPECT_EQ(*r.parentRunId, linked.at(point.parentKey)) << point.key;
        }
    }
    m_started.clear();
    const auto again = run(spec);
    EXPECT_EQ(again.finished, 6);
    EXPECT_TRUE(m_started.empty());
    EXPECT_EQ(runs().size(), 6u);
}

TEST_F(StudyRunnerTest, StoppedMidRunItContinuesThatRunAndAKilledStudysRunIsAdopted) {
    auto file = tinyStudy(6);
    file["variants"][0]["set"] = {{"max_steps", 300}};  // long enough to be stopped mid-run
    const auto spec = parseStudy(file, {});
    // Stop during the third point (dpo, seed 1) once its step 3 is reported.
    const auto first = run(spec, [](const StudyEvent& e) {
        return e.kind == StudyEventKind::Training && e.point->key == "variant=dpo;seed=1" &&
               e.training->kind == train::EventKind::Step && e.training->step == 3;
    });
    EXPECT_TRUE(first.stopped);
    EXPECT_EQ(first.finished, 2);
    const auto stoppedRun = links("tiny study").at("variant=dpo;seed=1");
    EXPECT_EQ(runs().at(stoppedRun), store::RunStatus::Stopped);

    // A study killed between making a run and recording it leaves the run unlinked: drop the link
    // to stand for that, and the next session adopts the run by its name instead of a new one.
    {
        auto ws = store::Workspace::open(m_path);
        ws.db().prepare("DELETE FROM study_runs WHERE run_id = ?").bind(1, stoppedRun).run();
    }
    m_started.clear();
    const auto second = run(spec);
    EXPECT_FALSE(second.stopped);
    EXPECT_EQ(second.finished, 6);
    ASSERT_FALSE(m_started.empty());
    EXPECT_EQ(m_started.front(), "variant=dpo;seed=1 (resumed)");
    EXPECT_EQ(links("tiny study").at("variant=dpo;seed=1"), stoppedRun);
    const auto all = runs();
    EXPECT_EQ(all.size(), 6u);  // one run per point, none twice
    for (const auto& [id, status] : all) EXPECT_EQ(status, store::RunStatus::Finished) << id;
}

TEST_F(StudyRunnerTest, ARunWhoseParentWasDeletedIsTrainedAgainFromTheNewParent) {
    auto file = tinyStudy(2);
    file["grid"]["seed"] = {1};
    const auto spec = parseStudy(file, {});
    ASSERT_EQ(run(spec).finished, 3);
    const auto before = links("tiny study");
    {
        auto ws = store::Workspace::open(m_path);
        store::RunStore(ws.db()).remove(before.at("parent;seed=1"));
    }
    m_started.clear();
    const auto again = run(spec);
    EXPECT_EQ(again.finished, 3);
    EXPECT_EQ(m_started, (std::vector<std::string>{"parent;seed=1", "variant=dpo;seed=1",
                                                   "variant=ipo;seed=1"}));
    const auto after = links("tiny study");
    auto ws = store::Workspace::open(m_path);
    store::RunStore store(ws.db());
    for (const char* child : {"variant=dpo;seed=1", "variant=ipo;seed=1"}) {
        EXPECT_NE(after.at(child), before.at(child));
        EXPECT_EQ(store.get(after.at(child)).parentRunId, after.at("parent;seed=1"));
    }
}

TEST_F(StudyRunnerTest, TwoRunsAtATimeTrainEveryPointOnceAndOneRunnerPerStudy) {
    auto spec = parseStudy(tinyStudy(3), {});
    spec.parallel = 2;
    // Another runner of the same study (its lock held) is refused before anything runs.
    {
        auto ws = store::Workspace::open(m_path);
        const auto id = StudyStore(ws.db()).open(spec);
        const auto held = store::OwnerLock::tryAcquire(studyLockFile(m_path, id));
        ASSERT_TRUE(held.held());
        EXPECT_NE(test::errorOf([&] { (void)run(spec); }).find("being run by another process"),
                  std::string::npos);
    }
    const auto outcome = run(spec);
    EXPECT_EQ(outcome.finished, 6);
    EXPECT_EQ(links("tiny study").size(), 6u);
    EXPECT_EQ(runs().size(), 6u);
}

TEST_F(StudyRunnerTest, RunsOnDifferentTiersAreJudgedOnTheSamePrompts) {
    // A win rate compares runs only when they answer the same prompts: the held-out prompts of
    // the ladder, not those of the tiers a run trains on.
    auto file = tinyStudy(2);
    file["grid"]["seed"] = {1};
    file["set"] = {{"win_rate",
                    {{"every", 0},
                     {"prompts", 500},
                     {"judge", "demo"},
                     {"reference", "medium"},
                     {"max_new_tokens", 4}}}};
    file["variants"] = {{{"name", "all"}},
                        {{"name", "strong>medium"}, {"set", {{"data.tiers", {"strong>medium"}}}}}};
    const auto spec = parseStudy(file, {});
    ASSERT_EQ(run(spec).finished, 3);
    const auto linked = links("tiny study");
    auto ws = store::Workspace::open(m_path);
    auto prompts = [&](const std::string& point) {
        std::vector<std::int64_t> ids;
        auto q =
            ws.db().prepare("SELECT prompt_id FROM samples WHERE run_id = ? ORDER BY prompt_id");
        q.bind(1, linked.at(point));
        while (q.step()) ids.push_back(q.int64(0));
        return ids;
    };
    const auto all = prompts("variant=all;seed=1");
    EXPECT_GT(all.size(), 5u);
    EXPECT_EQ(prompts("variant=strong>medium;seed=1"), all);
    EXPECT_EQ(prompts("parent;seed=1"), all);
}

TEST_F(StudyRunnerTest, AFailedParentSkipsItsRunsAndTheOthersGoOn) {
    auto file = tinyStudy(2);
    file["grid"]["seed"] = {1, 2};
    file["parent"]["data"]["tiers"] = {"nobody>nothing"};  // fails when the parent starts
    const auto spec = parseStudy(file, {});
    const auto outcome = run(spec);
    EXPECT_EQ(outcome.failed, 2);
    EXPECT_EQ(outcome.skipped, 4);
    EXPECT_EQ(outcome.finished, 0);
}

TEST(LadderCliStudy, RunsTheStudyPrintsTheTableAndShowsItAgainAsCsv) {
    test::TempDir dir;
    ASSERT_EQ(
        test::runLadderCli(dir.path(), "demo init demo.ladder --prompts 120 --seed 5").exitCode, 0);
    auto file = tinyStudy(3);
    file["metrics"] = {"eval/rewards/accuracies", "eval/loss"};
    test::writeFile(dir / "study.json", file.dump());
    auto r = test::runLadderCli(dir.path(), "study run study.json -w demo.ladder --plan");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("study 'tiny study': 6 runs, 1 at a time"), std::string::npos)
        << r.output;
    r = test::runLadderCli(dir.path(), "-q study run study.json -w demo.ladder");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("6 of 6 runs finished"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\nparent  2/2"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\nipo     2/2"), std::string::npos) << r.output;
    r = test::runLadderCli(dir.path(), "study show -w demo.ladder --csv table.csv");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const std::string csv = test::readFile(dir / "table.csv");
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "group,runs,finished,eval/rewards/accuracies mean,eval/rewards/accuracies stderr,"
              "eval/rewards/accuracies n,eval/loss mean,eval/loss stderr,eval/loss n");
    EXPECT_NE(csv.find("\ndpo,2,2,"), std::string::npos) << csv;
    r = test::runLadderCli(dir.path(), "study show nosuch -w demo.ladder");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("no study 'nosuch'"), std::string::npos) << r.output;
}

TEST(LadderCliStudy, KilledMidRunTheSameCommandContinuesIt) {
    test::TempDir dir;
    ASSERT_EQ(
        test::runLadderCli(dir.path(), "demo init demo.ladder --prompts 120 --seed 5").exitCode, 0);
    auto file = tinyStudy(1000);  // long enough to be killed in its first run
    file["grid"]["seed"] = {1};
    file["variants"] = {{{"name", "dpo"}}};
    file["base"]["max_steps"] = 4;
    test::writeFile(dir / "study.json", file.dump());
    const int pid = test::startLadderCli(
        dir.path(), {"study", "run", "study.json", "-w", "demo.ladder"}, dir / "first.log");
    ASSERT_GT(pid, 0);
    test::KillAtExit guard(pid);
    // Killed once the parent has a checkpoint (or is writing one).
    const auto folder = dir / "demo.checkpoints/run-1";
    auto hasCheckpoint = [&] {
        std::error_code ec;
        return std::filesystem::exists(folder, ec) && !std::filesystem::is_empty(folder, ec);
    };
    for (int i = 0; i < 1200 && !hasCheckpoint(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(hasCheckpoint()) << test::readFile(dir / "first.log");
    ::kill(pid, SIGKILL);
    EXPECT_EQ(test::waitForExit(pid), -1);
    const auto r = test::runLadderCli(dir.path(), "-q study run study.json -w demo.ladder");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("parent, seed 1: run 1 resumed"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("2 of 2 runs finished"), std::string::npos) << r.output;
    auto ws = store::Workspace::open(dir / "demo.ladder");
    EXPECT_EQ(store::RunStore(ws.db()).list().size(), 2u);  // the parent resumed, not trained anew
}

}  // namespace
}  // namespace ladder::study
