// What templates call by name: jinja2's filters and tests, the methods of str, dict and list,
// and transformers' globals (range, namespace, dict, raise_exception, strftime_now). Internal
// to ladder::chat; the interpreter dispatches to these.
#pragma once

#include <ctime>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/chat/value.h"

namespace ladder::chat {

// Binds call arguments to named parameters as Python does (positional, then by keyword),
// refusing unknown keywords and surplus arguments with Python's messages.
class Arguments {
public:
    Arguments(const std::string& function, const CallArgs& args,
              std::initializer_list<const char*> parameters);

    [[nodiscard]] const Value* get(std::size_t index) const { return m_bound[index]; }
    [[nodiscard]] bool has(std::size_t index) const { return m_bound[index] != nullptr; }
    [[nodiscard]] Value getOr(std::size_t index, Value fallback) const {
        return m_bound[index] ? *m_bound[index] : std::move(fallback);
    }
    // The argument as an integer (int or bool), or fallback; throws Python's TypeError otherwise.
    [[nodiscard]] std::int64_t intOr(std::size_t index, std::int64_t fallback) const;
    [[nodiscard]] const Value& required(std::size_t index) const;

private:
    std::string m_function;
    std::vector<const char*> m_names;
    std::vector<const Value*> m_bound;
};

Value applyFilter(Interpreter& interp, const std::string& name, const Value& input, CallArgs& args);
bool applyTest(Interpreter& interp, const std::string& name, const Value& input, CallArgs& args);

// receiver.name for str, dict, list and tuple: a bound method, the sandbox's refusal for methods
// that modify, or (found false) nothing.
Value methodOf(const Value& receiver, const std::string& name, bool& found);

// One part of a dotted attribute path ("items.0") or a format field's [key]: an int when it is
// all digits, as jinja2 reads it; a str otherwise.
[[nodiscard]] Value pathKey(const std::string& part);

// Refuses namespace attributes starting with "_", as transformers' TemplateNamespace does.
void checkNamespaceAttribute(const std::string& name);

// The globals every render sees.
[[nodiscard]] std::vector<std::pair<std::string, Value>> globalFunctions();

// Python's str.format (transformers' sandbox formats the same way).
[[nodiscard]] std::string pythonFormat(Interpreter& interp, const std::string& format,
                                       const CallArgs& args);
// datetime.strftime in the C locale (what Python uses unless a program sets LC_TIME).
[[nodiscard]] std::string pythonStrftime(const std::string& format, const std::tm& time,
                                         int microseconds);

}  // namespace ladder::chat
