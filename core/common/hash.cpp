#include "core/common/hash.h"

#include <array>
#include <cstdio>
#include <fstream>

#include <xxhash.h>

#include "core/common/error.h"

namespace ladder::hash {

struct Hasher::State {
    XXH3_state_t* xxh = XXH3_createState();
    ~State() { XXH3_freeState(xxh); }
};

Hasher::Hasher() : m_state(std::make_unique<State>()) { XXH3_128bits_reset(m_state->xxh); }
Hasher::~Hasher() = default;

void Hasher::update(const void* data, std::size_t size) {
    XXH3_128bits_update(m_state->xxh, data, size);
}

std::string Hasher::hex() const {
    const XXH128_hash_t h = XXH3_128bits_digest(m_state->xxh);
    std::array<char, 33> buf{};
    std::snprintf(buf.data(), buf.size(), "%016llx%016llx",
                  static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    return std::string(buf.data(), 32);
}

std::string ofBytes(std::string_view bytes) {
    Hasher h;
    h.update(bytes);
    return h.hex();
}

std::string ofFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path.string() + ": check that it exists and is readable");
    Hasher h;
    std::array<char, 1 << 16> buf{};
    while (in) {
        in.read(buf.data(), buf.size());
        h.update(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) throw Error("error while reading " + path.string());
    return h.hex();
}

}  // namespace ladder::hash
