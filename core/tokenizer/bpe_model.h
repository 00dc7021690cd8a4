// The BPE model of a tokenizer.json: vocabulary, ranked merges, and the merge loop that turns one
// pre-tokenized word into ids (byte-level words arrive as raw bytes and are mapped here).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/json_fields.h"
#include "core/tokenizer/merge_table.h"
#include "core/tokenizer/string_hash.h"
#include "core/tokenizer/word_cache.h"

namespace ladder::tokenizer {

class BpeModel {
public:
    // model: the "model" object of tokenizer.json; byteLevel: the pre-tokenizer maps bytes to
    // GPT-2's characters, so words are raw bytes to be mapped before the vocabulary lookup;
    // idCount: the tokens the file lists (vocabulary and added tokens), which every id is below.
    static BpeModel fromJson(const Json& model, bool byteLevel, std::size_t idCount,
                             const std::string& where);

    // Appends the ids of one word.
    void encodeWord(std::string_view word, std::vector<std::int32_t>& out) const;
    // A SentencePiece-style word (Llama-2's is the whole text) is cut before each "▁" that follows
    // another character when no token spans such a place: the ids are the same, and the pieces
    // are short enough for the word cache.
    [[nodiscard]] bool splitsAtMetaspace() const { return m_splitAtMetaspace; }

    [[nodiscard]] std::optional<std::int32_t> tokenToId(std::string_view token) const;
    // The token text of id, or nullptr when the vocabulary has no such id.
    [[nodiscard]] const std::string* tokenOf(std::int32_t id) const;
    [[nodiscard]] std::int32_t maxId() const { return static_cast<std::int32_t>(m_tokens.size()) - 1; }
    [[nodiscard]] std::size_t mergeCount() const { return m_merges.size(); }
    [[nodiscard]] bool byteFallback() const { return m_byteFallback; }

private:
    BpeModel() = default;
    void encodeCached(std::string_view word, std::vector<std::int32_t>& out) const;
    void tokenizeUncached(std::string_view word, std::vector<std::int32_t>& out) const;
    void appendInitialSymbols(std::string_view text, std::vector<std::int32_t>& ids) const;
    void mergeAll(std::vector<std::int32_t>& ids) const;

    StringMap<std::int32_t> m_vocab;
    std::vector<std::string> m_tokens;  // by id; ids missing from the vocabulary hold ""
    std::vector<bool> m_hasToken;
    MergeTable m_merges;
    bool m_byteLevel = false;
    bool m_ignoreMerges = false;
    bool m_byteFallback = false;
    bool m_fuseUnk = false;
    bool m_splitAtMetaspace = false;
    std::optional<std::int32_t> m_unkId;
    std::string m_continuingPrefix;
    std::string m_endSuffix;
    std::array<std::int32_t, 256> m_byteIds{};      // byte-level: id of each byte's character
    bool m_allByteIds = false;                      // every byte's character is in the vocab
    std::array<std::int32_t, 256> m_fallbackIds{};  // <0xNN> ids, -1 where missing
    std::unique_ptr<WordCache> m_cache;
};

}  // namespace ladder::tokenizer
