// BpeModel: reading model.vocab / model.merges, and the merge loop (lowest rank first, leftmost
// first among equal ranks), run once per distinct word thanks to the word cache.
#include "core/tokenizer/bpe_model.h"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/tokenizer/byte_level_alphabet.h"
#include "core/tokenizer/unicode_chars.h"

namespace ladder::tokenizer {
namespace {

constexpr std::size_t kCacheEntries = 1 << 17;
constexpr std::size_t kMaxCachedWordBytes = 256;
constexpr std::string_view kMetaspace = "\u2581";

// Working arrays of the merge loop, reused by each thread so that a word costs no allocation.
struct MergeScratch {
    std::vector<std::int32_t> ids;
    std::vector<std::int32_t> prev;
    std::vector<std::int32_t> next;
    std::vector<std::uint64_t> heap;  // (rank << 32 | position), smallest first
    std::string mapped;
};

MergeScratch& scratch() {
    thread_local MergeScratch s;
    return s;
}

std::string inQuotes(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out += s;
    out += '"';
    return out;
}

// Splits tried in a merge with several spaces. Each costs the length of the line, so a crafted
// line of a million spaces would take hours; real ones need a handful.
constexpr int kMaxMergeSplits = 256;

// A merge is "left right" or ["left", "right"]. Some SentencePiece conversions (Llama-2) have
// tokens made of plain spaces, so "   " is " " + " ": with more than one space, the split is the
// first one whose two sides are tokens.
std::pair<std::string, std::string> parseMerge(const Json& entry, const StringMap<std::int32_t>& vocab,
                                               const std::string& where) {
    if (entry.is_string()) {
        const auto& line = entry.get_ref<const std::string&>();
        const auto first = line.find(' ');
        if (first != std::string::npos && line.find(' ', first + 1) == std::string::npos) {
            return {line.substr(0, first), line.substr(first + 1)};
        }
        const std::string_view view = line;
        int tried = 0;
        for (auto space = first; space != std::string::npos && tried < kMaxMergeSplits;
             space = line.find(' ', space + 1), ++tried) {
            const std::string_view left = view.substr(0, space);
            const std::string_view right = view.substr(space + 1);
            if (vocab.contains(left) && vocab.contains(right)) {
                return {std::string(left), std::string(right)};
            }
        }
        throw Error(where + " is " + json::excerpt(entry) +
                    ": a merge should be two tokens separated by one space");
    }
    if (entry.is_array() && entry.size() == 2 && entry[0].is_string() && entry[1].is_string()) {
        return {entry[0].get<std::string>(), entry[1].get<std::string>()};
    }
    throw Error(where + " should be \"left right\" or [\"left\", \"right\"] but is " +
                json::excerpt(entry));
}

}  // namespace

BpeModel BpeModel::fromJson(const Json& model, bool byteLevel, std::size_t idCount,
                            const std::string& where) {
    const std::string type = stringOr(model, "type", "BPE", where);
    if (type != "BPE") {
        throw Error(fieldPath(where, "type") + " is \"" + type +
                    "\": Ladder reads BPE and byte-level tokenizers (not WordPiece, Unigram or "
                    "WordLevel); use a model whose tokenizer.json has a BPE model");
    }
    BpeModel m;
    m.m_byteLevel = byteLevel;
    m.m_ignoreMerges = boolOr(model, "ignore_merges", false, where);
    m.m_byteFallback = boolOr(model, "byte_fallback", false, where);
    m.m_fuseUnk = boolOr(model, "fuse_unk", false, where);
    m.m_continuingPrefix = stringOr(model, "continuing_subword_prefix", "", where);
    m.m_endSuffix = stringOr(model, "end_of_word_suffix", "", where);

    const Json& vocab = requireField(model, "vocab", where);
    const std::string vocabWhere = fieldPath(where, "vocab");
    if (!vocab.is_object()) {
        throw Error(vocabWhere + " should map token text to id but is " + vocab.type_name());
    }
    // Every id is checked before the tables indexed by id are allocated: an id of two billion
    // would otherwise cost tens of gigabytes.
    m.m_vocab.reserve(vocab.size());
    std::int64_t maxId = -1;
    for (const auto& [token, idJson] : vocab.items()) {
        if (!idJson.is_number_integer() || idJson.get<std::int64_t>() < 0) {
            throw Error(fieldPath(vocabWhere, token) + " should be a token id (0 or more) but is " +
                        json::excerpt(idJson));
        }
        const auto id = idJson.get<std::int64_t>();
        if (static_cast<std::uint64_t>(id) >= idCount) {
            throw Error(fieldPath(vocabWhere, token) + " has the id " + std::to_string(id) +
                        ", but the file lists " + std::to_string(idCount) + " tokens (ids 0 to " +
                        std::to_string(idCount - 1) +
                        "): the file is damaged; download tokenizer.json again");
        }
        m.m_vocab.emplace(token, static_cast<std::int32_t>(id));
        maxId = std::max(maxId, id);
    }
    m.m_tokens.assign(static_cast<std::size_t>(maxId + 1), std::string());
    m.m_hasToken.assign(static_cast<std::size_t>(maxId + 1), false);
    // In the file's (sorted) key order, so that the message names the same pair every time.
    for (const auto& [token, idJson] : vocab.items()) {
        const auto id = static_cast<std::size_t>(idJson.get<std::int64_t>());
        if (m.m_hasToken[id]) {
            throw Error(fieldPath(vocabWhere, token) + " has the id " + std::to_string(id) +
                        ", which the token " + json::excerpt(Json(m.m_tokens[id])) +
                        " has too: each token needs its own id; download tokenizer.json again");
        }
        m.m_tokens[id] = token;
        m.m_hasToken[id] = true;
    }

    const auto mergesIt = model.find("merges");
    if (mergesIt == model.end() || mergesIt->is_null()) {
        throw Error(fieldPath(where, "merges") +
                    " is missing: is this a BPE tokenizer? Ladder reads BPE and byte-level "
                    "tokenizers");
    }
    if (!mergesIt->is_array()) {
        throw Error(fieldPath(where, "merges") + " should be a list but is " +
                    mergesIt->type_name());
    }
    const std::string mergesWhere = fieldPath(where, "merges");
    m.m_merges.reserve(mergesIt->size());
    std::int32_t rank = 0;
    for (const Json& entry : *mergesIt) {
        const std::string entryWhere = fieldPath(mergesWhere, static_cast<std::size_t>(rank));
        const auto parsed = parseMerge(entry, m.m_vocab, entryWhere);
        const std::string& left = parsed.first;
        const std::string& right = parsed.second;
        std::string merged = left;
        merged += !m.m_continuingPrefix.empty() && right.starts_with(m.m_continuingPrefix)
                      ? right.substr(m.m_continuingPrefix.size())
                      : right;
        const auto idOf = [&](const std::string& token) {
            const auto id = m.tokenToId(token);
            if (!id) {
                throw Error(entryWhere + " (" + left + " " + right + ") names the token " +
                            inQuotes(token) +
                            ", which is not in model.vocab: the file is damaged or its merges "
                            "belong to another vocabulary; download tokenizer.json again");
            }
            return *id;
        };
        const std::int32_t leftId = idOf(left);
        const std::int32_t rightId = idOf(right);
        const std::int32_t mergedId = idOf(merged);
        m.m_merges.insert(leftId, rightId, MergeTable::Merge{rank, mergedId});
        ++rank;
    }

    const std::string unk = stringOr(model, "unk_token", "", where);
    if (!unk.empty()) m.m_unkId = m.tokenToId(unk);

    const auto& alphabet = ByteLevelAlphabet::instance();
    m.m_allByteIds = byteLevel && m.m_continuingPrefix.empty() && m.m_endSuffix.empty();
    for (unsigned b = 0; b < 256; ++b) {
        const auto id = m.tokenToId(alphabet.charOf(static_cast<unsigned char>(b)));
        m.m_byteIds[b] = id.value_or(-1);
        if (!id) m.m_allByteIds = false;
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", b);
        m.m_fallbackIds[b] = m.tokenToId(name).value_or(-1);
    }
    // Cutting before a "▁" cannot change the ids when no token has a "▁" after another
    // character (no merge crosses such a place) and "▁" itself is a token (no unknown-token run
    // crosses it either).
    m.m_splitAtMetaspace = !byteLevel && !m.m_ignoreMerges && m.tokenToId(kMetaspace) &&
                           std::none_of(m.m_vocab.begin(), m.m_vocab.end(), [](const auto& entry) {
                               // A view, not a copy: a long run of "▁" would cost its square.
                               const std::string_view token = entry.first;
                               for (auto pos = token.find(kMetaspace, 1);
                                    pos != std::string_view::npos;
                                    pos = token.find(kMetaspace, pos + 1)) {
                                   if (!token.substr(0, pos).ends_with(kMetaspace)) return true;
                               }
                               return false;
                           });
    m.m_cache = std::make_unique<WordCache>(kCacheEntries);
    return m;
}

std::optional<std::int32_t> BpeModel::tokenToId(std::string_view token) const {
    const auto it = m_vocab.find(token);
    if (it == m_vocab.end()) return std::nullopt;
    return it->second;
}

const std::string* BpeModel::tokenOf(std::int32_t id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= m_tokens.size() ||
        !m_hasToken[static_cast<std::size_t>(id)]) {
        return nullptr;
    }
    return &m_tokens[static_cast<std::size_t>(id)];
}

void BpeModel::encodeWord(std::string_view word, std::vector<std::int32_t>& out) const {
    if (!m_splitAtMetaspace) {
        encodeCached(word, out);
        return;
    }
    std::size_t start = 0;
    for (auto pos = word.find(kMetaspace, 1); pos != std::string_view::npos;
         pos = word.find(kMetaspace, pos + kMetaspace.size())) {
        if (word.substr(0, pos).ends_with(kMetaspace)) continue;  // inside a run of "▁"
        encodeCached(word.substr(start, pos - start), out);
        start = pos;
    }
    encodeCached(word.substr(start), out);
}

void BpeModel::encodeCached(std::string_view word, std::vector<std::int32_t>& out) const {
    if (word.empty()) return;
    const bool cacheable = word.size() <= kMaxCachedWordBytes;
    if (cacheable && m_cache->appendTo(word, out)) return;
    const std::size_t first = out.size();
    tokenizeUncached(word, out);
    if (cacheable) {
        m_cache->insert(word, std::span<const std::int32_t>(out).subspan(first));
    }
}

void BpeModel::tokenizeUncached(std::string_view word, std::vector<std::int32_t>& out) const {
    MergeScratch& s = scratch();
    std::string_view text = word;
    if (m_byteLevel && (m_ignoreMerges || !m_allByteIds)) {
        s.mapped.clear();
        ByteLevelAlphabet::instance().encode(word, s.mapped);
        text = s.mapped;
    }
    if (m_ignoreMerges) {
        // Llama-3: a word that is itself a token is taken whole, even if merges would split it.
        if (const auto id = tokenToId(text)) {
            out.push_back(*id);
            return;
        }
    }
    s.ids.clear();
    if (m_byteLevel && m_allByteIds) {
        for (const char c : word) s.ids.push_back(m_byteIds[static_cast<unsigned char>(c)]);
    } else {
        appendInitialSymbols(text, s.ids);
    }
    mergeAll(s.ids);
    for (const std::int32_t id : s.ids) {
        if (id >= 0) out.push_back(id);
    }
}

// One symbol per character; a character missing from the vocabulary becomes its <0xNN> byte
// tokens (byte_fallback), else the unknown token (consecutive ones fused with fuse_unk), else
// nothing.
void BpeModel::appendInitialSymbols(std::string_view text, std::vector<std::int32_t>& ids) const {
    const bool affixes = !m_continuingPrefix.empty() || !m_endSuffix.empty();
    std::string withAffixes;
    bool pendingUnk = false;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t length = 0;
        codePointAt(text, pos, length);
        std::string_view symbol = text.substr(pos, length);
        if (affixes) {
            withAffixes.assign(pos > 0 ? m_continuingPrefix : std::string());
            withAffixes += symbol;
            if (pos + length == text.size()) withAffixes += m_endSuffix;
            symbol = withAffixes;
        }
        pos += length;
        if (const auto id = tokenToId(symbol)) {
            if (pendingUnk) ids.push_back(*m_unkId);
            pendingUnk = false;
            ids.push_back(*id);
            continue;
        }
        if (m_byteFallback &&
            std::all_of(symbol.begin(), symbol.end(),
                        [&](char c) { return m_fallbackIds[static_cast<unsigned char>(c)] >= 0; })) {
            if (pendingUnk) ids.push_back(*m_unkId);
            pendingUnk = false;
            for (const char c : symbol) ids.push_back(m_fallbackIds[static_cast<unsigned char>(c)]);
            continue;
        }
        if (!m_unkId) continue;
        if (pendingUnk && !m_fuseUnk) ids.push_back(*m_unkId);
        pendingUnk = true;
    }
    if (pendingUnk) ids.push_back(*m_unkId);
}

// Applies merges until none applies: always the lowest-ranked adjacent pair, the leftmost of
// equal ones. Positions are the original symbol indices (a merged pair keeps its left index),
// so index order is text order and the heap's tie-break is "leftmost". Merged-away symbols
// become -1.
void BpeModel::mergeAll(std::vector<std::int32_t>& ids) const {
    const auto n = static_cast<std::int32_t>(ids.size());
    if (n < 2) return;
    MergeScratch& s = scratch();
    s.prev.resize(static_cast<std::size_t>(n));
    s.next.resize(static_cast<std::size_t>(n));
    s.heap.clear();
    const auto entry = [](std::int32_t rank, std::int32_t pos) {
        return (static_cast<std::uint64_t>(rank) << 32) | static_cast<std::uint32_t>(pos);
    };
    for (std::int32_t i = 0; i < n; ++i) {
        s.prev[static_cast<std::size_t>(i)] = i - 1;
        s.next[static_cast<std::size_t>(i)] = i + 1 < n ? i + 1 : -1;
        if (i + 1 < n) {
            if (const auto* merge = m_merges.find(ids[static_cast<std::size_t>(i)],
                                                  ids[static_cast<std::size_t>(i) + 1])) {
                s.heap.push_back(entry(merge->rank, i));
            }
        }
    }
    const std::greater<std::uint64_t> later;
    std::make_heap(s.heap.begin(), s.heap.end(), later);
    while (!s.heap.empty()) {
        std::pop_heap(s.heap.begin(), s.heap.end(), later);
        const std::uint64_t top = s.heap.back();
        s.heap.pop_back();
        const auto rank = static_cast<std::int32_t>(top >> 32);
        const auto pos = static_cast<std::size_t>(top & 0xFFFFFFFFu);
        if (ids[pos] < 0) continue;  // merged into its left neighbour since
        const std::int32_t right = s.next[pos];
        if (right < 0) continue;
        const auto* merge = m_merges.find(ids[pos], ids[static_cast<std::size_t>(right)]);
        if (merge == nullptr || merge->rank != rank) continue;  // the pair changed since
        ids[pos] = merge->merged;
        ids[static_cast<std::size_t>(right)] = -1;
        const std::int32_t after = s.next[static_cast<std::size_t>(right)];
        s.next[pos] = after;
        if (after >= 0) s.prev[static_cast<std::size_t>(after)] = static_cast<std::int32_t>(pos);
        const std::int32_t before = s.prev[pos];
        if (before >= 0) {
            if (const auto* m = m_merges.find(ids[static_cast<std::size_t>(before)], ids[pos])) {
                s.heap.push_back(entry(m->rank, before));
                std::push_heap(s.heap.begin(), s.heap.end(), later);
            }
        }
        if (after >= 0) {
            if (const auto* m = m_merges.find(ids[pos], ids[static_cast<std::size_t>(after)])) {
                s.heap.push_back(entry(m->rank, static_cast<std::int32_t>(pos)));
                std::push_heap(s.heap.begin(), s.heap.end(), later);
            }
        }
    }
}

}  // namespace ladder::tokenizer
