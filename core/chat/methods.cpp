// Methods templates call on values: str's (strip, split, startswith, format, ...), dict's
// (get, items, keys, values) and list's (count, index). Methods that modify a list or dict are
// refused as transformers' ImmutableSandboxedEnvironment refuses them; Python methods Ladder
// does not implement fail as Unsupported when called, never silently.
#include <algorithm>
#include <array>
#include <cstdio>

#include "core/chat/builtins.h"
#include "core/chat/interpreter.h"
#include "core/chat/operators.h"
#include "core/chat/python_text.h"

namespace ladder::chat {
namespace {

constexpr std::array kUnsupportedStrMethods = {
    "casefold",     "center",      "encode",   "expandtabs", "format_map", "isascii",
    "isidentifier", "isprintable", "istitle",  "ljust",      "maketrans",  "partition",
    "rjust",        "rpartition",  "swapcase", "translate",  "zfill",
};
constexpr std::array kUnsafeListMethods = {"append", "clear",  "extend",  "insert",
                                           "pop",    "remove", "reverse", "sort"};
constexpr std::array kUnsafeDictMethods = {"clear", "pop", "popitem", "setdefault", "update"};

template <typename Array>
bool contains(const Array& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

const std::string& stringArgument(const Value& v, const std::string& function) {
    if (!v.isString()) {
        if (v.isUndefined()) failUndefined(v);
        failRuntime(function + "() argument must be str, not " + typeName(v));
    }
    return v.str();
}

Value stringList(std::vector<std::string> parts) {
    std::vector<Value> items;
    items.reserve(parts.size());
    for (auto& part : parts) items.emplace_back(std::move(part));
    return Value::list(std::move(items));
}

Value strip(const std::string& text, const CallArgs& args, py::Side side, const char* name) {
    const Arguments bound(name, args, {"chars"});
    const Value chars = bound.getOr(0, Value::none());
    if (chars.isNone()) return Value(py::strip(text, side));
    if (!chars.isString()) failRuntime(std::string(name) + " arg must be None or str");
    return Value(py::strip(text, chars.str(), side));
}

Value split(const std::string& text, const CallArgs& args, bool fromRight) {
    const char* name = fromRight ? "rsplit" : "split";
    const Arguments bound(name, args, {"sep", "maxsplit"});
    const Value sep = bound.getOr(0, Value::none());
    const std::int64_t maxSplit = bound.intOr(1, -1);
    if (sep.isNone()) return stringList(py::splitWhitespace(text, maxSplit, fromRight));
    const std::string& separator = stringArgument(sep, name);
    if (separator.empty()) failRuntime("empty separator");
    return stringList(py::split(text, separator, maxSplit, fromRight));
}

// startswith / endswith with a str or a tuple of str.
Value affix(const std::string& text, const CallArgs& args, bool prefix) {
    const char* name = prefix ? "startswith" : "endswith";
    const Arguments bound(name, args, {prefix ? "prefix" : "suffix", "start", "end"});
    if (bound.has(1) || bound.has(2))
        failUnsupported(std::string("str.") + name + " with start/end");
    const Value& wanted = bound.required(0);
    std::vector<Value> candidates;
    if (wanted.isSequence() && wanted.sequenceKind() == SequenceKind::Tuple) {
        candidates = wanted.items();
    } else if (wanted.isString()) {
        candidates.push_back(wanted);
    } else {
        failRuntime(std::string(name) + " first arg must be str or a tuple of str, not " +
                    typeName(wanted));
    }
    for (const auto& candidate : candidates) {
        const std::string& s = stringArgument(candidate, name);
        const bool hit = prefix ? text.compare(0, s.size(), s) == 0 && text.size() >= s.size()
                                : text.size() >= s.size() &&
                                      text.compare(text.size() - s.size(), s.size(), s) == 0;
        if (hit) return Value(true);
    }
    return Value(false);
}

Value join(Interpreter& interp, const std::string& separator, const CallArgs& args) {
    const Arguments bound("join", args, {"iterable"});
    const std::vector<Value> items = iterate(bound.required(0));
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i].isString()) {
            failRuntime("sequence item " + std::to_string(i) + ": expected str instance, " +
                        typeName(items[i]) + " found");
        }
        if (i > 0) out += separator;
        out += items[i].str();
        interp.checkSize(out.size());
    }
    return Value(std::move(out));
}

Value findSubstring(const std::string& text, const CallArgs& args, const std::string& name) {
    const Arguments bound(name, args, {"sub", "start", "end"});
    if (bound.has(1) || bound.has(2)) failUnsupported("str." + name + " with start/end");
    const std::string& sub = stringArgument(bound.required(0), name);
    const bool fromRight = name == "rfind" || name == "rindex";
    const std::int64_t at = py::find(text, sub, fromRight);
    if (at < 0 && (name == "index" || name == "rindex")) failRuntime("substring not found");
    return Value(at);
}

Value predicate(const std::string& text, const std::string& name, const CallArgs& args) {
    const Arguments bound(name, args, {});
    if (name == "isalnum") return Value(py::isAlnum(text));
    if (name == "isalpha") return Value(py::isAlpha(text));
    if (name == "isdigit" || name == "isdecimal" || name == "isnumeric")
        return Value(py::isDigit(text));
    if (name == "islower") return Value(py::isLower(text));
    if (name == "isupper") return Value(py::isUpper(text));
    return Value(py::isSpaceText(text));
}

bool isStrMethod(const std::string& name) {
    static constexpr std::array kNames = {
        "capitalize",   "count",      "endswith",   "find",    "format",  "index",
        "isalnum",      "isalpha",    "isdecimal",  "isdigit", "islower", "isnumeric",
        "isspace",      "isupper",    "join",       "lower",   "lstrip",  "removeprefix",
        "removesuffix", "replace",    "rfind",      "rindex",  "rsplit",  "rstrip",
        "split",        "splitlines", "startswith", "strip",   "title",   "upper",
    };
    return contains(kNames, name);
}

Value callStrMethod(Interpreter& interp, const std::string& text, const std::string& name,
                    CallArgs& args) {
    if (name == "strip") return strip(text, args, py::Side::Both, "strip");
    if (name == "lstrip") return strip(text, args, py::Side::Left, "lstrip");
    if (name == "rstrip") return strip(text, args, py::Side::Right, "rstrip");
    if (name == "split") return split(text, args, false);
    if (name == "rsplit") return split(text, args, true);
    if (name == "startswith") return affix(text, args, true);
    if (name == "endswith") return affix(text, args, false);
    if (name == "join") return join(interp, text, args);
    if (name == "format") return Value(pythonFormat(interp, text, args));
    if (name == "find" || name == "rfind" || name == "index" || name == "rindex") {
        return findSubstring(text, args, name);
    }
    if (name == "count") {
        const Arguments bound("count", args, {"sub"});
        return Value(py::count(text, stringArgument(bound.required(0), "count")));
    }
    if (name == "replace") {
        const Arguments bound("replace", args, {"old", "new", "count"});
        std::string out =
            py::replace(text, stringArgument(bound.required(0), "replace"),
                        stringArgument(bound.required(1), "replace"), bound.intOr(2, -1));
        interp.checkSize(out.size());
        return Value(std::move(out));
    }
    if (name == "splitlines") {
        const Arguments bound("splitlines", args, {"keepends"});
        return stringList(py::splitLines(text, truthy(bound.getOr(0, Value(false)))));
    }
    if (name == "removeprefix" || name == "removesuffix") {
        const Arguments bound(name, args, {"affix"});
        const std::string& part = stringArgument(bound.required(0), name);
        if (name == "removeprefix" && text.compare(0, part.size(), part) == 0) {
            return Value(text.substr(part.size()));
        }
        if (name == "removesuffix" && !part.empty() && text.size() >= part.size() &&
            text.compare(text.size() - part.size(), part.size(), part) == 0) {
            return Value(text.substr(0, text.size() - part.size()));
        }
        return Value(text);
    }
    const Arguments none(name, args, {});
    if (name == "upper") return Value(py::upper(text));
    if (name == "lower") return Value(py::lower(text));
    if (name == "title") return Value(py::title(text));
    if (name == "capitalize") return Value(py::capitalize(text));
    return predicate(text, name, args);
}

Value callDictMethod(const Value& dict, const std::string& name, CallArgs& args) {
    if (name == "get") {
        const Arguments bound("get", args, {"key", "default"});
        const Value* found = dict.dict().find(bound.required(0));
        return found ? *found : bound.getOr(1, Value::none());
    }
    const Arguments none(name, args, {});
    std::vector<Value> out;
    for (const auto& [key, value] : dict.dict().entries) {
        if (name == "keys") {
            out.push_back(key);
        } else if (name == "values") {
            out.push_back(value);
        } else {
            out.push_back(Value::list({key, value}, SequenceKind::Tuple));
        }
    }
    if (name == "copy") return dict;
    return Value::dictView(std::move(out), name == "keys"     ? "dict_keys"
                                           : name == "values" ? "dict_values"
                                                              : "dict_items");
}

Value callSequenceMethod(const Value& sequence, const std::string& name, CallArgs& args) {
    if (name == "copy") {
        const Arguments none("copy", args, {});
        return sequence;
    }
    const Arguments bound(name, args, {"value"});
    const Value& wanted = bound.required(0);
    std::int64_t hits = 0;
    const auto& items = sequence.items();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!equals(items[i], wanted)) continue;
        if (name == "index") return Value(static_cast<std::int64_t>(i));
        ++hits;
    }
    if (name == "index") {
        failRuntime(sequence.sequenceKind() == SequenceKind::Tuple
                        ? "tuple.index(x): x not in tuple"
                        : reprText(wanted, 1000) + " is not in list");
    }
    return Value(hits);
}

Value bound(const Value& receiver, const std::string& name,
            Value (*call)(Interpreter&, const Value&, const std::string&, CallArgs&)) {
    return Value::callable(name, [receiver, name, call](Interpreter& interp, CallArgs& args) {
        return call(interp, receiver, name, args);
    });
}

Value unsupportedMethod(const Value& receiver, const std::string& name) {
    const std::string type = typeName(receiver);
    return Value::callable(name, [type, name](Interpreter&, CallArgs&) -> Value {
        failUnsupported("the " + type + " method ." + name + "()");
    });
}

// ---- str.format ----

struct FormatSpec {
    char fill = ' ';
    char align = '\0';
    char sign = '-';
    bool zero = false;
    int width = 0;
    int precision = -1;
    char type = '\0';
};

FormatSpec parseSpec(const std::string& spec) {
    FormatSpec out;
    std::size_t i = 0;
    auto isAlign = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
    if (spec.size() >= 2 && isAlign(spec[1])) {
        out.fill = spec[0];
        out.align = spec[1];
        i = 2;
    } else if (!spec.empty() && isAlign(spec[0])) {
        out.align = spec[0];
        i = 1;
    }
    if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' '))
        out.sign = spec[i++];
    if (i < spec.size() && spec[i] == '0') {
        out.zero = true;
        ++i;
    }
    while (i < spec.size() && spec[i] >= '0' && spec[i] <= '9')
        out.width = out.width * 10 + (spec[i++] - '0');
    if (i < spec.size() && spec[i] == '.') {
        ++i;
        out.precision = 0;
        while (i < spec.size() && spec[i] >= '0' && spec[i] <= '9') {
            out.precision = out.precision * 10 + (spec[i++] - '0');
        }
    }
    if (i < spec.size()) out.type = spec[i++];
    if (i != spec.size()) failUnsupported("the format spec '" + spec + "'");
    return out;
}

std::string pad(const std::string& body, const FormatSpec& spec, char defaultAlign) {
    const auto length = static_cast<int>(py::codePointLength(body));
    if (length >= spec.width) return body;
    const int missing = spec.width - length;
    const char align = spec.align ? spec.align : defaultAlign;
    const std::string fill(1, spec.fill);
    auto repeat = [&](int n) {
        std::string s;
        for (int k = 0; k < n; ++k) s += fill;
        return s;
    };
    if (align == '<') return body + repeat(missing);
    if (align == '^') return repeat(missing / 2) + body + repeat(missing - missing / 2);
    if (align == '=' && !body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) {
        return body.substr(0, 1) + repeat(missing) + body.substr(1);
    }
    return repeat(missing) + body;
}

std::string formatValue(const Value& value, const std::string& specText, std::size_t maxBytes) {
    if (specText.empty()) return toText(value, maxBytes);
    FormatSpec spec = parseSpec(specText);
    if (spec.zero && !spec.align) {
        spec.fill = '0';
        spec.align = '=';
    }
    if (value.isString()) {
        if (spec.type != '\0' && spec.type != 's') {
            failRuntime(std::string("Unknown format code '") + spec.type +
                        "' for object of type 'str'");
        }
        std::string text = value.str();
        if (spec.precision >= 0)
            text = text.substr(0, py::byteOffset(text, static_cast<std::size_t>(spec.precision)));
        return pad(text, spec, '<');
    }
    if (!value.isNumber()) failUnsupported("a format spec for a " + typeName(value));
    char buf[512];
    std::string body;
    const char type = spec.type;
    if (value.isIntegral() && (type == '\0' || type == 'd')) {
        if (spec.precision >= 0) failRuntime("Precision not allowed in integer format specifier");
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(value.intValue()));
        body = buf;
    } else if (type == 'f' || type == 'F' || type == 'e' || type == 'E' || type == '%' ||
               type == 'g' || type == 'G') {
        const int precision = spec.precision >= 0 ? spec.precision : 6;
        double number = value.floatValue();
        const char conversion = type == '%' ? 'f' : type;
        if (type == '%') number *= 100.0;
        std::snprintf(buf, sizeof buf, (std::string("%.*") + conversion).c_str(), precision,
                      number);
        body = buf;
        if (type == '%') body += '%';
    } else if (value.isFloat() && type == '\0' && spec.precision < 0) {
        body = py::floatRepr(value.floatValue());
    } else {
        failUnsupported("the format spec '" + specText + "' for a " + typeName(value));
    }
    if (body[0] != '-' && spec.sign != '-') body = std::string(1, spec.sign) + body;
    return pad(body, spec, '>');
}

// Resolves "0", "name", "0.attr", "name[key]" against the arguments.
Value formatField(Interpreter& interp, const std::string& field, const CallArgs& args,
                  std::size_t& autoIndex) {
    std::size_t end = 0;
    while (end < field.size() && field[end] != '.' && field[end] != '[') ++end;
    const std::string first = field.substr(0, end);
    Value value;
    if (first.empty() ||
        std::all_of(first.begin(), first.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        const std::size_t index = first.empty() ? autoIndex++ : std::stoul(first);
        if (index >= args.positional.size()) {
            failRuntime("Replacement index " + std::to_string(index) +
                        " out of range for positional args tuple");
        }
        value = args.positional[index];
    } else {
        const auto it = std::find_if(args.keywords.begin(), args.keywords.end(),
                                     [&](const auto& keyword) { return keyword.first == first; });
        if (it == args.keywords.end()) failRuntime("KeyError: " + py::repr(first));
        value = it->second;
    }
    std::size_t pos = end;
    while (pos < field.size()) {
        if (field[pos] == '.') {
            std::size_t next = pos + 1;
            while (next < field.size() && field[next] != '.' && field[next] != '[') ++next;
            value = interp.getAttribute(value, field.substr(pos + 1, next - pos - 1));
            pos = next;
        } else {
            const std::size_t close = field.find(']', pos);
            if (close == std::string::npos) failRuntime("Missing ']' in format string");
            value = interp.getItem(value, pathKey(field.substr(pos + 1, close - pos - 1)));
            pos = close + 1;
        }
    }
    return value;
}

}  // namespace

Value methodOf(const Value& receiver, const std::string& name, bool& found) {
    found = true;
    if (receiver.isString()) {
        if (isStrMethod(name)) {
            return bound(
                receiver, name,
                [](Interpreter& interp, const Value& self, const std::string& method,
                   CallArgs& args) { return callStrMethod(interp, self.str(), method, args); });
        }
        if (contains(kUnsupportedStrMethods, name)) return unsupportedMethod(receiver, name);
    } else if (receiver.isDict()) {
        if (name == "get" || name == "items" || name == "keys" || name == "values" ||
            name == "copy") {
            return bound(receiver, name,
                         [](Interpreter&, const Value& self, const std::string& method,
                            CallArgs& args) { return callDictMethod(self, method, args); });
        }
        if (contains(kUnsafeDictMethods, name)) return unsafeAttribute(receiver, name);
        if (name == "fromkeys") return unsupportedMethod(receiver, name);
    } else if (receiver.isSequence() && receiver.sequenceKind() != SequenceKind::Iterator &&
               !receiver.sequence().viewName) {
        const bool list = receiver.sequenceKind() == SequenceKind::List;
        if (name == "count" || name == "index" || (list && name == "copy")) {
            return bound(receiver, name,
                         [](Interpreter&, const Value& self, const std::string& method,
                            CallArgs& args) { return callSequenceMethod(self, method, args); });
        }
        if (list && contains(kUnsafeListMethods, name)) return unsafeAttribute(receiver, name);
    }
    found = false;
    return {};
}

std::string pythonFormat(Interpreter& interp, const std::string& format, const CallArgs& args) {
    std::string out;
    std::size_t autoIndex = 0;
    for (std::size_t i = 0; i < format.size(); ++i) {
        const char c = format[i];
        if (c == '}') {
            if (i + 1 < format.size() && format[i + 1] == '}') {
                out += '}';
                ++i;
                continue;
            }
            failRuntime("Single '}' encountered in format string");
        }
        if (c != '{') {
            out += c;
            continue;
        }
        if (i + 1 < format.size() && format[i + 1] == '{') {
            out += '{';
            ++i;
            continue;
        }
        const std::size_t close = format.find('}', i);
        if (close == std::string::npos) failRuntime("Single '{' encountered in format string");
        std::string field = format.substr(i + 1, close - i - 1);
        if (field.find('{') != std::string::npos) failUnsupported("nested fields in str.format");
        std::string spec;
        char conversion = '\0';
        if (const std::size_t colon = field.find(':'); colon != std::string::npos) {
            spec = field.substr(colon + 1);
            field.resize(colon);
        }
        if (const std::size_t bang = field.find('!'); bang != std::string::npos) {
            if (bang + 2 != field.size()) failRuntime("expected ':' after conversion specifier");
            conversion = field[bang + 1];
            field.resize(bang);
        }
        const Value value = formatField(interp, field, args, autoIndex);
        if (conversion == 'r' || conversion == 'a') {
            out += formatValue(Value(reprText(value, interp.maxBytes())), spec, interp.maxBytes());
        } else if (conversion == 's') {
            out += formatValue(Value(toText(value, interp.maxBytes())), spec, interp.maxBytes());
        } else if (conversion != '\0') {
            failRuntime(std::string("Unknown conversion specifier ") + conversion);
        } else {
            out += formatValue(value, spec, interp.maxBytes());
        }
        interp.checkSize(out.size());
        i = close;
    }
    return out;
}

}  // namespace ladder::chat
