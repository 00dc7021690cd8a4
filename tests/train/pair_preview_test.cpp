// The launcher's pair preview: the trainer's tokens, which carry loss, which are special, and
// what the length caps cut.
#include "core/train/pair_preview.h"

#include <gtest/gtest.h>

#include "core/format/text_format.h"
#include "core/pairs/training_pairs.h"
#include "core/tokenizer/byte_tokenizer.h"
#include "core/train/batch.h"

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

}  // namespace
}  // namespace ladder::train
