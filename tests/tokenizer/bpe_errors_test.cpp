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

}  // namespace
}  // namespace ladder::tokenizer
