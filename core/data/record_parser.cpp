#include "core/data/record_parser.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace ladder::data {
namespace {

using nlohmann::json;

class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    bool parse(json& out) {
        skipSpace();
        if (!value(out, 0)) return false;
        skipSpace();
        if (m_pos != m_text.size()) return fail("text after the end of the value");
        return true;
    }

    [[nodiscard]] const std::string& error() const { return m_error; }

private:
    bool fail(const std::string& what) {
        if (m_error.empty()) m_error = "column " + std::to_string(m_pos + 1) + ": " + what;
        return false;
    }
    bool tooDeep() {
        return fail("nested too deeply (more than " + std::to_string(kMaxJsonDepth) + " levels)");
    }

    void skipSpace() {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            ++m_pos;
        }
    }

    bool literal(std::string_view word) {
        if (m_text.substr(m_pos, word.size()) != word) return fail("not a JSON value");
        m_pos += word.size();
        return true;
    }

    bool value(json& out, int depth) {
        if (m_pos >= m_text.size()) return fail("the text ends where a value should start");
        switch (m_text[m_pos]) {
            case '{':
                return object(out, depth + 1);
            case '[':
                return array(out, depth + 1);
            case '"': {
                std::string s;
                if (!string(s)) return false;
                out = std::move(s);
                return true;
            }
            case 't':
                out = true;
                return literal("true");
            case 'f':
                out = false;
                return literal("false");
            case 'n':
                out = nullptr;
                return literal("null");
            default:
                return number(out);
        }
    }

    bool object(json& out, int depth) {
        if (depth > kMaxJsonDepth) return tooDeep();
        out = json::object();
        ++m_pos;  // '{'
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            return true;
        }
        while (true) {
            if (m_pos >= m_text.size() || m_text[m_pos] != '"') {
                return fail("expected a quoted key in the object");
            }
            std::string key;
            if (!string(key)) return false;
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':') {
                return fail("expected ':' after an object key");
            }
            ++m_pos;
            skipSpace();
            json item;
            if (!value(item, depth)) return false;
            out[std::move(key)] = std::move(item);  // a repeated key keeps the last value
            skipSpace();
            if (m_pos >= m_text.size()) return fail("the object is not closed");
            const char c = m_text[m_pos++];
            if (c == '}') return true;
            if (c != ',') return fail("expected ',' or '}' in the object");
            skipSpace();
        }
    }

    bool array(json& out, int depth) {
        if (depth > kMaxJsonDepth) return tooDeep();
        out = json::array();
        ++m_pos;  // '['
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            return true;
        }
        while (true) {
            json item;
            if (!value(item, depth)) return false;
            out.push_back(std::move(item));
            skipSpace();
            if (m_pos >= m_text.size()) return fail("the array is not closed");
            const char c = m_text[m_pos++];
            if (c == ']') return true;
            if (c != ',') return fail("expected ',' or ']' in the array");
            skipSpace();
        }
    }

    // The length of a valid UTF-8 sequence starting at m_pos (a non-ASCII lead byte), or 0.
    [[nodiscard]] std::size_t utf8Length() const {
        const auto at = [this](std::size_t i) -> unsigned {
            return m_pos + i < m_text.size() ? static_cast<unsigned char>(m_text[m_pos + i]) : 0u;
        };
        const unsigned c = at(0);
        const auto cont = [&](std::size_t i) { return (at(i) & 0xC0u) == 0x80u; };
        if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
        if (c == 0xE0) return at(1) >= 0xA0 && at(1) <= 0xBF && cont(2) ? 3 : 0;
        if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
        if (c == 0xED) return at(1) >= 0x80 && at(1) <= 0x9F && cont(2) ? 3 : 0;  // no surrogates
        if (c == 0xF0) return at(1) >= 0x90 && at(1) <= 0xBF && cont(2) && cont(3) ? 4 : 0;
        if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
        if (c == 0xF4) return at(1) >= 0x80 && at(1) <= 0x8F && cont(2) && cont(3) ? 4 : 0;
        return 0;
    }

    static void appendUtf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    bool hex4(std::uint32_t& out) {
        if (m_pos + 4 > m_text.size()) return fail("a \\u escape needs four hex digits");
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_text[m_pos++];
            out <<= 4;
            if (c >= '0' && c <= '9') {
                out |= static_cast<std::uint32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                out |= static_cast<std::uint32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                out |= static_cast<std::uint32_t>(c - 'A' + 10);
            } else {
                return fail("a \\u escape needs four hex digits");
            }
        }
        return true;
    }

    bool escape(std::string& out) {
        if (m_pos >= m_text.size()) return fail("the string is not closed");
        const char c = m_text[m_pos++];
        switch (c) {
            case '"':
                out += '"';
                return true;
            case '\\':
                out += '\\';
                return true;
            case '/':
                out += '/';
                return true;
            case 'b':
                out += '\b';
                return true;
            case 'f':
                out += '\f';
                return true;
            case 'n':
                out += '\n';
                return true;
            case 'r':
                out += '\r';
                return true;
            case 't':
                out += '\t';
                return true;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(cp)) return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate needs its low half
                    std::uint32_t low = 0;
                    if (m_text.substr(m_pos, 2) != "\\u" || (m_pos += 2, !hex4(low)) ||
                        low < 0xDC00 || low > 0xDFFF) {
                        return fail("a \\u surrogate pair is incomplete");
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return fail("a \\u low surrogate without its high half");
                }
                appendUtf8(out, cp);
                return true;
            }
            default:
                return fail("an unknown escape in a string");
        }
    }

    bool string(std::string& out) {
        ++m_pos;  // '"'
        while (true) {
            // Copy the run of plain ASCII characters in one go.
            std::size_t run = m_pos;
            while (run < m_text.size()) {
                const auto c = static_cast<unsigned char>(m_text[run]);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
                ++run;
            }
            out.append(m_text.data() + m_pos, run - m_pos);
            m_pos = run;
            if (m_pos >= m_text.size()) return fail("the string is not closed");
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c == '\\') {
                ++m_pos;
                if (!escape(out)) return false;
            } else if (c < 0x20) {
                return fail("a control character in a string (write it as an escape, e.g. \\n)");
            } else {
                const std::size_t n = utf8Length();
                if (n == 0)
                    return fail("the string is not valid UTF-8: re-encode the file as UTF-8");
                out.append(m_text.data() + m_pos, n);
                m_pos += n;
            }
        }
    }

    bool number(json& out) {
        const std::size_t start = m_pos;
        if (m_pos < m_text.size() && m_text[m_pos] == '-') ++m_pos;
        const auto digits = [this] {
            const std::size_t from = m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') ++m_pos;
            return m_pos - from;
        };
        const std::size_t intStart = m_pos;
        if (digits() == 0) return fail("not a JSON value");
        if (m_text[intStart] == '0' && m_pos - intStart > 1)
            return fail("a number with a leading zero");
        bool integer = true;
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            integer = false;
            if (digits() == 0) return fail("a number needs digits after '.'");
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            ++m_pos;
            integer = false;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
            if (digits() == 0) return fail("a number needs digits in its exponent");
        }
        const char* first = m_text.data() + start;
        const char* last = m_text.data() + m_pos;
        if (integer) {
            if (*first == '-') {
                std::int64_t v = 0;
                if (std::from_chars(first, last, v).ec == std::errc()) {
                    out = v;
                    return true;
                }
            } else {
                std::uint64_t v = 0;
                if (std::from_chars(first, last, v).ec == std::errc()) {
                    out = v;
                    return true;
                }
            }
        }
        double d = 0;
        if (std::from_chars(first, last, d).ec == std::errc::result_out_of_range) {
            // Too small rounds to zero (or a subnormal), as strtod does; too large is an error.
            d = std::strtod(std::string(first, last).c_str(), nullptr);
            if (std::isinf(d)) return fail("a number too large for a double");
        }
        out = d;
        return true;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::string m_error;
};

}  // namespace

bool parseJsonRecord(std::string_view text, json& out, std::string* error) {
    Parser parser(text);
    if (parser.parse(out)) return true;
    if (error) *error = parser.error();
    return false;
}

}  // namespace ladder::data
