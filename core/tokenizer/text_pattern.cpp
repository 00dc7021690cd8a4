// TextPattern: literal search or a PCRE2 regex behind one interface.
#include "core/tokenizer/text_pattern.h"

#include "core/common/error.h"
#include "core/common/json_read.h"

namespace ladder::tokenizer {

TextPattern TextPattern::fromJson(const Json& j, const std::string& where) {
    if (j.is_object() && j.size() == 1) {
        if (j.contains("String") && j["String"].is_string()) {
            return literal(j["String"].get<std::string>());
        }
        if (j.contains("Regex") && j["Regex"].is_string()) {
            return regex(j["Regex"].get<std::string>(), fieldPath(where, "Regex"));
        }
    }
    throw Error(where + " should be {\"String\": \"...\"} or {\"Regex\": \"...\"} but is " +
                json::excerpt(j));
}

TextPattern TextPattern::literal(std::string text) {
    TextPattern p;
    p.m_literal = std::move(text);
    return p;
}

TextPattern TextPattern::regex(std::string_view pattern, const std::string& where) {
    TextPattern p;
    p.m_regex.emplace(pattern, where);
    return p;
}

void TextPattern::forEachMatch(std::string_view text,
                               FunctionRef<void(std::size_t, std::size_t)> onMatch) const {
    if (m_regex) {
        m_regex->forEachMatch(text, onMatch);
        return;
    }
    if (m_literal.empty()) return;
    for (std::size_t pos = text.find(m_literal); pos != std::string_view::npos;
         pos = text.find(m_literal, pos + m_literal.size())) {
        onMatch(pos, pos + m_literal.size());
    }
}

std::string TextPattern::replaceAll(std::string_view text, std::string_view content) const {
    std::string out;
    out.reserve(text.size());
    std::size_t last = 0;
    forEachMatch(text, [&](std::size_t begin, std::size_t end) {
        out.append(text.substr(last, begin - last));
        out.append(content);
        last = end;
    });
    out.append(text.substr(last));
    return out;
}

}  // namespace ladder::tokenizer
