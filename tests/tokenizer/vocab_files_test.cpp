// A model folder with vocab.json + merges.txt + tokenizer_config.json and no tokenizer.json (as
// Qwen2.5 ships) loads as transformers' AutoTokenizer builds it: a small folder written here, and
// the shared Qwen2.5-0.5B-Instruct folder on llama.cpp's Qwen2 vectors (ids from Hugging Face).
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/support/test_support.h"
#include "tests/tokenizer/tokenizer_fixtures.h"

namespace ladder::tokenizer {
namespace {

using fixtures::byteChar;
using Json = nlohmann::json;

// vocab.json: the 256 byte characters (id == byte) and "ab", "Ġab"; merges.txt with its header;
// tokenizer_config.json of a Qwen2Tokenizer with two added tokens (ids after the vocabulary).
void writeQwenStyleFolder(const std::filesystem::path& folder, const std::string& tokenizerClass) {
    Json vocab = Json::object();
    for (int b = 0; b < 256; ++b) vocab[byteChar(static_cast<unsigned char>(b))] = b;
    vocab["ab"] = 256;
    vocab[byteChar(' ') + "a"] = 257;
    vocab[byteChar(' ') + "ab"] = 258;
    test::writeFile(folder / "vocab.json", vocab.dump());
    test::writeFile(folder / "merges.txt", "#version: 0.2\n" + byteChar(' ') + " a\n" +
                                               byteChar(' ') + "a b\na b\n");
    const Json config = {
        {"tokenizer_class", tokenizerClass},
        {"add_prefix_space", false},
        {"eos_token", "<|im_end|>"},
        {"pad_token", "<|endoftext|>"},
        {"bos_token", nullptr},
        {"added_tokens_decoder",
         {{"259", {{"content", "<|endoftext|>"}, {"special", true}, {"normalized", false}}},
          {"260", {{"content", "<|im_end|>"}, {"special", true}, {"normalized", false}}}}}};
    test::writeFile(folder / "tokenizer_config.json", config.dump());
}

TEST(VocabFiles, FolderWithoutTokenizerJsonLoadsLikeTransformersQwen2Tokenizer) {
    test::TempDir dir;
    writeQwenStyleFolder(dir.path(), "Qwen2Tokenizer");
    const auto tok = loadTokenizer(dir.path());
    EXPECT_EQ(tok->kind(), "bpe-bytelevel");
    EXPECT_EQ(tok->vocabSize(), 261);
    EXPECT_EQ(tok->eosId(), 260);
    EXPECT_EQ(tok->padId(), 259);
    EXPECT_EQ(tok->bosId(), std::nullopt);
    // merges.txt's header is no merge; "ab" and " ab" merge; added tokens split the text.
    EXPECT_EQ(tok->encode("ab ab<|im_end|>ab"), (std::vector<std::int32_t>{256, 258, 260, 256}));
    // Qwen2's pattern takes digits one at a time (GPT-2's would keep "12" together).
    EXPECT_EQ(tok->encode("12"), (std::vector<std::int32_t>{'1', '2'}));
    // NFC first: "e" + combining acute becomes the one character é (bytes C3 A9).
    EXPECT_EQ(tok->encode("e\xCC\x81"), (std::vector<std::int32_t>{0xC3, 0xA9}));
    EXPECT_EQ(tok->decode(tok->encode("ab ab<|im_end|>")), "ab ab<|im_end|>");
    EXPECT_EQ(tok->decode(tok->encode("ab<|im_end|>"), /*skipSpecialTokens=*/true), "ab");
}

TEST(VocabFiles, OtherTokenizerClassesAreRefusedByName) {
    test::TempDir dir;
    writeQwenStyleFolder(dir.path(), "LlamaTokenizer");
    const std::string what = test::errorOf([&] { (void)loadTokenizer(dir.path()); });
    EXPECT_NE(what.find("names the tokenizer_class \"LlamaTokenizer\": Ladder builds a tokenizer "
                        "from vocab.json + merges.txt only for Qwen2Tokenizer"),
              std::string::npos)
        << what;
}

TEST(VocabFiles, MissingTokenizerConfigSaysWhatToDownload) {
    test::TempDir dir;
    writeQwenStyleFolder(dir.path(), "Qwen2Tokenizer");
    std::filesystem::remove(dir / "tokenizer_config.json");
    const std::string what = test::errorOf([&] { (void)loadTokenizer(dir.path()); });
    EXPECT_NE(what.find("has vocab.json and merges.txt but no tokenizer_config.json"),
              std::string::npos)
        << what;
}

// llama.cpp's 46 Qwen2 vectors (ids from Hugging Face, no special tokens) and the round trip.
TEST(VocabFiles, SharedQwen25_ReproducesLlamaCppQwen2VectorsAndItsSpecialIds) {
    LADDER_REQUIRE_SHARED("data/models/Qwen2.5-0.5B-Instruct/vocab.json");
    LADDER_REQUIRE_SHARED("data/models/_test_vectors/ggml-vocab-qwen2.gguf.out");
    const auto tok = loadTokenizer(test::sharedDir() / "data/models/Qwen2.5-0.5B-Instruct");
    EXPECT_EQ(tok->vocabSize(), 151665);
    EXPECT_EQ(tok->eosId(), 151645);  // <|im_end|>
    EXPECT_EQ(tok->padId(), 151643);  // <|endoftext|>
    EXPECT_EQ(tok->bosId(), std::nullopt);  // "bos_token": null, though the vocabulary has "<bos>"
    const auto dir = test::sharedDir() / "data/models/_test_vectors";
    const std::string inp = test::readFile(dir / "ggml-vocab-qwen2.gguf.inp");
    std::istringstream out(test::readFile(dir / "ggml-vocab-qwen2.gguf.out"));
    const std::string separator = "\n__ggml_vocab_test__\n";
    int vectors = 0;
    for (std::size_t pos = 0, end; (end = inp.find(separator, pos)) != std::string::npos;
         pos = end + separator.size(), ++vectors) {
        const std::string text = inp.substr(pos, end - pos);
        std::string line;
        std::getline(out, line);
        std::istringstream ids(line);
        std::vector<std::int32_t> expected;
        for (std::int32_t id = 0; ids >> id;) expected.push_back(id);
        SCOPED_TRACE("vector " + std::to_string(vectors) + ": \"" + text + "\"");
        EXPECT_EQ(tok->encode(text), expected);
        EXPECT_EQ(tok->decode(expected), text);
    }
    EXPECT_EQ(vectors, 46);
}

}  // namespace
}  // namespace ladder::tokenizer
