// A Hugging Face tokenizer.json with a BPE model: byte-level (GPT-2, Llama-3, Qwen2) or
// SentencePiece-style with byte fallback (Llama-2). Encodes like tokenizers' encode(). Also the
// vocab.json + merges.txt folders that transformers turns into one (Qwen2.5).
#pragma once

#include <filesystem>
#include <memory>

#include <nlohmann/json_fwd.hpp>

#include "core/tokenizer/tokenizer.h"

namespace ladder::tokenizer {

class BpeTokenizer final : public Tokenizer {
public:
    // Reads a tokenizer.json (and, when present beside it, tokenizer_config.json or
    // special_tokens_map.json for bos/eos/pad). Throws ladder::Error naming the file and field.
    static BpeTokenizer fromFile(const std::filesystem::path& file);
    // Reads a model folder without tokenizer.json, as transformers does: vocab.json + merges.txt
    // put together as tokenizer_config.json's tokenizer_class says (see vocab_files.h).
    static BpeTokenizer fromVocabFiles(const std::filesystem::path& folder);
    // Parses tokenizer.json text; source names it in messages.
    static BpeTokenizer fromJsonText(std::string_view json, const std::string& source);

    ~BpeTokenizer() override;
    BpeTokenizer(BpeTokenizer&&) noexcept;
    BpeTokenizer& operator=(BpeTokenizer&&) noexcept;

    [[nodiscard]] std::vector<std::int32_t> encode(std::string_view text,
                                                   bool addSpecialTokens = false) const override;
    [[nodiscard]] std::string decode(std::span<const std::int32_t> ids,
                                     bool skipSpecialTokens = false) const override;
    [[nodiscard]] std::int32_t vocabSize() const override;
    [[nodiscard]] std::optional<std::int32_t> tokenToId(std::string_view token) const override;
    [[nodiscard]] std::optional<std::string> idToToken(std::int32_t id) const override;
    [[nodiscard]] std::optional<std::int32_t> bosId() const override;
    [[nodiscard]] std::optional<std::int32_t> eosId() const override;
    [[nodiscard]] std::optional<std::int32_t> padId() const override;
    [[nodiscard]] std::string kind() const override;
    [[nodiscard]] std::string source() const override;

    // Sets the special ids (for callers that know better than the files beside tokenizer.json).
    void setSpecialIds(std::optional<std::int32_t> bos, std::optional<std::int32_t> eos,
                       std::optional<std::int32_t> pad);

private:
    struct Impl;
    explicit BpeTokenizer(std::unique_ptr<Impl> impl);
    static BpeTokenizer fromJson(const nlohmann::json& root, const std::string& source);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ladder::tokenizer
