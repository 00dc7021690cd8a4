// Small tokenizer.json files built by the tests themselves (never copies of the shared ones).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace ladder::tokenizer::fixtures {

using Json = nlohmann::json;

// The character GPT-2's byte-level alphabet uses for byte b, written out from its definition:
// printable Latin-1 stands for itself, the rest take U+0100, U+0101, ... in byte order.
std::string byteChar(unsigned char b);

// A byte-level BPE tokenizer.json whose vocabulary is the 256 byte characters with id == byte,
// no merges, no added tokens, and the given pre-tokenizer.
Json byteLevelTokenizer(const Json& preTokenizer);

// Adds token (text given as raw bytes, mapped to byte characters) with the next free id and
// returns the id.
int addByteLevelToken(Json& tokenizer, const std::string& rawBytes);
// Appends the merge "left right" (raw bytes, mapped) to model.merges.
void addByteLevelMerge(Json& tokenizer, const std::string& left, const std::string& right);

// Writes j as tokenizer.json into folder and returns the file's path.
std::filesystem::path writeTokenizer(const std::filesystem::path& folder, const Json& j);

}  // namespace ladder::tokenizer::fixtures
