// tokenizerJsonFromVocabFiles: what transformers' Qwen2Tokenizer.__init__ sets up (transformers
// 5.x, models/qwen2/tokenization_qwen2.py), written as the tokenizer.json its save_pretrained
// would write, so that BpeTokenizer reads it like any other.
#include "core/tokenizer/vocab_files.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/json_read.h"

namespace ladder::tokenizer {
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// Qwen2Tokenizer's PRETOKENIZE_REGEX: like Llama-3's but one digit at a time.
constexpr const char* kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// The lines of merges.txt as tokenizer.json's "left right" strings. Like tokenizers'
// BPE::read_file, a line starting "#version" is a header; empty lines (a trailing one) are skipped.
Json readMerges(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error("cannot read " + file.string() + ": check that it exists and is readable");
    Json merges = Json::array();
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.starts_with("#version")) continue;
        merges.push_back(line);
    }
    return merges;
}

// "<|endoftext|>" or {"content": "<|endoftext|>", ...}: the text of a special-token setting.
std::optional<std::string> contentOf(const Json& config, const char* key) {
    const auto it = config.find(key);
    if (it == config.end()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
        return (*it)["content"].get<std::string>();
    }
    return std::nullopt;
}

Json addedToken(std::int64_t id, const std::string& content, const Json& flags, bool special) {
    const auto flag = [&](const char* key, bool fallback) {
        const auto it = flags.find(key);
        return it != flags.end() && it->is_boolean() ? it->get<bool>() : fallback;
    };
    special = flag("special", special);
    return Json{{"id", id},
                {"content", content},
                {"single_word", flag("single_word", false)},
                {"lstrip", flag("lstrip", false)},
                {"rstrip", flag("rstrip", false)},
                // A token made special in transformers' AddedToken is not normalized by default.
                {"normalized", flag("normalized", !special)},
                {"special", special}};
}

// added_tokens: tokenizer_config.json's added_tokens_decoder by id, then the special tokens it
// names (unk, bos, eos, pad; Qwen2Tokenizer's defaults where absent) that are not there yet,
// as transformers adds them: the vocabulary's id when the vocabulary has the text, else the next
// free id.
Json addedTokens(const Json& config, const Json& vocab, const fs::path& configFile) {
    Json tokens = Json::array();
    std::set<std::string> contents;
    std::int64_t nextId = static_cast<std::int64_t>(vocab.size());
    for (const auto& [key, value] : vocab.items()) {
        if (value.is_number_integer()) nextId = std::max(nextId, value.get<std::int64_t>() + 1);
    }
    const auto decoder = config.find("added_tokens_decoder");
    if (decoder != config.end() && decoder->is_object()) {
        std::map<std::int64_t, Json> byId;
        for (const auto& [key, value] : decoder->items()) {
            std::size_t used = 0;
            long long id = -1;
            try {
                id = std::stoll(key, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != key.size() || id < 0 || !value.is_object() ||
                !value.contains("content") || !value["content"].is_string()) {
                throw Error(configFile.string() + ": added_tokens_decoder[\"" + key +
                            "\"] should map a token id to {\"content\": ...}; download the "
                            "model's tokenizer_config.json again");
            }
            byId[id] = value;
        }
        for (const auto& [id, value] : byId) {
            const std::string content = value["content"].get<std::string>();
            tokens.push_back(addedToken(id, content, value, /*special=*/false));
            contents.insert(content);
            nextId = std::max(nextId, id + 1);
        }
    }
    const std::pair<const char*, const char*> specials[] = {
        {"unk_token", "<|endoftext|>"}, {"bos_token", nullptr},
        {"eos_token", "<|endoftext|>"}, {"pad_token", "<|endoftext|>"}};
    for (const auto& [key, fallback] : specials) {
        std::optional<std::string> content = contentOf(config, key);
        if (!content && !config.contains(key) && fallback != nullptr) content = fallback;
        if (!content || content->empty() || contents.contains(*content)) continue;
        const auto inVocab = vocab.find(*content);
        const std::int64_t id = inVocab != vocab.end() && inVocab->is_number_integer()
                                    ? inVocab->get<std::int64_t>()
                                    : nextId++;
        tokens.push_back(addedToken(id, *content, Json::object(), /*special=*/true));
        contents.insert(*content);
    }
    return tokens;
}

}  // namespace

bool hasVocabFiles(const fs::path& folder) {
    return fs::is_regular_file(folder / "vocab.json") && fs::is_regular_file(folder / "merges.txt");
}

Json tokenizerJsonFromVocabFiles(const fs::path& folder) {
    const fs::path configFile = folder / "tokenizer_config.json";
    if (!fs::is_regular_file(configFile)) {
        throw Error("the folder " + folder.string() +
                    " has vocab.json and merges.txt but no tokenizer_config.json, which says how "
                    "to put them together: download the model's tokenizer_config.json (or its "
                    "tokenizer.json) into that folder");
    }
    const Json config = json::readFile(configFile);
    if (!config.is_object()) {
        throw Error(configFile.string() + " should hold a JSON object; download it again");
    }
    const std::string tokenizerClass = config.value("tokenizer_class", std::string());
    if (tokenizerClass != "Qwen2Tokenizer" && tokenizerClass != "Qwen2TokenizerFast") {
        throw Error(configFile.string() + " names the tokenizer_class \"" + tokenizerClass +
                    "\": Ladder builds a tokenizer from vocab.json + merges.txt only for "
                    "Qwen2Tokenizer; for other models save the tokenizer.json that transformers "
                    "makes (AutoTokenizer.from_pretrained(folder).save_pretrained(folder))");
    }
    Json vocab = json::readFile(folder / "vocab.json");
    if (!vocab.is_object()) {
        throw Error((folder / "vocab.json").string() +
                    " should map each token to its id (a JSON object); download it again");
    }
    const bool addPrefixSpace =
        config.contains("add_prefix_space") && config["add_prefix_space"].is_boolean() &&
        config["add_prefix_space"].get<bool>();
    Json added = addedTokens(config, vocab, configFile);
    Json root{
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", std::move(added)},
        {"normalizer", {{"type", "NFC"}}},
        {"pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers",
           Json::array({Json{{"type", "Split"},
                             {"pattern", {{"Regex", kQwen2Pattern}}},
                             {"behavior", "Isolated"},
                             {"invert", false}},
                        Json{{"type", "ByteLevel"},
                             {"add_prefix_space", addPrefixSpace},
                             {"trim_offsets", true},
                             {"use_regex", false}}})}}},
        {"post_processor", nullptr},
        {"decoder", {{"type", "ByteLevel"}}},
        {"model",
         {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"continuing_subword_prefix", ""},
          {"end_of_word_suffix", ""},
          {"fuse_unk", false},
          {"byte_fallback", false},
          {"ignore_merges", false},
          {"vocab", std::move(vocab)},
          {"merges", readMerges(folder / "merges.txt")}}},
    };
    return root;
}

}  // namespace ladder::tokenizer
