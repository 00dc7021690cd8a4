// Fixture builders for the tokenizer tests.
#include "tests/tokenizer/tokenizer_fixtures.h"

#include "tests/support/test_support.h"

namespace ladder::tokenizer::fixtures {

std::string byteChar(unsigned char b) {
    char32_t code = b;
    const auto isPrintable = [](unsigned v) {
        return (v >= 33 && v <= 126) || (v >= 161 && v <= 172) || (v >= 174 && v <= 255);
    };
    if (!isPrintable(b)) {
        code = 256;
        for (unsigned v = 0; v < b; ++v) code += isPrintable(v) ? 0 : 1;
    }
    std::string out;
    if (code < 0x80) {
        out.push_back(static_cast<char>(code));
    } else {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
    return out;
}

static std::string mapped(const std::string& raw) {
    std::string out;
    for (const char c : raw) out += byteChar(static_cast<unsigned char>(c));
    return out;
}

Json byteLevelTokenizer(const Json& preTokenizer) {
    Json vocab = Json::object();
    for (int b = 0; b < 256; ++b) vocab[byteChar(static_cast<unsigned char>(b))] = b;
    return Json{
        {"version", "1.0"},
        {"added_tokens", Json::array()},
        {"normalizer", nullptr},
        {"pre_tokenizer", preTokenizer},
        {"post_processor", nullptr},
        {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", false}}},
        {"model",
         {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"byte_fallback", false},
          {"vocab", vocab},
          {"merges", Json::array()}}},
    };
}

int addByteLevelToken(Json& tokenizer, const std::string& rawBytes) {
    Json& vocab = tokenizer["model"]["vocab"];
    const int id = static_cast<int>(vocab.size());
    vocab[mapped(rawBytes)] = id;
    return id;
}

void addByteLevelMerge(Json& tokenizer, const std::string& left, const std::string& right) {
    tokenizer["model"]["merges"].push_back(mapped(left) + " " + mapped(right));
}

std::filesystem::path writeTokenizer(const std::filesystem::path& folder, const Json& j) {
    const auto file = folder / "tokenizer.json";
    test::writeFile(file, j.dump(2));
    return file;
}

}  // namespace ladder::tokenizer::fixtures
