// The lexer (see lexer.h). It follows jinja2's rules for where whitespace control and
// lstrip_blocks apply: "-" strips all whitespace up to the tag, lstrip_blocks only spaces and
// tabs that open a line (and never before {{ }}), trim_blocks one newline after %} or #}.
#include "core/chat/lexer.h"

#include <charconv>
#include <cstring>

#include "core/chat/python_text.h"
#include "core/chat/template_error.h"

namespace ladder::chat {
namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isNameChar(char c) {
    return isNameStart(c) || isDigit(c);
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Length of `(\d+_)*\d+` at text[pos], 0 when there is no digit.
std::size_t digitRun(std::string_view text, std::size_t pos) {
    std::size_t end = pos;
    while (true) {
        std::size_t run = end;
        while (run < text.size() && isDigit(text[run])) ++run;
        if (run == end) return end == pos ? 0 : end - pos;
        end = run;
        if (end + 1 < text.size() && text[end] == '_' && isDigit(text[end + 1])) {
            ++end;
            continue;
        }
        return end - pos;
    }
}

std::string withoutUnderscores(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c != '_') out += c;
    }
    return out;
}

class Lexer {
public:
    Lexer(std::string_view source, const LexerOptions& options, const std::string& name)
        : m_options(options), m_name(name) {
        // jinja2 reads \r\n and \r as \n everywhere, and drops one newline at the very end.
        m_src.reserve(source.size());
        for (std::size_t i = 0; i < source.size(); ++i) {
            if (source[i] == '\r') {
                m_src += '\n';
                if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
            } else {
                m_src += source[i];
            }
        }
        if (!m_options.keepTrailingNewline && !m_src.empty() && m_src.back() == '\n') {
            m_src.pop_back();
        }
    }

    std::vector<Token> run() {
        while (m_pos < m_src.size()) {
            const std::size_t tag = findTagStart(m_pos);
            if (tag == std::string::npos) {
                emitText(std::string_view(m_src).substr(m_pos));
                m_pos = m_src.size();
                break;
            }
            const char kind = m_src[tag + 1];
            const char sign =
                tag + 2 < m_src.size() && (m_src[tag + 2] == '-' || m_src[tag + 2] == '+')
                    ? m_src[tag + 2]
                    : '\0';
            std::size_t rawBodyStart = 0;
            const bool raw = kind == '%' && matchRawBegin(tag, rawBodyStart);
            const std::string_view text = std::string_view(m_src).substr(m_pos, tag - m_pos);
            emitText(stripBeforeTag(text, sign, kind != '{'));
            countLines(m_pos, tag);
            if (raw) {
                advanceTo(tag, rawBodyStart);
                lexRawBody();
                continue;
            }
            m_pos = tag + 2 + (sign ? 1 : 0);
            m_lineStarting = false;
            if (kind == '#') {
                lexComment();
            } else {
                lexTag(kind == '%');
            }
        }
        Token end;
        end.type = TokenType::End;
        end.line = m_line;
        m_tokens.push_back(end);
        return std::move(m_tokens);
    }

private:
    [[noreturn]] void syntaxError(const std::string& message) const {
        throw TemplateError(TemplateErrorKind::Syntax, m_name, m_line, message);
    }

    std::size_t findTagStart(std::size_t from) const {
        for (std::size_t pos = m_src.find('{', from); pos != std::string::npos;
             pos = m_src.find('{', pos + 1)) {
            if (pos + 1 < m_src.size() &&
                (m_src[pos + 1] == '{' || m_src[pos + 1] == '%' || m_src[pos + 1] == '#')) {
                return pos;
            }
        }
        return std::string::npos;
    }

    // The text before a tag after whitespace control: "-" strips all whitespace; otherwise
    // lstrip_blocks strips the spaces that open the tag's line (block and comment tags only).
    std::string_view stripBeforeTag(std::string_view text, char sign, bool lstripApplies) const {
        if (sign == '-') return py::rstripSpace(text);
        if (sign == '+' || !m_options.lstripBlocks || !lstripApplies) return text;
        const std::size_t newline = text.rfind('\n');
        const std::size_t lineStart = newline == std::string_view::npos ? 0 : newline + 1;
        if ((lineStart > 0 || m_lineStarting) && py::isAllSpace(text.substr(lineStart))) {
            return text.substr(0, lineStart);
        }
        return text;
    }

    void emitText(std::string_view text) {
        if (text.empty()) return;
        Token token;
        token.type = TokenType::Text;
        token.text = std::string(text);
        token.line = m_line;
        m_tokens.push_back(std::move(token));
    }

    void countLines(std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            if (m_src[i] == '\n') ++m_line;
        }
    }

    // Moves to `to`, counting lines, and remembers whether the consumed text ended a line.
    void advanceTo(std::size_t from, std::size_t to) {
        countLines(from, to);
        m_lineStarting = to > from && m_src[to - 1] == '\n';
        m_pos = to;
    }

    std::size_t skipSpaces(std::size_t pos) const {
        return pos + py::leadingSpaceBytes(std::string_view(m_src).substr(pos));
    }

    bool startsWith(std::size_t pos, const char* text) const {
        return m_src.compare(pos, std::strlen(text), text) == 0;
    }

    // `{%[-+]?\s*raw\s*(-%}\s*|%})` at tag; bodyStart: just after it.
    bool matchRawBegin(std::size_t tag, std::size_t& bodyStart) const {
        std::size_t pos = tag + 2;
        if (pos < m_src.size() && (m_src[pos] == '-' || m_src[pos] == '+')) ++pos;
        pos = skipSpaces(pos);
        if (!startsWith(pos, "raw")) return false;
        pos = skipSpaces(pos + 3);
        if (startsWith(pos, "-%}")) {
            bodyStart = skipSpaces(pos + 3);
            return true;
        }
        if (startsWith(pos, "%}")) {
            bodyStart = pos + 2;
            return true;
        }
        return false;
    }

    // The end of a block or comment tag: "+" keeps what follows, "-" strips whitespace,
    // otherwise trim_blocks drops one newline. pos: just after the closing two characters.
    std::size_t afterTagEnd(std::size_t pos, char sign) const {
        if (sign == '-') return skipSpaces(pos);
        if (sign != '+' && m_options.trimBlocks && pos < m_src.size() && m_src[pos] == '\n') {
            return pos + 1;
        }
        return pos;
    }

    void lexRawBody() {
        for (std::size_t tag = m_src.find("{%", m_pos); tag != std::string::npos;
             tag = m_src.find("{%", tag + 1)) {
            std::size_t pos = tag + 2;
            char sign = '\0';
            if (pos < m_src.size() && (m_src[pos] == '-' || m_src[pos] == '+')) sign = m_src[pos++];
            pos = skipSpaces(pos);
            if (!startsWith(pos, "endraw")) continue;
            pos = skipSpaces(pos + 6);
            char endSign = '\0';
            if (startsWith(pos, "+%}") || startsWith(pos, "-%}")) {
                endSign = m_src[pos];
                pos += 3;
            } else if (startsWith(pos, "%}")) {
                pos += 2;
            } else {
                continue;
            }
            const std::string_view body = std::string_view(m_src).substr(m_pos, tag - m_pos);
            emitText(stripBeforeTag(body, sign, true));
            advanceTo(m_pos, afterTagEnd(pos, endSign));
            return;
        }
        syntaxError("Missing end of raw directive");
    }

    void lexComment() {
        const std::size_t close = m_src.find("#}", m_pos);
        if (close == std::string::npos) syntaxError("Missing end of comment tag");
        char sign = '\0';
        if (close > m_pos && (m_src[close - 1] == '-' || m_src[close - 1] == '+')) {
            sign = m_src[close - 1];
        }
        advanceTo(m_pos, afterTagEnd(close + 2, sign));
    }

    void pushToken(TokenType type, std::string text) {
        Token token;
        token.type = type;
        token.text = std::move(text);
        token.line = m_line;
        m_tokens.push_back(std::move(token));
    }

    void lexTag(bool block) {
        pushToken(block ? TokenType::BlockBegin : TokenType::VariableBegin, "");
        std::string brackets;  // the closers still expected, innermost last
        while (true) {
            const std::size_t afterSpace = skipSpaces(m_pos);
            countLines(m_pos, afterSpace);
            m_pos = afterSpace;
            if (m_pos >= m_src.size()) {
                syntaxError(block ? "unexpected end of template: a {% tag is not closed"
                                  : "unexpected end of template: a {{ tag is not closed");
            }
            if (brackets.empty() && lexTagEnd(block)) return;
            lexExpressionToken(brackets);
        }
    }

    bool lexTagEnd(bool block) {
        if (block) {
            if (startsWith(m_pos, "+%}") || startsWith(m_pos, "-%}")) {
                const char sign = m_src[m_pos];
                pushToken(TokenType::BlockEnd, "");
                advanceTo(m_pos, afterTagEnd(m_pos + 3, sign));
                return true;
            }
            if (startsWith(m_pos, "%}")) {
                pushToken(TokenType::BlockEnd, "");
                advanceTo(m_pos, afterTagEnd(m_pos + 2, '\0'));
                return true;
            }
            return false;
        }
        if (startsWith(m_pos, "-}}")) {
            pushToken(TokenType::VariableEnd, "");
            advanceTo(m_pos, skipSpaces(m_pos + 3));
            return true;
        }
        if (startsWith(m_pos, "}}")) {
            pushToken(TokenType::VariableEnd, "");
            advanceTo(m_pos, m_pos + 2);
            return true;
        }
        return false;
    }

    void lexExpressionToken(std::string& brackets) {
        const std::string_view src(m_src);
        const char c = m_src[m_pos];
        if (isDigit(c)) {
            if (lexNumber()) return;
        }
        if (isNameStart(c)) {
            std::size_t end = m_pos;
            while (end < m_src.size() && isNameChar(m_src[end])) ++end;
            pushToken(TokenType::Name, std::string(src.substr(m_pos, end - m_pos)));
            m_pos = end;
            return;
        }
        if (c == '\'' || c == '"') {
            lexString(c);
            return;
        }
        static const char* const kTwoChar[] = {"//", "**", "==", "!=", ">=", "<="};
        for (const char* op : kTwoChar) {
            if (startsWith(m_pos, op)) {
                pushToken(TokenType::Operator, op);
                m_pos += 2;
                return;
            }
        }
        if (std::strchr("+-/*%~[](){}><=.:|,;", c) != nullptr && c != '\0') {
            if (c == '(' || c == '[' || c == '{') {
                brackets += c == '(' ? ')' : c == '[' ? ']' : '}';
            } else if (c == ')' || c == ']' || c == '}') {
                if (brackets.empty()) syntaxError(std::string("unexpected '") + c + "'");
                if (brackets.back() != c) {
                    syntaxError(std::string("unexpected '") + c + "', expected '" +
                                brackets.back() + "'");
                }
                brackets.pop_back();
            }
            pushToken(TokenType::Operator, std::string(1, c));
            ++m_pos;
            return;
        }
        std::size_t next = m_pos;
        std::string shown;
        py::appendUtf8(shown, py::toCodePoints(src.substr(next, 4)).front());
        syntaxError("unexpected char " + py::repr(shown));
    }

    // Integers (decimal, 0b, 0o, 0x, with underscores) and floats; false when no number starts
    // here after all.
    bool lexNumber() {
        const std::string_view src(m_src);
        const std::size_t start = m_pos;
        // Float: digits, then .digits and/or an exponent; never right after a '.'.
        if (start == 0 || m_src[start - 1] != '.') {
            std::size_t end = start + digitRun(src, start);
            bool isFloat = false;
            if (end + 1 < m_src.size() && m_src[end] == '.' && digitRun(src, end + 1) > 0) {
                end += 1 + digitRun(src, end + 1);
                isFloat = true;
            }
            if (end < m_src.size() && (m_src[end] == 'e' || m_src[end] == 'E')) {
                std::size_t exp = end + 1;
                if (exp < m_src.size() && (m_src[exp] == '+' || m_src[exp] == '-')) ++exp;
                if (const std::size_t digits = digitRun(src, exp); digits > 0) {
                    end = exp + digits;
                    isFloat = true;
                }
            }
            if (isFloat) {
                const std::string text = withoutUnderscores(src.substr(start, end - start));
                Token token;
                token.type = TokenType::Float;
                token.text = std::string(src.substr(start, end - start));
                token.line = m_line;
                std::from_chars(text.data(), text.data() + text.size(), token.floatValue);
                m_tokens.push_back(std::move(token));
                m_pos = end;
                return true;
            }
        }
        int base = 10;
        std::size_t digitsStart = start;
        if (m_src[start] == '0' && start + 1 < m_src.size()) {
            const char prefix = static_cast<char>(m_src[start + 1] | 0x20);
            if (prefix == 'b') base = 2;
            if (prefix == 'o') base = 8;
            if (prefix == 'x') base = 16;
            if (base != 10) digitsStart = start + 2;
        }
        std::size_t end = digitsStart;
        std::string digits;
        while (end < m_src.size()) {
            const char ch = m_src[end];
            if (ch == '_' && end + 1 < m_src.size()) {
                const int v = hexValue(m_src[end + 1]);
                if (v >= 0 && v < base) {
                    ++end;
                    continue;
                }
                break;
            }
            const int v = hexValue(ch);
            if (v < 0 || v >= base) break;
            digits += ch;
            ++end;
        }
        if (digits.empty()) {
            if (base == 10) return false;
            // "0b" without digits: the integer 0 followed by a name, as jinja2 reads it.
            end = start + 1;
            digits.assign(1, '0');
            base = 10;
        }
        if (base == 10 && digits.size() > 1 && digits[0] == '0') {
            // jinja2 reads "0" followed by digits as several integers; only zeros join.
            std::size_t zeros = 0;
            while (zeros < digits.size() && digits[zeros] == '0') ++zeros;
            if (zeros != digits.size()) {
                digits.assign(1, '0');
                end = start + 1;
            }
        }
        Token token;
        token.type = TokenType::Integer;
        token.text = std::string(src.substr(start, end - start));
        token.line = m_line;
        const auto result =
            std::from_chars(digits.data(), digits.data() + digits.size(), token.intValue, base);
        if (result.ec != std::errc()) {
            throw TemplateError(TemplateErrorKind::Unsupported, m_name, m_line,
                                "the integer " + token.text + " (larger than 64 bits)");
        }
        m_tokens.push_back(std::move(token));
        m_pos = end;
        return true;
    }

    // A quoted string, decoded the way jinja2 does (Python's unicode-escape rules).
    void lexString(char quote) {
        std::size_t end = m_pos + 1;
        while (end < m_src.size() && m_src[end] != quote) {
            if (m_src[end] == '\\') ++end;
            ++end;
        }
        if (end >= m_src.size())
            syntaxError(std::string("unexpected char ") + py::repr(std::string(1, quote)));
        const std::string_view body = std::string_view(m_src).substr(m_pos + 1, end - m_pos - 1);
        Token token;
        token.type = TokenType::String;
        token.text = decodeEscapes(body);
        token.line = m_line;
        m_tokens.push_back(std::move(token));
        countLines(m_pos, end + 1);
        m_pos = end + 1;
    }

    std::string decodeEscapes(std::string_view body) const {
        const std::u32string cps = py::toCodePoints(body);
        std::string out;
        for (std::size_t i = 0; i < cps.size(); ++i) {
            const char32_t c = cps[i];
            if (c != U'\\' || i + 1 >= cps.size()) {
                py::appendUtf8(out, c);
                continue;
            }
            const char32_t n = cps[++i];
            switch (n) {
                case U'\n':
                    break;
                case U'\\':
                    out += '\\';
                    break;
                case U'\'':
                    out += '\'';
                    break;
                case U'"':
                    out += '"';
                    break;
                case U'a':
                    out += '\a';
                    break;
                case U'b':
                    out += '\b';
                    break;
                case U'f':
                    out += '\f';
                    break;
                case U'n':
                    out += '\n';
                    break;
                case U'r':
                    out += '\r';
                    break;
                case U't':
                    out += '\t';
                    break;
                case U'v':
                    out += '\v';
                    break;
                case U'x':
                    py::appendUtf8(out, hexEscape(cps, i, 2));
                    break;
                case U'u':
                    py::appendUtf8(out, hexEscape(cps, i, 4));
                    break;
                case U'U':
                    py::appendUtf8(out, hexEscape(cps, i, 8));
                    break;
                case U'N':
                    throw TemplateError(TemplateErrorKind::Unsupported, m_name, m_line,
                                        "the string escape \\N{...}");
                default:
                    if (n >= U'0' && n <= U'7') {
                        char32_t value = n - U'0';
                        for (int k = 0; k < 2 && i + 1 < cps.size() && cps[i + 1] >= U'0' &&
                                        cps[i + 1] <= U'7';
                             ++k) {
                            value = value * 8 + (cps[++i] - U'0');
                        }
                        py::appendUtf8(out, value);
                    } else if (n > 0x7F) {
                        // jinja2 first spells non-ASCII as \xNN / \uNNNN, so "\é" reads "\xe9".
                        char buf[16];
                        std::snprintf(buf, sizeof buf,
                                      n <= 0xFF     ? "\\x%02x"
                                      : n <= 0xFFFF ? "\\u%04x"
                                                    : "\\U%08x",
                                      static_cast<unsigned>(n));
                        out += buf;
                    } else {
                        out += '\\';
                        py::appendUtf8(out, n);
                    }
            }
        }
        return out;
    }

    char32_t hexEscape(const std::u32string& cps, std::size_t& i, int digits) const {
        char32_t value = 0;
        for (int k = 0; k < digits; ++k) {
            if (i + 1 >= cps.size() || cps[i + 1] > 0x7F ||
                hexValue(static_cast<char>(cps[i + 1])) < 0) {
                syntaxError("truncated \\" +
                            std::string(digits == 2   ? "x"
                                        : digits == 4 ? "u"
                                                      : "U") +
                            std::string(static_cast<std::size_t>(digits), 'X') + " escape");
            }
            value = value * 16 + static_cast<char32_t>(hexValue(static_cast<char>(cps[++i])));
        }
        if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
            throw TemplateError(TemplateErrorKind::Unsupported, m_name, m_line,
                                "a string escape of a surrogate or out-of-range code point");
        }
        return value;
    }

    const LexerOptions& m_options;
    const std::string& m_name;
    std::string m_src;
    std::size_t m_pos = 0;
    int m_line = 1;
    bool m_lineStarting = true;  // the last thing consumed ended a line (or nothing was consumed)
    std::vector<Token> m_tokens;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source, const LexerOptions& options,
                            const std::string& templateName) {
    return Lexer(source, options, templateName).run();
}

}  // namespace ladder::chat
