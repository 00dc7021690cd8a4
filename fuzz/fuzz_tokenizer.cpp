// Fuzz target: a tokenizer.json from anywhere is loaded, then used to encode and decode. The input
// is the file; text after a NUL byte (which JSON never holds) is encoded as well. Any outcome but
// a loaded tokenizer or a ladder::Error is a finding: a crash, a hang, another exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/tokenizer/bpe_tokenizer.h"

namespace {

void exercise(const ladder::tokenizer::BpeTokenizer& tok, std::string_view text) {
    const std::vector<std::int32_t> ids = tok.encode(text, /*addSpecialTokens=*/true);
    for (const std::int32_t id : ids) {
        // Every id encode() gives must be one the vocabulary knows.
        if (id < 0 || id >= tok.vocabSize()) __builtin_trap();
    }
    (void)tok.decode(ids);
    (void)tok.decode(ids, /*skipSpecialTokens=*/true);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view file = input.substr(0, nul);
    try {
        const auto tok = ladder::tokenizer::BpeTokenizer::fromJsonText(file, "fuzz/tokenizer.json");
        exercise(tok, "Hello world!  It's 2024: caf\u00e9, \u4e2d\u6587, \xf0\x9f\x98\x80\n\tend");
        if (nul != std::string_view::npos) exercise(tok, input.substr(nul + 1));
        // Decoding every id (and some that are not) must not fail either.
        std::vector<std::int32_t> all;
        for (std::int32_t id = -2; id < tok.vocabSize() + 2 && id < 4096; ++id) all.push_back(id);
        (void)tok.decode(all);
        for (std::int32_t id = 0; id < tok.vocabSize() && id < 256; ++id) {
            if (const auto token = tok.idToToken(id)) (void)tok.tokenToId(*token);
        }
    } catch (const ladder::Error&) {
        // A refused file: what should happen to a bad one.
    }
    return 0;
}
