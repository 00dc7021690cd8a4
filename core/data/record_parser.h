// A strict JSON parser for one record (RFC 8259: UTF-8 checked, no comments, no trailing commas)
// that builds an nlohmann::json. nlohmann's own parser reads a character at a time and was half of
// an import's time; this one copies strings in runs. Depth is limited so a hostile file cannot
// exhaust the stack.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/common/json_read.h"

namespace ladder::data {

// The limit of every JSON Ladder reads from outside, so that a record is as safe to copy, compare
// and print as a config.
inline constexpr int kMaxJsonDepth = json::kMaxDepth;

// Parses the whole of text as one JSON value into out. Returns false and sets *error ("column 17:
// expected ':' after an object key") when it is not valid JSON; white space around is allowed.
[[nodiscard]] bool parseJsonRecord(std::string_view text, nlohmann::json& out, std::string* error);

}  // namespace ladder::data
