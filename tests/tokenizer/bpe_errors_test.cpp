// loadTokenizer refuses bad files with a ladder::Error that names the file and the field and
// says what to do.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/support/test_support.h"
#include "tests/tokenizer/tokenizer_fixtures.h"

namespace ladder::tokenizer {
namespace {

using fixtures::Json;

Json minimalByteLevel() {
    return fixtures::byteLevelTokenizer(
        Json{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}});
}

// The message of the ladder::Error that loading path throws ("" when it loads).
std::string loadError(const std::filesystem::path& path) {
    try {
        (void)loadTokenizer(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string loadError(const Json& j) {
    test::TempDir dir;
    return loadError(fixtures::writeTokenizer(dir.path(), j));
}

// For files written as text: a test cannot build them as nlohmann::json values (dump() would
// recurse as deep as they nest).
std::string loadErrorOfText(const std::string& text) {
    test::TempDir dir;
    test::writeFile(dir / "tokenizer.json", text);
    return loadError(dir / "tokenizer.json");
}

// The text of minimalByteLevel() with `key` set to componentText.
std::string withComponentText(const std::string& key, const std::string& componentText) {
    Json j = minimalByteLevel();
    j[key] = "@component@";
    std::string text = j.dump();
    text.replace(text.find("\"@component@\""), std::string("\"@component@\"").size(),
                 componentText);
    return text;
}

// A Sequence of a Sequence of ... `depth` levels around `leaf`.
std::string nestedSequence(const std::string& listKey, const std::string& leaf, int depth) {
    const std::string open = R"({"type": "Sequence", ")" + listKey + R"(": [)";
    std::string out;
    out.reserve(static_cast<std::size_t>(depth) * (open.size() + 2) + leaf.size());
    for (int i = 0; i < depth; ++i) out += open;
    out += leaf;
    for (int i = 0; i < depth; ++i) out += "]}";
    return out;
}

// A Sequence of `count` copies of `item`, side by side.
std::string longSequence(const std::string& listKey, const std::string& item, int count) {
    std::string out = R"({"type": "Sequence", ")" + listKey + R"(": [)";
    for (int i = 0; i < count; ++i) out += (i > 0 ? "," : "") + item;
    return out + "]}";
}

TEST(BpeErrors, MinimalFixtureLoads) {
    EXPECT_EQ(loadError(minimalByteLevel()), "");
}

TEST(BpeErrors, MissingFileSaysItDoesNotExist) {
    test::TempDir dir;
    const std::string what = loadError(dir / "nope/tokenizer.json");
    EXPECT_NE(what.find("nope/tokenizer.json does not exist"), std::string::npos) << what;
}

TEST(BpeErrors, FolderWithoutTokenizerJsonSaysSo) {
    test::TempDir dir;
    const std::string what = loadError(dir.path());
    EXPECT_NE(what.find("has no tokenizer.json"), std::string::npos) << what;
}

TEST(BpeErrors, InvalidJsonSaysSo) {
    test::TempDir dir;
    test::writeFile(dir / "tokenizer.json", "{\"model\": {\"type\": \"BPE\",");
    const std::string what = loadError(dir / "tokenizer.json");
    EXPECT_NE(what.find("tokenizer.json is not valid JSON"), std::string::npos) << what;
}

TEST(BpeErrors, NonBpeModelSaysLadderReadsBpe) {
    Json j = minimalByteLevel();
    j["model"]["type"] = "Unigram";
    const std::string what = loadError(j);
    EXPECT_NE(what.find("model.type is \"Unigram\""), std::string::npos) << what;
    EXPECT_NE(what.find("Ladder reads BPE and byte-level tokenizers"), std::string::npos) << what;
}

TEST(BpeErrors, MissingMergesSaysSo) {
    Json j = minimalByteLevel();
    j["model"].erase("merges");
    const std::string what = loadError(j);
    EXPECT_NE(what.find("tokenizer.json: model.merges is missing"), std::string::npos) << what;
}

TEST(BpeErrors, MissingModelSaysSo) {
    Json j = minimalByteLevel();
    j.erase("model");
    const std::string what = loadError(j);
    EXPECT_NE(what.find("tokenizer.json: model is missing"), std::string::npos) << what;
}

TEST(BpeErrors, UnknownPreTokenizerIsNamed) {
    Json j = minimalByteLevel();
    j["pre_tokenizer"] = {{"type", "Sequence"},
                          {"pretokenizers", {{{"type", "BertPreTokenizer"}}}}};
    const std::string what = loadError(j);
    EXPECT_NE(what.find("pre_tokenizer.pretokenizers[0].type is \"BertPreTokenizer\""),
              std::string::npos)
        << what;
}

TEST(BpeErrors, UnknownNormalizerAndDecoderAreNamed) {
    Json j = minimalByteLevel();
    j["normalizer"] = {{"type", "BertNormalizer"}};
    EXPECT_NE(loadError(j).find("normalizer.type is \"BertNormalizer\""), std::string::npos);
    j["normalizer"] = nullptr;
    j["decoder"] = {{"type", "WordPiece"}};
    EXPECT_NE(loadError(j).find("decoder.type is \"WordPiece\""), std::string::npos);
}

TEST(BpeErrors, MergeNamingATokenOutsideTheVocabularyNamesIt) {
    Json j = minimalByteLevel();
    fixtures::addByteLevelToken(j, "ab");
    j["model"]["merges"] = {"a b", "a zz"};
    const std::string what = loadError(j);
    EXPECT_NE(what.find("model.merges[1] (a zz) names the token \"zz\", which is not in "
                        "model.vocab"),
              std::string::npos)
        << what;
}

TEST(BpeErrors, MergeWhoseResultIsNotInTheVocabularyNamesIt) {
    Json j = minimalByteLevel();
    j["model"]["merges"] = {"a b"};  // "ab" is not a token
    const std::string what = loadError(j);
    EXPECT_NE(what.find("names the token \"ab\""), std::string::npos) << what;
}

TEST(BpeErrors, MalformedMergeLineIsShown) {
    Json j = minimalByteLevel();
    j["model"]["merges"] = {"abc"};
    const std::string what = loadError(j);
    EXPECT_NE(what.find("model.merges[0] is \"abc\""), std::string::npos) << what;
}

TEST(BpeErrors, BadSplitRegexSaysItDoesNotCompile) {
    Json j = minimalByteLevel();
    j["pre_tokenizer"] = {{"type", "Split"},
                          {"pattern", {{"Regex", "(unclosed"}}},
                          {"behavior", "Isolated"}};
    const std::string what = loadError(j);
    EXPECT_NE(what.find("pre_tokenizer.pattern.Regex: the pattern does not compile"),
              std::string::npos)
        << what;
}

TEST(BpeErrors, VocabularyIdThatIsNotANumberIsNamed) {
    Json j = minimalByteLevel();
    j["model"]["vocab"]["a"] = "x";
    const std::string what = loadError(j);
    EXPECT_NE(what.find("model.vocab.a should be a token id"), std::string::npos) << what;
}

// Files made to crash, hang or exhaust memory (issue #22): refused with a message naming the file,
// in bounded time, stack and memory.

TEST(HostileTokenizer, SequencesNestedThousandsDeepAreRefusedInsteadOfOverflowingTheStack) {
    const struct {
        const char* key;
        const char* listKey;
        const char* leaf;
    } components[] = {
        {"normalizer", "normalizers", R"({"type": "Lowercase"})"},
        {"pre_tokenizer", "pretokenizers", R"({"type": "WhitespaceSplit"})"},
        {"decoder", "decoders", R"({"type": "Fuse"})"},
        {"post_processor", "processors", R"({"type": "ByteLevel"})"},
    };
    for (const auto& c : components) {
        const std::string what =
            loadErrorOfText(withComponentText(c.key, nestedSequence(c.listKey, c.leaf, 20'000)));
        EXPECT_NE(what.find("tokenizer.json is nested more than 64 levels deep (line 1, column "),
                  std::string::npos)
            << c.key << ": " << what;
    }
}

TEST(HostileTokenizer, VocabularyIdThatIsAnArrayNestedDeepIsRefusedInsteadOfPrintedRecursively) {
    Json j = minimalByteLevel();
    j["model"]["vocab"]["a"] = "@id@";
    std::string text = j.dump();
    const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    text.replace(text.find("\"@id@\""), 6, deep);
    const std::string what = loadErrorOfText(text);
    EXPECT_NE(what.find("tokenizer.json is nested more than 64 levels deep"), std::string::npos)
        << what;
}

TEST(HostileTokenizer, ShallowBadValuesAreShownAsShortExcerpts) {
    Json j = minimalByteLevel();
    j["model"]["vocab"]["a"] = Json::array({std::string(10'000, 'x')});
    const std::string what = loadError(j);
    EXPECT_NE(what.find("model.vocab.a should be a token id"), std::string::npos) << what;
    EXPECT_LT(what.size(), 400u) << what;
}

// Stepping through a pre-tokenizer recurses once per step: a flat list of thousands of steps is
// as deep as a nested one.
TEST(HostileTokenizer, ComponentWithThousandsOfStepsIsRefusedInsteadOfOverflowingTheStack) {
    const std::string split =
        R"({"type": "Split", "pattern": {"String": " "}, "behavior": "Removed"})";
    test::TempDir dir;
    test::writeFile(dir / "tokenizer.json",
                    withComponentText("pre_tokenizer",
                                      longSequence("pretokenizers", split, 100'000)));
    try {
        const auto tok = loadTokenizer(dir / "tokenizer.json");
        (void)tok->encode("a b c");  // each word goes down every step
        ADD_FAILURE() << "a pre-tokenizer of 100,000 steps was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("tokenizer.json: pre_tokenizer.pretokenizers[64]: "
                                             "more than 64 steps"),
                  std::string::npos)
            << e.what();
    }
}

Json stripDecoder(const Json& content, const Json& start, const Json& stop) {
    return Json{{"model", {{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}}}, {"merges", Json::array()}}},
                {"decoder", {{"type", "Strip"}, {"content", content}, {"start", start}, {"stop", stop}}}};
}

// Hugging Face's Strip holds one character and two unsigned counts (content: char, start and
// stop: usize); an empty content stripped "stop" times never ended.
TEST(HostileTokenizer, StripDecoderNeedsOneCharacterAndCountsOfZeroOrMore) {
    std::string what = loadError(stripDecoder("", 0, -1));
    EXPECT_NE(what.find("tokenizer.json: decoder.content should be one character but is \"\""),
              std::string::npos)
        << what;
    what = loadError(stripDecoder("ab", 0, 1));
    EXPECT_NE(what.find("decoder.content should be one character"), std::string::npos) << what;
    what = loadError(stripDecoder(" ", 0, -1));
    EXPECT_NE(what.find("tokenizer.json: decoder.stop should be 0 or more but is -1"),
              std::string::npos)
        << what;
    what = loadError(stripDecoder(" ", -2, 0));
    EXPECT_NE(what.find("decoder.start should be 0 or more but is -2"), std::string::npos) << what;
}

TEST(HostileTokenizer, StripDecoderWithHugeCountsStripsWhatIsThereAndStops) {
    test::TempDir dir;
    const Json j = stripDecoder("\u2581", 0, std::uint64_t{1} << 62);
    Json withTokens = j;
    withTokens["model"]["vocab"] = {{"a", 0}, {"\u2581", 1}, {"\u2581a\u2581\u2581", 2}};
    const auto tok = loadTokenizer(fixtures::writeTokenizer(dir.path(), withTokens));
    // Each token loses its trailing "▁"s only, as Hugging Face's decoder does.
    EXPECT_EQ(tok->decode(std::vector<std::int32_t>{2, 1, 0}), "\u2581aa");
}

TEST(HostileTokenizer, VocabularyIdFarBeyondTheVocabularyIsRefusedBeforeAllocating) {
    Json j = minimalByteLevel();
    j["model"]["vocab"] = {{"a", 0}, {"b", 2147483646}};
    const std::string what = loadError(j);
    EXPECT_NE(what.find("tokenizer.json: model.vocab.b has the id 2147483646, but the file "
                        "lists 2 tokens (ids 0 to 1)"),
              std::string::npos)
        << what;
}

TEST(HostileTokenizer, VocabularyIdUsedTwiceIsRefused) {
    Json j = minimalByteLevel();
    j["model"]["vocab"] = {{"a", 0}, {"b", 0}};
    const std::string what = loadError(j);
    EXPECT_NE(what.find("tokenizer.json: model.vocab.b has the id 0, which the token \"a\" has "
                        "too"),
              std::string::npos)
        << what;
}

TEST(HostileTokenizer, AddedTokenIdFarBeyondTheVocabularyIsRefusedBeforeAllocating) {
    Json j = minimalByteLevel();
    j["added_tokens"] = {{{"id", 2147483646}, {"content", "<x>"}}};
    const std::string what = loadError(j);
    EXPECT_NE(what.find("tokenizer.json: added_tokens[0].id is 2147483646, but the file lists "
                        "257 tokens (ids 0 to 256)"),
              std::string::npos)
        << what;
}

TEST(HostileTokenizer, AddedTokensSharingAnIdAreRefused) {
    Json j = minimalByteLevel();
    j["added_tokens"] = {{{"id", 256}, {"content", "<x>"}}, {{"id", 256}, {"content", "<y>"}}};
    const std::string what = loadError(j);
    EXPECT_NE(what.find("added_tokens[1].id is 256, the id of entry 0 (\"<x>\") too"),
              std::string::npos)
        << what;
}

// nlohmann converts a number of any kind to an int; 1e300 as an int is undefined behaviour.
TEST(HostileTokenizer, PostProcessorIdsThatAreNoTokenIdsAreRefused) {
    Json j = minimalByteLevel();
    j["post_processor"] = {
        {"type", "TemplateProcessing"},
        {"single", {{{"SpecialToken", {{"id", "<s>"}}}}, {{"Sequence", {{"id", "A"}}}}}},
        {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1e300}}}}}}};
    std::string what = loadError(j);
    EXPECT_NE(what.find("post_processor.special_tokens.<s>.ids[0] should be a token id but is "
                        "1e+300"),
              std::string::npos)
        << what;
    j["post_processor"] = {{"type", "RobertaProcessing"},
                           {"cls", {"<s>", 4294967296}},
                           {"sep", {"</s>", 2}}};
    what = loadError(j);
    EXPECT_NE(what.find("post_processor.cls[1] should be a token id but is 4294967296"),
              std::string::npos)
        << what;
}

TEST(HostileTokenizer, NumberTooLargeForADoubleNamesTheFileAndTheLine) {
    test::TempDir dir;
    test::writeFile(dir / "tokenizer.json",
                    "{\n  \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0},\n"
                    "  \"merges\": [], \"dropout\": 1e400}}\n");
    const std::string what = loadError(dir / "tokenizer.json");
    EXPECT_NE(what.find("tokenizer.json is not valid JSON (line 3, column "), std::string::npos)
        << what;
    EXPECT_NE(what.find("number overflow parsing '1e400'"), std::string::npos) << what;
}

}  // namespace
}  // namespace ladder::tokenizer
