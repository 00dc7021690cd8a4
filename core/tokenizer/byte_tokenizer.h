// The demo's from-scratch tokenizer: ids 0..255 are the bytes, then three specials (vocab 259, the
// size the DPO performance reference uses). Round-trips any byte string.
#pragma once

#include "core/tokenizer/tokenizer.h"

namespace ladder::tokenizer {

class ByteTokenizer final : public Tokenizer {
public:
    static constexpr std::int32_t kEndOfText = 256;  // <|endoftext|>: eos
    static constexpr std::int32_t kBos = 257;        // <|bos|>
    static constexpr std::int32_t kPad = 258;        // <|pad|>
    static constexpr std::int32_t kVocabSize = 259;

    [[nodiscard]] std::vector<std::int32_t> encode(std::string_view text,
                                                   bool addSpecialTokens = false) const override;
    [[nodiscard]] std::string decode(std::span<const std::int32_t> ids,
                                     bool skipSpecialTokens = false) const override;
    [[nodiscard]] std::int32_t vocabSize() const override { return kVocabSize; }
    [[nodiscard]] std::optional<std::int32_t> tokenToId(std::string_view token) const override;
    [[nodiscard]] std::optional<std::string> idToToken(std::int32_t id) const override;
    [[nodiscard]] std::optional<std::int32_t> bosId() const override { return kBos; }
    [[nodiscard]] std::optional<std::int32_t> eosId() const override { return kEndOfText; }
    [[nodiscard]] std::optional<std::int32_t> padId() const override { return kPad; }
    [[nodiscard]] std::string kind() const override { return "byte"; }
    [[nodiscard]] std::string source() const override { return "the byte tokenizer"; }
};

}  // namespace ladder::tokenizer
