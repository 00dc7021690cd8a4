// ladder-cli end to end: demo init, import with bad rows, ladder set, pairs build | stats | export,
// curriculum preset | show, plugins. Runs the built executable in a temporary home.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::test {
namespace {

using Result = CommandResult;

class LadderCli : public ::testing::Test {
protected:
    Result run(const std::string& arguments) { return runLadderCli(m_dir.path(), arguments); }
    std::string path(const std::string& name) const { return (m_dir / name).string(); }

    TempDir m_dir;
};

std::size_t countLines(const std::string& file) {
    std::ifstream in(file);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) n += line.empty() ? 0 : 1;
    return n;
}

TEST_F(LadderCli, DemoInitMakesAWorkspaceThatTheOtherCommandsRead) {
    const auto init = run("demo init demo.ladder --prompts 200 --seed 5");
    ASSERT_EQ(init.exitCode, 0) << init.output;
    EXPECT_NE(init.output.find("strong > medium > weak"), std::string::npos) << init.output;
    EXPECT_NE(init.output.find("model strong"), std::string::npos) << init.output;

    const auto again = run("demo init demo.ladder");
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;

    const auto stats = run("pairs stats -w demo.ladder");
    ASSERT_EQ(stats.exitCode, 0) << stats.output;
    EXPECT_NE(stats.output.find("strong>weak"), std::string::npos) << stats.output;
    EXPECT_NE(stats.output.find("demo-judge"), std::string::npos) << stats.output;

    const auto exported = run("pairs export -w demo.ladder --split heldout --out held.jsonl");
    ASSERT_EQ(exported.exitCode, 0) << exported.output;
    EXPECT_GT(countLines(path("held.jsonl")), 0u);

    const auto show = run("curriculum show easy-then-hard -w demo.ladder --batch-size 8");
    ASSERT_EQ(show.exitCode, 0) << show.output;
    EXPECT_NE(show.output.find("tier share of the batch"), std::string::npos) << show.output;
}

// A mistyped command is a usage error (exit 2) that names it and lists the commands there are;
// before, CLI11 said "A subcommand is required" with exit code 106.
TEST_F(LadderCli, UnknownCommandIsAUsageErrorNamingIt) {
    auto r = run("nosuch");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("unknown command 'ladder-cli nosuch'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("pairs"), std::string::npos) << r.output;
    r = run("model nosuch --model x");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("unknown command 'ladder-cli model nosuch'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("logits"), std::string::npos) << r.output;
    // A wrong option of a known command is a usage error too; --help is not.
    r = run("pairs stats --no-such-option");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_EQ(run("pairs stats --help").exitCode, 0);
    EXPECT_EQ(run("--version").exitCode, 0);
    // Known commands with option values that look like words still run.
    EXPECT_EQ(run("demo init demo.ladder --prompts 20 --seed 1").exitCode, 0);
}

TEST_F(LadderCli, ImportLadderAndPairsFromFiles) {
    writeFile(m_dir / "big.jsonl",
              "{\"instruction\": \"q1\", \"output\": \"good\", \"model\": \"big\"}\n"
              "{\"instruction\": \"q2\", \"output\": \"fine\", \"model\": \"big\"}\n");
    writeFile(m_dir / "small.json", R"([{"instruction": "q2", "output": "meh"},
                                        {"instruction": "q1", "output": "bad"}])");
    writeFile(m_dir / "bad.jsonl",
              "{\"instruction\": \"q3\", \"output\": \"x\", \"model\": \"m\"}\n"
              "{\"instruction\": \"q4\", \"model\": \"m\"}\n");

    const auto formats = run("import --list-formats");
    EXPECT_NE(formats.output.find("hh-rlhf"), std::string::npos) << formats.output;

    auto r = run("import -w ws.ladder big.jsonl");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    r = run("import -w ws.ladder --source small small.json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("2 matched to earlier imports"), std::string::npos) << r.output;

    // The sources with their answers' lengths, as the Sources pane lists them: "good" and
    // "fine" (4 characters each), "meh" and "bad" (3).
    r = run("sources -w ws.ladder");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("median chars  shortest-longest"), std::string::npos) << r.output;
    const auto row = [&r](const std::string& source) {
        const auto at = r.output.find("\n" + source + " ");
        return at == std::string::npos ? std::string() : r.output.substr(at + 1, r.output.find('\n', at + 1) - at - 1);
    };
    EXPECT_NE(row("big").find("2        2            4               4-4"), std::string::npos) << r.output;
    EXPECT_NE(row("small").find("2        2            3               3-3"), std::string::npos) << r.output;

    // --dry-run reads the file as the window's import dialog does, and writes nothing.
    r = run("import -w ws.ladder --dry-run bad.jsonl");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("responses), 1 rows, 1 prompts, 1 bad rows; nothing was written"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("line 1 [m] q3 -> x"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("bad line 2 (row 1), field `output`"), std::string::npos) << r.output;
    EXPECT_EQ(run("datasets -w ws.ladder").output.find("bad"), std::string::npos);

    r = run("import -w ws.ladder bad.jsonl");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("bad.jsonl:2 (row 1), field `output`"), std::string::npos) << r.output;
    r = run("import -w ws.ladder --on-bad-row skip bad.jsonl");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("skipped line 2"), std::string::npos) << r.output;

    r = run("ladder set -w ws.ladder main big small");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    r = run("pairs build -w ws.ladder --ladder main --heldout 0");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("2 pairs (2 train, 0 held out)"), std::string::npos) << r.output;
    // Lengths in a tokenizer's tokens: the byte tokenizer counts "q1\n" + "good" as 7 and
    // "q1\n" + "bad" as 6, so both pairs are over 6 tokens.
    r = run("pairs build -w ws.ladder --ladder main --heldout 0 --dry-run --tokenizer byte "
            "--max-tokens 6");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("tokens of byte, prompt + answer"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("big>small       7/6            7/6           7/6"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("2 pairs are over 6 tokens"), std::string::npos) << r.output;
    r = run("pairs build -w ws.ladder --ladder main --dry-run --max-tokens 6");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("give --tokenizer"), std::string::npos) << r.output;

    r = run("curriculum preset uniform -w ws.ladder --ladder main --steps 10");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("big>small 100%"), std::string::npos) << r.output;

    r = run("pairs export -w ws.ladder --out pairs.jsonl");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(countLines(path("pairs.jsonl")), 2u);
}

// An answer of 1 MB (longer than the importer's 1 MiB read chunk, with quotes, new lines and
// two-byte characters) is imported whole, its pair is marked over the length cap, it comes back
// byte for byte from the export, and a run cuts it to its max_length instead of failing.
TEST_F(LadderCli, AnAnswerOfOneMegabyteIsKeptWholeAndCutOnlyForTraining) {
    const std::string unit = "word \xc3\xa9 \"q\"\n";  // quotes, a new line, a two-byte é
    std::string answer;
    while (answer.size() + unit.size() <= 1'000'000) answer += unit;
    answer += std::string(1'000'000 - answer.size(), 'x');
    const auto asJson = [](const std::string& text) {
        std::string out = "\"";
        for (const char c : text) {
            if (c == '"') out += "\\\"";
            else if (c == '\n') out += "\\n";
            else out += c;
        }
        return out + "\"";
    };
    const std::string escaped = asJson(answer);
    writeFile(m_dir / "big.json", R"([{"instruction": "q1", "output": "good", "generator": "big"},
        {"instruction": "q2", "output": )" + escaped + R"(, "generator": "big"},
        {"instruction": "q3", "output": "fine", "generator": "big"}])");
    std::string small;
    for (const char* prompt : {"q1", "q2", "q3"}) {
        small += std::string("{\"instruction\": \"") + prompt +
                 "\", \"output\": \"meh\", \"model\": \"small\"}\n";
    }
    writeFile(m_dir / "small.jsonl", small);
    auto r = run("import -w ws.ladder big.json small.jsonl");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("2 of 2 files imported"), std::string::npos) << r.output;
    ASSERT_EQ(run("ladder set -w ws.ladder main big small").exitCode, 0);
    r = run("pairs build -w ws.ladder --ladder main --heldout 0 --max-chars 20000");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    // tier, gap, difficulty, pairs, train, held out, truncated
    EXPECT_NE(r.output.find("big>small   1  0.00       3       3      0      1"), std::string::npos)
        << r.output;

    r = run("pairs export -w ws.ladder --out pairs.jsonl");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    // The export writes the answer as JSON again: the same text, escaped the same way.
    EXPECT_NE(readFile(m_dir / "pairs.jsonl").find(escaped), std::string::npos)
        << "the 1 MB answer did not come back whole";

    writeFile(m_dir / "sft.json", R"({"name": "sft", "method": "sft", "template": "chatml",
      "model": {"kind": "tiny", "overrides": {"hidden_size": 32, "num_hidden_layers": 1,
                "num_attention_heads": 2, "num_key_value_heads": 2, "intermediate_size": 64}},
      "data": {"ladder": "main", "max_length": 96, "max_prompt_length": 64}, "threads": 1,
      "batch_size": 3, "max_steps": 2, "checkpoint": {"every": 0, "keep": 1}, "seed": 0})");
    r = run("train -w ws.ladder --config sft.json");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("0 of 3 pairs had their prompt cut at the start and 1 an answer cut "
                            "at the end by the length caps"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("run 1 finished at step 2"), std::string::npos) << r.output;
}

TEST_F(LadderCli, PluginsListTheShippedImporters) {
    if (!LADDER_HAS_IMPORTERS_PLUGIN) GTEST_SKIP() << "plugins are not built";
    const auto r = run("plugins");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("ladder-importers"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("importer  alpaca-eval"), std::string::npos) << r.output;
}

// --lines: one JSON string per line in, the ids each text gives alone out; --decode takes the
// lines of ids back to JSON strings. The oracle tests push thousands of texts through one call.
TEST_F(LadderCli, TokenizeLinesGivesEachTextItsOwnIdsAndDecodesThemBack) {
    writeFile(m_dir / "xy.txt", "xy");
    writeFile(m_dir / "ab.txt", "a\nb");
    const auto xy = run("tokenize -t byte < xy.txt");
    const auto ab = run("tokenize -t byte < ab.txt");
    ASSERT_EQ(ab.exitCode, 0) << ab.output;
    writeFile(m_dir / "texts.jsonl", "\"xy\"\n\"a\\nb\"\n\"\"\n");
    const auto lines = run("tokenize --lines -t byte < texts.jsonl");
    ASSERT_EQ(lines.exitCode, 0) << lines.output;
    std::istringstream out(lines.output);
    std::string first, second, third;
    std::getline(out, first);
    std::getline(out, second);
    std::getline(out, third);
    EXPECT_EQ(first + "\n", xy.output);
    EXPECT_EQ(second + "\n", ab.output);
    EXPECT_EQ(third, "");
    writeFile(m_dir / "ids.txt", first + "\n" + second + "\n\n");
    const auto decoded = run("tokenize --lines --decode -t byte < ids.txt");
    ASSERT_EQ(decoded.exitCode, 0) << decoded.output;
    EXPECT_EQ(decoded.output, "\"xy\"\n\"a\\nb\"\n\"\"\n");

    writeFile(m_dir / "bad.jsonl", "\"fine\"\nnot json\n");
    const auto bad = run("tokenize --lines -t byte < bad.jsonl");
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.output.find("stdin line 2 is not JSON: --lines reads one JSON string per line"),
              std::string::npos)
        << bad.output;
}

// A run's curves from the command line, as the Plots pane exports them: a DPO run from an SFT
// run's step-2 checkpoint, on steps and on tokens, alone and after its parent.
TEST_F(LadderCli, MetricsGivesARunsCurvesOnStepsOrTokensAfterItsParent) {
    std::int64_t sft = 0, dpo = 0;
    {
        auto ws = store::Workspace::create(m_dir / "m.ladder");
        store::RunStore runs(ws.db());
        sft = runs.create({.name = "sft", .method = "sft", .configJson = "{}", .totalSteps = 3});
        runs.addCheckpoint(sft, 2, "run-1/step-2", "periodic");  // the DPO run's start: its latest
        dpo = runs.create({.name = "dpo", .method = "dpo", .configJson = "{}", .totalSteps = 2,
                           .parentRunId = sft});
        store::MetricsWriter w(ws.db());
        for (int step = 1; step <= 3; ++step) {
            w.add(sft, step, "loss", 3.0 - step, 0);
            w.add(sft, step, "tokens_seen", 100.0 * step, 0);
        }
        for (int step = 1; step <= 2; ++step) {
            w.add(dpo, step, "loss", 0.5 / step, 0);
            w.add(dpo, step, "tokens_seen", 40.0 * step, 0);
        }
    }
    const std::string id = std::to_string(dpo);
    auto r = run("metrics -w m.ladder --run " + id + " --metric loss");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("run,metric,step,value\n" + id + ",loss,1,0.5\n" + id + ",loss,2,0.25\n"),
              std::string::npos)
        << r.output;
    r = run("metrics -w m.ladder --run " + id + " --metric loss --axis tokens --after-parent --out m.csv");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    std::ifstream file(path("m.csv"));
    std::stringstream text;
    text << file.rdbuf();
    EXPECT_EQ(text.str(), "run,metric,tokens,value\n" + id + ",loss,100,2\n" + id + ",loss,200,1\n" + id +
                              ",loss,240,0.5\n" + id + ",loss,280,0.25\n");
    r = run("metrics -w m.ladder --run 99");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("there is no run #99"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ladder::test
