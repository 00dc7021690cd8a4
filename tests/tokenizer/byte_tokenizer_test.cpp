// ByteTokenizer: one id per byte and three specials, 259 ids in all, as the DPO reference uses.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/tokenizer/byte_tokenizer.h"
#include "core/tokenizer/tokenizer.h"

namespace ladder::tokenizer {
namespace {

TEST(ByteTokenizer, IdsAreTheBytesAndTheVocabularyHas259Entries) {
    const ByteTokenizer tok;
    EXPECT_EQ(tok.vocabSize(), 259);
    EXPECT_EQ(tok.kind(), "byte");
    EXPECT_EQ(tok.encode("Az\n"), (std::vector<std::int32_t>{65, 122, 10}));
    // "é" is two UTF-8 bytes.
    EXPECT_EQ(tok.encode("\xC3\xA9"), (std::vector<std::int32_t>{0xC3, 0xA9}));
    EXPECT_EQ(tok.eosId(), 256);
    EXPECT_EQ(tok.bosId(), 257);
    EXPECT_EQ(tok.padId(), 258);
    EXPECT_EQ(tok.tokenToId("<|endoftext|>"), 256);
    EXPECT_EQ(tok.tokenToId("<|pad|>"), 258);
    EXPECT_EQ(tok.tokenToId("ab"), std::nullopt);
    EXPECT_EQ(tok.idToToken(257), "<|bos|>");
    EXPECT_EQ(tok.idToToken(259), std::nullopt);
}

TEST(ByteTokenizer, RoundTripsEveryByteIncludingInvalidUtf8) {
    const ByteTokenizer tok;
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
    all += "\xFF\xFE\xC3";  // not UTF-8
    const auto ids = tok.encode(all);
    ASSERT_EQ(ids.size(), all.size());
    for (std::size_t i = 0; i < 256; ++i) EXPECT_EQ(ids[i], static_cast<std::int32_t>(i));
    EXPECT_EQ(tok.decode(ids), all);
}

TEST(ByteTokenizer, AddsBosOnRequestAndSkipsSpecialsOnRequest) {
    const ByteTokenizer tok;
    const auto ids = tok.encode("hi", /*addSpecialTokens=*/true);
    EXPECT_EQ(ids, (std::vector<std::int32_t>{257, 104, 105}));
    const std::vector<std::int32_t> withEos = {257, 104, 105, 256, 258};
    EXPECT_EQ(tok.decode(withEos), "<|bos|>hi<|endoftext|><|pad|>");
    EXPECT_EQ(tok.decode(withEos, /*skipSpecialTokens=*/true), "hi");
    // Ids it has no token for are skipped, like Hugging Face's decode does.
    EXPECT_EQ(tok.decode(std::vector<std::int32_t>{104, 300, -1, 105}), "hi");
}

TEST(ByteTokenizer, LoadTokenizerGivesItForTheWordByte) {
    const auto tok = loadTokenizer("byte");
    EXPECT_EQ(tok->kind(), "byte");
    EXPECT_NO_THROW(tok->checkFitsModel(259, "the demo model"));
    EXPECT_THROW(tok->checkFitsModel(256, "the demo model"), Error);
}

}  // namespace
}  // namespace ladder::tokenizer
