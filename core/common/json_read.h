// Reading JSON that comes from outside the program (files, workspace rows, a judge's output)
// without trusting it: bounded nesting, bounded file size, and errors that name where it came from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace ladder::json {

// Deepest nesting accepted. Real files stay far below (tokenizer.json 5, config.json 4, a run
// config with an inline curriculum 5), and code that walks or prints a value recursively (nlohmann's
// copy, comparison and dump(), the tokenizer's Sequence readers) is then safe on any thread.
inline constexpr int kMaxDepth = 64;
// Largest file readFile() takes: the biggest tokenizer.json files are about 35 MB; a JSON value
// costs several times its text in memory.
inline constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{512} << 20;

// Parses text as one JSON value. Throws ladder::Error naming `source` and the line and column
// ("<source> is not valid JSON (line 3, column 20: number overflow parsing '1e400')", "<source> is
// nested more than 64 levels deep (...)"), never one of nlohmann's exceptions.
[[nodiscard]] nlohmann::json parseText(std::string_view text, const std::string& source,
                                       int maxDepth = kMaxDepth);

// The same, but a discarded value (is_discarded()) instead of an exception, for callers that
// word their own message.
[[nodiscard]] nlohmann::json parseOrDiscarded(std::string_view text, int maxDepth = kMaxDepth);

// Reads and parses a whole file; errors name the file. A file over maxBytes is refused before it
// is read.
[[nodiscard]] nlohmann::json readFile(const std::filesystem::path& path, int maxDepth = kMaxDepth,
                                      std::uintmax_t maxBytes = kMaxFileBytes);

// Whether value.get<T>() gives exactly the value: nlohmann converts any number to any arithmetic
// T, and a number outside an integer T's range (1e300 as an int) is undefined behaviour, a
// fraction silently truncated. True for values that are no numbers (get<T> reports those
// itself); containers (std::vector, std::map) fit when all their elements do.
template <typename T>
[[nodiscard]] bool fits(const nlohmann::json& value);

// At most about maxChars characters of value as compact JSON, for error messages: "..." marks a
// cut. Never recurses, so a value nested any depth (one not read by parseText) is safe to show.
[[nodiscard]] std::string excerpt(const nlohmann::json& value, std::size_t maxChars = 80);

namespace detail {

template <typename T>
concept Sequence = requires { typename T::value_type; } && !std::is_same_v<T, std::string> &&
                   !requires { typename T::mapped_type; };
template <typename T>
concept Mapping = requires { typename T::mapped_type; };

}  // namespace detail

template <typename T>
bool fits(const nlohmann::json& value) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        if (!value.is_number()) return true;
        if (!value.is_number_integer()) return false;
        if (value.is_number_unsigned()) {
            return value.get<std::uint64_t>() <=
                   static_cast<std::uint64_t>(std::numeric_limits<T>::max());
        }
        const auto v = value.get<std::int64_t>();
        return v >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
               (v < 0 || static_cast<std::uint64_t>(v) <=
                             static_cast<std::uint64_t>(std::numeric_limits<T>::max()));
    } else if constexpr (detail::Mapping<T>) {
        if (!value.is_object()) return true;
        for (const auto& item : value) {
            if (!fits<typename T::mapped_type>(item)) return false;
        }
        return true;
    } else if constexpr (detail::Sequence<T>) {
        if (!value.is_array()) return true;
        for (const auto& item : value) {
            if (!fits<typename T::value_type>(item)) return false;
        }
        return true;
    } else {
        return true;
    }
}

}  // namespace ladder::json
