// Evaluation end to end: generation stops at EOS and the template's stop strings (a scripted
// model that writes known bytes), the demo's answers judged against its medium model agree with
// the verdicts stored at workspace creation, a position-biased command judge shows in the
// agreement, and a run's in-training win rate is stored at its steps and replays from its final
// checkpoint with and without the KV cache.
#include <gtest/gtest.h>

#include <map>

#include <torch/torch.h>

#include "core/common/text.h"
#include "core/demo/demo_workspace.h"
#include "core/eval/eval_store.h"
#include "core/eval/evaluator.h"
#include "core/format/text_format.h"
#include "core/model/checkpoint.h"
#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/tokenizer/byte_tokenizer.h"
#include "core/train/model_source.h"
#include "core/train/training_checkpoint.h"
#include "core/train/training_job.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_run.h"

namespace ladder::eval {
namespace {
namespace fs = std::filesystem;

// Writes `script` byte by byte after a prompt of promptLength tokens, then EOS: the token after
// position p is script[p + 1 - promptLength]. Prompts must all have that length.
class ScriptedModelImpl : public model::CausalLMImpl {
public:
    ScriptedModelImpl(std::string script, std::int64_t promptLength)
        : CausalLMImpl(model::ModelConfig::tiny()),
          m_script(std::move(script)),
          m_promptLength(promptLength) {
        m_anchor = register_parameter("anchor", torch::zeros({1}));
    }
    torch::Tensor hidden(const model::ForwardInput& input) override {
        return positionsOf(input).to(torch::kFloat).unsqueeze(-1);  // (B, T, 1)
    }
    torch::Tensor logits(const torch::Tensor& hidden) override {
        const auto positions = hidden.squeeze(-1).to(torch::kLong).flatten();  // (N)
        auto out = torch::zeros({positions.size(0), config().vocabSize});      // (N, V)
        for (std::int64_t i = 0; i < positions.size(0); ++i) {
            const std::int64_t k = positions[i].item<std::int64_t>() + 1 - m_promptLength;
            const std::int64_t token =
                k >= 0 && k < static_cast<std::int64_t>(m_script.size())
                    ? static_cast<unsigned char>(m_script[static_cast<std::size_t>(k)])
                    : tokenizer::ByteTokenizer::kEndOfText;
            out[i][token] = 10.0;
        }
        auto shape = hidden.sizes().vec();
        shape.back() = config().vocabSize;
        return out.view(shape);  // (..., V)
    }

private:
    std::string m_script;
    std::int64_t m_promptLength;
    torch::Tensor m_anchor;
};

GeneratedAnswer answerWith(const std::string& script, const std::string& templateName,
                           bool useCache = true) {
    const tokenizer::ByteTokenizer tokenizer;
    AnswerOptions options;
    options.templateSetting = templateName;
    options.maxNewTokens = 40;
    options.useCache = useCache;
    const std::vector<Instruction> instructions = {{"abcd", ""}, {"wxyz", ""}};
    const auto length = static_cast<std::int64_t>(
        format::TextFormat::resolve(templateName, tokenizer).promptIds({"abcd", "", {}}).size());
    ScriptedModelImpl model(script, length);
    const auto answers = generateAnswers(model, tokenizer, instructions, options);
    EXPECT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].tokens, answers[1].tokens);  // the rows do not disturb each other
    return answers[0];
}

TEST(AnswerGeneration, StopsAtEosAndAtTheTemplatesStopStringsAndTrims) {
    auto a = answerWith("Paris  ", "alpaca");
    EXPECT_EQ(a.text, "Paris");
    EXPECT_EQ(a.reason, model::StopReason::Eos);
    EXPECT_EQ(a.tokens.size(), 7u);

    a = answerWith("Paris\n### Instruction:\nName another city", "alpaca");
    EXPECT_EQ(a.text, "Paris");
    EXPECT_EQ(a.reason, model::StopReason::StopWhen);
    EXPECT_EQ(a.tokens.size(), std::string("Paris\n### Instruction:").size());  // no further

    a = answerWith("42<|im_end|>\n<|im_start|>user", "chatml");
    EXPECT_EQ(a.text, "42");
    EXPECT_EQ(a.reason, model::StopReason::StopWhen);

    a = answerWith("no stop strings here", "raw");
    EXPECT_EQ(a.text, "no stop strings here");
    EXPECT_EQ(answerWith("no stop strings here", "raw", /*useCache=*/false).tokens, a.tokens);

    a = answerWith("bad \xFF byte \xE2\x82", "raw");  // a byte model can emit broken UTF-8
    EXPECT_EQ(a.text, "bad \xEF\xBF\xBD byte \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(AnswerGeneration, StreamsEachAnswersTextTokenByTokenAndStopsWhenAsked) {
    const tokenizer::ByteTokenizer tokenizer;
    const std::vector<Instruction> instructions = {{"abcd", ""}, {"wxyz", ""}};
    const auto length = static_cast<std::int64_t>(
        format::TextFormat::resolve("raw", tokenizer).promptIds({"abcd", "", {}}).size());
    ScriptedModelImpl model("streamed text", length);
    AnswerOptions options;
    options.templateSetting = "raw";
    options.maxNewTokens = 40;
    std::vector<std::vector<std::string>> seen(2);
    options.onText = [&](std::size_t index, const std::string& text) {
        seen.at(index).push_back(text);
        return index == 1 && text == "stream";  // the second answer is stopped there
    };
    const auto answers = generateAnswers(model, tokenizer, instructions, options);
    // One call a token (not for the EOS that ends it), each text the one before with one more byte.
    ASSERT_EQ(seen[0].size(), std::string("streamed text").size());
    EXPECT_EQ(seen[0][0], "s");
    EXPECT_EQ(seen[0][7], "streamed");
    EXPECT_EQ(answers[0].text, "streamed text");
    EXPECT_EQ(seen[1].back(), "stream");
    EXPECT_EQ(answers[1].text, "stream");
    EXPECT_EQ(answers[1].reason, model::StopReason::StopWhen);
}

TEST(AnswerGeneration, ReplacesEveryInvalidUtf8ByteAndKeepsValidText) {
    EXPECT_EQ(replaceInvalidUtf8("caf\xC3\xA9 \xF0\x9F\x91\x8B"), "caf\xC3\xA9 \xF0\x9F\x91\x8B");
    EXPECT_EQ(replaceInvalidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
    EXPECT_EQ(replaceInvalidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

class DemoEvalTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_path = m_dir / "demo.ladder";
        demo::initWorkspace(m_path, {.prompts = 240, .seed = 5, .heldoutFraction = 0.1});
    }

    EvalSettings settings(const std::string& judge,
                          nlohmann::json options = nlohmann::json::object()) {
        EvalSettings s;
        s.judge = judge;
        s.judgeOptions = std::move(options);
        s.prompts.reference = "medium";
        s.prompts.heldoutOf.ladder = "demo";
        return s;
    }

    test::TempDir m_dir;
    fs::path m_path;
};

TEST_F(DemoEvalTest, StrongAgainstMediumAgreesWithTheStoredDemoVerdictsAndIsStored) {
    auto ws = store::Workspace::open(m_path);
    const auto strong = sourceOutputs(ws.db(), "strong");
    EvalTarget target;
    target.generator = "strong";
    Evaluator demoJudge(ws.db(), settings("demo"));
    const auto& prompts = demoJudge.prompts();
    ASSERT_GE(prompts.size(), 10u);
    const auto result = demoJudge.evaluateOutputs(strong, target);
    ASSERT_EQ(result.samples.size(), prompts.size());
    EXPECT_EQ(result.winRate.n, static_cast<std::int64_t>(prompts.size()));
    EXPECT_GT(result.winRate.winRate, 0.5);   // the strong model beats the medium one
    EXPECT_EQ(result.winRate.bothOrders, 0);  // the demo judge is symmetric: asked once

    // Independently: the demo-judge verdicts stored on the held-out strong>medium pairs, read
    // back through the imported judge (mirrored: those verdicts put strong first).
    target.store = false;
    Evaluator stored(ws.db(), settings("imported", {{"annotator", "demo-judge"}}));
    const auto replay = stored.evaluateOutputs(strong, target);
    ASSERT_EQ(replay.samples.size(), result.samples.size());
    std::int64_t compared = 0;
    for (std::size_t i = 0; i < replay.samples.size(); ++i) {
        const auto expected = replay.samples[i].outcome.score();
        if (!expected) continue;  // no pair there (identical answers are not paired)
        EXPECT_EQ(result.samples[i].outcome.score(), expected) << prompts[i].instruction;
        ++compared;
    }
    EXPECT_GE(compared, static_cast<std::int64_t>(prompts.size()) / 2);

    // Stored: the evals row, a sample per prompt with preference 1 + score.
    const auto evals = listEvals(ws.db());
    ASSERT_EQ(evals.size(), 1u);
    EXPECT_EQ(evals[0].id, result.evalId);
    EXPECT_EQ(evals[0].judge, "demo");
    EXPECT_EQ(evals[0].reference, "medium");
    EXPECT_EQ(evals[0].n, result.winRate.n);
    EXPECT_EQ(evals[0].wins + evals[0].ties + evals[0].losses, evals[0].n);
    EXPECT_DOUBLE_EQ(evals[0].winRate, result.winRate.winRate);
    EXPECT_DOUBLE_EQ(evals[0].stdError, result.winRate.stdError);
    const auto samples = loadSamples(ws.db(), result.evalId);
    ASSERT_EQ(samples.size(), result.samples.size());
    double sum = 0;
    for (const auto& s : samples) sum += s.preference.value() - 1.0;
    EXPECT_DOUBLE_EQ(sum / static_cast<double>(samples.size()), result.winRate.winRate);
    std::map<std::string, std::string> strongAnswers;
    for (const auto& o : strong) strongAnswers[o.instruction] = o.output;
    const auto exported = evalOutputs(ws.db(), result.evalId);
    ASSERT_EQ(exported.size(), prompts.size());
    for (const auto& o : exported) {
        EXPECT_EQ(o.output, strongAnswers.at(o.instruction));
        EXPECT_EQ(o.generator, "ladder-eval-" + std::to_string(result.evalId));
    }
}

TEST_F(DemoEvalTest, CommandJudgeIsAskedBothOrdersAndItsPositionBiasShows) {
    auto ws = store::Workspace::open(m_path);
    const auto strong = sourceOutputs(ws.db(), "strong");
    EvalTarget target;
    target.store = false;
    auto judgeOptions = [](const std::string& mode) {
        return nlohmann::json{{"argv", {LADDER_TEST_JUDGE, mode}}};
    };
    // A judge that always picks output_1: each prompt is lost one way and won the other.
    const auto biased = Evaluator(ws.db(), settings("command", judgeOptions("first")))
                            .evaluateOutputs(strong, target);
    const auto n = static_cast<std::int64_t>(biased.samples.size());
    EXPECT_EQ(biased.winRate.bothOrders, n);
    EXPECT_EQ(biased.winRate.ordersAgree, 0);
    EXPECT_DOUBLE_EQ(biased.winRate.positionAgreement, 0.0);
    EXPECT_EQ(biased.winRate.ties, n);
    EXPECT_DOUBLE_EQ(biased.winRate.winRate, 0.5);
    // The longer-answer judge does not care about position.
    const auto longer = Evaluator(ws.db(), settings("command", judgeOptions("longer")))
                            .evaluateOutputs(strong, target);
    EXPECT_DOUBLE_EQ(longer.winRate.positionAgreement, 1.0);
    EXPECT_EQ(longer.judge, "command:ladder_test_judge");
}

TEST_F(DemoEvalTest, UnknownReferenceOrJudgeFailsBeforeAnythingIsGenerated) {
    auto ws = store::Workspace::open(m_path);
    auto s = settings("demo");
    s.prompts.reference = "gpt5";
    try {
        Evaluator evaluator(ws.db(), s);
        FAIL();
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("gpt5"), std::string::npos) << m;
        EXPECT_NE(m.find("(sources: medium, strong, weak)"), std::string::npos) << m;
    }
    EXPECT_THROW(Evaluator(ws.db(), settings("oracle")), Error);
}

// A tiny model trained a few steps with the win rate on: stored at every 2 steps and at the end,
// plotted through the metrics, and replayed from the final checkpoint to the same answers.
TEST_F(DemoEvalTest, InTrainingWinRateIsStoredAtItsStepsAndReplaysFromTheCheckpoint) {
    train::RunConfig c = test::tinyRunConfig("sft", 4);
    c.name = "sft with win rate";
    c.evalEvery = 0;
    c.evalPairs = 8;
    c.checkpointEvery = 0;
    c.marginPairs = 0;
    c.winRate.every = 2;
    c.winRate.prompts = 6;
    c.winRate.reference = "medium";
    c.winRate.maxNewTokens = 12;
    train::TrainingJob job({m_path.string(), c, 0});
    job.start();
    std::vector<train::TrainingEvent> winRates;
    std::optional<train::TrainingEvent> end;
    while (auto e = job.events().pop(std::chrono::seconds(120))) {
        if (e->kind == train::EventKind::Eval && e->message.rfind("win rate", 0) == 0) {
            winRates.push_back(*e);
        }
        if (e->isTerminal()) {
            end = e;
            break;
        }
    }
    job.wait();
    ASSERT_TRUE(end.has_value());
    ASSERT_EQ(end->kind, train::EventKind::Finished) << end->message;
    ASSERT_EQ(winRates.size(), 2u);
    EXPECT_EQ(winRates[0].step, 2);
    EXPECT_EQ(winRates[1].step, 4);

    auto ws = store::Workspace::open(m_path);
    const auto evals = listEvals(ws.db(), end->runId);
    ASSERT_EQ(evals.size(), 2u);
    EXPECT_EQ(evals[0].step, 2);
    EXPECT_EQ(evals[1].step, 4);
    EXPECT_FALSE(evals[0].checkpointId.has_value());  // no checkpoint at step 2
    EXPECT_TRUE(evals[1].checkpointId.has_value());   // the final one
    EXPECT_EQ(evals[1].details["prompt_set"], "held-out prompts of ladder demo (up to 6)");
    const auto series = store::MetricsReader(ws.db()).series(end->runId, kWinRateMetric);
    ASSERT_EQ(series.size(), 2u);
    EXPECT_EQ(series[1].first, 4);
    EXPECT_DOUBLE_EQ(series[1].second, evals[1].winRate);
    EXPECT_DOUBLE_EQ(winRates[1].metric("eval/win_rate"), evals[1].winRate);
    EXPECT_EQ(store::MetricsReader(ws.db()).series(end->runId, kWinRateStdErrorMetric).size(), 2u);
    const auto stored = loadSamples(ws.db(), evals[1].id);
    ASSERT_EQ(stored.size(), 6u);
    // The repetition curve is the mean rep-3 of the answers the evaluation stored.
    const auto repetition =
        store::MetricsReader(ws.db()).series(end->runId, kAnswerRepetitionMetric);
    ASSERT_EQ(repetition.size(), 2u);
    double meanRepetition = 0;
    for (const auto& s : stored) meanRepetition += text::repeatedNgramShare(s.output) / 6.0;
    EXPECT_EQ(evals[1].n, 6);
    EXPECT_NEAR(repetition[1].second, meanRepetition, 1e-9);

    // The final checkpoint, loaded afresh: the same greedy answers with and without the cache.
    torch::set_num_threads(1);
    const fs::path folder = train::runCheckpointFolder(ws, end->runId, -1);
    const auto policy = model::loadPretrained(folder, torch::kCPU, torch::kFloat);
    const auto tok = tokenizer::loadModelTokenizer(folder);
    EvalSettings s = settings("demo");
    s.prompts.limit = 6;
    s.generation.templateSetting = "chatml";
    s.generation.maxNewTokens = 12;
    s.generation.maxPromptTokens = 64;
    Evaluator evaluator(ws.db(), s);
    std::vector<Instruction> instructions;
    for (const auto& p : evaluator.prompts()) instructions.push_back({p.instruction, p.input});
    auto options = s.generation;
    const auto cached = generateAnswers(*policy, *tok, instructions, options);
    options.useCache = false;
    const auto recomputed = generateAnswers(*policy, *tok, instructions, options);
    ASSERT_EQ(cached.size(), 6u);
    for (std::size_t i = 0; i < cached.size(); ++i) {
        EXPECT_EQ(cached[i].tokens, recomputed[i].tokens) << i;
        EXPECT_FALSE(cached[i].tokens.empty());
    }
    EvalTarget target;
    target.runId = end->runId;
    target.step = 4;
    target.store = false;
    const auto replay = evaluator.evaluateModel(*policy, *tok, target);
    ASSERT_EQ(replay.samples.size(), stored.size());
    for (std::size_t i = 0; i < stored.size(); ++i) {
        EXPECT_EQ(replay.samples[i].output, stored[i].output) << i;
        EXPECT_EQ(replay.samples[i].output, cached[i].text) << i;
        EXPECT_EQ(replay.samples[i].prompt.reference, stored[i].referenceOutput) << i;
    }
    EXPECT_DOUBLE_EQ(replay.winRate.winRate, evals[1].winRate);
}

}  // namespace
}  // namespace ladder::eval
