// BpeTokenizer on small tokenizer.json files written here: Llama-3/Qwen2-style Split + ByteLevel
// with ignore_merges, added and special tokens, SentencePiece-style byte fallback, Metaspace.
// Expected ids are worked out by hand from the vocabularies and merge ranks below.
#include <gtest/gtest.h>

#include <thread>

#include "core/common/error.h"
#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/support/test_support.h"
#include "tests/tokenizer/tokenizer_fixtures.h"

namespace ladder::tokenizer {
namespace {

using fixtures::Json;
using Ids = std::vector<std::int32_t>;

constexpr const char* kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

Json llama3PreTokenizer() {
    return Json{{"type", "Sequence"},
                {"pretokenizers",
                 {{{"type", "Split"},
                   {"pattern", {{"Regex", kLlama3Pattern}}},
                   {"behavior", "Isolated"},
                   {"invert", false}},
                  {{"type", "ByteLevel"},
                   {"add_prefix_space", false},
                   {"trim_offsets", true},
                   {"use_regex", false}}}}};
}

Json gpt2PreTokenizer() {
    return Json{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
}

// Ids: bytes 0..255, then ab 256, bc 257, abc 258, 12 259.
// Merges by rank: "b c" 0, "a b" 1, "1 2" 2 (so "abc" is a token that no merge reaches).
Json withAbcMerges(Json t) {
    fixtures::addByteLevelToken(t, "ab");
    fixtures::addByteLevelToken(t, "bc");
    fixtures::addByteLevelToken(t, "abc");
    fixtures::addByteLevelToken(t, "12");
    fixtures::addByteLevelMerge(t, "b", "c");
    fixtures::addByteLevelMerge(t, "a", "b");
    fixtures::addByteLevelMerge(t, "1", "2");
    return t;
}

std::unique_ptr<Tokenizer> load(const test::TempDir& dir, const Json& j) {
    return loadTokenizer(fixtures::writeTokenizer(dir.path(), j));
}

TEST(BpeFixture, Llama3Style_IgnoreMergesTakesAWordThatIsAToken) {
    test::TempDir dir;
    Json j = withAbcMerges(fixtures::byteLevelTokenizer(llama3PreTokenizer()));
    j["model"]["ignore_merges"] = true;
    const auto tok = load(dir, j);
    EXPECT_EQ(tok->kind(), "bpe-bytelevel");
    EXPECT_EQ(tok->encode("abc"), (Ids{258}));
    // " abc" is one word ("Ġabc", not a token): merges apply, "b c" first, and "a bc" is no merge.
    EXPECT_EQ(tok->encode(" abc"), (Ids{32, 97, 257}));
    EXPECT_EQ(tok->encode("abcd"), (Ids{97, 257, 100}));
}

TEST(BpeFixture, WithoutIgnoreMergesTheSameWordFollowsTheMerges) {
    test::TempDir dir;
    Json j = withAbcMerges(fixtures::byteLevelTokenizer(llama3PreTokenizer()));
    j["model"]["ignore_merges"] = false;
    EXPECT_EQ(load(dir, j)->encode("abc"), (Ids{97, 257}));
}

TEST(BpeFixture, Llama3Style_SplitsDigitsInGroupsOfThreeUnlikeGpt2) {
    test::TempDir llama3Dir;
    test::TempDir gpt2Dir;
    const auto llama3 = load(llama3Dir, withAbcMerges(fixtures::byteLevelTokenizer(llama3PreTokenizer())));
    const auto gpt2 = load(gpt2Dir, withAbcMerges(fixtures::byteLevelTokenizer(gpt2PreTokenizer())));
    // Llama-3: "121" + "2"; GPT-2: one word "1212" -> "12" "12".
    EXPECT_EQ(llama3->encode("1212"), (Ids{259, 49, 50}));
    EXPECT_EQ(gpt2->encode("1212"), (Ids{259, 259}));
    EXPECT_EQ(llama3->encode("12345"), (Ids{259, 51, 52, 53}));
    // Llama-3 makes " " and "12" two words, GPT-2 makes " 12" one: the ids agree here.
    EXPECT_EQ(llama3->encode(" 12"), (Ids{32, 259}));
    EXPECT_EQ(gpt2->encode(" 12"), (Ids{32, 259}));
    // Upper-case contractions split off in Llama-3's case-insensitive group.
    EXPECT_EQ(llama3->encode("IT'S"), (Ids{73, 84, 39, 83}));
}

TEST(BpeFixture, ByteLevel_AddPrefixSpaceTreatsTheFirstWordLikeALaterOne) {
    test::TempDir dir;
    Json j = withAbcMerges(fixtures::byteLevelTokenizer(gpt2PreTokenizer()));
    j["pre_tokenizer"]["add_prefix_space"] = true;
    const auto tok = load(dir, j);
    EXPECT_EQ(tok->encode("abc"), (Ids{32, 97, 257}));
    EXPECT_EQ(tok->encode(" abc"), (Ids{32, 97, 257}));  // already starts with a space
    // The ByteLevel decoder gives the added space back.
    EXPECT_EQ(tok->decode(Ids{32, 97, 257}), " abc");
}

TEST(BpeFixture, ByteLevel_RoundTripsAnyTextIncludingInvalidUtf8) {
    test::TempDir dir;
    const auto tok = load(dir, withAbcMerges(fixtures::byteLevelTokenizer(llama3PreTokenizer())));
    for (const std::string& text :
         {std::string("it's\r\n\n  x \xF0\x9F\x98\x80 abc 1212"), std::string("\xFF\xFE a\xC3"),
          std::string("\t\t"), std::string()}) {
        EXPECT_EQ(tok->decode(tok->encode(text)), text);
    }
    EXPECT_EQ(tok->encode("\xFF"), (Ids{255}));
}

TEST(BpeFixture, Qwen2Style_NfcNormalizerComposesBeforeBytes) {
    test::TempDir nfcDir;
    test::TempDir plainDir;
    Json j = fixtures::byteLevelTokenizer(llama3PreTokenizer());
    EXPECT_EQ(load(plainDir, j)->encode("e\xCC\x81"), (Ids{0x65, 0xCC, 0x81}));
    j["normalizer"] = Json{{"type", "NFC"}};
    EXPECT_EQ(load(nfcDir, j)->encode("e\xCC\x81"), (Ids{0xC3, 0xA9}));
}

TEST(BpeFixture, MergesGivenAsPairsWorkLikeMergesGivenAsStrings) {
    test::TempDir dir;
    Json j = withAbcMerges(fixtures::byteLevelTokenizer(gpt2PreTokenizer()));
    Json pairs = Json::array();
    for (const auto& m : j["model"]["merges"]) {
        const std::string line = m.get<std::string>();
        pairs.push_back(Json::array({line.substr(0, line.find(' ')), line.substr(line.find(' ') + 1)}));
    }
    j["model"]["merges"] = pairs;
    EXPECT_EQ(load(dir, j)->encode("abc 1212"), (Ids{97, 257, 32, 259, 259}));
}

// Added tokens: <|im_start|> 256 and <|im_end|> 257 (special, raw), <mask> 258 (lstrip and
// rstrip), [WORD] 259 (single_word). No merges, so plain text is one id per byte.
Json withAddedTokens() {
    Json j = fixtures::byteLevelTokenizer(gpt2PreTokenizer());
    const auto added = [&](int id, const char* content, bool special, bool strip, bool single) {
        j["model"]["vocab"][content] = id;  // HF files list added tokens in the vocabulary too
        j["added_tokens"].push_back({{"id", id},
                                     {"content", content},
                                     {"single_word", single},
                                     {"lstrip", strip},
                                     {"rstrip", strip},
                                     {"normalized", !special},
                                     {"special", special}});
    };
    added(256, "<|im_start|>", true, false, false);
    added(257, "<|im_end|>", true, false, false);
    added(258, "<mask>", false, true, false);
    added(259, "[WORD]", false, false, true);
    j["post_processor"] = {
        {"type", "TemplateProcessing"},
        {"single",
         {{{"SpecialToken", {{"id", "<|im_start|>"}, {"type_id", 0}}}},
          {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
          {{"SpecialToken", {{"id", "<|im_end|>"}, {"type_id", 0}}}}}},
        {"pair", Json::array()},
        {"special_tokens",
         {{"<|im_start|>", {{"id", "<|im_start|>"}, {"ids", {256}}, {"tokens", {"<|im_start|>"}}}},
          {"<|im_end|>", {{"id", "<|im_end|>"}, {"ids", {257}}, {"tokens", {"<|im_end|>"}}}}}}};
    return j;
}

TEST(BpeFixture, AddedTokens_AreFoundBeforeBpeAndSpecialOnesSkipOnDecode) {
    test::TempDir dir;
    const auto tok = load(dir, withAddedTokens());
    EXPECT_EQ(tok->vocabSize(), 260);
    EXPECT_EQ(tok->tokenToId("<|im_end|>"), 257);
    const auto ids = tok->encode("<|im_start|>user\nhi<|im_end|>");
    EXPECT_EQ(ids, (Ids{256, 117, 115, 101, 114, 10, 104, 105, 257}));
    EXPECT_EQ(tok->decode(ids), "<|im_start|>user\nhi<|im_end|>");
    EXPECT_EQ(tok->decode(ids, /*skipSpecialTokens=*/true), "user\nhi");
    EXPECT_EQ(tok->encode("hi", /*addSpecialTokens=*/true), (Ids{256, 104, 105, 257}));
}

TEST(BpeFixture, CheckFitsModel_CountsAddedTokensAndNamesTheFile) {
    test::TempDir dir;
    const auto tok = load(dir, withAddedTokens());  // ids 0..259
    EXPECT_NO_THROW(tok->checkFitsModel(260, "config.json"));
    try {
        tok->checkFitsModel(259, "config.json");
        FAIL() << "a 260-token tokenizer was accepted for a 259-row embedding";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("tokenizer.json has 260 tokens but config.json says "
                                             "vocab_size 259: this tokenizer does not belong to "
                                             "that model"),
                  std::string::npos)
            << e.what();
    }
}

TEST(BpeFixture, AddedTokens_LstripAndRstripSwallowTheSpacesAround) {
    test::TempDir dir;
    const auto tok = load(dir, withAddedTokens());
    EXPECT_EQ(tok->encode("a <mask>  b"), (Ids{97, 258, 98}));
    // Not special: decode keeps it even when skipping specials.
    EXPECT_EQ(tok->decode(Ids{97, 258, 98}, true), "a<mask>b");
}

TEST(BpeFixture, AddedTokens_SingleWordOnlyMatchesOutsideWords) {
    test::TempDir dir;
    const auto tok = load(dir, withAddedTokens());
    EXPECT_EQ(tok->encode("x [WORD] y"), (Ids{120, 32, 259, 32, 121}));
    EXPECT_EQ(tok->encode("x[WORD]y"), (Ids{120, 91, 87, 79, 82, 68, 93, 121}));
}

// SentencePiece style (Llama-2): ids <unk> 0, <s> 1, </s> 2, <0x00>..<0xFF> 3..258, then
// "▁" 259, "a" 260, "b" 261, "▁a" 262, "ab" 263, "▁ab" 264; merges "▁ a" 0, "▁a b" 1, "a b" 2.
Json sentencePiece() {
    const std::string meta = "\u2581";
    Json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", b);
        vocab[name] = 3 + b;
    }
    vocab[meta] = 259;
    vocab["a"] = 260;
    vocab["b"] = 261;
    vocab[meta + "a"] = 262;
    vocab["ab"] = 263;
    vocab[meta + "ab"] = 264;
    const auto special = [](int id, const char* content) {
        return Json{{"id", id},          {"content", content}, {"single_word", false},
                    {"lstrip", false},   {"rstrip", false},    {"normalized", true},
                    {"special", true}};
    };
    return Json{
        {"version", "1.0"},
        {"added_tokens", {special(0, "<unk>"), special(1, "<s>"), special(2, "</s>")}},
        {"normalizer",
         {{"type", "Sequence"},
          {"normalizers",
           {{{"type", "Prepend"}, {"prepend", meta}},
            {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", meta}}}}}},
        {"pre_tokenizer", nullptr},
        {"post_processor",
         {{"type", "TemplateProcessing"},
          {"single",
           {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
            {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
          {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}},
        {"decoder",
         {{"type", "Sequence"},
          {"decoders",
           {{{"type", "Replace"}, {"pattern", {{"String", meta}}}, {"content", " "}},
            {{"type", "ByteFallback"}},
            {{"type", "Fuse"}},
            {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}}},
        {"model",
         {{"type", "BPE"},
          {"unk_token", "<unk>"},
          {"fuse_unk", true},
          {"byte_fallback", true},
          {"vocab", vocab},
          {"merges", {meta + " a", meta + "a b", "a b"}}}},
    };
}

TEST(BpeFixture, SentencePiece_PrependsMetaspaceAndMergesAcrossIt) {
    test::TempDir dir;
    const auto tok = load(dir, sentencePiece());
    EXPECT_EQ(tok->kind(), "bpe-sentencepiece");
    EXPECT_EQ(tok->encode("ab"), (Ids{264}));
    EXPECT_EQ(tok->encode("ab ab"), (Ids{264, 264}));
    EXPECT_EQ(tok->encode("bab"), (Ids{259, 261, 263}));  // "▁b" is no merge; then "a b"
    EXPECT_EQ(tok->encode("ab", /*addSpecialTokens=*/true), (Ids{1, 264}));
    EXPECT_EQ(tok->bosId(), 1);
    EXPECT_EQ(tok->eosId(), 2);
    for (const char* text : {"ab ab", " ab", "  a", "b\n"}) {
        EXPECT_EQ(tok->decode(tok->encode(text)), text) << text;
    }
}

TEST(BpeFixture, SentencePiece_ByteFallbackSpellsUnknownCharactersAsBytes) {
    test::TempDir dir;
    const auto tok = load(dir, sentencePiece());
    // "é" is C3 A9: <0xC3> = 3 + 0xC3 = 198, <0xA9> = 172.
    EXPECT_EQ(tok->encode("\xC3\xA9"), (Ids{259, 198, 172}));
    EXPECT_EQ(tok->decode(Ids{259, 198, 172}), "\xC3\xA9");
    EXPECT_EQ(tok->encode("\xFF"), (Ids{259, 258}));  // not UTF-8: the byte itself
    EXPECT_EQ(tok->decode(Ids{259, 258}), "\xFF");
}

TEST(BpeFixture, SentencePiece_WithoutByteFallbackUnknownsBecomeUnkFusedOrNot) {
    test::TempDir fusedDir;
    test::TempDir separateDir;
    Json j = sentencePiece();
    j["model"]["byte_fallback"] = false;
    EXPECT_EQ(load(fusedDir, j)->encode("\xC3\xA9\xC3\xA9" "a"), (Ids{259, 0, 260}));
    j["model"]["fuse_unk"] = false;
    EXPECT_EQ(load(separateDir, j)->encode("\xC3\xA9\xC3\xA9" "a"), (Ids{259, 0, 0, 260}));
}

TEST(BpeFixture, SentencePiece_AMergeAcrossMetaspaceStillApplies) {
    test::TempDir plainDir;
    test::TempDir spanningDir;
    Json j = sentencePiece();
    // Without a token spanning "b▁", "b a" is "▁", "b", "▁a".
    EXPECT_EQ(load(plainDir, j)->encode("b a"), (Ids{259, 261, 262}));
    // With "b▁" (265) merged first, "▁ b ▁ a" becomes "▁", "b▁", "a": the text must then be
    // merged as one word, not cut before each "▁".
    j["model"]["vocab"]["b\u2581"] = 265;
    j["model"]["merges"].insert(j["model"]["merges"].begin(), "b \u2581");
    EXPECT_EQ(load(spanningDir, j)->encode("b a"), (Ids{259, 265, 260}));
}

TEST(BpeFixture, OlderMetaspacePreTokenizerSplitsWordsAtMetaspace) {
    test::TempDir dir;
    Json j = sentencePiece();
    j["normalizer"] = nullptr;
    j["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"add_prefix_space", true}};
    j["decoder"] = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"add_prefix_space", true}};
    const auto tok = load(dir, j);
    EXPECT_EQ(tok->kind(), "bpe-sentencepiece");
    EXPECT_EQ(tok->encode("ab ab"), (Ids{264, 264}));
    // No "▁" is prepended to text that starts with a space, and words are split before each
    // "▁": " a" is "▁a", "  a" is "▁" + "▁a". The decoder drops the first "▁", so the first
    // leading space is lost: the documented difference of this older form.
    EXPECT_EQ(tok->encode(" a"), (Ids{262}));
    EXPECT_EQ(tok->encode("  a"), (Ids{259, 262}));
    EXPECT_EQ(tok->decode(tok->encode("  a")), " a");
    EXPECT_EQ(tok->decode(Ids{264, 264}), "ab ab");
}

// The word cache and the merge scratch space are shared or per thread: encoding the same texts
// on four threads at once gives what one thread gives.
TEST(BpeFixture, EncodesTheSameOnManyThreadsAtOnce) {
    test::TempDir dir;
    const auto file = fixtures::writeTokenizer(
        dir.path(), withAbcMerges(fixtures::byteLevelTokenizer(llama3PreTokenizer())));
    const auto tok = loadTokenizer(file);
    std::vector<std::unique_ptr<Tokenizer>> own;  // one more per thread, with its own cache
    for (int t = 0; t < 4; ++t) own.push_back(loadTokenizer(file));
    std::vector<std::string> texts;
    for (int i = 0; i < 300; ++i) {
        texts.push_back("abc " + std::to_string(i * 7919) + " bc" + std::string(i % 5, 'a') +
                        "\nIt's " + std::to_string(i));
    }
    std::vector<Ids> expected;
    for (const auto& t : texts) expected.push_back(tok->encode(t));
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 5; ++round) {
                for (std::size_t i = 0; i < texts.size(); ++i) {
                    const std::size_t k = (i * (t + 1) + round) % texts.size();
                    mismatches[t] += tok->encode(texts[k]) != expected[k];
                    mismatches[t] += own[t]->encode(texts[k]) != expected[k];
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches, (std::vector<int>{0, 0, 0, 0}));
}

}  // namespace
}  // namespace ladder::tokenizer
