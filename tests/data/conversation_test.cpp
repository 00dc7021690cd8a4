// Message lists and HH-RLHF dialogues turned into prompts and answers.
#include <gtest/gtest.h>

#include "core/data/conversation.h"

namespace ladder::data {
namespace {

using nlohmann::json;

TEST(Conversation, HhDialoguesSplitAtTheLastSharedAssistantTurn) {
    const std::string prefix =
        "\n\nHuman: Hi there\n\nAssistant: Hello!\n\nHuman: What is 2+2?\n\nAssistant:";
    std::string error;
    const auto split = splitDialogues(prefix + " It is 4.", prefix + " It is 5.", &error);
    ASSERT_TRUE(split) << error;
    EXPECT_EQ(split->prompt, "Human: Hi there\n\nAssistant: Hello!\n\nHuman: What is 2+2?");
    EXPECT_EQ(split->chosen, "It is 4.");
    EXPECT_EQ(split->rejected, "It is 5.");
}

TEST(Conversation, SingleHumanTurnBecomesAPlainPrompt) {
    std::string error;
    const auto split = splitDialogues("\n\nHuman: Name a colour.\n\nAssistant: Blue",
                                      "\n\nHuman: Name a colour.\n\nAssistant: Seven", &error);
    ASSERT_TRUE(split) << error;
    EXPECT_EQ(split->prompt, "Name a colour.");
    EXPECT_EQ(split->chosen, "Blue");
    EXPECT_EQ(split->rejected, "Seven");
}

TEST(Conversation, AnswersThatShareTheirStartStillSplitAtTheTurn) {
    std::string error;
    const auto split = splitDialogues("\n\nHuman: Q\n\nAssistant: I think yes",
                                      "\n\nHuman: Q\n\nAssistant: I think no", &error);
    ASSERT_TRUE(split) << error;
    EXPECT_EQ(split->chosen, "I think yes");
    EXPECT_EQ(split->rejected, "I think no");
}

TEST(Conversation, DialoguesWithoutASharedAssistantTurnAreRefused) {
    std::string error;
    EXPECT_FALSE(splitDialogues("Human: A\n\nAssistant: x", "Something else", &error));
    EXPECT_NE(error.find("Assistant:"), std::string::npos);
}

TEST(Conversation, ShareGptRolesMapToUserAndAssistant) {
    std::string error;
    const auto messages = readMessages(
        json::parse(R"([{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}])"),
        &error);
    ASSERT_TRUE(messages) << error;
    EXPECT_EQ((*messages)[0].role, "user");
    EXPECT_EQ((*messages)[1].role, "assistant");
    EXPECT_EQ(renderPrompt(*messages), "User: Hi\n\nAssistant: Hello");
}

TEST(Conversation, OpenAiContentPartsAreJoined) {
    std::string error;
    const auto m =
        readMessage(json::parse(R"({"role": "user", "content": [{"type": "text", "text": "a"},
                                                    {"type": "text", "text": "b"}]})"),
                    &error);
    ASSERT_TRUE(m) << error;
    EXPECT_EQ(m->content, "ab");
}

TEST(Conversation, ALoneUserMessageIsThePromptAndACompletionMustBeTheAssistants) {
    EXPECT_EQ(renderPrompt({{"user", "Just this"}}), "Just this");
    EXPECT_EQ(renderPrompt({{"system", "Be brief"}, {"user", "Q"}}), "System: Be brief\n\nUser: Q");
    EXPECT_EQ(renderCompletion({{"assistant", "A"}, {"assistant", "B"}}), "A\n\nB");
    EXPECT_FALSE(renderCompletion({{"user", "not an answer"}}));
}

TEST(Conversation, MalformedMessagesSayWhatIsWrong) {
    std::string error;
    EXPECT_FALSE(readMessages(json::parse(R"("text")"), &error));
    EXPECT_NE(error.find("list of messages"), std::string::npos);
    EXPECT_FALSE(readMessages(json::parse(R"([{"role": "user"}])"), &error));
    EXPECT_NE(error.find("message 1"), std::string::npos);
    EXPECT_NE(error.find("content"), std::string::npos);
}

}  // namespace
}  // namespace ladder::data
