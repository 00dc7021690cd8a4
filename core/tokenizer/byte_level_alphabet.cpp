// The byte-to-character table: printable Latin-1 bytes stand for themselves, the other 68 bytes
// take the code points from U+0100 on, in byte order.
#include "core/tokenizer/byte_level_alphabet.h"

#include "core/tokenizer/unicode_chars.h"

namespace ladder::tokenizer {
namespace {

bool printsAsItself(unsigned b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

}  // namespace

const ByteLevelAlphabet& ByteLevelAlphabet::instance() {
    static const ByteLevelAlphabet alphabet;
    return alphabet;
}

ByteLevelAlphabet::ByteLevelAlphabet() {
    m_byteOf.fill(-1);
    char32_t next = 0x100;
    for (unsigned b = 0; b < 256; ++b) {
        const char32_t c = printsAsItself(b) ? static_cast<char32_t>(b) : next++;
        appendUtf8(m_chars[b], c);
        m_byteOf[c] = static_cast<std::int16_t>(b);
    }
}

std::optional<unsigned char> ByteLevelAlphabet::byteOf(char32_t c) const {
    if (c >= m_byteOf.size() || m_byteOf[c] < 0) return std::nullopt;
    return static_cast<unsigned char>(m_byteOf[c]);
}

void ByteLevelAlphabet::encode(std::string_view raw, std::string& out) const {
    for (const char c : raw) out += m_chars[static_cast<unsigned char>(c)];
}

bool ByteLevelAlphabet::decode(std::string_view text, std::string& out) const {
    std::string bytes;
    bytes.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t length = 0;
        const char32_t c = codePointAt(text, pos, length);
        const auto b = byteOf(c);
        if (!b) return false;
        bytes.push_back(static_cast<char>(*b));
        pos += length;
    }
    out += bytes;
    return true;
}

}  // namespace ladder::tokenizer
