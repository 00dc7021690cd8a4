// The BPE merge ranks: (left id, right id) -> (rank, merged id) in an open-addressing table, the
// lookup the merge loop does for every adjacent pair.
#pragma once

#include <cstdint>
#include <vector>

namespace ladder::tokenizer {

class MergeTable {
public:
    struct Merge {
        std::int32_t rank;    // position in model.merges: lower merges first
        std::int32_t merged;  // id of left+right
    };

    void reserve(std::size_t count);
    // A pair listed twice keeps the later rank, as Hugging Face's map does.
    void insert(std::int32_t left, std::int32_t right, Merge merge);
    [[nodiscard]] const Merge* find(std::int32_t left, std::int32_t right) const {
        if (m_keys.empty()) return nullptr;
        const std::uint64_t key = keyOf(left, right);
        for (std::size_t slot = slotOf(key);; slot = (slot + 1) & m_mask) {
            if (m_keys[slot] == key) return &m_values[slot];
            if (m_keys[slot] == kEmpty) return nullptr;
        }
    }
    [[nodiscard]] std::size_t size() const { return m_size; }

private:
    static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // ids are >= 0, never all ones
    static std::uint64_t keyOf(std::int32_t left, std::int32_t right) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
               static_cast<std::uint32_t>(right);
    }
    [[nodiscard]] std::size_t slotOf(std::uint64_t key) const {
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> m_shift);
    }
    void rehash(std::size_t capacity);

    std::vector<std::uint64_t> m_keys;
    std::vector<Merge> m_values;
    std::size_t m_mask = 0;
    int m_shift = 64;
    std::size_t m_size = 0;
};

}  // namespace ladder::tokenizer
