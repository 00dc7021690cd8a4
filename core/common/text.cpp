#include "core/common/text.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include <utf8proc.h>

#include "core/common/error.h"

namespace ladder::text {
namespace {

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

bool isUnicodeSpace(utf8proc_int32_t cp) {
    if (cp == '\t' || cp == '\n' || cp == '\v' || cp == '\f' || cp == '\r' || cp == ' ') {
        return true;
    }
    if (cp < 0x80) return false;
    const auto category = utf8proc_category(cp);
    return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
           category == UTF8PROC_CATEGORY_ZP || cp == 0x85;
}

}  // namespace

bool isValidUtf8(std::string_view s) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
    while (left > 0) {
        utf8proc_int32_t cp = 0;
        const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0 || cp < 0) return false;
        p += n;
        left -= n;
    }
    return true;
}

std::string nfc(std::string_view s) {
    bool ascii = true;
    for (unsigned char c : s) {
        if (c >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) return std::string(s);  // ASCII is already NFC; skip the allocation in utf8proc
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                     static_cast<utf8proc_ssize_t>(s.size()), &out,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0) {
        throw Error(std::string("text is not valid UTF-8 (") + utf8proc_errmsg(n) +
                    "): re-encode the file as UTF-8");
    }
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> holder(out, &std::free);
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::string foldWhitespace(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool pendingSpace = false;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        utf8proc_int32_t cp = c;
        std::size_t len = 1;
        if (c >= 0x80) {
            const utf8proc_ssize_t n =
                utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                 static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
            len = n > 0 ? static_cast<std::size_t>(n) : 1;
            if (n <= 0) cp = -1;
        }
        if (cp >= 0 && isUnicodeSpace(cp)) {
            pendingSpace = !out.empty();
        } else {
            if (pendingSpace) out.push_back(' ');
            pendingSpace = false;
            out.append(s.substr(i, len));
        }
        i += len;
    }
    return out;
}

std::string normalize(std::string_view s) { return foldWhitespace(nfc(s)); }

std::size_t codePointCount(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += isContinuation(c) ? 0 : 1;
    return n;
}

std::string_view truncateCodePoints(std::string_view s, std::size_t maxCodePoints) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (isContinuation(static_cast<unsigned char>(s[i]))) continue;
        if (seen == maxCodePoints) return s.substr(0, i);
        ++seen;
    }
    return s;
}

std::string trim(std::string_view s) {
    const auto isSpace = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    std::size_t b = 0, e = s.size();
    while (b < e && isSpace(s[b])) ++b;
    while (e > b && isSpace(s[e - 1])) --e;
    return std::string(s.substr(b, e - b));
}

std::string toLowerAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::int64_t parseByteSize(const std::string& text, const std::string& field) {
    static const std::vector<std::pair<std::string, double>> kUnits = {
        {"TiB", 1099511627776.0}, {"GiB", 1073741824.0}, {"MiB", 1048576.0}, {"KiB", 1024.0},
        {"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1.0}};
    const auto bad = [&] {
        return Error(field + " is `" + text + "`: give a size such as 5GB, 500MB or 2GiB");
    };
    std::string number = text;
    double unit = 1.0;
    for (const auto& [suffix, bytes] : kUnits) {
        if (text.size() > suffix.size() && text.ends_with(suffix)) {
            number = text.substr(0, text.size() - suffix.size());
            unit = bytes;
            break;
        }
    }
    std::size_t used = 0;
    double value = 0.0;
    try {
        value = std::stod(number, &used);
    } catch (const std::exception&) {
        throw bad();
    }
    if (used != number.size() || !(value > 0.0) || value * unit > 9e18) throw bad();
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(value * unit));
}

double repeatedNgramShare(std::string_view s, std::size_t n) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : s) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
        } else {
            word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    if (n == 0 || words.size() < n) return 0.0;
    std::set<std::vector<std::string>> seen;
    const std::size_t all = words.size() - n + 1;
    for (std::size_t i = 0; i < all; ++i) {
        seen.emplace(words.begin() + static_cast<std::ptrdiff_t>(i),
                     words.begin() + static_cast<std::ptrdiff_t>(i + n));
    }
    return 1.0 - static_cast<double>(seen.size()) / static_cast<double>(all);
}

}  // namespace ladder::text
