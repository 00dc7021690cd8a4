// Remembers the ids of words already split by BPE: English text repeats a few thousand words, so
// most words skip the merge loop. Safe to share between threads (sharded locks).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "core/tokenizer/string_hash.h"

namespace ladder::tokenizer {

class WordCache {
public:
    explicit WordCache(std::size_t maxEntries);

    // Appends the cached ids of word to out; false when word is not cached.
    bool appendTo(std::string_view word, std::vector<std::int32_t>& out) const;
    // Stores ids for word unless the cache is full (then it keeps what it has, like HF's cache).
    void insert(std::string_view word, std::span<const std::int32_t> ids);

private:
    static constexpr std::size_t kShards = 16;
    struct Shard {
        mutable std::mutex mutex;
        StringMap<std::vector<std::int32_t>> words;
    };
    Shard& shardOf(std::string_view word) const;

    mutable std::array<Shard, kShards> m_shards;
    std::size_t m_maxPerShard;
};

}  // namespace ladder::tokenizer
