// The local-model judge: its verdict is 1 + P("2") / (P("1") + P("2")) of the model's next token
// after the rendered pairwise prompt (recomputed here from the model directly); an evaluation asks
// it both ways round and scores each prompt by the mean of the two orders; its verdicts are cached
// in the workspace, so a second evaluation gives the same result without a forward; the prompt is
// filled in one pass; bad options and a missing model are clear errors.
#include <gtest/gtest.h>

#include <cmath>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/demo/demo_workspace.h"
#include "core/eval/alpaca_eval_files.h"
#include "core/eval/evaluator.h"
#include "core/eval/local_judge.h"
#include "core/format/text_format.h"
#include "core/model/checkpoint.h"
#include "core/store/workspace.h"
#include "core/tokenizer/byte_tokenizer.h"
#include "tests/support/test_support.h"

namespace ladder::eval {
namespace {
namespace fs = std::filesystem;

class LocalJudgeTest : public ::testing::Test {
protected:
    void SetUp() override {
        torch::manual_seed(5);
        m_model = model::buildModel(model::ModelConfig::tiny(), torch::kCPU, torch::kFloat);
        m_model->eval();
        m_folder = m_dir / "judge-model";
        model::savePretrained(*m_model, m_folder);
        test::writeFile(m_folder / tokenizer::kByteTokenizerMarker, "byte\n");
        demo::initWorkspace(m_dir / "w.ladder", {.prompts = 60, .seed = 2});
    }

    // What the judge must say, from the model itself.
    double expected(const Comparison& c) {
        const tokenizer::ByteTokenizer tok;
        const auto format = format::TextFormat::resolve("auto", tok);
        format::Prompt prompt;
        prompt.instruction = fillJudgePrompt(defaultJudgePrompt(), c);
        const auto ids = format.promptIds(prompt);
        torch::NoGradGuard guard;
        model::ForwardInput in;
        in.inputIds = torch::tensor(std::vector<std::int64_t>(ids.begin(), ids.end())).unsqueeze(0);
        const auto logits = m_model->forward(in)[0][-1].to(torch::kDouble);
        const double p1 = logits[tok.encode("1")[0]].item<double>();
        const double p2 = logits[tok.encode("2")[0]].item<double>();
        return 1.0 + std::exp(p2) / (std::exp(p1) + std::exp(p2));
    }

    test::TempDir m_dir;
    fs::path m_folder;
    model::CausalLM m_model{nullptr};
};

TEST_F(LocalJudgeTest, TheVerdictIsTheLabelsNextTokenProbability) {
    auto judge = makeJudge("local", {{"model", m_folder.string()}}, {});
    EXPECT_EQ(judge->name(), "local:judge-model");
    EXPECT_FALSE(judge->symmetric());
    const std::vector<Comparison> asked = {
        {"Reverse the word: cat", "", "tac", "cat", "", ""},
        {"Add 2 and 3", "", "5", "The answer is 6.", "", ""},
        {"Add 2 and 3", "", "The answer is 6.", "5", "", ""},
    };
    const auto verdicts = judge->judge(asked);
    ASSERT_EQ(verdicts.size(), 3u);
    for (std::size_t i = 0; i < asked.size(); ++i) {
        ASSERT_TRUE(verdicts[i].decided()) << verdicts[i].error;
        EXPECT_NEAR(*verdicts[i].preference, expected(asked[i]), 1e-6) << i;
        EXPECT_GT(*verdicts[i].preference, 1.0);
        EXPECT_LT(*verdicts[i].preference, 2.0);
    }
    // The same answers in the other order are another question (position bias shows here).
    EXPECT_NE(*verdicts[1].preference, 3.0 - *verdicts[2].preference);
}

TEST_F(LocalJudgeTest, AnEvaluationAsksBothOrdersAndAveragesThemAndCachesTheVerdicts) {
    auto ws = store::Workspace::open(m_dir / "w.ladder");
    EvalSettings settings;
    settings.judge = "local";
    settings.judgeOptions = {{"model", m_folder.string()}};
    settings.prompts.reference = "medium";
    settings.prompts.limit = 6;
    Evaluator evaluator(ws.db(), settings);
    const auto outputs = sourceOutputs(ws.db(), "strong");
    EvalTarget target;
    target.generator = "strong";
    target.store = false;
    const auto first = evaluator.evaluateOutputs(outputs, target);
    ASSERT_EQ(first.samples.size(), 6u);
    EXPECT_EQ(first.judge, "local:judge-model");
    for (const auto& s : first.samples) {
        ASSERT_TRUE(s.outcome.forward && s.outcome.backward);
        // Forward: the reference is output_1; backward: the evaluated answer is.
        const Comparison forward{s.prompt.instruction, s.prompt.input, s.prompt.reference, s.output, "", ""};
        const Comparison backward{s.prompt.instruction, s.prompt.input, s.output, s.prompt.reference, "", ""};
        EXPECT_NEAR(*s.outcome.forward, expected(forward), 1e-6);
        EXPECT_NEAR(*s.outcome.backward, expected(backward), 1e-6);
        EXPECT_NEAR(*s.outcome.score(),
                    ((*s.outcome.forward - 1.0) + (2.0 - *s.outcome.backward)) / 2.0, 1e-12);
    }
    const auto cachedRows = ws.db().queryInt64("SELECT count(*) FROM judge_cache");
    EXPECT_GT(cachedRows, 0);
    EXPECT_LE(cachedRows, 12);
    // A second evaluation, by a new judge on the same workspace: the same verdicts from the cache.
    Evaluator again(ws.db(), settings);
    const auto second = again.evaluateOutputs(outputs, target);
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM judge_cache"), cachedRows);
    EXPECT_DOUBLE_EQ(second.winRate.winRate, first.winRate.winRate);
}

TEST_F(LocalJudgeTest, ThePromptIsFilledOnceAndBadOptionsAreClear) {
    const Comparison c{"Say {output_2}", "quietly", "I say {output_1}", "B", "", ""};
    const std::string filled = fillJudgePrompt("[{instruction}] [{output_1}] [{output_2}]", c);
    EXPECT_EQ(filled, "[Say {output_2}\n\nquietly] [I say {output_1}] [B]");
    EXPECT_THROW((void)fillJudgePrompt("{instruction} {output_1}", c), Error);
    for (const auto& [options, words] : std::vector<std::pair<nlohmann::json, std::string>>{
             {nlohmann::json::object(), "--judge-model DIR"},
             {{{"model", m_folder.string()}, {"temperature", "1"}}, "has no option 'temperature'"},
             {{{"model", (m_dir / "nothing").string()}}, "nothing"}}) {
        try {
            (void)makeJudge("local", options, {});
            ADD_FAILURE() << "no error for " << options.dump();
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    }
}

}  // namespace
}  // namespace ladder::eval
