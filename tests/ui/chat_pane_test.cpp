// The Chat pane on a real workspace: a run's checkpoint answers through its chat template, the
// answer equal to what core's generateAnswers gives for the same conversation; a second model
// beside it answers the same message; the conversation goes on with the earlier turns; a missing
// model is refused with what to do.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QLabel>
#include <QComboBox>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSpinBox>

#include "core/eval/answer_generation.h"
#include "core/store/workspace.h"
#include "core/train/model_source.h"
#include "tests/ui/runs_test_support.h"
#include "ui/bridge/chat_engine.h"
#include "ui/chat/chat_pane.h"
#include "ui/main_window.h"

namespace ladder::ui {
namespace {
namespace fs = std::filesystem;
using test::qpath;
using namespace std::chrono_literals;

// What core answers to a conversation with the run's latest checkpoint (greedy).
std::string coreAnswer(const fs::path& workspace, std::int64_t runId,
                       const std::vector<data::Message>& messages, int maxNewTokens) {
    auto ws = store::Workspace::open(workspace);
    train::ModelSpec spec;
    spec.kind = "run";
    spec.runId = runId;
    spec.checkpointStep = -1;
    const auto loaded = train::loadModelSpec(ws, spec, "", torch::kCPU, 0);
    eval::AnswerOptions options;
    options.templateSetting = test::tinyRun("sft", 3).templateName;  // the run's template
    options.maxNewTokens = maxNewTokens;
    eval::Instruction instruction;
    instruction.messages = messages;
    instruction.instruction = messages.back().content;
    return eval::generateAnswers(*loaded.model, *loaded.tokenizer, {instruction}, options).front().text;
}

TEST(ChatPaneTest, ARunAnswersAConversationAsCoreDoesAndASecondModelAnswersBeside) {
    QSettings().clear();
    test::TempDir dir;
    const fs::path path = test::makeDemoWorkspace(dir, 48);
    std::int64_t runId = 0;
    {
        train::JobRequest request;
        request.workspacePath = path.string();
        request.config = test::tinyRun("sft", 3);
        train::TrainingJob job(request);
        job.start();
        job.wait();
        runId = job.runId();
    }
    ASSERT_GT(runId, 0);
    MainWindow window;
    ASSERT_TRUE(window.openWorkspace(qpath(path), false, false));
    auto* chat = window.findChild<ChatPane*>();
    ASSERT_NE(chat, nullptr);
    auto* message = chat->findChild<QPlainTextEdit*>("chatMessage");

    // Nothing chosen in the second model's place: refused, nothing sent.
    chat->setCompare(true);
    chat->findChild<QComboBox*>("chatModelRight")->setCurrentIndex(
        chat->findChild<QComboBox*>("chatModelRight")->count() - 1);  // "Model folder..."
    message->setPlainText("Name a fruit.");
    EXPECT_FALSE(chat->send());
    EXPECT_TRUE(chat->findChild<QLabel*>("chatStatus")->text().startsWith("Choose a model"));
    EXPECT_TRUE(chat->conversation(0).empty());

    chat->chooseRun(0, runId);
    chat->chooseRun(1, runId);
    chat->findChild<QSpinBox*>("chatMaxTokens")->setValue(16);
    QSignalSpy left(chat->engine(0), &ChatEngine::finished);
    QSignalSpy right(chat->engine(1), &ChatEngine::finished);
    ASSERT_TRUE(chat->send());
    EXPECT_TRUE(message->toPlainText().isEmpty());
    ASSERT_TRUE(test::waitFor([&] { return left.size() == 1 && right.size() == 1; }, 60s));
    EXPECT_TRUE(left.front().front().toBool()) << left.front().at(1).toString().toStdString();
    ASSERT_EQ(chat->conversation(0).size(), 2u);
    const std::string answer = chat->conversation(0)[1].content;
    EXPECT_EQ(answer, coreAnswer(path, runId, {{"user", "Name a fruit."}}, 16));
    EXPECT_EQ(chat->conversation(1)[1].content, answer);  // the same model, greedy
    EXPECT_TRUE(chat->transcript(0).contains("Name a fruit."));

    // The next turn carries the conversation.
    chat->setCompare(false);
    message->setPlainText("And a vegetable?");
    ASSERT_TRUE(chat->send());
    ASSERT_TRUE(test::waitFor([&] { return left.size() == 2; }, 60s));
    ASSERT_EQ(chat->conversation(0).size(), 4u);
    EXPECT_EQ(chat->conversation(1).size(), 2u);  // the hidden side was not asked
    EXPECT_EQ(chat->conversation(0)[3].content,
              coreAnswer(path, runId,
                         {{"user", "Name a fruit."}, {"assistant", answer}, {"user", "And a vegetable?"}},
                         16));
}

}  // namespace
}  // namespace ladder::ui
