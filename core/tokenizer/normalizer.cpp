// Normalizer: reads the supported normalizer types and applies them in order.
#include "core/tokenizer/normalizer.h"

#include <cstdlib>

#include <utf8proc.h>

#include "core/common/error.h"
#include "core/tokenizer/unicode_chars.h"

namespace ladder::tokenizer {
namespace {

// Text that is not valid UTF-8 is left as it is: its bytes still reach the model through byte
// fallback or the byte-level alphabet, which is better than refusing the whole text.
std::string unicodeForm(std::string_view text, int options) {
    utf8proc_uint8_t* result = nullptr;
    const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                static_cast<utf8proc_ssize_t>(text.size()), &result,
                                static_cast<utf8proc_option_t>(options));
    if (n < 0) return std::string(text);
    std::string out(reinterpret_cast<const char*>(result), static_cast<std::size_t>(n));
    std::free(result);
    return out;
}

std::string lowercase(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t length = 0;
        const char32_t c = codePointAt(text, pos, length);
        if (c == kInvalidCodePoint) {
            out.append(text.substr(pos, length));
        } else {
            appendUtf8(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
        }
        pos += length;
    }
    return out;
}

std::string strip(std::string_view text, bool left, bool right) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (left && begin < end) {
        std::size_t length = 0;
        if (!isUnicodeWhitespace(codePointAt(text, begin, length))) break;
        begin += length;
    }
    while (right && end > begin) {
        const char32_t c = codePointBefore(text, end);
        if (!isUnicodeWhitespace(c)) break;
        end -= utf8Length(c);
    }
    return std::string(text.substr(begin, end - begin));
}

}  // namespace

Normalizer Normalizer::fromJson(const Json& j, const std::string& where) {
    Normalizer n;
    if (!j.is_null()) n.addFromJson(j, where);
    return n;
}

void Normalizer::addFromJson(const Json& j, const std::string& where) {
    const std::string type = typeOf(j, where);
    if (type != "Sequence") requireRoomForStep(m_steps.size(), where);
    if (type == "Sequence") {
        forEachItem(j, "normalizers", where,
                    [this](const Json& item, const std::string& at) { addFromJson(item, at); });
    } else if (type == "Prepend" || type == "Append") {
        const char* key = type == "Prepend" ? "prepend" : "append";
        m_steps.push_back(Step{.kind = type == "Prepend" ? Kind::Prepend : Kind::Append,
                               .text = requireString(j, key, where)});
    } else if (type == "Replace") {
        m_steps.push_back(Step{.kind = Kind::Replace,
                               .text = requireString(j, "content", where),
                               .pattern = TextPattern::fromJson(requireField(j, "pattern", where),
                                                                fieldPath(where, "pattern"))});
    } else if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD") {
        int options = UTF8PROC_STABLE;
        options |= type[type.size() - 1] == 'C' ? UTF8PROC_COMPOSE : UTF8PROC_DECOMPOSE;
        if (type.size() == 4) options |= UTF8PROC_COMPAT;
        m_steps.push_back(Step{.kind = Kind::Unicode, .unicodeOptions = options});
    } else if (type == "Lowercase") {
        m_steps.push_back(Step{.kind = Kind::Lowercase});
    } else if (type == "Strip") {
        m_steps.push_back(Step{.kind = Kind::Strip,
                               .left = boolOr(j, "strip_left", true, where),
                               .right = boolOr(j, "strip_right", true, where)});
    } else {
        throw Error(fieldPath(where, "type") + " is \"" + type +
                    "\", a normalizer Ladder does not read (it reads Sequence, Prepend, Append, "
                    "Replace, NFC, NFD, NFKC, NFKD, Lowercase and Strip)");
    }
}

std::string Normalizer::apply(std::string_view input) const {
    std::string text(input);
    for (const Step& step : m_steps) {
        switch (step.kind) {
            case Kind::Prepend:
                if (!text.empty()) text.insert(0, step.text);
                break;
            case Kind::Append:
                if (!text.empty()) text += step.text;
                break;
            case Kind::Replace:
                text = step.pattern->replaceAll(text, step.text);
                break;
            case Kind::Unicode:
                text = unicodeForm(text, step.unicodeOptions);
                break;
            case Kind::Lowercase:
                text = lowercase(text);
                break;
            case Kind::Strip:
                text = strip(text, step.left, step.right);
                break;
        }
    }
    return text;
}

}  // namespace ladder::tokenizer
