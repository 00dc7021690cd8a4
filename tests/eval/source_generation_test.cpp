// generateSource, the answers of a local model stored as a source: batches of eight give the same
// answers as one prompt at a time under greedy decoding; a generation stopped after its first
// batch continues, with the same command, to exactly the answers of an uninterrupted one (sampled,
// per-batch seeds), never storing a row twice; a finished source is not generated again; K samples
// per prompt; and the settings that cannot work fail before anything is generated. (A SIGKILL in
// the middle of a batch is tried by the kill campaign, tests/reliability.)
#include <gtest/gtest.h>

#include <set>

#include <torch/torch.h>

#include "core/demo/demo_workspace.h"
#include "core/eval/source_generation.h"
#include "core/store/workspace.h"
#include "core/tokenizer/byte_tokenizer.h"
#include "tests/support/test_support.h"

namespace ladder::eval {
namespace {
namespace fs = std::filesystem;

struct StoredAnswer {
    std::int64_t row = 0;
    std::int64_t promptId = 0;
    std::string text;
    bool operator==(const StoredAnswer&) const = default;
};

std::vector<StoredAnswer> storedAnswers(store::Database& db, std::int64_t datasetId) {
    auto q = db.prepare(
        "SELECT row_index, prompt_id, text FROM responses WHERE dataset_id = ? ORDER BY row_index");
    q.bind(1, datasetId);
    std::vector<StoredAnswer> out;
    while (q.step()) out.push_back({q.int64(0), q.int64(1), q.text(2)});
    return out;
}

std::string datasetState(store::Database& db, std::int64_t datasetId) {
    auto q = db.prepare("SELECT state FROM datasets WHERE id = ?");
    q.bind(1, datasetId);
    return q.step() ? q.text(0) : std::string();
}

class SourceGenerationTest : public ::testing::Test {
protected:
    void SetUp() override {
        demo::initWorkspace(m_dir / "a.ladder", {.prompts = 40, .seed = 3});
        fs::copy_file(m_dir / "a.ladder", m_dir / "b.ladder");
        torch::manual_seed(11);
        m_model = model::buildModel(model::ModelConfig::tiny(), torch::kCPU, torch::kDouble);
        m_model->eval();
    }

    static SourceGenerationSettings settings(const std::string& name, int batch) {
        SourceGenerationSettings s;
        s.source = name;
        s.answers.templateSetting = "chatml";
        s.answers.maxNewTokens = 10;
        s.answers.batchSize = batch;
        s.modelKey = "tiny-seed-11";
        s.provenance = {{"model", "tiny"}};
        return s;
    }

    test::TempDir m_dir;
    model::CausalLM m_model;
    tokenizer::ByteTokenizer m_tokenizer;
};

TEST_F(SourceGenerationTest, GreedyBatchesOfEightGiveTheAnswersOfOnePromptAtATime) {
    auto ws = store::Workspace::open(m_dir / "a.ladder");
    const auto prompts = workspacePrompts(ws.db(), 11);  // one full batch of 8 and one of 3
    ASSERT_EQ(prompts.size(), 11u);
    const auto batched = generateSource(ws.db(), *m_model, m_tokenizer, prompts, settings("b8", 8));
    const auto single = generateSource(ws.db(), *m_model, m_tokenizer, prompts, settings("b1", 1));
    EXPECT_EQ(batched.progress.done, 11u);
    EXPECT_EQ(single.progress.done, 11u);
    EXPECT_NE(batched.datasetId, single.datasetId);
    const auto a = storedAnswers(ws.db(), batched.datasetId);
    const auto b = storedAnswers(ws.db(), single.datasetId);
    ASSERT_EQ(a.size(), 11u);
    EXPECT_EQ(a, b);
    std::set<std::string> distinct;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].row, static_cast<std::int64_t>(i));
        EXPECT_EQ(a[i].promptId, prompts[i].promptId);
        distinct.insert(a[i].text);
    }
    EXPECT_GT(distinct.size(), 1u) << "every prompt got the same answer: the comparison shows nothing";
    EXPECT_EQ(datasetState(ws.db(), batched.datasetId), "complete");
}

TEST_F(SourceGenerationTest, AStoppedGenerationContinuesToTheAnswersOfAnUninterruptedOne) {
    auto s = settings("sampled", 4);
    s.answers.temperature = 1.0;
    s.answers.seed = 7;
    s.samplesPerPrompt = 2;  // 10 prompts x 2 = 20 answers in 5 batches

    auto whole = store::Workspace::open(m_dir / "a.ladder");
    const auto prompts = workspacePrompts(whole.db(), 10);
    const auto reference = generateSource(whole.db(), *m_model, m_tokenizer, prompts, s);
    const auto expected = storedAnswers(whole.db(), reference.datasetId);
    ASSERT_EQ(expected.size(), 20u);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(expected[i].promptId, prompts[i / 2].promptId);  // K rows per prompt, in order
    }

    auto ws = store::Workspace::open(m_dir / "b.ladder");
    std::atomic<bool> stop{false};
    int batches = 0;
    const auto first = generateSource(
        ws.db(), *m_model, m_tokenizer, prompts, s,
        [&](const SourceGenerationProgress&) {
            ++batches;
            stop = true;  // a Ctrl+C during the first batch
        },
        &stop);
    EXPECT_TRUE(first.stopped);
    EXPECT_EQ(batches, 1);
    EXPECT_EQ(first.progress.done, 4u);
    EXPECT_EQ(datasetState(ws.db(), first.datasetId), "importing");  // out of pair building
    EXPECT_EQ(storedAnswers(ws.db(), first.datasetId).size(), 4u);

    const auto rest = generateSource(ws.db(), *m_model, m_tokenizer, prompts, s);
    EXPECT_FALSE(rest.stopped);
    EXPECT_FALSE(rest.alreadyComplete);
    EXPECT_EQ(rest.datasetId, first.datasetId);
    EXPECT_EQ(rest.progress.resumed, 4u);
    EXPECT_EQ(rest.progress.done, 20u);
    const auto got = storedAnswers(ws.db(), rest.datasetId);
    EXPECT_EQ(got, expected);  // rows 0..19 once each, the same sampled texts
    EXPECT_EQ(datasetState(ws.db(), rest.datasetId), "complete");

    const auto again = generateSource(ws.db(), *m_model, m_tokenizer, prompts, s);
    EXPECT_TRUE(again.alreadyComplete);
    EXPECT_EQ(again.progress.newTokens, 0);
    EXPECT_EQ(storedAnswers(ws.db(), rest.datasetId).size(), 20u);

    // Another seed samples other answers (the equality above is not one of constant texts).
    auto other = s;
    other.source = "sampled-seed-8";
    other.answers.seed = 8;
    const auto reseeded = generateSource(ws.db(), *m_model, m_tokenizer, prompts, other);
    EXPECT_NE(storedAnswers(ws.db(), reseeded.datasetId), expected);
}

TEST_F(SourceGenerationTest, SettingsThatCannotWorkFailBeforeAnythingIsStored) {
    auto ws = store::Workspace::open(m_dir / "a.ladder");
    const auto prompts = workspacePrompts(ws.db(), 4);
    auto greedyK = settings("k", 2);
    greedyK.samplesPerPrompt = 3;
    EXPECT_NE(test::errorOf([&] {
                  (void)generateSource(ws.db(), *m_model, m_tokenizer, prompts, greedyK);
              }).find("under greedy decoding would be the same answer 3 times"),
              std::string::npos);

    (void)generateSource(ws.db(), *m_model, m_tokenizer, prompts, settings("mine", 2));
    auto longer = settings("mine", 2);
    longer.answers.maxNewTokens = 20;  // other answers under a name that has some
    const std::string message = test::errorOf([&] {
        (void)generateSource(ws.db(), *m_model, m_tokenizer, prompts, longer);
    });
    EXPECT_NE(message.find("the source 'mine' already has 4 answers"), std::string::npos) << message;
    EXPECT_NE(message.find("another --name"), std::string::npos) << message;
    // An imported source's name is taken the same way.
    EXPECT_NE(test::errorOf([&] {
                  (void)generateSource(ws.db(), *m_model, m_tokenizer, prompts, settings("strong", 2));
              }).find("the source 'strong' already has"),
              std::string::npos);
    auto count = ws.db().prepare("SELECT count(*) FROM datasets WHERE format = 'generated'");
    count.step();
    EXPECT_EQ(count.int64(0), 1);
}

}  // namespace
}  // namespace ladder::eval
