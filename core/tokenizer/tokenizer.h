// The tokenizer interface every model and data path uses, and the factory that loads one from disk.
// Implementations: ByteTokenizer (the demo's 259-token byte vocabulary) and BpeTokenizer (tokenizer.json).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ladder::tokenizer {

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // Token ids of text. addSpecialTokens adds what the tokenizer's post-processor adds (Llama-2:
    // <s> in front; GPT-2: nothing; ByteTokenizer: <|bos|> in front).
    [[nodiscard]] virtual std::vector<std::int32_t> encode(std::string_view text,
                                                           bool addSpecialTokens = false) const = 0;

    // The text of ids, as raw bytes: where ids split a UTF-8 character the bytes are kept as they
    // are (Hugging Face would show U+FFFD there). Ids the tokenizer has no token for are skipped.
    [[nodiscard]] virtual std::string decode(std::span<const std::int32_t> ids,
                                             bool skipSpecialTokens = false) const = 0;

    // Largest id + 1, added tokens included: the smallest embedding that can take every id.
    [[nodiscard]] virtual std::int32_t vocabSize() const = 0;
    [[nodiscard]] virtual std::optional<std::int32_t> tokenToId(std::string_view token) const = 0;
    [[nodiscard]] virtual std::optional<std::string> idToToken(std::int32_t id) const = 0;

    [[nodiscard]] virtual std::optional<std::int32_t> bosId() const = 0;
    [[nodiscard]] virtual std::optional<std::int32_t> eosId() const = 0;
    [[nodiscard]] virtual std::optional<std::int32_t> padId() const = 0;

    // "byte", "bpe-bytelevel" or "bpe-sentencepiece".
    [[nodiscard]] virtual std::string kind() const = 0;
    // Where it came from, for messages: the tokenizer.json path, or "the byte tokenizer".
    [[nodiscard]] virtual std::string source() const = 0;

    // Throws ladder::Error when this tokenizer can produce ids the model's embedding lacks.
    // A model with more rows than tokens (vocab padded to a multiple of 64) is fine.
    void checkFitsModel(int modelVocabSize, const std::string& modelName) const;
};

// Loads a tokenizer: a tokenizer.json file, a folder holding one (or, without one, vocab.json +
// merges.txt + tokenizer_config.json, read as transformers does), or the word "byte" (when no file
// of that name exists) for the ByteTokenizer. Throws ladder::Error saying what to do.
[[nodiscard]] std::unique_ptr<Tokenizer> loadTokenizer(const std::filesystem::path& fileOrFolder);

// The file in a model folder that says its tokenizer is the byte tokenizer (Ladder's tiny models
// and their checkpoints): its content is "byte".
inline constexpr const char* kByteTokenizerMarker = "ladder_tokenizer.txt";

// The tokenizer a model folder (a checkpoint or any Hugging Face folder) holds: its tokenizer.json
// (else vocab.json + merges.txt, as loadTokenizer reads them), or the byte tokenizer when the
// folder's marker says so. Throws ladder::Error when it has none.
[[nodiscard]] std::unique_ptr<Tokenizer> loadModelTokenizer(const std::filesystem::path& folder);

// How many tokens a text is, by the tokenizer of a model folder or a tokenizer.json file (no
// special tokens added): what the preflight report counts. Throws as loadTokenizer does.
[[nodiscard]] std::function<std::size_t(std::string_view)> tokenCounter(
    const std::filesystem::path& fileOrFolder);

}  // namespace ladder::tokenizer
