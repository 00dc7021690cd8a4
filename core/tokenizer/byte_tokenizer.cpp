// ByteTokenizer: one id per byte, plus <|endoftext|>, <|bos|> and <|pad|>.
#include "core/tokenizer/byte_tokenizer.h"

#include <array>

namespace ladder::tokenizer {
namespace {

constexpr std::array<std::string_view, 3> kSpecials = {"<|endoftext|>", "<|bos|>", "<|pad|>"};

}  // namespace

std::vector<std::int32_t> ByteTokenizer::encode(std::string_view text,
                                                bool addSpecialTokens) const {
    std::vector<std::int32_t> ids;
    ids.reserve(text.size() + (addSpecialTokens ? 1 : 0));
    if (addSpecialTokens) ids.push_back(kBos);
    for (const char c : text) ids.push_back(static_cast<unsigned char>(c));
    return ids;
}

std::string ByteTokenizer::decode(std::span<const std::int32_t> ids,
                                  bool skipSpecialTokens) const {
    std::string text;
    text.reserve(ids.size());
    for (const std::int32_t id : ids) {
        if (id >= 0 && id < 256) {
            text.push_back(static_cast<char>(id));
        } else if (id >= kEndOfText && id < kVocabSize && !skipSpecialTokens) {
            text += kSpecials[static_cast<std::size_t>(id - kEndOfText)];
        }
    }
    return text;
}

std::optional<std::int32_t> ByteTokenizer::tokenToId(std::string_view token) const {
    if (token.size() == 1) return static_cast<unsigned char>(token[0]);
    for (std::size_t i = 0; i < kSpecials.size(); ++i) {
        if (token == kSpecials[i]) return kEndOfText + static_cast<std::int32_t>(i);
    }
    return std::nullopt;
}

std::optional<std::string> ByteTokenizer::idToToken(std::int32_t id) const {
    if (id >= 0 && id < 256) return std::string(1, static_cast<char>(id));
    if (id >= kEndOfText && id < kVocabSize) {
        return std::string(kSpecials[static_cast<std::size_t>(id - kEndOfText)]);
    }
    return std::nullopt;
}

}  // namespace ladder::tokenizer
