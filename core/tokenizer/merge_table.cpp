// MergeTable: linear probing, kept at most half full.
#include "core/tokenizer/merge_table.h"

#include <bit>

namespace ladder::tokenizer {

void MergeTable::reserve(std::size_t count) {
    const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, count * 2));
    if (capacity > m_keys.size()) rehash(capacity);
}

void MergeTable::rehash(std::size_t capacity) {
    std::vector<std::uint64_t> oldKeys = std::move(m_keys);
    std::vector<Merge> oldValues = std::move(m_values);
    m_keys.assign(capacity, kEmpty);
    m_values.assign(capacity, Merge{0, 0});
    m_mask = capacity - 1;
    m_shift = 64 - std::countr_zero(capacity);
    m_size = 0;
    for (std::size_t i = 0; i < oldKeys.size(); ++i) {
        if (oldKeys[i] == kEmpty) continue;
        const std::uint64_t key = oldKeys[i];
        std::size_t slot = slotOf(key);
        while (m_keys[slot] != kEmpty) slot = (slot + 1) & m_mask;
        m_keys[slot] = key;
        m_values[slot] = oldValues[i];
        ++m_size;
    }
}

void MergeTable::insert(std::int32_t left, std::int32_t right, Merge merge) {
    if ((m_size + 1) * 2 > m_keys.size()) rehash(std::max<std::size_t>(16, m_keys.size() * 2));
    const std::uint64_t key = keyOf(left, right);
    std::size_t slot = slotOf(key);
    while (m_keys[slot] != kEmpty && m_keys[slot] != key) slot = (slot + 1) & m_mask;
    if (m_keys[slot] == kEmpty) ++m_size;
    m_keys[slot] = key;
    m_values[slot] = merge;
}

}  // namespace ladder::tokenizer
