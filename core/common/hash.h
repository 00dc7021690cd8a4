// Content hashes (XXH3, 128 bit, as 32 hex digits) of files, strings and tensors' bytes.
// Used for idempotent import and the reference log-prob cache key; not cryptographic.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace ladder::hash {

class Hasher {
public:
    Hasher();
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;

    void update(const void* data, std::size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    [[nodiscard]] std::string hex() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

[[nodiscard]] std::string ofBytes(std::string_view bytes);
// Throws ladder::Error naming the file when it cannot be read.
[[nodiscard]] std::string ofFile(const std::filesystem::path& path);

}  // namespace ladder::hash
