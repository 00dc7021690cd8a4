// AlpacaEval files: a source's answers exported as model_outputs.json read back (and import into
// another workspace) as the same answers; the four shared AlpacaEval sources survive the round
// trip; and the imported judge on the shared GPT-4 annotations gives AlpacaEval's win rates
// (figures from tests/eval/reference/alpaca_eval_win_rates.py).
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "core/data/dataset_import.h"
#include "core/data/prompt_key.h"
#include "core/eval/alpaca_eval_files.h"
#include "core/eval/evaluator.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::eval {
namespace {
namespace fs = std::filesystem;

using Answers = std::map<std::string, std::tuple<std::string, std::string, std::string>>;

// By prompt (its match key): output, generator, dataset.
Answers byPrompt(const std::vector<ModelOutput>& outputs) {
    Answers out;
    for (const auto& o : outputs) {
        out.emplace(data::matchKey(o.instruction, ""),
                    std::tuple(o.output, o.generator, o.dataset));
    }
    return out;
}

TEST(AlpacaEvalFiles, ExportedAnswersReadBackAndImportAsTheSameAnswers) {
    test::TempDir dir;
    test::writeFile(dir / "mine.json", R"([
      {"instruction": "Translate: caf\u00e9", "output": "coffee  shop\n", "generator": "mine",
       "dataset": "koala"},
      {"instruction": "Say \"hi\"", "output": "hi \ud83d\udc4b", "generator": "mine",
       "dataset": "vicuna"},
      {"instruction": "Empty answer?", "output": "", "generator": "mine", "dataset": "oasst"}
    ])");
    auto ws = store::Workspace::create(dir / "a.ladder");
    (void)data::importFile(ws.db(), dir / "mine.json");
    const auto original = readModelOutputs(dir / "mine.json");
    ASSERT_EQ(original.size(), 3u);

    writeModelOutputs(dir / "out.json", sourceOutputs(ws.db(), "mine"));
    const auto back = readModelOutputs(dir / "out.json");
    EXPECT_EQ(byPrompt(back), byPrompt(original));

    // Under another generator name, into a second workspace: the same texts for the same prompts.
    writeModelOutputs(dir / "renamed.json", sourceOutputs(ws.db(), "mine", "mine-v2"));
    auto other = store::Workspace::create(dir / "b.ladder");
    const auto imported = data::importFile(other.db(), dir / "renamed.json");
    EXPECT_EQ(imported.responses, 3);
    auto expected = byPrompt(original);
    for (auto& [key, row] : expected) std::get<1>(row) = "mine-v2";
    EXPECT_EQ(byPrompt(sourceOutputs(other.db(), "mine-v2")), expected);

    EXPECT_THROW((void)sourceOutputs(ws.db(), "nobody"), Error);
    EXPECT_THROW((void)evalOutputs(ws.db(), 42), Error);
}

TEST(AlpacaEvalFiles, SharedSourcesSurviveExportAndReimport) {
    LADDER_REQUIRE_SHARED("data/alpaca_eval");
    const fs::path folder = test::sharedDir() / "data/alpaca_eval";
    test::TempDir dir;
    auto ws = store::Workspace::create(dir / "alpaca.ladder");
    const std::vector<std::string> sources = {"gpt4", "gpt-3.5-turbo-0301", "text_davinci_003",
                                              "text_davinci_001"};
    for (const auto& s : sources)
        (void)data::importFile(ws.db(), folder / (s + ".model_outputs.json"));
    for (const auto& s : sources) {
        const fs::path file = dir / (s + ".json");
        writeModelOutputs(file, sourceOutputs(ws.db(), s));
        const auto original = readModelOutputs(folder / (s + ".model_outputs.json"));
        const auto back = readModelOutputs(file);
        EXPECT_EQ(back.size(), original.size()) << s;
        EXPECT_EQ(byPrompt(back), byPrompt(original)) << s;
    }
}

// The imported judge on AlpacaEval's own GPT-4 verdicts reproduces its win rates: the verdicts
// name text_davinci_003's answers in another generation than its model_outputs.json, so they are
// matched by the evaluated answer and the reference source's name.
TEST(AlpacaEvalFiles, ImportedAnnotationsGiveAlpacaEvalsWinRates) {
    LADDER_REQUIRE_SHARED("data/alpaca_eval");
    const fs::path folder = test::sharedDir() / "data/alpaca_eval";
    test::TempDir dir;
    auto ws = store::Workspace::create(dir / "alpaca.ladder");
    (void)data::importFile(ws.db(), folder / "text_davinci_003.model_outputs.json");
    struct Expected {
        std::string model;
        std::int64_t n, wins, ties, losses, undecided, missing;
        double winRate, stdError;
    };
    for (const Expected& e : {
             Expected{"gpt-3.5-turbo-0301", 804, 716, 5, 83, 1, 0, 0.8936567164, 0.0107894870},
             // 20 verdicts of 0, AlpacaEval's old draw, count as ties (its own win rate over
             // all 804 verdicts is 15.17%; two of the answers are missing from the outputs file).
             Expected{"text_davinci_001", 802, 112, 20, 670, 1, 2, 0.1521197007, 0.0123789965},
         }) {
        EvalSettings settings;
        settings.judge = "imported";
        settings.judgeOptions = {
            {"file", (folder / (e.model + ".annotations_gpt4_judge.json")).string()}};
        settings.prompts.reference = "text_davinci_003";
        Evaluator evaluator(ws.db(), settings);
        EXPECT_EQ(evaluator.prompts().size(), 805u);
        EvalTarget target;
        target.generator = e.model;
        const auto result = evaluator.evaluateOutputs(
            readModelOutputs(folder / (e.model + ".model_outputs.json")), target);
        const WinRate& w = result.winRate;
        EXPECT_EQ(result.judge, "imported:alpaca_eval_gpt4");
        EXPECT_EQ(w.n, e.n) << e.model;
        EXPECT_EQ(w.wins, e.wins) << e.model;
        EXPECT_EQ(w.ties, e.ties) << e.model;
        EXPECT_EQ(w.losses, e.losses) << e.model;
        EXPECT_EQ(w.undecided, e.undecided) << e.model;
        EXPECT_EQ(w.errors, 0) << e.model;
        EXPECT_EQ(result.details["missing_answers"], e.missing) << e.model;
        EXPECT_NEAR(w.winRate, e.winRate, 1e-9) << e.model;
        EXPECT_NEAR(w.stdError, e.stdError, 1e-9) << e.model;
        EXPECT_GT(result.evalId, 0);
    }
}

}  // namespace
}  // namespace ladder::eval
