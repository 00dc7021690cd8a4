// Regex over PCRE2: compile once (JIT when the platform has it), match many times.
#include "core/tokenizer/regex.h"

#include <memory>
#include <utility>

#include <pcre2.h>

#include "core/common/error.h"

namespace ladder::tokenizer {
namespace {

pcre2_code* code(void* p) { return static_cast<pcre2_code*>(p); }

struct MatchDataDeleter {
    void operator()(pcre2_match_data* md) const { pcre2_match_data_free(md); }
};

std::size_t nextCharStart(std::string_view text, std::size_t pos) {
    ++pos;
    while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
    return pos;
}

}  // namespace

Regex::Regex(std::string_view pattern, const std::string& where) : m_pattern(pattern) {
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    pcre2_code* compiled = pcre2_compile(
        reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
        PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &errorCode, &errorOffset, nullptr);
    if (compiled == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(errorCode, message, sizeof(message));
        throw Error(where + ": the pattern does not compile at offset " +
                    std::to_string(errorOffset) + " (" + reinterpret_cast<const char*>(message) +
                    "): " + std::string(pattern));
    }
    m_code = compiled;
    m_jit = pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE) == 0;
}

Regex::~Regex() {
    if (m_code != nullptr) pcre2_code_free(code(m_code));
}

Regex::Regex(Regex&& other) noexcept
    : m_pattern(std::move(other.m_pattern)),
      m_code(std::exchange(other.m_code, nullptr)),
      m_jit(other.m_jit) {}

Regex& Regex::operator=(Regex&& other) noexcept {
    if (this != &other) {
        if (m_code != nullptr) pcre2_code_free(code(m_code));
        m_pattern = std::move(other.m_pattern);
        m_code = std::exchange(other.m_code, nullptr);
        m_jit = other.m_jit;
    }
    return *this;
}

void Regex::forEachMatch(std::string_view text,
                         FunctionRef<void(std::size_t, std::size_t)> onMatch) const {
    // One ovector pair is enough: only the whole match is used, and PCRE2 still reports it
    // (with rc == 0) when a pattern has capture groups.
    std::unique_ptr<pcre2_match_data, MatchDataDeleter> md(pcre2_match_data_create(1, nullptr));
    if (!md) throw Error("out of memory matching the tokenizer pattern " + m_pattern);
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    std::size_t start = 0;
    while (start < text.size()) {
        int rc = m_jit ? pcre2_jit_match(code(m_code), subject, text.size(), start, 0, md.get(),
                                         nullptr)
                       : PCRE2_ERROR_JIT_BADOPTION;
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_JIT_BADOPTION) {
            rc = pcre2_match(code(m_code), subject, text.size(), start, 0, md.get(), nullptr);
        }
        if (rc == PCRE2_ERROR_NOMATCH) return;
        if (rc < 0) {
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(rc, message, sizeof(message));
            throw Error("matching the tokenizer pattern " + m_pattern + " failed at byte " +
                        std::to_string(start) + ": " + reinterpret_cast<const char*>(message));
        }
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(md.get());
        const std::size_t begin = ovector[0];
        const std::size_t end = ovector[1];
        if (end > begin) {
            onMatch(begin, end);
            start = end;
        } else {
            start = nextCharStart(text, begin);
        }
    }
}

}  // namespace ladder::tokenizer
