// JSON in and out of template values: conversation files become values as Python's json.load
// makes them (key order kept), and the tojson filter writes json.dumps's text, as transformers'
// own tojson does (ensure_ascii off, Python's separators and indents).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/chat/value.h"

namespace ladder::chat {

using OrderedJson = nlohmann::ordered_json;

// Throws EvalFailure (Limit) for JSON nested deeper than kMaxValueNesting.
[[nodiscard]] Value fromJson(const OrderedJson& json);

struct JsonDumpOptions {
    bool ensureAscii = false;
    std::optional<std::string> indent;         // json.dumps(indent=...): spaces or the given text
    std::optional<std::string> itemSeparator;  // default ", " (or "," with an indent)
    std::optional<std::string> keySeparator;   // default ": "
    bool sortKeys = false;
};

// json.dumps(value, ...). Throws EvalFailure (Runtime) for what json.dumps refuses (Undefined,
// functions) and (Limit) past maxBytes.
[[nodiscard]] std::string pythonJsonDumps(const Value& value, const JsonDumpOptions& options,
                                          std::size_t maxBytes = SIZE_MAX);

}  // namespace ladder::chat
