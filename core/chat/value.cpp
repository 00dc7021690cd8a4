// Value construction and the Python behaviour every part of the interpreter shares: str(),
// repr(), truth, ==, <, len() and iteration, as CPython and jinja2 define them.
#include "core/chat/value.h"

#include <algorithm>

#include "core/chat/python_text.h"

namespace ladder::chat {
namespace {

std::string sizeMessage(std::size_t maxBytes) {
    return "the text grew past " + std::to_string(maxBytes) + " bytes";
}

// Appends with a size limit, so that printing a huge list of shared strings fails early.
class TextBuilder {
public:
    explicit TextBuilder(std::size_t maxBytes) : m_max(maxBytes) {}
    void add(std::string_view text) {
        if (m_text.size() + text.size() > m_max) fail(TemplateErrorKind::Limit, sizeMessage(m_max));
        m_text += text;
    }
    std::string take() { return std::move(m_text); }

private:
    std::string m_text;
    std::size_t m_max;
};

void appendRepr(TextBuilder& out, const Value& value);

void appendDictBody(TextBuilder& out, const DictData& dict) {
    out.add("{");
    bool first = true;
    for (const auto& [key, item] : dict.entries) {
        if (!first) out.add(", ");
        first = false;
        appendRepr(out, key);
        out.add(": ");
        appendRepr(out, item);
    }
    out.add("}");
}

void appendObject(TextBuilder& out, const ObjectData& object) {
    if (object.isNamespace) {
        out.add("<Namespace {");
        bool first = true;
        for (const auto& [name, item] : object.attributes) {
            if (!first) out.add(", ");
            first = false;
            out.add(py::repr(name));
            out.add(": ");
            appendRepr(out, item);
        }
        out.add("}>");
        return;
    }
    const auto index = object.get("index");
    const auto length = object.get("length");
    out.add("<" + object.typeName + " " + (index ? toText(*index) : "?") + "/" +
            (length ? toText(*length) : "?") + ">");
}

void appendRepr(TextBuilder& out, const Value& value) {
    switch (value.kind()) {
        case Value::Kind::Undefined:
            out.add("Undefined");
            return;
        case Value::Kind::String:
            out.add(py::repr(value.str()));
            return;
        case Value::Kind::List: {
            const auto& seq = value.sequence();
            if (seq.kind == SequenceKind::Iterator) {
                failUnsupported(
                    "printing an iterator (the result of map, select, reverse, "
                    "items...; Python shows its memory address)");
            }
            const bool tuple = seq.kind == SequenceKind::Tuple;
            if (seq.viewName) {
                out.add(seq.viewName);
                out.add("(");
            }
            out.add(tuple ? "(" : "[");
            for (std::size_t i = 0; i < seq.items.size(); ++i) {
                if (i > 0) out.add(", ");
                appendRepr(out, seq.items[i]);
            }
            if (tuple && seq.items.size() == 1) out.add(",");
            out.add(tuple ? ")" : "]");
            if (seq.viewName) out.add(")");
            return;
        }
        case Value::Kind::Dict:
            appendDictBody(out, value.dict());
            return;
        case Value::Kind::Object:
            appendObject(out, value.object());
            return;
        case Value::Kind::Callable:
            if (value.callable().display.empty()) {
                failUnsupported("printing the function '" + value.callable().name +
                                "' (Python shows its memory address)");
            }
            out.add(value.callable().display);
            return;
        default:
            out.add(toText(value));
            return;
    }
}

int childDepth(const Value& value) {
    return value.depth();
}

void checkDepth(int depth) {
    if (depth > kMaxValueNesting) {
        fail(TemplateErrorKind::Limit,
             "lists and dicts nested more than " + std::to_string(kMaxValueNesting) + " deep");
    }
}

bool numbersEqual(const Value& a, const Value& b) {
    if (a.isIntegral() && b.isIntegral()) return a.intValue() == b.intValue();
    return a.floatValue() == b.floatValue();
}

bool sequencesEqual(const ListData& a, const ListData& b) {
    if (a.items.size() != b.items.size()) return false;
    for (std::size_t i = 0; i < a.items.size(); ++i) {
        if (!equals(a.items[i], b.items[i])) return false;
    }
    return true;
}

bool dictsEqual(const DictData& a, const DictData& b) {
    if (a.entries.size() != b.entries.size()) return false;
    for (const auto& [key, item] : a.entries) {
        const Value* other = b.find(key);
        if (!other || !equals(item, *other)) return false;
    }
    return true;
}

[[noreturn]] void failOrder(const Value& a, const Value& b) {
    failRuntime("'<' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) +
                "'");
}

}  // namespace

Value::Value(std::string s)
    : m_kind(Kind::String), m_ptr(std::make_shared<std::string>(std::move(s))) {}

Value Value::undefined(std::string hint, TemplateErrorKind failKind) {
    Value v;
    v.m_ptr = std::make_shared<UndefinedData>(UndefinedData{std::move(hint), failKind});
    return v;
}

Value Value::none() {
    Value v;
    v.m_kind = Kind::None;
    return v;
}

Value Value::list(std::vector<Value> items, SequenceKind kind) {
    int depth = 0;
    for (const auto& item : items) depth = std::max(depth, childDepth(item));
    checkDepth(depth + 1);
    Value v;
    v.m_kind = Kind::List;
    v.m_ptr = std::make_shared<ListData>(ListData{std::move(items), kind, depth + 1});
    return v;
}

Value Value::dictView(std::vector<Value> items, const char* viewName) {
    Value v = list(std::move(items));
    std::static_pointer_cast<ListData>(v.m_ptr)->viewName = viewName;
    return v;
}

Value Value::dict(std::vector<std::pair<Value, Value>> entries) {
    int depth = 0;
    for (const auto& [key, item] : entries)
        depth = std::max({depth, childDepth(key), childDepth(item)});
    checkDepth(depth + 1);
    Value v;
    v.m_kind = Kind::Dict;
    v.m_ptr = std::make_shared<DictData>(DictData{std::move(entries), depth + 1});
    return v;
}

Value Value::object(std::shared_ptr<ObjectData> data) {
    Value v;
    v.m_kind = Kind::Object;
    v.m_ptr = std::move(data);
    return v;
}

Value Value::callable(std::string name, NativeFunction function, std::string display) {
    Value v;
    v.m_kind = Kind::Callable;
    v.m_ptr = std::make_shared<CallableData>(
        CallableData{std::move(name), std::move(display), std::move(function)});
    return v;
}

double Value::floatValue() const {
    switch (m_kind) {
        case Kind::Bool:
            return m_bool ? 1.0 : 0.0;
        case Kind::Int:
            return static_cast<double>(m_int);
        default:
            return m_float;
    }
}

const std::string& Value::str() const {
    return *static_cast<const std::string*>(m_ptr.get());
}
const ListData& Value::sequence() const {
    return *static_cast<const ListData*>(m_ptr.get());
}
const std::vector<Value>& Value::items() const {
    return sequence().items;
}
SequenceKind Value::sequenceKind() const {
    return sequence().kind;
}
const DictData& Value::dict() const {
    return *static_cast<const DictData*>(m_ptr.get());
}
ObjectData& Value::object() const {
    return *static_cast<ObjectData*>(m_ptr.get());
}
const CallableData& Value::callable() const {
    return *static_cast<const CallableData*>(m_ptr.get());
}
const UndefinedData* Value::undefinedData() const {
    return m_kind == Kind::Undefined ? static_cast<const UndefinedData*>(m_ptr.get()) : nullptr;
}

int Value::depth() const {
    if (m_kind == Kind::List) return sequence().depth;
    if (m_kind == Kind::Dict) return dict().depth;
    return 0;
}

const Value* DictData::find(const Value& key) const {
    if (key.isString()) return find(std::string_view(key.str()));
    for (const auto& [k, v] : entries) {
        if (equals(k, key)) return &v;
    }
    return nullptr;
}

const Value* DictData::find(std::string_view key) const {
    for (const auto& [k, v] : entries) {
        if (k.isString() && k.str() == key) return &v;
    }
    return nullptr;
}

std::optional<Value> ObjectData::get(std::string_view name) const {
    if (!loop) {
        for (const auto& [n, v] : attributes) {
            if (n == name) return v;
        }
        return std::nullopt;
    }
    const auto& items = *loop->items;
    const std::size_t index = loop->index;
    const auto i = static_cast<std::int64_t>(index);
    const auto length = static_cast<std::int64_t>(items.size());
    if (name == "index") return Value(i + 1);
    if (name == "index0") return Value(i);
    if (name == "revindex") return Value(length - i);
    if (name == "revindex0") return Value(length - i - 1);
    if (name == "first") return Value(i == 0);
    if (name == "last") return Value(i == length - 1);
    if (name == "length") return Value(length);
    if (name == "depth") return Value(std::int64_t{1});
    if (name == "depth0") return Value(std::int64_t{0});
    if (name == "previtem") {
        return index > 0 ? items[index - 1] : Value::undefined("there is no previous item");
    }
    if (name == "nextitem") {
        return index + 1 < items.size() ? items[index + 1]
                                        : Value::undefined("there is no next item");
    }
    if (name == "cycle") {
        return Value::callable("cycle", [index](Interpreter&, CallArgs& args) {
            if (args.positional.empty()) failRuntime("no items for cycling given");
            return args.positional[index % args.positional.size()];
        });
    }
    if (name == "changed") {
        auto memory = loop->lastChanged;
        return Value::callable("changed", [memory](Interpreter&, CallArgs& args) {
            const std::vector<Value>& now = args.positional;
            bool same = memory->has_value() && (*memory)->size() == now.size();
            for (std::size_t k = 0; same && k < now.size(); ++k)
                same = equals((**memory)[k], now[k]);
            if (same) return Value(false);
            *memory = now;
            return Value(true);
        });
    }
    return std::nullopt;
}

void ObjectData::set(const std::string& name, Value value) {
    for (auto& [n, v] : attributes) {
        if (n == name) {
            v = std::move(value);
            return;
        }
    }
    attributes.emplace_back(name, std::move(value));
}

void DictBuilder::set(Value key, Value value) {
    for (auto& [k, v] : m_entries) {
        if (equals(k, key)) {
            v = std::move(value);
            return;
        }
    }
    m_entries.emplace_back(std::move(key), std::move(value));
}

Value DictBuilder::build() && {
    return Value::dict(std::move(m_entries));
}

std::string toText(const Value& value, std::size_t maxBytes) {
    switch (value.kind()) {
        case Value::Kind::Undefined:
            return {};
        case Value::Kind::None:
            return "None";
        case Value::Kind::Bool:
            return value.boolValue() ? "True" : "False";
        case Value::Kind::Int:
            return std::to_string(value.intValue());
        case Value::Kind::Float:
            return py::floatRepr(value.floatValue());
        case Value::Kind::String:
            return value.str();
        default: {
            TextBuilder out(maxBytes);
            appendRepr(out, value);
            return out.take();
        }
    }
}

std::string reprText(const Value& value, std::size_t maxBytes) {
    TextBuilder out(maxBytes);
    appendRepr(out, value);
    return out.take();
}

bool truthy(const Value& value) {
    switch (value.kind()) {
        case Value::Kind::Undefined:
        case Value::Kind::None:
            return false;
        case Value::Kind::Bool:
            return value.boolValue();
        case Value::Kind::Int:
            return value.intValue() != 0;
        case Value::Kind::Float:
            return value.floatValue() != 0.0;
        case Value::Kind::String:
            return !value.str().empty();
        case Value::Kind::List:
            // A generator is an object, and objects are true, even when it yields nothing.
            return value.sequenceKind() == SequenceKind::Iterator || !value.items().empty();
        case Value::Kind::Dict:
            return !value.dict().entries.empty();
        default:
            return true;
    }
}

bool equals(const Value& a, const Value& b) {
    if (a.isNumber() && b.isNumber()) return numbersEqual(a, b);
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case Value::Kind::Undefined:
        case Value::Kind::None:
            return true;
        case Value::Kind::String:
            return a.str() == b.str();
        case Value::Kind::List:
            if (a.sequenceKind() != b.sequenceKind()) return false;
            if (a.sequenceKind() == SequenceKind::Iterator) return a.samePayload(b);
            return sequencesEqual(a.sequence(), b.sequence());
        case Value::Kind::Dict:
            return dictsEqual(a.dict(), b.dict());
        default:
            return a.samePayload(b);
    }
}

bool lessThan(const Value& a, const Value& b) {
    if (a.isNumber() && b.isNumber()) {
        if (a.isIntegral() && b.isIntegral()) return a.intValue() < b.intValue();
        return a.floatValue() < b.floatValue();
    }
    if (a.isString() && b.isString()) return a.str() < b.str();  // UTF-8 keeps code point order
    if (a.isSequence() && b.isSequence() && a.sequenceKind() == b.sequenceKind() &&
        a.sequenceKind() != SequenceKind::Iterator) {
        const auto& x = a.items();
        const auto& y = b.items();
        for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (!equals(x[i], y[i])) return lessThan(x[i], y[i]);
        }
        return x.size() < y.size();
    }
    if (a.isUndefined() || b.isUndefined()) failUndefined(a.isUndefined() ? a : b);
    failOrder(a, b);
}

std::string typeName(const Value& value) {
    switch (value.kind()) {
        case Value::Kind::Undefined:
            return "Undefined";
        case Value::Kind::None:
            return "NoneType";
        case Value::Kind::Bool:
            return "bool";
        case Value::Kind::Int:
            return "int";
        case Value::Kind::Float:
            return "float";
        case Value::Kind::String:
            return "str";
        case Value::Kind::List:
            switch (value.sequenceKind()) {
                case SequenceKind::List:
                    return "list";
                case SequenceKind::Tuple:
                    return "tuple";
                case SequenceKind::Iterator:
                    return "generator";
            }
            return "list";
        case Value::Kind::Dict:
            return "dict";
        case Value::Kind::Object:
            return value.object().typeName;
        case Value::Kind::Callable:
            return "function";
    }
    return "object";
}

std::string quotedTypeName(const Value& value) {
    std::string quoted = "'";
    quoted += typeName(value);
    quoted += '\'';
    return quoted;
}

void failUndefined(const Value& value) {
    const UndefinedData* data = value.undefinedData();
    if (!data || data->hint.empty()) failRuntime("a value is undefined");
    fail(data->failKind, data->hint);
}

std::int64_t length(const Value& value) {
    switch (value.kind()) {
        case Value::Kind::Undefined:
            return 0;
        case Value::Kind::String:
            return static_cast<std::int64_t>(py::codePointLength(value.str()));
        case Value::Kind::List:
            if (value.sequenceKind() == SequenceKind::Iterator) break;
            return static_cast<std::int64_t>(value.items().size());
        case Value::Kind::Dict:
            return static_cast<std::int64_t>(value.dict().entries.size());
        default:
            break;
    }
    failRuntime("object of type '" + typeName(value) + "' has no len()");
}

std::vector<Value> iterate(const Value& value) {
    switch (value.kind()) {
        case Value::Kind::Undefined:
            return {};
        case Value::Kind::String: {
            std::vector<Value> chars;
            for (char32_t c : py::toCodePoints(value.str())) {
                std::string one;
                py::appendUtf8(one, c);
                chars.emplace_back(std::move(one));
            }
            return chars;
        }
        case Value::Kind::List:
            return value.items();
        case Value::Kind::Dict: {
            std::vector<Value> keys;
            keys.reserve(value.dict().entries.size());
            for (const auto& entry : value.dict().entries) keys.push_back(entry.first);
            return keys;
        }
        default:
            break;
    }
    failRuntime(quotedTypeName(value) + " object is not iterable");
}

}  // namespace ladder::chat
