// Python's operators on template values, with CPython's results and error messages: arithmetic
// (+ - * / // % **), comparisons, `in`, slicing, and jinja2's wording for missing attributes.
#pragma once

#include <cstddef>
#include <string>

#include "core/chat/value.h"

namespace ladder::chat {

// op: one of + - * / // % **. Throws EvalFailure where Python raises; strings and lists longer
// than maxBytes (elements, for lists) fail with Limit.
[[nodiscard]] Value binaryOp(const std::string& op, const Value& a, const Value& b,
                             std::size_t maxBytes);
[[nodiscard]] Value unaryOp(char op, const Value& operand);  // '-' or '+'
// op: == != < <= > >= in "not in".
[[nodiscard]] bool compareOp(const std::string& op, const Value& a, const Value& b);
[[nodiscard]] bool contains(const Value& container, const Value& item);
// obj[start:stop:step] on a str, list or tuple; Undefined for what jinja2 cannot slice.
[[nodiscard]] Value sliceOf(const Value& object, const Value& start, const Value& stop,
                            const Value& step);
// obj[index] on a str, list or tuple with Python's negative indexes; Undefined when out of range.
[[nodiscard]] Value indexOf(const Value& sequence, std::int64_t index);
// jinja2's object_type_repr: "dict object", "None", ...
[[nodiscard]] std::string objectTypeRepr(const Value& value);
// The undefined value jinja2 gives for obj.name / obj[name] that does not exist.
[[nodiscard]] Value missingAttribute(const Value& object, const std::string& name);
[[nodiscard]] Value missingElement(const Value& object, const Value& key);
// The placeholder transformers' sandbox gives for attributes it refuses (using it fails).
[[nodiscard]] Value unsafeAttribute(const Value& object, const std::string& name);
// Python's `printf`-style text % args (the % operator on a str, and the format filter).
[[nodiscard]] std::string percentFormat(const std::string& format, const Value& args,
                                        std::size_t maxBytes);

}  // namespace ladder::chat
