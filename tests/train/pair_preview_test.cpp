// The launcher's pair preview: the trainer's tokens, which carry loss, which are special, and
// what the length caps cut.
#include "core/train/pair_preview.h"

#include <gtest/gtest.h>

#include "core/format/text_format.h"
#include "core/pairs/training_pairs.h"
#include "core/tokenizer/byte_tokenizer.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/batch.h"
#include "tests/support/test_support.h"

namespace ladder::train {
namespace {

std::string joined(const std::vector<TokenPiece>& pieces) {
    std::string out;
    for (const auto& p : pieces) out += p.text;
    return out;
}

TEST(PairPreview, ShowsTheTrainersTokensWithLossOnTheAnswersAndSpecialTokensMarked) {
    const tokenizer::ByteTokenizer tok;
    const auto textFormat = format::TextFormat::resolve("chatml", tok);
    pairs::TrainingPair pair;
    pair.pairId = 7;
    pair.instruction = "Sum 2 3";
    pair.chosen = "5";
    pair.rejected = "six";
    const auto preview = previewPair(pair, textFormat, tok, LengthCaps{256, 128});
    EXPECT_EQ(preview.format, "chatml");
    EXPECT_EQ(preview.promptText, "<|im_start|>user\nSum 2 3<|im_end|>\n<|im_start|>assistant\n");
    ASSERT_FALSE(preview.prompt.empty());
    EXPECT_TRUE(preview.prompt.front().special);  // the byte tokenizer's <|bos|>
    EXPECT_EQ(preview.prompt.front().text, "<|bos|>");
    EXPECT_EQ(joined(preview.prompt), "<|bos|>" + preview.promptText);
    for (const auto& p : preview.prompt) EXPECT_FALSE(p.loss);
    EXPECT_EQ(joined(preview.chosen), "5<|im_end|><|endoftext|>");
    EXPECT_EQ(joined(preview.rejected), "six<|im_end|><|endoftext|>");
    for (const auto& p : preview.chosen) EXPECT_TRUE(p.loss);
    EXPECT_TRUE(preview.chosen.back().special);
    EXPECT_FALSE(preview.chosen.front().special);
    EXPECT_FALSE(preview.promptCut);
    EXPECT_FALSE(preview.answerCut);

    // The caps cut as the trainer cuts: the prompt's start, then the answers' end.
    const auto cut = previewPair(pair, textFormat, tok, LengthCaps{20, 16});
    EXPECT_TRUE(cut.promptCut);
    EXPECT_EQ(cut.prompt.size(), 16u);
    EXPECT_TRUE(cut.answerCut);
    EXPECT_EQ(cut.rejected.size(), 4u);
}

// A real chat model (SmolLM2's tokenizer.json and chat template from ../shared): the template
// writes its own special tokens and the preview shows them as special, nothing is added before
// them, the prompt ends with the generation prompt, and the answer turn (its end-of-turn token
// included) carries the loss. The ids are the tokenizer's own (tests/oracle/trl_text.py holds
// the same code against TRL).
TEST(PairPreview, ARealChatModelShowsItsTemplatesSpecialTokensAndLossOnTheAnswerTurn) {
    LADDER_REQUIRE_SHARED("data/models/SmolLM2-135M-Instruct/tokenizer.json");
    const auto folder = test::sharedDir() / "data/models/SmolLM2-135M-Instruct";
    const auto tok = tokenizer::loadTokenizer(folder);
    const auto textFormat = format::TextFormat::resolve("auto", *tok);
    pairs::TrainingPair pair;
    pair.pairId = 3;
    pair.instruction = "Sum 2 and 3, café";
    pair.chosen = "5";
    pair.rejected = "six";
    const auto preview = previewPair(pair, textFormat, *tok, LengthCaps{512, 256});
    EXPECT_NE(preview.format.find("chat template"), std::string::npos) << preview.format;
    EXPECT_NE(preview.promptText.find("<|im_start|>user\nSum 2 and 3, café<|im_end|>\n"),
              std::string::npos)
        << preview.promptText;
    EXPECT_TRUE(preview.promptText.ends_with("<|im_start|>assistant\n")) << preview.promptText;
    EXPECT_EQ(joined(preview.prompt), preview.promptText);  // no BOS added before the template's
    const auto ids = tok->encode(preview.promptText, /*addSpecialTokens=*/false);
    ASSERT_EQ(preview.prompt.size(), ids.size());
    int specials = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        EXPECT_EQ(preview.prompt[i].id, ids[i]) << i;
        const bool marker = preview.prompt[i].text == "<|im_start|>" ||
                            preview.prompt[i].text == "<|im_end|>";
        EXPECT_EQ(preview.prompt[i].special, marker) << preview.prompt[i].text;
        EXPECT_FALSE(preview.prompt[i].loss);
        specials += marker;
    }
    EXPECT_EQ(specials, 5);  // system and user turns, and the generation prompt's start
    EXPECT_TRUE(joined(preview.chosen).starts_with("5<|im_end|>")) << joined(preview.chosen);
    EXPECT_TRUE(joined(preview.rejected).starts_with("six<|im_end|>")) << joined(preview.rejected);
    for (const auto* answer : {&preview.chosen, &preview.rejected}) {
        int ends = 0;
        for (const auto& p : *answer) {
            EXPECT_TRUE(p.loss) << p.text;
            EXPECT_EQ(p.special, p.text == "<|im_end|>" || p.text == "<|endoftext|>") << p.text;
            ends += p.text == "<|im_end|>";
        }
        EXPECT_EQ(ends, 1);
    }
}

}  // namespace
}  // namespace ladder::train
