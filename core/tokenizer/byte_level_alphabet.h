// GPT-2's byte-to-character table: every byte gets a printable character, so byte-level BPE
// vocabularies can be stored as text (a space is "Ġ", a newline "Ċ").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ladder::tokenizer {

class ByteLevelAlphabet {
public:
    static const ByteLevelAlphabet& instance();

    // The UTF-8 text of the character that stands for byte b.
    [[nodiscard]] const std::string& charOf(unsigned char b) const { return m_chars[b]; }
    // The byte a character stands for, if it is one of the 256.
    [[nodiscard]] std::optional<unsigned char> byteOf(char32_t c) const;

    // Maps every byte of raw to its character.
    void encode(std::string_view raw, std::string& out) const;
    // Maps characters back to bytes; false (out unchanged) when a character is not in the table.
    [[nodiscard]] bool decode(std::string_view text, std::string& out) const;

private:
    ByteLevelAlphabet();
    std::array<std::string, 256> m_chars;
    // Every character in the table is below U+0144; -1 marks the others.
    std::array<std::int16_t, 0x144> m_byteOf{};
};

}  // namespace ladder::tokenizer
