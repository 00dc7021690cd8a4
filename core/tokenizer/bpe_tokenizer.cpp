// BpeTokenizer: the tokenizer.json pipeline. encode = split on raw added tokens -> normalize ->
// split on normalized added tokens -> pre-tokenize -> BPE per word (cached); decode = token
// texts -> decoder steps.
#include "core/tokenizer/bpe_tokenizer.h"

#include <array>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/common/log.h"
#include "core/tokenizer/added_vocabulary.h"
#include "core/tokenizer/bpe_model.h"
#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/post_processor.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/token_decoder.h"
#include "core/tokenizer/vocab_files.h"

namespace ladder::tokenizer {
namespace fs = std::filesystem;

namespace {

struct TokenEntry {
    const std::string* text = nullptr;     // the token (idToToken)
    const std::string* decoded = nullptr;  // what decode takes for it (see AddedToken::decoded)
    bool special = false;
};

// The tokens the file lists (vocabulary and added tokens): every id must be below it, which
// bounds the tables indexed by id by the size of the file.
std::size_t listedTokens(const Json& root) {
    std::size_t count = 0;
    const auto model = root.find("model");
    if (model != root.end() && model->is_object()) {
        const auto vocab = model->find("vocab");
        if (vocab != model->end() && vocab->is_object()) count += vocab->size();
    }
    const auto added = root.find("added_tokens");
    if (added != root.end() && added->is_array()) count += added->size();
    return count;
}

// The content of a special token entry in tokenizer_config.json / special_tokens_map.json:
// "<s>" or {"content": "<s>", ...}.
std::optional<std::string> specialContent(const Json& config, const char* key) {
    if (!config.is_object() || !config.contains(key)) return std::nullopt;
    const Json& v = config[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("content") && v["content"].is_string()) {
        return v["content"].get<std::string>();
    }
    return std::nullopt;
}

}  // namespace

struct BpeTokenizer::Impl {
    std::string source;
    Normalizer normalizer;
    PreTokenizer preTokenizer;
    BpeModel model;
    AddedVocabulary added;
    PostProcessor post;
    TokenDecoder decoder;
    std::vector<TokenEntry> byId;
    std::optional<std::int32_t> bos, eos, pad;
    bool postProcessorAbsent = false;  // tokenizer.json's post_processor is null or missing

    std::optional<std::int32_t> idOf(std::string_view token) const {
        if (const AddedToken* t = added.byContent(token)) return t->id;
        return model.tokenToId(token);
    }

    // bos/eos/pad: from the files Hugging Face keeps beside tokenizer.json, else from the
    // post-processor (bos) and the usual names. A key those files set to null (Qwen2.5's
    // "bos_token": null) means none: Qwen's vocabulary has an ordinary token "<bos>".
    void findSpecialIds(const fs::path& folder) {
        bool declared[3] = {false, false, false};
        for (const char* name : {"tokenizer_config.json", "special_tokens_map.json"}) {
            const fs::path file = folder / name;
            if (folder.empty() || !fs::exists(file)) continue;
            Json config;
            try {
                config = json::readFile(file);
            } catch (const Error& e) {
                log::get("tokenizer")->warn("ignoring {}: {}", file.string(), e.what());
                continue;
            }
            const auto lookup = [&](const char* key, std::optional<std::int32_t>& id,
                                    bool& keyDeclared) {
                if (config.is_object() && config.contains(key)) keyDeclared = true;
                if (id) return;
                if (const auto content = specialContent(config, key)) id = idOf(*content);
            };
            lookup("bos_token", bos, declared[0]);
            lookup("eos_token", eos, declared[1]);
            lookup("pad_token", pad, declared[2]);
        }
        if (!bos && post.prefix().size() == 1) bos = post.prefix().front();
        const auto firstKnown = [&](std::initializer_list<const char*> names,
                                    std::optional<std::int32_t>& id, bool keyDeclared) {
            for (const char* name : names) {
                if (id || keyDeclared) return;
                id = idOf(name);
            }
        };
        firstKnown({"<s>", "<|begin_of_text|>", "<bos>"}, bos, declared[0]);
        firstKnown({"</s>", "<|endoftext|>", "<|end_of_text|>", "<eos>"}, eos, declared[1]);
        firstKnown({"<pad>", "<|pad|>", "[PAD]"}, pad, declared[2]);
        applyAddTokenFlags(folder);
    }

    // transformers 5 (TokenizersBackend): an add_bos_token or add_eos_token key in
    // tokenizer_config.json, or a tokenizer.json without a post-processor, replaces the
    // post-processor by TemplateProcessing "<bos>? $A <eos>?" with the flagged tokens (an absent
    // flag is false: Qwen2.5's "add_bos_token": false leaves nothing around the text).
    void applyAddTokenFlags(const fs::path& folder) {
        Json config = Json::object();
        const fs::path file = folder / "tokenizer_config.json";
        if (!folder.empty() && fs::exists(file)) {
            try {
                config = json::readFile(file);
            } catch (const Error&) {
                return;  // warned about above
            }
        }
        if (!config.is_object()) return;
        const bool explicitFlags = config.contains("add_bos_token") || config.contains("add_eos_token");
        if (!explicitFlags && !postProcessorAbsent) return;
        const auto flag = [&](const char* key) {
            const auto it = config.find(key);
            return it != config.end() && it->is_boolean() && it->get<bool>();
        };
        std::vector<std::int32_t> prefix, suffix;
        if (flag("add_bos_token") && bos) prefix.push_back(*bos);
        if (flag("add_eos_token") && eos) suffix.push_back(*eos);
        post = PostProcessor::fromIds(std::move(prefix), std::move(suffix));
    }
};

BpeTokenizer::BpeTokenizer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
BpeTokenizer::~BpeTokenizer() = default;
BpeTokenizer::BpeTokenizer(BpeTokenizer&&) noexcept = default;
BpeTokenizer& BpeTokenizer::operator=(BpeTokenizer&&) noexcept = default;

BpeTokenizer BpeTokenizer::fromFile(const fs::path& file) {
    if (!fs::exists(file)) {
        throw Error("the tokenizer file " + file.string() +
                    " does not exist: give the path of a tokenizer.json or of the model folder "
                    "that holds it");
    }
    BpeTokenizer t = fromJson(json::readFile(file), file.string());
    t.m_impl->findSpecialIds(file.parent_path());
    return t;
}

BpeTokenizer BpeTokenizer::fromVocabFiles(const fs::path& folder) {
    BpeTokenizer t = fromJson(tokenizerJsonFromVocabFiles(folder), folder.string());
    t.m_impl->findSpecialIds(folder);
    return t;
}

BpeTokenizer BpeTokenizer::fromJsonText(std::string_view text, const std::string& source) {
    return fromJson(json::parseText(text, source), source);
}

BpeTokenizer BpeTokenizer::fromJson(const Json& root, const std::string& source) {
    if (!root.is_object()) {
        throw Error(source + " is not a tokenizer.json: it should hold a JSON object with "
                    "\"model\", \"pre_tokenizer\" and \"added_tokens\"");
    }
    try {
        const auto field = [&](const char* key) -> const Json& {
            static const Json kNull;
            const auto it = root.find(key);
            return it == root.end() ? kNull : *it;
        };
        const std::string where = source;
        Normalizer normalizer = Normalizer::fromJson(field("normalizer"),
                                                     fieldPath(where, "normalizer"));
        PreTokenizer preTokenizer = PreTokenizer::fromJson(field("pre_tokenizer"),
                                                           fieldPath(where, "pre_tokenizer"));
        const std::size_t idCount = listedTokens(root);
        BpeModel model = BpeModel::fromJson(requireField(root, "model", where),
                                            preTokenizer.byteLevel(), idCount,
                                            fieldPath(where, "model"));
        AddedVocabulary added = AddedVocabulary::fromJson(field("added_tokens"), normalizer,
                                                          idCount, fieldPath(where, "added_tokens"));
        PostProcessor post = PostProcessor::fromJson(field("post_processor"),
                                                     fieldPath(where, "post_processor"));
        TokenDecoder decoder = TokenDecoder::fromJson(field("decoder"),
                                                      fieldPath(where, "decoder"));
        auto impl = std::unique_ptr<Impl>(new Impl{
            .source = source,
            .normalizer = std::move(normalizer),
            .preTokenizer = std::move(preTokenizer),
            .model = std::move(model),
            .added = std::move(added),
            .post = std::move(post),
            .decoder = std::move(decoder),
        });
        impl->postProcessorAbsent = field("post_processor").is_null();
        const std::int32_t size = std::max(impl->model.maxId(), impl->added.maxId()) + 1;
        impl->byId.assign(static_cast<std::size_t>(size), TokenEntry{});
        for (std::int32_t id = 0; id <= impl->model.maxId(); ++id) {
            TokenEntry& entry = impl->byId[static_cast<std::size_t>(id)];
            entry.text = entry.decoded = impl->model.tokenOf(id);
        }
        for (const AddedToken& t : impl->added.tokens()) {
            impl->byId[static_cast<std::size_t>(t.id)] = TokenEntry{&t.content, &t.decoded,
                                                                    t.special};
        }
        for (const std::int32_t id : impl->post.prefix()) {
            if (id < 0 || id >= size) {
                throw Error(fieldPath(where, "post_processor") + " adds the token id " +
                            std::to_string(id) + ", which is outside the vocabulary (" +
                            std::to_string(size) + " tokens)");
            }
        }
        log::get("tokenizer")->debug("{}: {} tokens, {} merges, {} added tokens", source, size,
                                     impl->model.mergeCount(), impl->added.tokens().size());
        return BpeTokenizer(std::move(impl));
    } catch (const Json::exception& e) {
        throw Error(source + ": unexpected content (" + e.what() +
                    "): is it a Hugging Face tokenizer.json?");
    }
}

std::vector<std::int32_t> BpeTokenizer::encode(std::string_view text, bool addSpecialTokens) const {
    const Impl& impl = *m_impl;
    std::vector<std::int32_t> ids;
    ids.reserve(text.size() / 3 + 8);
    if (addSpecialTokens) ids.insert(ids.end(), impl.post.prefix().begin(), impl.post.prefix().end());
    const auto onToken = [&](std::int32_t id) { ids.push_back(id); };
    const auto onWord = [&](std::string_view word, bool) { impl.model.encodeWord(word, ids); };
    impl.added.splitRaw(
        text,
        [&](std::string_view raw, std::size_t rawOffset) {
            std::string normalizedStorage;
            std::string_view normalized = raw;
            if (!impl.normalizer.identity()) {
                normalizedStorage = impl.normalizer.apply(raw);
                normalized = normalizedStorage;
            }
            impl.added.splitNormalized(
                normalized,
                [&](std::string_view piece, std::size_t offset) {
                    impl.preTokenizer.split(piece, rawOffset == 0 && offset == 0, onWord);
                },
                onToken);
        },
        onToken);
    if (addSpecialTokens) ids.insert(ids.end(), impl.post.suffix().begin(), impl.post.suffix().end());
    return ids;
}

std::string BpeTokenizer::decode(std::span<const std::int32_t> ids, bool skipSpecialTokens) const {
    const Impl& impl = *m_impl;
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (const std::int32_t id : ids) {
        if (id < 0 || static_cast<std::size_t>(id) >= impl.byId.size()) continue;
        const TokenEntry& entry = impl.byId[static_cast<std::size_t>(id)];
        if (entry.text == nullptr || (skipSpecialTokens && entry.special)) continue;
        tokens.push_back(*entry.decoded);
    }
    return impl.decoder.decode(std::move(tokens));
}

std::int32_t BpeTokenizer::vocabSize() const {
    return static_cast<std::int32_t>(m_impl->byId.size());
}

std::optional<std::int32_t> BpeTokenizer::tokenToId(std::string_view token) const {
    return m_impl->idOf(token);
}

std::optional<std::string> BpeTokenizer::idToToken(std::int32_t id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= m_impl->byId.size()) return std::nullopt;
    const TokenEntry& entry = m_impl->byId[static_cast<std::size_t>(id)];
    if (entry.text == nullptr) return std::nullopt;
    return *entry.text;
}

std::optional<std::int32_t> BpeTokenizer::bosId() const { return m_impl->bos; }
std::optional<std::int32_t> BpeTokenizer::eosId() const { return m_impl->eos; }
std::optional<std::int32_t> BpeTokenizer::padId() const { return m_impl->pad; }

std::string BpeTokenizer::kind() const {
    return m_impl->preTokenizer.byteLevel() ? "bpe-bytelevel" : "bpe-sentencepiece";
}

std::string BpeTokenizer::source() const { return m_impl->source; }

void BpeTokenizer::setSpecialIds(std::optional<std::int32_t> bos, std::optional<std::int32_t> eos,
                                 std::optional<std::int32_t> pad) {
    m_impl->bos = bos;
    m_impl->eos = eos;
    m_impl->pad = pad;
}

}  // namespace ladder::tokenizer
