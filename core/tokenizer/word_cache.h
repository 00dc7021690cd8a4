// Remembers the ids of words already split by BPE: English text repeats a few thousand words, so
// most words skip the merge loop. Safe to share between threads (sixteen independently locked
// shards). Each shard is one open-addressing table of 8-byte slots over one byte arena that holds
// each word next to its ids, so a hit costs about two cache misses.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

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
    struct Slot {
        std::uint32_t tag = 0;     // high half of the word's hash
        std::uint32_t offset = 0;  // entry start in the arena + 1; 0 marks an empty slot
    };
    struct Shard {
        mutable std::mutex mutex;
        std::vector<Slot> slots;  // power-of-two size, at most half full
        std::vector<std::uint32_t> arena;  // entries: [key bytes, ids count][key][ids]
        std::size_t entries = 0;
    };
    static std::uint64_t hashOf(std::string_view word);
    static std::string_view keyAt(const Shard& shard, std::uint32_t offset);
    static void grow(Shard& shard);

    mutable std::array<Shard, kShards> m_shards;
    std::size_t m_maxPerShard;
};

}  // namespace ladder::tokenizer
