// AddedVocabulary: reading added_tokens and splitting text on them the way Hugging Face does
// (leftmost-longest match; single_word, lstrip and rstrip applied around each match).
#include "core/tokenizer/added_vocabulary.h"

#include <algorithm>

#include <unordered_map>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/tokenizer/unicode_chars.h"

namespace ladder::tokenizer {

AddedVocabulary AddedVocabulary::fromJson(const Json& tokens, const Normalizer& normalizer,
                                          std::size_t idCount, const std::string& where) {
    AddedVocabulary v;
    if (tokens.is_null()) return v;
    if (!tokens.is_array()) {
        throw Error(where + " should be a list of tokens but is " + tokens.type_name());
    }
    std::unordered_map<std::int32_t, std::size_t> entryById;  // the entry that took each id
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const Json& t = tokens[i];
        const std::string at = fieldPath(where, i);
        const Json& id = requireField(t, "id", at);
        if (!id.is_number_integer() || id.get<long long>() < 0) {
            throw Error(fieldPath(at, "id") + " should be a token id (0 or more) but is " +
                        json::excerpt(id));
        }
        if (static_cast<unsigned long long>(id.get<long long>()) >= idCount) {
            throw Error(fieldPath(at, "id") + " is " + std::to_string(id.get<long long>()) +
                        ", but the file lists " + std::to_string(idCount) + " tokens (ids 0 to " +
                        std::to_string(idCount - 1) +
                        "): the file is damaged; download tokenizer.json again");
        }
        AddedToken token{.id = id.get<std::int32_t>(),
                         .content = requireString(t, "content", at),
                         .special = boolOr(t, "special", false, at),
                         .lstrip = boolOr(t, "lstrip", false, at),
                         .rstrip = boolOr(t, "rstrip", false, at),
                         .singleWord = boolOr(t, "single_word", false, at),
                         .normalized = boolOr(t, "normalized", true, at)};
        if (token.content.empty()) continue;  // Hugging Face ignores empty tokens too
        if (v.m_byContent.contains(token.content)) continue;
        const auto [taken, isNew] = entryById.emplace(token.id, i);
        if (!isNew) {
            throw Error(fieldPath(at, "id") + " is " + std::to_string(token.id) +
                        ", the id of entry " + std::to_string(taken->second) + " (" +
                        json::excerpt(tokens[taken->second].at("content")) +
                        ") too: each token needs its own id; download tokenizer.json again");
        }
        v.m_byContent.emplace(token.content, v.m_tokens.size());
        v.m_tokens.push_back(std::move(token));
    }
    for (std::size_t i = 0; i < v.m_tokens.size(); ++i) {
        AddedToken& t = v.m_tokens[i];
        t.decoded = t.normalized ? normalizer.apply(t.content) : t.content;
        if (t.normalized) {
            v.m_normalized.add(t.decoded, i);
        } else {
            v.m_raw.add(t.content, i);
        }
    }
    v.m_normalized.finish();
    v.m_raw.finish();
    return v;
}

const AddedToken* AddedVocabulary::byId(std::int32_t id) const {
    for (const AddedToken& t : m_tokens) {
        if (t.id == id) return &t;
    }
    return nullptr;
}

const AddedToken* AddedVocabulary::byContent(std::string_view content) const {
    const auto it = m_byContent.find(content);
    return it == m_byContent.end() ? nullptr : &m_tokens[it->second];
}

std::int32_t AddedVocabulary::maxId() const {
    std::int32_t maxId = -1;
    for (const AddedToken& t : m_tokens) maxId = std::max(maxId, t.id);
    return maxId;
}

void AddedVocabulary::Matcher::add(std::string pattern, std::size_t tokenIndex) {
    if (pattern.empty()) return;
    const auto first = static_cast<unsigned char>(pattern[0]);
    m_patterns.push_back(Pattern{std::move(pattern), tokenIndex});
    m_byFirstByte[first].push_back(m_patterns.size() - 1);
}

void AddedVocabulary::Matcher::finish() {
    // Once, not at each add: sorting at each add costs the square of a long list's length.
    for (auto& list : m_byFirstByte) {
        std::stable_sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
            return m_patterns[a].text.size() > m_patterns[b].text.size();
        });
    }
}

void AddedVocabulary::Matcher::split(const std::vector<AddedToken>& tokens,
                                     std::string_view text, TextSink onText,
                                     TokenSink onToken) const {
    if (m_patterns.empty()) {
        if (!text.empty()) onText(text, 0);
        return;
    }
    std::size_t textStart = 0;  // start of the text not yet handed on
    std::size_t pos = 0;
    while (pos < text.size()) {
        const Pattern* hit = nullptr;
        for (const std::size_t index : m_byFirstByte[static_cast<unsigned char>(text[pos])]) {
            if (text.substr(pos).starts_with(m_patterns[index].text)) {
                hit = &m_patterns[index];
                break;
            }
        }
        if (hit == nullptr) {
            ++pos;
            continue;
        }
        std::size_t start = pos;
        std::size_t stop = pos + hit->text.size();
        pos = stop;
        const AddedToken& token = tokens[hit->token];
        if (token.singleWord) {
            std::size_t length = 0;
            const bool wordBefore = isWordCharacter(codePointBefore(text, start));
            const bool wordAfter =
                stop < text.size() && isWordCharacter(codePointAt(text, stop, length));
            if (wordBefore || wordAfter) continue;
        }
        if (token.lstrip) {
            while (start > textStart) {
                const char32_t c = codePointBefore(text, start);
                if (!isUnicodeWhitespace(c)) break;
                start -= utf8Length(c);
            }
        }
        if (token.rstrip) {
            while (stop < text.size()) {
                std::size_t length = 0;
                if (!isUnicodeWhitespace(codePointAt(text, stop, length))) break;
                stop += length;
            }
            pos = stop;
        }
        if (start > textStart) onText(text.substr(textStart, start - textStart), textStart);
        onToken(token.id);
        textStart = stop;
    }
    if (textStart < text.size()) onText(text.substr(textStart), textStart);
}

}  // namespace ladder::tokenizer
