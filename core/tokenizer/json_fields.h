// Reading fields of tokenizer.json with messages that name the file and the field.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/tokenizer/function_ref.h"

namespace ladder::tokenizer {

using Json = nlohmann::json;

// "gpt2/tokenizer.json: pre_tokenizer.pretokenizers[1]": where a field lives, for messages.
std::string fieldPath(const std::string& where, const std::string& key);
std::string fieldPath(const std::string& where, std::size_t index);

// The member key of object j; throws ladder::Error naming where.key when absent or null.
const Json& requireField(const Json& j, const char* key, const std::string& where);
std::string requireString(const Json& j, const char* key, const std::string& where);
// The member, or fallback when absent or null; throws when present with another type.
bool boolOr(const Json& j, const char* key, bool fallback, const std::string& where);
std::string stringOr(const Json& j, const char* key, const std::string& fallback,
                     const std::string& where);
long long intOr(const Json& j, const char* key, long long fallback, const std::string& where);
// An unsigned count (Hugging Face's usize), or fallback; a negative value is an error. Counts past
// SIZE_MAX are SIZE_MAX.
std::size_t countOr(const Json& j, const char* key, std::size_t fallback, const std::string& where);
// Calls each(item, itemWhere) for every element of the list j[key]: the members of a Sequence.
void forEachItem(const Json& j, const char* key, const std::string& where,
                 FunctionRef<void(const Json&, const std::string&)> each);
// The "type" member of a component object (normalizer, pre_tokenizer, decoder, ...).
std::string typeOf(const Json& j, const std::string& where);

// Steps one component (normalizer, pre_tokenizer, decoder, post_processor) may have once its
// Sequences are flattened. Real files have at most five; pre-tokenizing recurses once per step,
// so the limit also bounds the stack.
inline constexpr std::size_t kMaxSteps = 64;
// Throws ladder::Error naming where when a component that has `steps` steps gets another.
void requireRoomForStep(std::size_t steps, const std::string& where);

}  // namespace ladder::tokenizer
