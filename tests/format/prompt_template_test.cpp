// Prompt templates: the exact Alpaca text, ChatML turns, names, stop strings.
#include <gtest/gtest.h>

#include "core/format/prompt_template.h"
#include "tests/support/test_support.h"

namespace ladder::format {
namespace {

TEST(PromptTemplate, AlpacaWithAndWithoutInputIsStanfordsText) {
    const PromptTemplate alpaca;
    EXPECT_EQ(alpaca.name(), "alpaca");
    EXPECT_EQ(alpaca.prompt("Name a colour."),
              "Below is an instruction that describes a task. Write a response that appropriately "
              "completes the request.\n\n### Instruction:\nName a colour.\n\n### Response:\n");
    EXPECT_EQ(alpaca.prompt("Translate.", "Bonjour"),
              "Below is an instruction that describes a task, paired with an input that provides "
              "further context. Write a response that appropriately completes the request.\n\n"
              "### Instruction:\nTranslate.\n\n### Input:\nBonjour\n\n### Response:\n");
    EXPECT_EQ(alpaca.answerSuffix(), "");
    EXPECT_EQ(alpaca.trimAnswer("Blue.\n\n### Instruction:\nMore"), "Blue.");
}

TEST(PromptTemplate, ChatMlWrapsTurnsAndStopsAtEndOfTurn) {
    const PromptTemplate chatml = PromptTemplate::fromName("chatml");
    EXPECT_EQ(chatml.prompt("Hi", "there"),
              "<|im_start|>user\nHi\n\nthere<|im_end|>\n<|im_start|>assistant\n");
    EXPECT_EQ(chatml.answerSuffix(), "<|im_end|>");
    EXPECT_EQ(chatml.trimAnswer("Hello!<|im_end|>\n<|im_start|>user"), "Hello!");
}

TEST(PromptTemplate, RawAndNames) {
    const PromptTemplate raw = PromptTemplate::fromName("raw");
    EXPECT_EQ(raw.prompt("2+2="), "2+2=");
    EXPECT_EQ(raw.prompt("Sum:", "1 2"), "Sum:\n\n1 2");
    EXPECT_TRUE(raw.stopStrings().empty());
    EXPECT_EQ(raw.trimAnswer("4 \n"), "4");
    for (const auto& name : PromptTemplate::names()) {
        EXPECT_EQ(PromptTemplate::fromName(name).name(), name);
    }
    EXPECT_NE(test::errorOf([] { (void)PromptTemplate::fromName("vicuna"); }).find("vicuna"),
              std::string::npos);
}

}  // namespace
}  // namespace ladder::format
