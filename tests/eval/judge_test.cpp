// Judges: the registry (built-ins, unknown names, a plugin's judge), the demo judge, the command
// judge against a judge program that behaves well, is position-biased, prints garbage, hangs,
// crashes or never reads, and the imported judge on an annotations file.
#include <gtest/gtest.h>

#include <chrono>

#include "core/common/error.h"
#include "core/demo/demo_tasks.h"
#include "core/eval/builtin_judges.h"
#include "core/plugin/plugin_host.h"
#include "tests/support/test_support.h"

namespace ladder::eval {
namespace {

using nlohmann::json;

// Row i: output_1 has i % 3 + 1 letters, output_2 two: the longer rule says 2, 1.5, 1, 2, ...
std::vector<Comparison> rows(std::size_t n, std::size_t padding = 0) {
    std::vector<Comparison> out;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back({"question " + std::to_string(i), "", std::string(i % 3 + 1 + padding, 'a'),
                       std::string(2 + padding, 'b')});
    }
    return out;
}

double longerRule(std::size_t i) {
    return i % 3 == 0 ? 2.0 : i % 3 == 1 ? 1.5 : 1.0;
}

std::unique_ptr<Judge> commandJudge(const std::vector<std::string>& args, double timeout = 30) {
    json argv = {LADDER_TEST_JUDGE};
    for (const auto& a : args) argv.push_back(a);
    return makeJudge("command", {{"argv", argv}, {"timeout_seconds", timeout}}, {});
}

TEST(JudgeRegistry, HasTheBuiltinsAndNamesThemWhenAskedForAnUnknownOne) {
    JudgeRegistry registry;
    EXPECT_TRUE(registry.contains("demo"));
    EXPECT_TRUE(registry.contains("command"));
    EXPECT_TRUE(registry.contains("imported"));
    try {
        (void)registry.create("gpt5");
        FAIL();
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("gpt5"), std::string::npos) << m;
        EXPECT_NE(m.find("demo, command, imported"), std::string::npos) << m;
    }
    try {
        registry.add("demo", makeDemoTaskJudge, "plugin");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("already registered"), std::string::npos) << e.what();
    }
}

TEST(JudgeRegistry, PluginJudgeIsRegisteredOnceAndJudgesByLength) {
    if (std::string(LADDER_JUDGES_PLUGIN).empty()) GTEST_SKIP() << "plugins are not built";
    plugin::PluginHost host;
    ASSERT_TRUE(host.load(LADDER_JUDGES_PLUGIN));
    JudgeRegistry registry{JudgeRegistry::Empty{}};
    EXPECT_EQ(registerPluginJudges(host.registrar(), registry), 1);
    EXPECT_EQ(registerPluginJudges(host.registrar(), registry), 0);  // the name is taken now
    const auto entries = registry.entries();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].name, "length");
    EXPECT_EQ(entries[0].origin, "plugin");
    auto judge = registry.create("length");
    EXPECT_TRUE(judge->symmetric());
    // Code points, not bytes: "ééé" (6 bytes) is shorter than "abcd".
    const auto v = judge->judge({{"q", "", "\xC3\xA9\xC3\xA9\xC3\xA9", "abcd"},
                                 {"q", "", "long answer", "short"},
                                 {"q", "", "same", "size"}});
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].preference, 2.0);
    EXPECT_EQ(v[1].preference, 1.0);
    EXPECT_EQ(v[2].preference, 1.5);
}

TEST(DemoJudge, PrefersTheRightAnswerInEitherPosition) {
    const auto prompts = demo::generatePrompts(5, 11);
    auto judge = makeJudge("demo", json::object(), {});
    EXPECT_TRUE(judge->symmetric());
    std::vector<Comparison> comparisons;
    for (const auto& p : prompts) {
        comparisons.push_back({p.instruction, "", p.expected, "certainly wrong"});
        comparisons.push_back({p.instruction, "", "certainly wrong", p.expected});
        comparisons.push_back({p.instruction, "", p.expected, p.expected});
    }
    const auto verdicts = judge->judge(comparisons);
    ASSERT_EQ(verdicts.size(), comparisons.size());
    for (std::size_t i = 0; i < verdicts.size(); i += 3) {
        EXPECT_EQ(verdicts[i].preference, 1.0) << comparisons[i].instruction;
        EXPECT_EQ(verdicts[i + 1].preference, 2.0) << comparisons[i].instruction;
        EXPECT_EQ(verdicts[i + 2].preference, 1.5) << comparisons[i].instruction;
    }
    EXPECT_THROW((void)makeJudge("demo", {{"strict", true}}, {}), Error);
}

TEST(CommandJudge, AnswersEveryRowInOrder) {
    auto judge = commandJudge({"longer"});
    EXPECT_FALSE(judge->symmetric());
    EXPECT_EQ(judge->name(), "command:ladder_test_judge");
    const auto verdicts = judge->judge(rows(10));
    ASSERT_EQ(verdicts.size(), 10u);
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
        EXPECT_EQ(verdicts[i].preference, longerRule(i)) << i;
        EXPECT_TRUE(verdicts[i].error.empty()) << verdicts[i].error;
    }
}

TEST(CommandJudge, ProgramGetsAMinimalEnvironmentAndOnlyTheVariablesNamedBesides) {
    // A secret of Ladder's environment (an API key of another service, a token) stays Ladder's.
    ::setenv("LADDER_TEST_SECRET", "s3cret", 1);
    ::setenv("LD_PRELOAD", "", 1);
    auto plain = commandJudge({"env", "LADDER_TEST_SECRET"});
    EXPECT_EQ(plain->judge(rows(2)).at(0).preference, 1.0);
    auto preload = commandJudge({"env", "LD_PRELOAD"});
    EXPECT_EQ(preload->judge(rows(1)).at(0).preference, 1.0);
    // PATH and HOME are the minimal set every program gets.
    auto home = commandJudge({"env", "HOME"});
    EXPECT_EQ(home->judge(rows(1)).at(0).preference, std::getenv("HOME") ? 2.0 : 1.0);
    // Named in `env`, it is passed.
    json argv = {LADDER_TEST_JUDGE, "env", "LADDER_TEST_SECRET"};
    auto named = makeJudge(
        "command", {{"argv", argv}, {"timeout_seconds", 30}, {"env", {"LADDER_TEST_SECRET"}}}, {});
    EXPECT_EQ(named->judge(rows(2)).at(1).preference, 2.0);
    EXPECT_THROW((void)makeJudge("command", {{"argv", argv}, {"env", "LADDER_TEST_SECRET"}}, {}),
                 Error);
    EXPECT_THROW((void)makeJudge("command", {{"argv", argv}, {"env", {"A=b"}}}, {}), Error);
    ::unsetenv("LADDER_TEST_SECRET");
    ::unsetenv("LD_PRELOAD");
}

TEST(CommandJudge, JudgeThatReadsEverythingFirstDoesNotDeadlockOnMegabytesOfInput) {
    auto judge = commandJudge({"read-all"});
    const auto comparisons = rows(3000, /*padding=*/400);  // ~2.5 MB, far beyond a pipe's buffer
    const auto verdicts = judge->judge(comparisons);
    ASSERT_EQ(verdicts.size(), comparisons.size());
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
        ASSERT_EQ(verdicts[i].preference, longerRule(i)) << i << ": " << verdicts[i].error;
    }
}

TEST(CommandJudge, GarbageLinesBecomeErrorsOfTheirRowsAndGoodLinesStillCount) {
    const auto verdicts = commandJudge({"garbage"})->judge(rows(10));
    ASSERT_EQ(verdicts.size(), 10u);
    // Rows 1..5 of each cycle: not JSON, preference 7, no preference, an error reply, good.
    EXPECT_NE(verdicts[0].error.find("line 1 of the judge's output is not valid JSON"),
              std::string::npos)
        << verdicts[0].error;
    EXPECT_NE(verdicts[0].error.find("I think the second"), std::string::npos) << verdicts[0].error;
    EXPECT_NE(verdicts[1].error.find("`preference` must be 1"), std::string::npos)
        << verdicts[1].error;
    EXPECT_NE(verdicts[2].error.find("line 3 of the judge's output has no `preference`"),
              std::string::npos)
        << verdicts[2].error;
    EXPECT_EQ(verdicts[3].error, "the judge reported: rate limited");
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 7u, 8u}) EXPECT_FALSE(verdicts[i].decided()) << i;
    EXPECT_EQ(verdicts[4].preference, longerRule(4));
    EXPECT_EQ(verdicts[9].preference, longerRule(9));
    EXPECT_TRUE(verdicts[9].error.empty());
}

// A judge's reply is untrusted input: one nested 200,000 deep was printed recursively into the
// row's error and overflowed the stack.
TEST(CommandJudge, ReplyNestedDeepIsAnErrorOfItsRowInsteadOfACrash) {
    const auto verdicts = commandJudge({"deep", "200000"})->judge(rows(2));
    ASSERT_EQ(verdicts.size(), 2u);
    for (const auto& v : verdicts) {
        EXPECT_FALSE(v.decided());
        EXPECT_NE(v.error.find("judge's output is nested more than 64 levels deep"),
                  std::string::npos)
            << v.error.substr(0, 300);
        EXPECT_LT(v.error.size(), 600u);
    }
    const auto shallow = commandJudge({"deep", "40"})->judge(rows(1));
    ASSERT_EQ(shallow.size(), 1u);
    EXPECT_NE(shallow[0].error.find("`preference` must be 1"), std::string::npos)
        << shallow[0].error;
    EXPECT_LT(shallow[0].error.size(), 300u) << shallow[0].error;
}

TEST(CommandJudge, SilentJudgeIsStoppedAtTheTimeoutAndEarlierAnswersAreKept) {
    const auto start = std::chrono::steady_clock::now();
    const auto verdicts = commandJudge({"hang-after", "3"}, /*timeout=*/0.5)->judge(rows(10));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 10.0);  // not the judge's 60 s of silence
    ASSERT_EQ(verdicts.size(), 10u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(verdicts[i].preference, longerRule(i)) << i;
    for (std::size_t i = 3; i < 10; ++i) {
        EXPECT_FALSE(verdicts[i].decided());
        EXPECT_NE(verdicts[i].error.find("stopped after 0.5 s without output"), std::string::npos)
            << verdicts[i].error;
        EXPECT_NE(verdicts[i].error.find("after answering 3 of 10 rows"), std::string::npos)
            << verdicts[i].error;
    }
}

TEST(CommandJudge, NonZeroExitIsReportedWithItsStderrOnTheRowsLeft) {
    const auto verdicts = commandJudge({"exit-after", "2"})->judge(rows(5));
    ASSERT_EQ(verdicts.size(), 5u);
    EXPECT_EQ(verdicts[0].preference, longerRule(0));
    EXPECT_EQ(verdicts[1].preference, longerRule(1));
    for (std::size_t i = 2; i < 5; ++i) {
        EXPECT_FALSE(verdicts[i].decided());
        EXPECT_NE(verdicts[i].error.find("exited with status 3"), std::string::npos)
            << verdicts[i].error;
        EXPECT_NE(verdicts[i].error.find("judge: out of credits"), std::string::npos)
            << verdicts[i].error;
    }
}

TEST(CommandJudge, JudgeThatExitsWithoutReadingLeavesLadderRunning) {
    // Writing megabytes to a program that has gone raises SIGPIPE: it must not end this process.
    const auto verdicts = commandJudge({"no-read"})->judge(rows(2000, 1000));
    ASSERT_EQ(verdicts.size(), 2000u);
    for (const auto& v : verdicts) {
        EXPECT_FALSE(v.decided());
        EXPECT_NE(v.error.find("exited with status 2"), std::string::npos) << v.error;
        EXPECT_NE(v.error.find("no API key"), std::string::npos) << v.error;
    }
}

TEST(CommandJudge, MissingProgramAndBadOptionsAreClearErrors) {
    auto missing = makeJudge("command", {{"argv", {"/no/such/judge-program"}}}, {});
    try {
        (void)missing->judge(rows(1));
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot run `/no/such/judge-program`"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW((void)makeJudge("command", json::object(), {}), Error);
    EXPECT_THROW((void)makeJudge("command", {{"argv", json::array()}}, {}), Error);
    EXPECT_THROW((void)makeJudge("command", {{"argv", {"x"}}, {"timeout_seconds", -1}}, {}), Error);
    EXPECT_THROW((void)makeJudge("command", {{"argv", {"x"}}, {"shell", true}}, {}), Error);
    const auto named =
        makeJudge("command", {{"argv", {"x"}}, {"name", "gpt4"}, {"symmetric", true}}, {});
    EXPECT_EQ(named->name(), "gpt4");
    EXPECT_TRUE(named->symmetric());
}

TEST(ImportedJudge, FindsVerdictsInEitherOrderAndAgainstTheSameSourcesOtherText) {
    test::TempDir dir;
    test::writeFile(dir / "annotations.json", R"([
      {"instruction": "Name a colour.", "output_1": "Red.", "generator_1": "ref",
       "output_2": "Blue", "generator_2": "mine", "preference": 2, "annotator": "gpt4"},
      {"instruction": "Add 2 and 2.", "output_1": "4", "generator_1": "ref",
       "output_2": "5", "generator_2": "mine", "preference": 1, "annotator": "gpt4"},
      {"instruction": "Say hi.", "output_1": "hello there", "generator_1": "ref",
       "output_2": "hi", "generator_2": "mine", "preference": 1.5, "annotator": "gpt4"},
      {"instruction": "Pick one.", "output_1": "a", "generator_1": "ref",
       "output_2": "b", "generator_2": "mine", "preference": null, "annotator": "gpt4"}
    ])");
    auto judge = makeJudge("imported", {{"file", (dir / "annotations.json").string()}}, {});
    EXPECT_EQ(judge->name(), "imported:gpt4");
    const auto v = judge->judge({
        {"Name a colour.", "", "Red.", "Blue", "ref", "run"},    // as judged
        {"Name  a colour.", "", "Blue", " Red.", "run", "ref"},  // swapped, other spacing
        {"Add 2 and 2.", "", "four", "5", "ref", "run"},         // another text of ref
        {"Add 2 and 2.", "", "5", "four", "run", "ref"},         // ... swapped
        {"Say hi.", "", "hello there", "hi", "", ""},
        {"Pick one.", "", "a", "b", "", ""},                // judged: no decision
        {"Add 2 and 2.", "", "four", "5", "other", "run"},  // another source: unknown
        {"Never judged.", "", "x", "y", "ref", "run"},
    });
    ASSERT_EQ(v.size(), 8u);
    EXPECT_EQ(v[0].preference, 2.0);
    EXPECT_EQ(v[1].preference, 1.0);
    EXPECT_EQ(v[2].preference, 1.0);
    EXPECT_EQ(v[3].preference, 2.0);
    EXPECT_EQ(v[4].preference, 1.5);
    EXPECT_FALSE(v[5].decided());
    EXPECT_TRUE(v[5].error.empty());
    EXPECT_FALSE(v[6].decided());
    EXPECT_NE(v[6].error.find("no imported verdict"), std::string::npos);
    EXPECT_FALSE(v[7].decided());

    EXPECT_THROW(
        (void)makeJudge(
            "imported",
            {{"file", (dir / "annotations.json").string()}, {"annotator", "someone else"}}, {}),
        Error);
    EXPECT_THROW((void)makeJudge("imported", json::object(), {}), Error);  // no file, no workspace
    test::writeFile(dir / "bad.json", R"([{"instruction": "q", "output_1": "a",
        "generator_1": "r", "output_2": "b", "generator_2": "m", "preference": "yes"}])");
    try {
        (void)makeJudge("imported", {{"file", (dir / "bad.json").string()}}, {});
        FAIL();
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("bad.json: row 0"), std::string::npos) << m;
        EXPECT_NE(m.find("preference"), std::string::npos) << m;
    }
}

}  // namespace
}  // namespace ladder::eval
