// Lists in text: joining names for messages ("a, b, c", without the temporaries of `a + ", " + b`)
// and splitting a line at a separator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ladder::text {

// Appends item to list, with separator in between when list is not empty.
inline void appendItem(std::string& list, std::string_view item,
                       std::string_view separator = ", ") {
    if (!list.empty()) list.append(separator);
    list.append(item);
}

// Joins the items of a range (anything convertible to string_view, or via a projection).
template <typename Range, typename Projection>
[[nodiscard]] std::string join(const Range& items, std::string_view separator, Projection project) {
    std::string out;
    for (const auto& item : items) appendItem(out, project(item), separator);
    return out;
}

template <typename Range>
[[nodiscard]] std::string join(const Range& items, std::string_view separator = ", ") {
    return join(items, separator, [](const auto& item) -> std::string_view { return item; });
}

// The pieces of s between separators, empty pieces included ("a,,b" -> "a", "", "b"); views into s.
[[nodiscard]] inline std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = s.find(separator, start);
        out.push_back(
            s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return out;
        start = end + 1;
    }
}

}  // namespace ladder::text
