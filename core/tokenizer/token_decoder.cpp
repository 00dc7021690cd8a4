// TokenDecoder: each step maps the list of token texts to a new list; the result is their join.
// Bytes are kept as they are: no step replaces invalid UTF-8 with U+FFFD.
#include "core/tokenizer/token_decoder.h"

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/tokenizer/byte_level_alphabet.h"
#include "core/tokenizer/unicode_chars.h"

namespace ladder::tokenizer {
namespace {

// The byte of a "<0xNN>" token.
std::optional<unsigned char> fallbackByte(const std::string& token) {
    if (token.size() != 6 || !token.starts_with("<0x") || token[5] != '>') return std::nullopt;
    unsigned value = 0;
    for (std::size_t i = 3; i < 5; ++i) {
        const char c = token[i];
        value <<= 4;
        if (c >= '0' && c <= '9') {
            value |= static_cast<unsigned>(c - '0');
        } else if (c >= 'A' && c <= 'F') {
            value |= static_cast<unsigned>(c - 'A' + 10);
        } else if (c >= 'a' && c <= 'f') {
            value |= static_cast<unsigned>(c - 'a' + 10);
        } else {
            return std::nullopt;
        }
    }
    return static_cast<unsigned char>(value);
}

std::string joined(const std::vector<std::string>& tokens, std::string_view separator = {}) {
    std::string out;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i > 0) out += separator;
        out += tokens[i];
    }
    return out;
}

}  // namespace

TokenDecoder TokenDecoder::fromJson(const Json& j, const std::string& where) {
    TokenDecoder d;
    if (j.is_null()) {
        d.m_none = true;
        return d;
    }
    d.addFromJson(j, where);
    return d;
}

void TokenDecoder::addFromJson(const Json& j, const std::string& where) {
    const std::string type = typeOf(j, where);
    if (type != "Sequence") requireRoomForStep(m_steps.size(), where);
    if (type == "Sequence") {
        forEachItem(j, "decoders", where,
                    [this](const Json& item, const std::string& at) { addFromJson(item, at); });
    } else if (type == "ByteLevel") {
        m_steps.push_back(Step{.kind = Kind::ByteLevel});
    } else if (type == "Replace") {
        m_steps.push_back(Step{.kind = Kind::Replace,
                               .pattern = TextPattern::fromJson(requireField(j, "pattern", where),
                                                                fieldPath(where, "pattern")),
                               .content = requireString(j, "content", where)});
    } else if (type == "ByteFallback") {
        m_steps.push_back(Step{.kind = Kind::ByteFallback});
    } else if (type == "Fuse") {
        m_steps.push_back(Step{.kind = Kind::Fuse});
    } else if (type == "Strip") {
        // Hugging Face's Strip holds one character (a Rust char) and two usize counts; anything
        // else is refused there too. Stripping an empty content never ends.
        std::string content = requireString(j, "content", where);
        std::size_t length = 0;
        if (content.empty() || codePointAt(content, 0, length) == kInvalidCodePoint ||
            length != content.size()) {
            throw Error(fieldPath(where, "content") + " should be one character but is " +
                        json::excerpt(Json(content)) +
                        ": Strip removes copies of one character from each token's ends");
        }
        m_steps.push_back(Step{.kind = Kind::Strip,
                               .content = std::move(content),
                               .start = countOr(j, "start", 0, where),
                               .stop = countOr(j, "stop", 0, where)});
    } else if (type == "Metaspace") {
        bool prepends = boolOr(j, "add_prefix_space", true, where);
        if (j.contains("prepend_scheme") && j["prepend_scheme"].is_string()) {
            prepends = j["prepend_scheme"].get<std::string>() != "never";
        }
        m_steps.push_back(Step{.kind = Kind::Metaspace,
                               .content = stringOr(j, "replacement", "\u2581", where),
                               .dropFirstSpace = prepends});
    } else {
        throw Error(fieldPath(where, "type") + " is \"" + type +
                    "\", a decoder Ladder does not read (it reads ByteLevel, Replace, "
                    "ByteFallback, Fuse, Strip, Metaspace and Sequence)");
    }
}

std::string TokenDecoder::decode(std::vector<std::string> tokens) const {
    if (m_none) return joined(tokens, " ");
    const auto& alphabet = ByteLevelAlphabet::instance();
    for (const Step& step : m_steps) {
        switch (step.kind) {
            case Kind::ByteLevel: {
                // A token whose characters are not all in the alphabet (an added token such as
                // a Chinese chat marker) is taken as its own UTF-8 text.
                std::string bytes;
                for (const std::string& token : tokens) {
                    if (!alphabet.decode(token, bytes)) bytes += token;
                }
                tokens.assign(1, std::move(bytes));
                break;
            }
            case Kind::Replace:
                for (std::string& token : tokens) token = step.pattern->replaceAll(token, step.content);
                break;
            case Kind::ByteFallback: {
                std::vector<std::string> out;
                out.reserve(tokens.size());
                bool inBytes = false;
                for (std::string& token : tokens) {
                    if (const auto b = fallbackByte(token)) {
                        if (!inBytes) out.emplace_back();
                        out.back().push_back(static_cast<char>(*b));
                        inBytes = true;
                    } else {
                        out.push_back(std::move(token));
                        inBytes = false;
                    }
                }
                tokens = std::move(out);
                break;
            }
            case Kind::Fuse:
                tokens.assign(1, joined(tokens));
                break;
            case Kind::Strip:
                for (std::string& token : tokens) {
                    std::size_t begin = 0;
                    while (begin < step.start && token.compare(begin * step.content.size(),
                                                               step.content.size(),
                                                               step.content) == 0) {
                        ++begin;
                    }
                    token.erase(0, begin * step.content.size());
                    for (std::size_t i = 0; i < step.stop && token.ends_with(step.content); ++i) {
                        token.erase(token.size() - step.content.size());
                    }
                }
                break;
            case Kind::Metaspace:
                for (std::size_t i = 0; i < tokens.size(); ++i) {
                    std::string& token = tokens[i];
                    if (i == 0 && step.dropFirstSpace && token.starts_with(step.content)) {
                        token.erase(0, step.content.size());
                    }
                    token = TextPattern::literal(step.content).replaceAll(token, " ");
                }
                break;
        }
    }
    return joined(tokens);
}

}  // namespace ladder::tokenizer
