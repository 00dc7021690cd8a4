// The values a chat template computes with: Python's None, bool, int, float, str, list, tuple and
// dict as jinja2 sees them, plus jinja2's Undefined, objects with attributes (namespace(), the
// loop variable) and callables (macros, methods, globals). Copies are cheap: payloads are shared,
// and only a namespace's attributes ever change after construction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/chat/template_error.h"

namespace ladder::chat {

class Interpreter;
class Value;

// How deep lists and dicts may nest: every operation on values recurses over them, and so would
// their destructors; a template that builds deeper ones is stopped (TemplateErrorKind::Limit).
inline constexpr int kMaxValueNesting = 200;

enum class SequenceKind {
    List,
    Tuple,
    Iterator,  // a one-pass iterator (what map, select, reverse, items return): always true, no
               // len()
};

struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> keywords;
};

using NativeFunction = std::function<Value(Interpreter&, CallArgs&)>;

struct ListData;
struct DictData;
struct ObjectData;
struct CallableData;
struct UndefinedData;

class Value {
public:
    enum class Kind : std::uint8_t {
        Undefined,
        None,
        Bool,
        Int,
        Float,
        String,
        List,
        Dict,
        Object,
        Callable,
    };

    Value() = default;  // Undefined without a hint
    explicit Value(bool b) : m_kind(Kind::Bool), m_bool(b) {}
    explicit Value(std::int64_t i) : m_kind(Kind::Int), m_int(i) {}
    explicit Value(int i) : m_kind(Kind::Int), m_int(i) {}
    explicit Value(double f) : m_kind(Kind::Float), m_float(f) {}
    explicit Value(std::string s);
    explicit Value(const char* s) : Value(std::string(s)) {}

    // hint: jinja2's message when the value is used ("'x' is undefined"); kind Security for the
    // placeholders of attributes transformers' sandbox refuses.
    static Value undefined(std::string hint,
                           TemplateErrorKind failKind = TemplateErrorKind::Runtime);
    static Value none();
    // Throws EvalFailure (Limit) when the result would nest deeper than kMaxValueNesting.
    static Value list(std::vector<Value> items, SequenceKind kind = SequenceKind::List);
    // dict.items() / keys() / values(): a list that prints as "dict_items([...])" and takes no
    // index, as Python's views.
    static Value dictView(std::vector<Value> items, const char* viewName);
    // Keys must be distinct (Python equality); see DictBuilder for literals that repeat a key.
    static Value dict(std::vector<std::pair<Value, Value>> entries);
    static Value object(std::shared_ptr<ObjectData> data);
    // display: what printing it shows ("<Macro 'm'>"); empty when Python would show an address.
    static Value callable(std::string name, NativeFunction function, std::string display = {});

    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] bool isUndefined() const { return m_kind == Kind::Undefined; }
    [[nodiscard]] bool isNone() const { return m_kind == Kind::None; }
    [[nodiscard]] bool isBool() const { return m_kind == Kind::Bool; }
    [[nodiscard]] bool isInt() const { return m_kind == Kind::Int; }
    [[nodiscard]] bool isFloat() const { return m_kind == Kind::Float; }
    // Python's numbers.Number: bool counts, as in Python.
    [[nodiscard]] bool isNumber() const {
        return m_kind == Kind::Bool || m_kind == Kind::Int || m_kind == Kind::Float;
    }
    // int or bool: what Python accepts where it wants an integer.
    [[nodiscard]] bool isIntegral() const { return m_kind == Kind::Bool || m_kind == Kind::Int; }
    [[nodiscard]] bool isString() const { return m_kind == Kind::String; }
    [[nodiscard]] bool isSequence() const { return m_kind == Kind::List; }  // list, tuple, iterator
    [[nodiscard]] bool isDict() const { return m_kind == Kind::Dict; }
    [[nodiscard]] bool isObject() const { return m_kind == Kind::Object; }
    [[nodiscard]] bool isCallable() const { return m_kind == Kind::Callable; }

    [[nodiscard]] bool boolValue() const { return m_bool; }
    // int or bool as an integer.
    [[nodiscard]] std::int64_t intValue() const { return m_kind == Kind::Bool ? m_bool : m_int; }
    // Any number as a double.
    [[nodiscard]] double floatValue() const;
    [[nodiscard]] const std::string& str() const;
    [[nodiscard]] const ListData& sequence() const;
    [[nodiscard]] const std::vector<Value>& items() const;
    [[nodiscard]] SequenceKind sequenceKind() const;
    [[nodiscard]] const DictData& dict() const;
    [[nodiscard]] ObjectData& object() const;
    [[nodiscard]] const CallableData& callable() const;
    [[nodiscard]] const UndefinedData* undefinedData() const;
    // Nesting depth of lists and dicts (0 for anything else).
    [[nodiscard]] int depth() const;
    // Whether both share one payload (Python's `is` on containers).
    [[nodiscard]] bool samePayload(const Value& other) const { return m_ptr == other.m_ptr; }

private:
    Kind m_kind = Kind::Undefined;
    union {
        bool m_bool;
        std::int64_t m_int = 0;
        double m_float;
    };
    std::shared_ptr<void> m_ptr;  // string, list, dict, object, callable or undefined payload
};

struct ListData {
    std::vector<Value> items;
    SequenceKind kind = SequenceKind::List;
    int depth = 1;
    const char* viewName = nullptr;  // "dict_items", "dict_keys", "dict_values" for dict views
};

struct DictData {
    std::vector<std::pair<Value, Value>> entries;  // insertion order, as Python keeps it
    int depth = 1;

    [[nodiscard]] const Value* find(const Value& key) const;
    [[nodiscard]] const Value* find(std::string_view key) const;
};

// Where a for loop is: what the `loop` variable's attributes are computed from.
struct LoopState {
    std::shared_ptr<const std::vector<Value>> items;
    std::size_t index = 0;
    std::shared_ptr<std::optional<std::vector<Value>>> lastChanged;  // loop.changed()'s memory
};

// namespace() objects and the `loop` variable: named attributes. A namespace keeps them in the
// order they were set; the loop computes them from its LoopState when asked (loops are hot).
struct ObjectData {
    std::string typeName;  // "Namespace" or "LoopContext", for messages
    bool isNamespace = false;
    std::vector<std::pair<std::string, Value>> attributes;
    std::optional<LoopState> loop;

    [[nodiscard]] std::optional<Value> get(std::string_view name) const;
    void set(const std::string& name, Value value);
};

struct CallableData {
    std::string name;
    std::string display;
    NativeFunction function;
};

struct UndefinedData {
    std::string hint;
    TemplateErrorKind failKind = TemplateErrorKind::Runtime;
};

// Builds a dict from entries that may repeat a key (a literal {'a': 1, 'a': 2}, dict(...)): a
// repeated key keeps its first position and takes the last value, as in Python.
class DictBuilder {
public:
    void set(Value key, Value value);
    [[nodiscard]] Value build() &&;

private:
    std::vector<std::pair<Value, Value>> m_entries;
};

// Python's str(value) and repr(value). Both throw EvalFailure: Runtime for an undefined value's
// repr where jinja2 would fail, Unsupported for what Python prints with a memory address, and
// Limit past maxBytes.
[[nodiscard]] std::string toText(const Value& value, std::size_t maxBytes = SIZE_MAX);
[[nodiscard]] std::string reprText(const Value& value, std::size_t maxBytes = SIZE_MAX);
[[nodiscard]] bool truthy(const Value& value);
[[nodiscard]] bool equals(const Value& a, const Value& b);
// Python's a < b; throws EvalFailure (Runtime) for types Python cannot order.
[[nodiscard]] bool lessThan(const Value& a, const Value& b);
// Python's type name, as in its messages: 'str', 'int', 'list', 'NoneType', ...
[[nodiscard]] std::string typeName(const Value& value);
// The same in quotes, for messages: 'str'.
[[nodiscard]] std::string quotedTypeName(const Value& value);
// Throws the undefined value's error (jinja2 raises UndefinedError when one is used).
[[noreturn]] void failUndefined(const Value& value);
// Python's len(); throws EvalFailure (Runtime) where Python has no len().
[[nodiscard]] std::int64_t length(const Value& value);
// The items a for loop or list() takes: a str's characters, a dict's keys, none for Undefined.
// Throws EvalFailure (Runtime) for what is not iterable.
[[nodiscard]] std::vector<Value> iterate(const Value& value);

}  // namespace ladder::chat
