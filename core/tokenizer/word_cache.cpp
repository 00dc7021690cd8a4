// WordCache: sixteen independently locked maps, chosen by the word's hash.
#include "core/tokenizer/word_cache.h"

namespace ladder::tokenizer {

WordCache::WordCache(std::size_t maxEntries) : m_maxPerShard(maxEntries / kShards + 1) {}

WordCache::Shard& WordCache::shardOf(std::string_view word) const {
    // The top bits choose the shard; the map's buckets use the low ones.
    return m_shards[(StringHash{}(word) >> 7) % kShards];
}

bool WordCache::appendTo(std::string_view word, std::vector<std::int32_t>& out) const {
    Shard& shard = shardOf(word);
    std::lock_guard lock(shard.mutex);
    const auto it = shard.words.find(word);
    if (it == shard.words.end()) return false;
    out.insert(out.end(), it->second.begin(), it->second.end());
    return true;
}

void WordCache::insert(std::string_view word, std::span<const std::int32_t> ids) {
    Shard& shard = shardOf(word);
    std::lock_guard lock(shard.mutex);
    if (shard.words.size() >= m_maxPerShard) return;
    shard.words.try_emplace(std::string(word), ids.begin(), ids.end());
}

}  // namespace ladder::tokenizer
