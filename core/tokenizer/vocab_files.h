// The tokenizer.json that transformers builds for a model folder that has none, only vocab.json +
// merges.txt + tokenizer_config.json (Qwen2.5 ships so). Not a general converter: it knows the
// classes whose pipeline it writes down (Qwen2Tokenizer) and refuses the others by name.
#pragma once

#include <filesystem>

#include <nlohmann/json_fwd.hpp>

namespace ladder::tokenizer {

// Whether folder holds vocab.json and merges.txt.
[[nodiscard]] bool hasVocabFiles(const std::filesystem::path& folder);

// The tokenizer.json (as JSON) that transformers' AutoTokenizer.from_pretrained(folder) builds:
// the pipeline of tokenizer_config.json's tokenizer_class, vocab.json as model.vocab, the lines of
// merges.txt as model.merges, and added_tokens_decoder (plus the special tokens it names) as
// added_tokens. Throws ladder::Error naming the file and what to do.
[[nodiscard]] nlohmann::json tokenizerJsonFromVocabFiles(const std::filesystem::path& folder);

}  // namespace ladder::tokenizer
