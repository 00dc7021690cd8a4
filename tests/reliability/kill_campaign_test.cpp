// The SIGKILL campaign: ladder-cli is killed at random moments during an import, a pairs build,
// training (at any moment, inside a checkpoint write, inside the reference-cache pass) and answer
// generation (eval, and generate-source's new source). After each kill the workspace must pass PRAGMA integrity_check, hold every row
// that was committed (an import's file whole or not at all, the pairs before or after the build,
// the losses of the steps trained so far exactly as an uninterrupted run wrote them), show no
// half-written checkpoint, and the same command (or --resume) must finish with the results of an
// uninterrupted run: the same rows, the same losses step for step, the same answers.
// Rounds per kind: LADDER_KILL_ROUNDS (default 2 here; scripts/kill-campaign.sh runs 20), the
// moments drawn from LADDER_KILL_SEED (default: the clock; printed, so a failure can be replayed).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/common/paths.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int rounds() {
    const char* v = std::getenv("LADDER_KILL_ROUNDS");
    return v && std::atoi(v) > 0 ? std::atoi(v) : 2;
}

std::mt19937& rng() {
    static std::mt19937 generator = [] {
        const char* v = std::getenv("LADDER_KILL_SEED");
        const auto seed = v ? static_cast<unsigned>(std::strtoul(v, nullptr, 10))
                            : static_cast<unsigned>(Clock::now().time_since_epoch().count());
        std::printf("kill campaign: LADDER_KILL_SEED=%u\n", seed);
        return std::mt19937(seed);
    }();
    return generator;
}

double uniform(double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(rng());
}

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// `args` as one command line, the workspace `placeholder` replaced by `file`.
std::string commandLine(const std::vector<std::string>& args, const std::string& placeholder,
                        const std::string& file) {
    std::string s;
    for (const auto& a : args) s += (a == placeholder ? file : a) + ' ';
    return s;
}

// Kills the child with SIGKILL and reaps it; false when it had already ended on its own.
bool killNow(int pid) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Kills the child at a moment drawn uniformly from 5% to 100% of `seconds` (an uninterrupted
// run's time); false when it had ended by then.
bool killAtRandomMoment(int pid, double seconds) {
    std::this_thread::sleep_for(std::chrono::duration<double>(uniform(0.05, 1.0) * seconds));
    return killNow(pid);
}

bool running(int pid) {
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == 0;
}

// One query's rows, every column joined, in the order the query gives: what two workspaces are
// compared by.
std::string rows(const fs::path& file, const std::string& sql) {
    auto ws = store::Workspace::open(file, {.readOnly = true});
    auto st = ws.db().prepare(sql);
    std::string out;
    while (st.step()) {
        for (int c = 0; c < st.columnCount(); ++c) out += st.isNull(c) ? "NULL" : st.text(c), out += '|';
        out += '\n';
    }
    return out;
}

std::int64_t count(const fs::path& file, const std::string& sql) {
    auto ws = store::Workspace::open(file, {.readOnly = true});
    return ws.db().queryInt64(sql);
}

void expectIntact(const fs::path& file) {
    auto ws = store::Workspace::open(file, {.readOnly = true});
    EXPECT_EQ(ws.db().queryText("PRAGMA integrity_check").value_or(""), "ok") << file;
    EXPECT_EQ(ws.db().queryText("PRAGMA foreign_key_check").value_or(""), "") << file;
}

// step -> loss of run 1, as the workspace holds them.
std::map<std::int64_t, double> losses(const fs::path& file) {
    auto ws = store::Workspace::open(file, {.readOnly = true});
    auto st = ws.db().prepare(
        "SELECT m.step, m.value FROM metrics m JOIN metric_names n ON n.id = m.name_id "
        "WHERE m.run_id = 1 AND n.name = 'loss' ORDER BY m.step");
    std::map<std::int64_t, double> out;
    while (st.step()) out[st.int64(0)] = st.real(1);
    return out;
}

class KillCampaign : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new test::TempDir;
        const fs::path& d = s_dir->path();
        ASSERT_EQ(test::runLadderCli(d, "demo init base.ladder --prompts 120").exitCode, 0);
        // Answers of three sources to 6,000 prompts of our own: an import of a few seconds.
        std::ofstream out(d / "answers.jsonl");
        for (int p = 0; p < 6000; ++p) {
            for (const char* model : {"big", "mid", "small"}) {
                std::string answer;
                for (int w = 0; w < 40; ++w) answer += "word" + std::to_string((p * 7 + w) % 97) + ' ';
                out << R"({"instruction": "Question number )" << p << R"( about things", "output": ")"
                    << model << ": " << answer << R"(", "model": ")" << model << "\"}\n";
            }
        }
        out.close();
        test::writeFile(d / "dpo.json", R"({
          "name": "killed", "method": "dpo", "model": {"kind": "tiny"}, "template": "chatml",
          "threads": 1, "reference": "cache", "seed": 0,
          "data": {"ladder": "demo", "curriculum": "uniform", "max_length": 64, "max_prompt_length": 48},
          "optimizer": {"lr": 0.001}, "schedule": {"warmup_steps": 2}, "batch_size": 4,
          "max_steps": 16, "checkpoint": {"every": 2, "keep": 2}})");
    }
    static void TearDownTestSuite() {
        delete s_dir;
        s_dir = nullptr;
    }

    static const fs::path& dir() { return s_dir->path(); }

    // A fresh copy of `from` named `name`.
    static fs::path copyOf(const std::string& from, const std::string& name) {
        EXPECT_FALSE(fs::exists(dir() / (from + "-wal")) && fs::file_size(dir() / (from + "-wal")) > 0);
        fs::remove(dir() / name);
        paths::removeTree(dir() / (fs::path(name).stem().string() + ".checkpoints"));
        fs::copy_file(dir() / from, dir() / name);
        if (fs::exists(dir() / (fs::path(from).stem().string() + ".checkpoints"))) {
            fs::copy(dir() / (fs::path(from).stem().string() + ".checkpoints"),
                     dir() / (fs::path(name).stem().string() + ".checkpoints"),
                     fs::copy_options::recursive);
        }
        return dir() / name;
    }

    static int start(const std::vector<std::string>& arguments, const std::string& log) {
        const int pid = test::startLadderCli(dir(), arguments, dir() / log);
        EXPECT_GT(pid, 0);
        return pid;
    }

    static test::TempDir* s_dir;
};
test::TempDir* KillCampaign::s_dir = nullptr;

TEST_F(KillCampaign, ImportIsWholeOrAbsentAndTheSameCommandFinishesIt) {
    // What readers see: answers of complete datasets (an import commits in chunks; its dataset is
    // 'importing', and left out, until the last one).
    const std::string kAnswers =
        "SELECT r.prompt_id, s.name, r.text FROM responses r JOIN sources s ON s.id = r.source_id "
        "LEFT JOIN datasets d ON d.id = r.dataset_id WHERE d.state IS NULL OR d.state = 'complete' "
        "ORDER BY r.prompt_id, s.name, r.id";
    // Uninterrupted, timed.
    copyOf("base.ladder", "import-ref.ladder");
    const auto t0 = Clock::now();
    const auto ref = test::runLadderCli(dir(), "import -w import-ref.ladder answers.jsonl");
    const double seconds = secondsSince(t0);
    ASSERT_EQ(ref.exitCode, 0) << ref.output;
    const std::string expected = rows(dir() / "import-ref.ladder", kAnswers);
    const std::string before = rows(dir() / "base.ladder", kAnswers);
    std::printf("import: %.2f s uninterrupted\n", seconds);

    int killed = 0;
    int whole = 0;
    int partial = 0;  // killed between chunks: an 'importing' dataset with some rows
    for (int round = 0; round < rounds(); ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        const fs::path file = copyOf("base.ladder", "import.ladder");
        const int pid = start({"import", "-w", "import.ladder", "answers.jsonl"}, "import.txt");
        test::KillAtExit guard(pid);
        killed += killAtRandomMoment(pid, seconds);
        expectIntact(file);
        const std::string after = rows(file, kAnswers);
        // All of the file or none of it, and what was there before stays.
        EXPECT_TRUE(after == before || after == expected) << test::readFile(dir() / "import.txt");
        whole += after == expected;
        partial += count(file, "SELECT count(*) FROM datasets WHERE state = 'importing'") > 0;
        const auto again = test::runLadderCli(dir(), "import -w import.ladder answers.jsonl");
        ASSERT_EQ(again.exitCode, 0) << again.output;
        EXPECT_EQ(rows(file, kAnswers), expected);  // no answer twice, none lost
        const auto third = test::runLadderCli(dir(), "import -w import.ladder answers.jsonl");
        EXPECT_EQ(rows(file, kAnswers), expected) << third.output;
    }
    std::printf("import: %d of %d rounds killed mid-way (%d between chunks, %d after the last)\n",
                killed, rounds(), partial, whole);
}

TEST_F(KillCampaign, PairsBuildLeavesTheOldPairsOrTheNewAndARerunBuildsTheSame) {
    // A workspace with the imported answers and a ladder over them (pairs not yet built).
    const fs::path ready = copyOf("base.ladder", "pairs-base.ladder");
    ASSERT_EQ(test::runLadderCli(dir(), "import -w pairs-base.ladder answers.jsonl").exitCode, 0);
    ASSERT_EQ(test::runLadderCli(dir(), "ladder set -w pairs-base.ladder big big mid small").exitCode, 0)
        << test::runLadderCli(dir(), "ladder set --help").output;
    const std::string kPairs =
        "SELECT p.prompt_id, p.chosen_id, p.rejected_id, p.tier, p.split FROM pairs p "
        "JOIN ladders l ON l.id = p.ladder_id WHERE l.name = 'big' ORDER BY p.prompt_id, p.tier";
    const std::string before = rows(ready, kPairs);
    copyOf("pairs-base.ladder", "pairs-ref.ladder");
    const auto t0 = Clock::now();
    const auto ref = test::runLadderCli(dir(), "pairs build -w pairs-ref.ladder --ladder big");
    const double seconds = secondsSince(t0);
    ASSERT_EQ(ref.exitCode, 0) << ref.output;
    const std::string expected = rows(dir() / "pairs-ref.ladder", kPairs);
    ASSERT_NE(expected, before);
    std::printf("pairs build: %.2f s uninterrupted\n", seconds);

    int killed = 0;
    for (int round = 0; round < rounds(); ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        const fs::path file = copyOf("pairs-base.ladder", "pairs.ladder");
        const int pid = start({"pairs", "build", "-w", "pairs.ladder", "--ladder", "big"}, "pairs.txt");
        test::KillAtExit guard(pid);
        killed += killAtRandomMoment(pid, seconds);
        expectIntact(file);
        const std::string after = rows(file, kPairs);
        EXPECT_TRUE(after == before || after == expected) << test::readFile(dir() / "pairs.txt");
        const auto again = test::runLadderCli(dir(), "pairs build -w pairs.ladder --ladder big");
        ASSERT_EQ(again.exitCode, 0) << again.output;
        EXPECT_EQ(rows(file, kPairs), expected);
    }
    std::printf("pairs build: %d of %d rounds killed mid-way\n", killed, rounds());
}

// Training: where the kill lands.
enum class Moment { Anywhere, InCheckpointWrite, InReferencePass };

class KillTraining : public KillCampaign, public ::testing::WithParamInterface<Moment> {
protected:
    static void SetUpTestSuite() {
        KillCampaign::SetUpTestSuite();
        s_passStart = s_passEnd = -1;
        copyOf("base.ladder", "train-ref.ladder");
        const int pid = start({"train", "-w", "train-ref.ladder", "--config", "dpo.json"}, "train-ref.txt");
        const auto t0 = Clock::now();
        // Watch the log for the reference pass's start and the first step's end.
        while (running(pid)) {
            const std::string log = test::readFile(dir() / "train-ref.txt");
            const double now = secondsSince(t0);
            if (s_passStart < 0 && log.find("reference log-probs") != std::string::npos) s_passStart = now;
            if (s_passEnd < 0 && log.find("step 1/") != std::string::npos) s_passEnd = now;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        s_seconds = secondsSince(t0);
        s_losses = losses(dir() / "train-ref.ladder");
        std::printf("training: %.2f s uninterrupted, reference pass from %.2f s to %.2f s\n",
                    s_seconds, s_passStart, s_passEnd);
    }

    static inline double s_seconds = 0;
    static inline double s_passStart = -1;
    static inline double s_passEnd = -1;
    static inline std::map<std::int64_t, double> s_losses;
};

// Waits for `count` checkpoint writes to begin (a step-N.partial folder) and kills the trainer
// inside the last; false when the run ended first.
bool killInsideCheckpointWrite(int pid, const fs::path& folder, int count) {
    std::set<std::string> seen;
    while (running(pid)) {
        std::error_code ec;
        for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (name.size() > 8 && name.ends_with(".partial") && seen.insert(name).second &&
                static_cast<int>(seen.size()) == count) {
                std::this_thread::sleep_for(std::chrono::microseconds(
                    static_cast<int>(uniform(0, 2000))));
                return killNow(pid);
            }
        }
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return false;
}

TEST_P(KillTraining, ResumedRunHasTheLossesOfAnUninterruptedOne) {
    ASSERT_EQ(s_losses.size(), 16u);
    ASSERT_GT(s_passStart, 0);
    ASSERT_GT(s_passEnd, s_passStart);
    const fs::path checkpoints = dir() / "train.checkpoints" / "run-1";
    int hits = 0;
    int beforeRun = 0;  // rounds killed before the run's row was committed
    int afterEnd = 0;   // rounds killed after the run was marked finished
    for (int round = 0; round < rounds(); ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        const fs::path file = copyOf("base.ladder", "train.ladder");
        const int pid = start({"train", "-w", "train.ladder", "--config", "dpo.json"}, "train.txt");
        test::KillAtExit guard(pid);
        bool hit = false;
        std::int64_t cachedAtKill = -1;
        switch (GetParam()) {
            case Moment::Anywhere:
                hit = killAtRandomMoment(pid, s_seconds);
                break;
            case Moment::InCheckpointWrite:
                hit = killInsideCheckpointWrite(pid, checkpoints, 1 + static_cast<int>(uniform(0, 8)));
                break;
            case Moment::InReferencePass: {
                while (running(pid) &&
                       test::readFile(dir() / "train.txt").find("reference log-probs") == std::string::npos) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
                std::this_thread::sleep_for(
                    std::chrono::duration<double>(uniform(0, 0.8) * (s_passEnd - s_passStart)));
                const bool stepped = test::readFile(dir() / "train.txt").find("step 1/") != std::string::npos;
                hit = killNow(pid) && !stepped;
                cachedAtKill = count(file, "SELECT count(*) FROM ref_logps");
                break;
            }
        }
        hits += hit;
        expectIntact(file);
        // What was committed is what an uninterrupted run wrote, steps 1..k with none missing.
        const auto partial = losses(file);
        std::int64_t expectedStep = 1;
        for (const auto& [step, loss] : partial) {
            EXPECT_EQ(step, expectedStep++);
            EXPECT_EQ(loss, s_losses.at(step)) << "step " << step;
        }
        // No checkpoint the workspace lists is half written.
        {
            auto ws = store::Workspace::open(file, {.readOnly = true});
            auto st = ws.db().prepare("SELECT step, path FROM checkpoints WHERE run_id = 1");
            while (st.step()) {
                const fs::path path = dir() / "train.checkpoints" / st.text(1);  // as stored
                EXPECT_EQ(path.string().find(".partial"), std::string::npos) << path;
                for (const char* f : {"model.safetensors", "optimizer.pt", "trainer_state.json", "config.json"}) {
                    EXPECT_TRUE(fs::is_regular_file(path / f)) << "checkpoint of step " << st.int64(0)
                                                               << " lacks " << f;
                }
            }
        }
        // Killed before the run was stored (loading, setting up): nothing to resume, and the
        // command that started it starts it again.
        // Killed after the run was marked finished (on its way out): nothing to do.
        const bool stored = count(file, "SELECT count(*) FROM runs") > 0;
        const bool finished = count(file, "SELECT count(*) FROM runs WHERE status = 'finished'") > 0;
        beforeRun += !stored;
        afterEnd += finished;
        test::CommandResult resumed;
        if (!finished) {
            resumed = test::runLadderCli(dir(), stored ? "train -w train.ladder --resume 1"
                                                       : "train -w train.ladder --config dpo.json");
            ASSERT_EQ(resumed.exitCode, 0) << resumed.output << test::readFile(dir() / "train.txt");
        }
        EXPECT_EQ(losses(file), s_losses) << resumed.output;
        EXPECT_EQ(count(file, "SELECT count(*) FROM runs"), 1);
        EXPECT_EQ(rows(file, "SELECT status, last_step FROM runs"), "finished|16|\n");
        // On disk, the checkpoints the workspace lists and nothing half written or half removed.
        const std::string listed = rows(file, "SELECT path FROM checkpoints ORDER BY step");
        for (const auto& e : fs::directory_iterator(checkpoints)) {
            if (!e.is_directory()) continue;
            const std::string stored = "run-1/" + e.path().filename().string();
            EXPECT_NE(listed.find(stored + "|"), std::string::npos) << e.path() << " is not listed";
        }
        if (GetParam() == Moment::InReferencePass) {
            std::printf("  round %d: killed with %lld of the pass's pairs stored%s\n", round,
                        static_cast<long long>(cachedAtKill), hit ? "" : " (after the pass)");
        }
    }
    std::printf("training: %d of %d rounds killed at the moment aimed at (%d before the run was "
                "stored: started again; %d after it was marked finished)\n",
                hits, rounds(), beforeRun, afterEnd);
    EXPECT_GT(hits, 0) << "no round killed the run where it was meant to";
}

INSTANTIATE_TEST_SUITE_P(Moments, KillTraining,
                         ::testing::Values(Moment::Anywhere, Moment::InCheckpointWrite,
                                           Moment::InReferencePass),
                         [](const auto& info) {
                             switch (info.param) {
                                 case Moment::Anywhere: return std::string("Anywhere");
                                 case Moment::InCheckpointWrite: return std::string("InCheckpointWrite");
                                 case Moment::InReferencePass: return std::string("InReferencePass");
                             }
                             return std::string();
                         });

class KillGeneration : public KillTraining {};

TEST_F(KillGeneration, AnEvalIsStoredWholeOrNotAndARerunAnswersTheSame) {
    // The uninterrupted run's checkpoint answers the held-out prompts (greedy), judged by the demo
    // judge against the medium source.
    const std::vector<std::string> args = {"eval", "-w", "gen.ladder", "--run", "1", "--reference",
                                           "medium", "--judge", "demo", "--all-prompts", "--prompts",
                                           "48", "--max-new-tokens", "32"};
    auto words = [&args](const std::string& file) { return commandLine(args, "gen.ladder", file); };
    const std::string kAnswers = "SELECT prompt_id, output, preference FROM samples ORDER BY prompt_id";
    copyOf("train-ref.ladder", "gen-ref.ladder");
    const auto t0 = Clock::now();
    const auto ref = test::runLadderCli(dir(), words("gen-ref.ladder"));
    const double seconds = secondsSince(t0);
    ASSERT_EQ(ref.exitCode, 0) << ref.output;
    const std::string expected = rows(dir() / "gen-ref.ladder", kAnswers);
    ASSERT_EQ(count(dir() / "gen-ref.ladder", "SELECT count(*) FROM samples"), 48);
    std::printf("eval: %.2f s uninterrupted\n", seconds);

    int killed = 0;
    for (int round = 0; round < rounds(); ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        const fs::path file = copyOf("train-ref.ladder", "gen.ladder");
        const int pid = start(args, "gen.txt");
        test::KillAtExit guard(pid);
        killed += killAtRandomMoment(pid, seconds);
        expectIntact(file);
        const auto evals = count(file, "SELECT count(*) FROM evals");
        EXPECT_TRUE(evals == 0 ? rows(file, kAnswers).empty() : rows(file, kAnswers) == expected)
            << test::readFile(dir() / "gen.txt");
        if (evals == 0) {
            const auto again = test::runLadderCli(dir(), words("gen.ladder"));
            ASSERT_EQ(again.exitCode, 0) << again.output;
        }
        EXPECT_EQ(rows(file, kAnswers), expected);
        EXPECT_EQ(count(file, "SELECT count(*) FROM evals"), 1);
    }
    std::printf("eval: %d of %d rounds killed mid-way\n", killed, rounds());
}

TEST_F(KillGeneration, GenerateSourceKeepsWholeBatchesAndTheSameCommandFinishesIt) {
    // The run's checkpoint answers 96 prompts twice each, sampled, into a new source, 8 answers a
    // batch: a kill may lose the batch in flight, never a stored one; the same command finishes with
    // exactly the uninterrupted run's answers, none twice, and a complete source.
    const std::vector<std::string> args = {"generate-source", "-w", "src.ladder", "--run", "1",
                                           "--name", "local", "--prompts", "96",
                                           "--samples-per-prompt", "2", "--temperature", "0.8",
                                           "--seed", "5", "--max-new-tokens", "24"};
    auto words = [&args](const std::string& file) { return commandLine(args, "src.ladder", file); };
    const std::string kAnswers =
        "SELECT r.row_index, r.prompt_id, r.text FROM responses r JOIN sources s ON "
        "s.id = r.source_id WHERE s.name = 'local' ORDER BY r.row_index";
    const std::string kState = "SELECT count(*) FROM datasets WHERE name = 'local' AND state = 'complete'";
    copyOf("train-ref.ladder", "src-ref.ladder");
    const auto t0 = Clock::now();
    const auto ref = test::runLadderCli(dir(), words("src-ref.ladder"));
    const double seconds = secondsSince(t0);
    ASSERT_EQ(ref.exitCode, 0) << ref.output;
    const std::string expected = rows(dir() / "src-ref.ladder", kAnswers);
    ASSERT_EQ(count(dir() / "src-ref.ladder", "SELECT count(*) FROM responses r JOIN sources s ON "
                                              "s.id = r.source_id WHERE s.name = 'local'"),
              192);
    std::printf("generate-source: %.2f s uninterrupted\n", seconds);

    int killed = 0;
    int batchesKept = 0;  // rounds killed with some batches stored
    for (int round = 0; round < rounds(); ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        const fs::path file = copyOf("train-ref.ladder", "src.ladder");
        const int pid = start(args, "src.txt");
        test::KillAtExit guard(pid);
        killed += killAtRandomMoment(pid, seconds);
        expectIntact(file);
        // What is stored is a prefix of whole batches of the uninterrupted answers.
        const std::string partial = rows(file, kAnswers);
        EXPECT_EQ(expected.compare(0, partial.size(), partial), 0) << test::readFile(dir() / "src.txt");
        const auto stored = count(file, "SELECT count(*) FROM responses r JOIN sources s ON "
                                        "s.id = r.source_id WHERE s.name = 'local'");
        EXPECT_EQ(stored % 8, 0) << stored;
        batchesKept += stored > 0 && stored < 192;
        if (stored < 192) EXPECT_EQ(count(file, kState), 0);  // out of pair building until whole
        const auto again = test::runLadderCli(dir(), words("src.ladder"));
        ASSERT_EQ(again.exitCode, 0) << again.output;
        EXPECT_EQ(rows(file, kAnswers), expected);  // none lost, none twice, the same samples
        EXPECT_EQ(count(file, kState), 1);
    }
    std::printf("generate-source: %d of %d rounds killed mid-way (%d with whole batches stored)\n",
                killed, rounds(), batchesKept);
}

}  // namespace
}  // namespace ladder
