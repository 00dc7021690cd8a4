// Bounded JSON reading: nlohmann's SAX parser feeding a value builder that refuses deep nesting,
// and an excerpt writer with an explicit stack.
#include "core/common/json_read.h"

#include <fstream>
#include <optional>
#include <vector>

#include "core/common/error.h"

namespace ladder::json {
namespace {

using nlohmann::json;

// What went wrong, where: a byte offset into the text when the parser knows it.
struct Problem {
    bool tooDeep = false;
    std::string what;  // the parser's words, for text that is not JSON
    std::optional<std::size_t> offset;
};

// Builds the value as nlohmann's own DOM parser does (a repeated key keeps its last value), but
// stops at the first container that would be nested deeper than maxDepth. The stack holds the
// open containers only: an element is added to its parent only after its own children are
// closed, so the pointers stay valid.
class BoundedBuilder {
public:
    BoundedBuilder(json& root, int maxDepth) : m_root(root), m_maxDepth(maxDepth) {}

    bool null() { return put(nullptr); }
    bool boolean(bool value) { return put(value); }
    bool number_integer(json::number_integer_t value) { return put(value); }
    bool number_unsigned(json::number_unsigned_t value) { return put(value); }
    bool number_float(json::number_float_t value, const json::string_t&) { return put(value); }
    bool string(json::string_t& value) { return put(std::move(value)); }
    bool binary(json::binary_t& value) { return put(json::binary(std::move(value))); }
    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool key(json::string_t& key) {
        m_member = &(*m_open.back())[key];
        return true;
    }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
        m_problem = Problem{false, withoutPrefix(e.what()), position > 0 ? position - 1 : 0};
        return false;
    }

    [[nodiscard]] bool tooDeep() const { return m_tooDeep; }
    [[nodiscard]] const std::optional<Problem>& problem() const { return m_problem; }

private:
    // nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error
    // ..." without the parts that name nlohmann and the position (the caller gives its own).
    static std::string withoutPrefix(std::string what) {
        if (what.starts_with("[json.exception.")) {
            if (const auto end = what.find("] "); end != std::string::npos) what.erase(0, end + 2);
        }
        if (what.starts_with("parse error")) {
            if (const auto colon = what.find(": "); colon != std::string::npos) {
                what.erase(0, colon + 2);
            }
        }
        return what;
    }

    json* place(json&& value) {
        if (m_open.empty()) {
            m_root = std::move(value);
            return &m_root;
        }
        json& parent = *m_open.back();
        if (parent.is_array()) {
            parent.push_back(std::move(value));
            return &parent.back();
        }
        *m_member = std::move(value);
        return m_member;
    }
    bool put(json&& value) {
        place(std::move(value));
        return true;
    }
    bool open(json&& container) {
        if (static_cast<int>(m_open.size()) >= m_maxDepth) {
            m_tooDeep = true;
            return false;
        }
        m_open.push_back(place(std::move(container)));
        return true;
    }
    bool close() {
        m_open.pop_back();
        return true;
    }

    json& m_root;
    int m_maxDepth;
    std::vector<json*> m_open;
    json* m_member = nullptr;
    bool m_tooDeep = false;
    std::optional<Problem> m_problem;
};

// The offset of the bracket that opens level maxDepth + 1. Only called once the parser has
// stopped there, so the text before it is valid JSON and tracking strings is enough.
std::size_t firstTooDeep(std::string_view text, int maxDepth) {
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            }
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth) return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return text.size();
}

// "line 3, column 20" of a byte offset (columns count bytes, as nlohmann's do).
std::string lineAndColumn(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    std::size_t line = 1;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(offset - lineStart + 1);
}

// Parses text into out; the problem when it cannot.
std::optional<Problem> parseInto(std::string_view text, int maxDepth, json& out) {
    BoundedBuilder builder(out, maxDepth);
    bool ok = false;
    try {
        ok = json::sax_parse(text, &builder);
    } catch (const json::exception& e) {
        // The SAX parser reports through parse_error(); this is for anything it throws instead.
        return Problem{false, e.what(), std::nullopt};
    }
    if (ok) return std::nullopt;
    if (builder.tooDeep()) return Problem{true, {}, firstTooDeep(text, maxDepth)};
    if (builder.problem()) return builder.problem();
    return Problem{false, "the parser stopped early", std::nullopt};
}

[[noreturn]] void fail(const Problem& problem, std::string_view text, const std::string& source,
                       int maxDepth, const std::string& advice) {
    const std::string where = problem.offset ? lineAndColumn(text, *problem.offset) : "";
    if (problem.tooDeep) {
        throw Error(source + " is nested more than " + std::to_string(maxDepth) +
                    " levels deep (" + where +
                    "), which no file Ladder reads needs: it is damaged or was made to crash "
                    "programs");
    }
    throw Error(source + " is not valid JSON (" + (where.empty() ? "" : where + ": ") +
                problem.what + ")" + (advice.empty() ? "" : ": " + advice));
}

// The cut of s to at most n bytes that does not split a UTF-8 sequence.
std::string_view utf8Prefix(std::string_view s, std::size_t n) {
    if (s.size() <= n) return s;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
}

void appendQuoted(std::string& out, std::string_view s, std::size_t room) {
    out += json(std::string(utf8Prefix(s, room + 1)))
               .dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

nlohmann::json parseText(std::string_view text, const std::string& source, int maxDepth) {
    json out;
    if (const auto problem = parseInto(text, maxDepth, out)) {
        fail(*problem, text, source, maxDepth, {});
    }
    return out;
}

nlohmann::json parseOrDiscarded(std::string_view text, int maxDepth) {
    json out;
    if (parseInto(text, maxDepth, out)) return json(json::value_t::discarded);
    return out;
}

nlohmann::json readFile(const std::filesystem::path& path, int maxDepth, std::uintmax_t maxBytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path.string() + ": check that it exists and is readable");
    // Read at most one byte past the limit, so that a device or a pipe that never ends is refused
    // as well as a large file.
    std::string text;
    std::vector<char> chunk(1 << 16);
    while (in && text.size() <= maxBytes) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) throw Error("error while reading " + path.string());
    if (text.size() > maxBytes) {
        throw Error(path.string() + " is larger than " + std::to_string(maxBytes >> 20) +
                    " MB, more than any file of its kind: is it the right file?");
    }
    json out;
    if (const auto problem = parseInto(text, maxDepth, out)) {
        fail(*problem, text, path.string(), maxDepth,
             "correct the file, or get it again if it was cut short");
    }
    return out;
}

std::string excerpt(const nlohmann::json& value, std::size_t maxChars) {
    struct Open {
        const json* container;
        json::const_iterator next;
        bool first = true;
    };
    std::string out;
    std::vector<Open> open;
    const auto room = [&] { return out.size() < maxChars ? maxChars - out.size() : 0; };
    // Writes a scalar, or the opening bracket of a container and remembers it.
    const auto start = [&](const json& v) {
        if (v.is_object() || v.is_array()) {
            out += v.is_object() ? '{' : '[';
            open.push_back(Open{&v, v.cbegin()});
        } else if (v.is_string()) {
            appendQuoted(out, v.get_ref<const std::string&>(), room());
        } else {
            out += v.dump(-1, ' ', false, json::error_handler_t::replace);
        }
    };
    start(value);
    while (!open.empty() && out.size() <= maxChars) {
        Open& top = open.back();
        if (top.next == top.container->cend()) {
            out += top.container->is_object() ? '}' : ']';
            open.pop_back();
            continue;
        }
        if (!top.first) out += ',';
        top.first = false;
        const auto item = top.next++;
        if (top.container->is_object()) {
            appendQuoted(out, item.key(), room());
            out += ':';
        }
        start(*item);  // may grow `open`: `top` is not used after this
    }
    if (out.size() <= maxChars && open.empty()) return out;
    std::string cut(utf8Prefix(out, maxChars));
    cut += "...";
    return cut;
}

}  // namespace ladder::json
