// WordCache: linear probing on (tag, arena offset) slots; words and ids live in a per-shard arena
// of 32-bit cells (header cell: key length << 16 | id count; then the key bytes rounded up to whole
// cells; then the ids).
#include "core/tokenizer/word_cache.h"

#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ladder::tokenizer {
namespace {

constexpr std::size_t kMaxKeyBytes = 0xFFFF;
constexpr std::size_t kMaxIds = 0xFFFF;

std::size_t cellsFor(std::size_t bytes) { return (bytes + 3) / 4; }

}  // namespace

WordCache::WordCache(std::size_t maxEntries) : m_maxPerShard(maxEntries / kShards + 1) {}

std::uint64_t WordCache::hashOf(std::string_view word) {
    return XXH3_64bits(word.data(), word.size());
}

std::string_view WordCache::keyAt(const Shard& shard, std::uint32_t offset) {
    const std::uint32_t header = shard.arena[offset];
    return {reinterpret_cast<const char*>(&shard.arena[offset + 1]), header >> 16};
}

bool WordCache::appendTo(std::string_view word, std::vector<std::int32_t>& out) const {
    const std::uint64_t hash = hashOf(word);
    const Shard& shard = m_shards[hash >> 60];
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    std::lock_guard lock(shard.mutex);
    if (shard.slots.empty()) return false;
    const std::size_t mask = shard.slots.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot slot = shard.slots[i];
        if (slot.offset == 0) return false;
        if (slot.tag != tag) continue;
        const std::uint32_t offset = slot.offset - 1;
        if (keyAt(shard, offset) != word) continue;
        const std::uint32_t header = shard.arena[offset];
        const auto* ids = reinterpret_cast<const std::int32_t*>(
            &shard.arena[offset + 1 + cellsFor(header >> 16)]);
        out.insert(out.end(), ids, ids + (header & 0xFFFF));
        return true;
    }
}

void WordCache::grow(Shard& shard) {
    std::vector<Slot> old = std::move(shard.slots);
    shard.slots.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    const std::size_t mask = shard.slots.size() - 1;
    for (const Slot& slot : old) {
        if (slot.offset == 0) continue;
        const std::uint64_t hash = hashOf(keyAt(shard, slot.offset - 1));
        std::size_t i = hash & mask;
        while (shard.slots[i].offset != 0) i = (i + 1) & mask;
        shard.slots[i] = slot;
    }
}

void WordCache::insert(std::string_view word, std::span<const std::int32_t> ids) {
    if (word.size() > kMaxKeyBytes || ids.size() > kMaxIds) return;
    const std::uint64_t hash = hashOf(word);
    Shard& shard = m_shards[hash >> 60];
    std::lock_guard lock(shard.mutex);
    if (shard.entries >= m_maxPerShard) return;
    if ((shard.entries + 1) * 2 > shard.slots.size()) grow(shard);
    const std::size_t mask = shard.slots.size() - 1;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    std::size_t i = hash & mask;
    for (; shard.slots[i].offset != 0; i = (i + 1) & mask) {
        const Slot slot = shard.slots[i];
        if (slot.tag == tag && keyAt(shard, slot.offset - 1) == word) return;  // another thread won
    }
    const std::size_t offset = shard.arena.size();
    if (offset + 1 + cellsFor(word.size()) + ids.size() >= 0xFFFFFFFFu) return;
    shard.arena.push_back(static_cast<std::uint32_t>(word.size() << 16 | ids.size()));
    shard.arena.resize(offset + 1 + cellsFor(word.size()) + ids.size(), 0);
    std::memcpy(&shard.arena[offset + 1], word.data(), word.size());
    std::memcpy(&shard.arena[offset + 1 + cellsFor(word.size())], ids.data(),
                ids.size() * sizeof(std::int32_t));
    shard.slots[i] = Slot{tag, static_cast<std::uint32_t>(offset + 1)};
    ++shard.entries;
}

}  // namespace ladder::tokenizer
