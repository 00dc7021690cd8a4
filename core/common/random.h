// Portable, seeded random numbers: the same values on every platform and standard library.
// std::uniform_int_distribution and std::shuffle differ between libstdc++ and libc++, so samplers
// and data generators that must reproduce bit-identical output use these instead.
#pragma once

#include <cstdint>
#include <string_view>

namespace ladder::random {

// SplitMix64's finaliser: a bijection on 64 bits with good avalanche.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// A value determined only by its key, e.g. keyed(seed, step, slot): a counter-based generator
// needs no state to save, so a resumed run draws exactly what it would have drawn.
[[nodiscard]] constexpr std::uint64_t keyed(std::uint64_t seed, std::uint64_t a,
                                            std::uint64_t b = 0, std::uint64_t c = 0) {
    return mix64(mix64(mix64(mix64(seed) ^ a) ^ b) ^ c);
}

// FNV-1a of a string: a stable 64-bit key for names (tiers, sources) in keyed().
[[nodiscard]] constexpr std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001B3ull;
    }
    return h;
}

// A sequential stream (SplitMix64) with unbiased bounded integers.
class Stream {
public:
    explicit constexpr Stream(std::uint64_t seed) : m_state(seed) {}

    constexpr std::uint64_t next() {
        m_state += 0x9E3779B97F4A7C15ull;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform in [0, n), n > 0; rejection sampling removes the modulo bias.
    constexpr std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
        std::uint64_t r = next();
        while (r >= limit) r = next();
        return r % n;
    }

    // Uniform in [lo, hi], both inclusive.
    constexpr std::int64_t between(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
    }

    // Uniform in [0, 1) with 53 bits.
    constexpr double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    constexpr bool chance(double p) { return unit() < p; }

private:
    std::uint64_t m_state;
};

// Uniform in [0, 1) from one keyed value: the same mapping as Stream::unit().
[[nodiscard]] constexpr double unitOf(std::uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace ladder::random
