// Joining names into lists for messages ("a, b, c"), without the temporaries of `a + ", " + b`.
#pragma once

#include <string>
#include <string_view>

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

}  // namespace ladder::text
