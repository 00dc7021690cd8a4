// jinja2's built-in filters as transformers' environment has them (its own tojson included).
// Filters Ladder does not implement fail as Unsupported when a render reaches them.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/chat/builtins.h"
#include "core/chat/interpreter.h"
#include "core/chat/json_values.h"
#include "core/chat/operators.h"
#include "core/chat/python_text.h"

namespace ladder::chat {
namespace {

using FilterFunction = Value (*)(Interpreter&, const Value&, CallArgs&);

// jinja2's soft_str: str(), with Undefined as "".
std::string text(Interpreter& interp, const Value& v) {
    return toText(v, interp.maxBytes());
}

Value iteratorOf(std::vector<Value> items) {
    return Value::list(std::move(items), SequenceKind::Iterator);
}

// make_attrgetter: "a.b.0" looked up item-first, as jinja2's environment.getitem does.
Value attributePath(Interpreter& interp, Value item, const std::string& path) {
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t dot = std::min(path.find('.', start), path.size());
        item = interp.getItem(item, pathKey(path.substr(start, dot - start)));
        start = dot + 1;
    }
    return item;
}

// The key jinja2's sort, unique, min and max compare by: the attribute, lower-cased when the
// comparison ignores case.
Value sortKey(Interpreter& interp, const Value& item, const Value& attribute, bool caseSensitive) {
    Value key = attribute.isNone() ? item : attributePath(interp, item, text(interp, attribute));
    if (!caseSensitive && key.isString()) return Value(py::lower(key.str()));
    return key;
}

Value filterDefault(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments bound("default", args, {"default_value", "boolean"});
    const bool boolean = truthy(bound.getOr(1, Value(false)));
    if (v.isUndefined() || (boolean && !truthy(v))) return bound.getOr(0, Value(std::string()));
    return v;
}

Value filterLength(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments none("length", args, {});
    return Value(length(v));
}

Value filterTrim(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments bound("trim", args, {"chars"});
    const Value chars = bound.getOr(0, Value::none());
    if (chars.isNone()) return Value(py::strip(text(interp, v), py::Side::Both));
    return Value(py::strip(text(interp, v), text(interp, chars), py::Side::Both));
}

Value filterTojson(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments bound("tojson", args, {"ensure_ascii", "indent", "separators", "sort_keys"});
    JsonDumpOptions options;
    options.ensureAscii = truthy(bound.getOr(0, Value(false)));
    const Value indent = bound.getOr(1, Value::none());
    if (indent.isIntegral()) {
        options.indent = std::string(
            static_cast<std::size_t>(std::max<std::int64_t>(0, indent.intValue())), ' ');
    } else if (indent.isString()) {
        options.indent = indent.str();
    } else if (!indent.isNone()) {
        failRuntime("tojson: indent must be an int or a str, not " + typeName(indent));
    }
    const Value separators = bound.getOr(2, Value::none());
    if (!separators.isNone()) {
        const std::vector<Value> parts = iterate(separators);
        if (parts.size() != 2 || !parts[0].isString() || !parts[1].isString()) {
            failRuntime("tojson: separators must be an (item_separator, key_separator) pair");
        }
        options.itemSeparator = parts[0].str();
        options.keySeparator = parts[1].str();
    }
    options.sortKeys = truthy(bound.getOr(3, Value(false)));
    return Value(pythonJsonDumps(v, options, interp.maxBytes()));
}

Value filterFirst(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments none("first", args, {});
    const std::vector<Value> items = iterate(v);
    if (items.empty()) return Value::undefined("No first item, sequence was empty.");
    return items.front();
}

Value filterLast(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments none("last", args, {});
    if (v.isSequence() && v.sequenceKind() == SequenceKind::Iterator) {
        failRuntime("'generator' object is not reversible");
    }
    if (!v.isUndefined() && !v.isString() && !v.isSequence() && !v.isDict()) {
        failRuntime(quotedTypeName(v) + " object is not reversible");
    }
    const std::vector<Value> items = iterate(v);
    if (items.empty()) return Value::undefined("No last item, sequence was empty.");
    return items.back();
}

Value filterJoin(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments bound("join", args, {"d", "attribute"});
    const std::string separator = text(interp, bound.getOr(0, Value(std::string())));
    const Value attribute = bound.getOr(1, Value::none());
    std::string out;
    bool first = true;
    for (const auto& item : iterate(v)) {
        if (!first) out += separator;
        first = false;
        out +=
            text(interp,
                 attribute.isNone() ? item : attributePath(interp, item, text(interp, attribute)));
        interp.checkSize(out.size());
    }
    return Value(std::move(out));
}

Value filterUpper(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments none("upper", args, {});
    return Value(py::upper(text(interp, v)));
}

Value filterLower(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments none("lower", args, {});
    return Value(py::lower(text(interp, v)));
}

Value filterCapitalize(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments none("capitalize", args, {});
    return Value(py::capitalize(text(interp, v)));
}

// jinja2's title: words start after whitespace and -({[< runs, each word upper-cased at its
// first character and lower-cased after (unlike str.title, "it's" stays "It's").
Value filterTitle(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments none("title", args, {});
    const std::u32string cps = py::toCodePoints(text(interp, v));
    auto isDelimiter = [](char32_t c) {
        return py::isSpace(c) || c == U'-' || c == U'(' || c == U'{' || c == U'[' || c == U'<';
    };
    std::string out;
    std::size_t i = 0;
    while (i < cps.size()) {
        std::size_t j = i;
        const bool delimiter = isDelimiter(cps[i]);
        while (j < cps.size() && isDelimiter(cps[j]) == delimiter) ++j;
        const std::u32string_view part(cps.data() + i, j - i);
        if (delimiter) {
            out += py::fromCodePoints(part);
        } else {
            out += py::upper(py::fromCodePoints(part.substr(0, 1)));
            out += py::lower(py::fromCodePoints(part.substr(1)));
        }
        i = j;
    }
    return Value(std::move(out));
}

Value filterReplace(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments bound("replace", args, {"old", "new", "count"});
    std::string out = py::replace(text(interp, v), text(interp, bound.required(0)),
                                  text(interp, bound.required(1)), bound.intOr(2, -1));
    interp.checkSize(out.size());
    return Value(std::move(out));
}

Value filterList(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments none("list", args, {});
    return Value::list(iterate(v));
}

Value filterString(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments none("string", args, {});
    return Value(text(interp, v));
}

// Python's float(str): surrounding whitespace, underscores between digits, inf and nan.
bool parseFloat(const std::string& raw, double& out) {
    std::string s = py::strip(raw, py::Side::Both);
    std::string cleaned;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '_') {
            const bool between = i > 0 && i + 1 < s.size() &&
                                 std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
                                 std::isdigit(static_cast<unsigned char>(s[i + 1]));
            if (!between) return false;
            continue;
        }
        cleaned += s[i];
    }
    if (cleaned.empty()) return false;
    const std::string lowered = py::lower(cleaned);
    const std::string unsigned_ =
        lowered[0] == '+' || lowered[0] == '-' ? lowered.substr(1) : lowered;
    if (unsigned_ == "inf" || unsigned_ == "infinity" || unsigned_ == "nan") {
        out = unsigned_ == "nan" ? std::nan("") : INFINITY;
        if (lowered[0] == '-') out = -out;
        return true;
    }
    if (unsigned_.find_first_not_of("0123456789.eE+-") != std::string::npos) return false;
    char* end = nullptr;
    out = std::strtod(cleaned.c_str(), &end);
    return end && *end == '\0';
}

Value filterInt(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments bound("int", args, {"default", "base"});
    const Value fallback = bound.getOr(0, Value(std::int64_t{0}));
    const std::int64_t base = bound.intOr(1, 10);
    if (v.isUndefined()) failUndefined(v);
    if (v.isIntegral()) return Value(v.intValue());
    if (v.isFloat()) {
        const double f = v.floatValue();
        if (!std::isfinite(f)) return fallback;
        return Value(static_cast<std::int64_t>(std::trunc(f)));
    }
    if (!v.isString()) return fallback;
    std::string s = py::strip(v.str(), py::Side::Both);
    std::string digits;
    for (char c : s) {
        if (c != '_') digits += c;
    }
    char* end = nullptr;
    errno = 0;
    const long long parsed = std::strtoll(digits.c_str(), &end, static_cast<int>(base));
    if (!digits.empty() && end && *end == '\0' && errno == 0 &&
        digits.find(' ') == std::string::npos) {
        return Value(static_cast<std::int64_t>(parsed));
    }
    double f = 0.0;
    if (parseFloat(v.str(), f) && std::isfinite(f))
        return Value(static_cast<std::int64_t>(std::trunc(f)));
    return fallback;
}

Value filterFloat(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments bound("float", args, {"default"});
    if (v.isUndefined()) failUndefined(v);
    if (v.isNumber()) return Value(v.floatValue());
    double f = 0.0;
    if (v.isString() && parseFloat(v.str(), f)) return Value(f);
    return bound.getOr(0, Value(0.0));
}

Value filterAbs(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments none("abs", args, {});
    if (v.isIntegral()) {
        if (v.intValue() == INT64_MIN) failUnsupported("an integer beyond 64 bits");
        return Value(static_cast<std::int64_t>(std::llabs(v.intValue())));
    }
    if (v.isFloat()) return Value(std::fabs(v.floatValue()));
    if (v.isUndefined()) failUndefined(v);
    failRuntime("bad operand type for abs(): '" + typeName(v) + "'");
}

Value filterRound(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments bound("round", args, {"precision", "method"});
    const std::int64_t precision = bound.intOr(0, 0);
    const std::string method = bound.has(1) ? toText(*bound.get(1)) : "common";
    if (v.isUndefined()) failUndefined(v);
    if (!v.isNumber()) failRuntime("type " + typeName(v) + " doesn't define __round__ method");
    if (method != "common" && method != "ceil" && method != "floor") {
        failRuntime("method must be common, ceil or floor");
    }
    if (method == "common" && v.isIntegral()) return Value(v.intValue());
    const double value = v.floatValue();
    const double scale = std::pow(10.0, static_cast<double>(precision));
    if (method == "ceil") return Value(std::ceil(value * scale) / scale);
    if (method == "floor") return Value(std::floor(value * scale) / scale);
    // Python's round(x, n): the decimal rounding of x's exact binary value, ties to even;
    // printf does the same.
    if (!std::isfinite(value) || precision > 300) return Value(value);
    if (precision < 0)
        return Value(std::nearbyint(value / std::pow(10.0, -static_cast<double>(precision))) *
                     std::pow(10.0, -static_cast<double>(precision)));
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(precision), value);
    return Value(std::strtod(buf, nullptr));
}

Value filterIndent(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments bound("indent", args, {"width", "first", "blank"});
    const Value width = bound.getOr(0, Value(std::int64_t{4}));
    const std::string indention =
        width.isString()
            ? width.str()
            : std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, bound.intOr(0, 4))),
                          ' ');
    const bool first = truthy(bound.getOr(1, Value(false)));
    const bool blank = truthy(bound.getOr(2, Value(false)));
    // jinja2 appends a newline so that splitlines keeps a trailing empty line.
    const std::vector<std::string> lines = py::splitLines(text(interp, v) + "\n", false);
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) {
            out += "\n";
            if (blank || !lines[i].empty()) out += indention;
        }
        out += lines[i];
        interp.checkSize(out.size());
    }
    if (first) out = indention + out;
    return Value(std::move(out));
}

Value filterItems(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments none("items", args, {});
    if (v.isUndefined()) return iteratorOf({});
    if (!v.isDict()) failRuntime("Can only get item pairs from a mapping.");
    std::vector<Value> pairs;
    for (const auto& [key, value] : v.dict().entries) {
        pairs.push_back(Value::list({key, value}, SequenceKind::Tuple));
    }
    return iteratorOf(std::move(pairs));
}

Value filterDictsort(Interpreter&, const Value& v, CallArgs& args) {
    const Arguments bound("dictsort", args, {"case_sensitive", "by", "reverse"});
    const bool caseSensitive = truthy(bound.getOr(0, Value(false)));
    const std::string by = bound.has(1) ? toText(*bound.get(1)) : "key";
    if (by != "key" && by != "value")
        failRuntime("You can only sort by either \"key\" or \"value\"");
    const bool reverse = truthy(bound.getOr(2, Value(false)));
    if (!v.isDict()) failRuntime(quotedTypeName(v) + " object has no attribute 'items'");
    std::vector<Value> pairs;
    for (const auto& [key, value] : v.dict().entries) {
        pairs.push_back(Value::list({key, value}, SequenceKind::Tuple));
    }
    const std::size_t index = by == "key" ? 0 : 1;
    auto keyOf = [&](const Value& pair) {
        const Value& k = pair.items()[index];
        return !caseSensitive && k.isString() ? Value(py::lower(k.str())) : k;
    };
    std::stable_sort(pairs.begin(), pairs.end(), [&](const Value& a, const Value& b) {
        return reverse ? lessThan(keyOf(b), keyOf(a)) : lessThan(keyOf(a), keyOf(b));
    });
    return Value::list(std::move(pairs));
}

Value filterSort(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments bound("sort", args, {"reverse", "case_sensitive", "attribute"});
    const bool reverse = truthy(bound.getOr(0, Value(false)));
    const bool caseSensitive = truthy(bound.getOr(1, Value(false)));
    const Value attribute = bound.getOr(2, Value::none());
    std::vector<Value> items = iterate(v);
    std::vector<std::pair<Value, Value>> keyed;
    for (auto& item : items)
        keyed.emplace_back(sortKey(interp, item, attribute, caseSensitive), item);
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
        return reverse ? lessThan(b.first, a.first) : lessThan(a.first, b.first);
    });
    std::vector<Value> out;
    for (auto& [key, item] : keyed) out.push_back(std::move(item));
    return Value::list(std::move(out));
}

Value filterUnique(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments bound("unique", args, {"case_sensitive", "attribute"});
    const bool caseSensitive = truthy(bound.getOr(0, Value(false)));
    const Value attribute = bound.getOr(1, Value::none());
    std::vector<Value> seen;
    std::vector<Value> out;
    for (const auto& item : iterate(v)) {
        const Value key = sortKey(interp, item, attribute, caseSensitive);
        if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, key); }))
            continue;
        seen.push_back(key);
        out.push_back(item);
    }
    return iteratorOf(std::move(out));
}

Value minOrMax(Interpreter& interp, const Value& v, CallArgs& args, bool max) {
    const Arguments bound(max ? "max" : "min", args, {"case_sensitive", "attribute"});
    const bool caseSensitive = truthy(bound.getOr(0, Value(false)));
    const Value attribute = bound.getOr(1, Value::none());
    const std::vector<Value> items = iterate(v);
    if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
    std::size_t best = 0;
    Value bestKey = sortKey(interp, items[0], attribute, caseSensitive);
    for (std::size_t i = 1; i < items.size(); ++i) {
        Value key = sortKey(interp, items[i], attribute, caseSensitive);
        if (max ? lessThan(bestKey, key) : lessThan(key, bestKey)) {
            best = i;
            bestKey = std::move(key);
        }
    }
    return items[best];
}

Value filterMax(Interpreter& interp, const Value& v, CallArgs& args) {
    return minOrMax(interp, v, args, true);
}
Value filterMin(Interpreter& interp, const Value& v, CallArgs& args) {
    return minOrMax(interp, v, args, false);
}

Value filterSum(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments bound("sum", args, {"attribute", "start"});
    const Value attribute = bound.getOr(0, Value::none());
    Value total = bound.getOr(1, Value(std::int64_t{0}));
    for (const auto& item : iterate(v)) {
        const Value term =
            attribute.isNone() ? item : attributePath(interp, item, text(interp, attribute));
        total = binaryOp("+", total, term, interp.maxBytes());
    }
    return total;
}

Value filterReverse(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments none("reverse", args, {});
    if (v.isString()) {
        std::u32string cps = py::toCodePoints(v.str());
        std::reverse(cps.begin(), cps.end());
        return Value(py::fromCodePoints(cps));
    }
    std::vector<Value> items = iterate(v);
    std::reverse(items.begin(), items.end());
    (void)interp;
    // reversed() of a list or dict is an iterator; a generator has no reversed() and jinja2
    // falls back to a reversed list.
    const bool generator = v.isSequence() && v.sequenceKind() == SequenceKind::Iterator;
    return generator ? Value::list(std::move(items)) : iteratorOf(std::move(items));
}

Value filterMap(Interpreter& interp, const Value& v, CallArgs& args) {
    std::vector<Value> out;
    if (args.positional.empty()) {
        const auto attribute = std::find_if(args.keywords.begin(), args.keywords.end(),
                                            [](const auto& k) { return k.first == "attribute"; });
        if (attribute == args.keywords.end()) failRuntime("map requires a filter argument");
        Value fallback = Value::none();
        for (const auto& [name, value] : args.keywords) {
            if (name == "default") {
                fallback = value;
            } else if (name != "attribute") {
                failRuntime("Unexpected keyword argument " + py::repr(name));
            }
        }
        const std::string path = text(interp, attribute->second);
        for (const auto& item : iterate(v)) {
            Value mapped = attributePath(interp, item, path);
            if (!fallback.isNone() && mapped.isUndefined()) mapped = fallback;
            out.push_back(std::move(mapped));
        }
        return iteratorOf(std::move(out));
    }
    const std::string filterName = text(interp, args.positional.front());
    CallArgs rest;
    rest.positional.assign(args.positional.begin() + 1, args.positional.end());
    rest.keywords = args.keywords;
    for (const auto& item : iterate(v)) out.push_back(interp.filter(filterName, item, rest));
    return iteratorOf(std::move(out));
}

// select / reject / selectattr / rejectattr: keep the items whose test (truthiness without one)
// gives `keep`.
Value selectOrReject(Interpreter& interp, const Value& v, CallArgs& args, bool byAttribute,
                     bool keep) {
    std::size_t offset = 0;
    std::string attribute;
    if (byAttribute) {
        if (args.positional.empty()) failRuntime("Missing parameter for attribute name");
        attribute = text(interp, args.positional.front());
        offset = 1;
    }
    const bool hasTest = args.positional.size() > offset;
    const std::string testName = hasTest ? text(interp, args.positional[offset]) : std::string();
    CallArgs testArgs;
    if (hasTest) {
        testArgs.positional.assign(
            args.positional.begin() + static_cast<std::ptrdiff_t>(offset) + 1,
            args.positional.end());
        testArgs.keywords = args.keywords;
    }
    std::vector<Value> out;
    for (const auto& item : iterate(v)) {
        const Value subject = byAttribute ? attributePath(interp, item, attribute) : item;
        const bool passed = hasTest ? interp.test(testName, subject, testArgs) : truthy(subject);
        if (passed == keep) out.push_back(item);
    }
    return iteratorOf(std::move(out));
}

Value filterSelect(Interpreter& i, const Value& v, CallArgs& a) {
    return selectOrReject(i, v, a, false, true);
}
Value filterReject(Interpreter& i, const Value& v, CallArgs& a) {
    return selectOrReject(i, v, a, false, false);
}
Value filterSelectattr(Interpreter& i, const Value& v, CallArgs& a) {
    return selectOrReject(i, v, a, true, true);
}
Value filterRejectattr(Interpreter& i, const Value& v, CallArgs& a) {
    return selectOrReject(i, v, a, true, false);
}

Value filterAttr(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments bound("attr", args, {"name"});
    const std::string name = text(interp, bound.required(0));
    // jinja2's attr filter reads attributes only, never items.
    bool found = false;
    Value method = methodOf(v, name, found);
    if (found) return method;
    if (v.isObject()) {
        if (auto attribute = v.object().get(name)) return *attribute;
    }
    return missingAttribute(v, name);
}

Value filterCenter(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments bound("center", args, {"width"});
    const std::string s = text(interp, v);
    const std::int64_t width = bound.intOr(0, 80);
    const auto length = static_cast<std::int64_t>(py::codePointLength(s));
    if (width <= length) return Value(s);
    const std::int64_t margin = width - length;
    const std::int64_t left = margin / 2 + (margin & width & 1);
    interp.checkSize(static_cast<std::size_t>(width));
    return Value(std::string(static_cast<std::size_t>(left), ' ') + s +
                 std::string(static_cast<std::size_t>(margin - left), ' '));
}

Value filterWordcount(Interpreter& interp, const Value& v, CallArgs& args) {
    const Arguments none("wordcount", args, {});
    std::int64_t words = 0;
    bool inWord = false;
    for (char32_t c : py::toCodePoints(text(interp, v))) {
        std::string one;
        py::appendUtf8(one, c);
        const bool wordChar = c == U'_' || py::isAlnum(one);
        if (wordChar && !inWord) ++words;
        inWord = wordChar;
    }
    return Value(words);
}

Value filterFormat(Interpreter& interp, const Value& v, CallArgs& args) {
    if (!args.positional.empty() && !args.keywords.empty()) {
        failRuntime("can't handle positional and keyword arguments at the same time");
    }
    Value values;
    if (!args.keywords.empty()) {
        DictBuilder dict;
        for (const auto& [name, value] : args.keywords) dict.set(Value(name), value);
        values = std::move(dict).build();
    } else {
        values = Value::list(args.positional, SequenceKind::Tuple);
    }
    return Value(percentFormat(text(interp, v), values, interp.maxBytes()));
}

struct FilterEntry {
    const char* name;
    FilterFunction function;
};

constexpr FilterEntry kFilters[] = {
    {"abs", filterAbs},
    {"attr", filterAttr},
    {"capitalize", filterCapitalize},
    {"center", filterCenter},
    {"count", filterLength},
    {"d", filterDefault},
    {"default", filterDefault},
    {"dictsort", filterDictsort},
    {"first", filterFirst},
    {"float", filterFloat},
    {"format", filterFormat},
    {"indent", filterIndent},
    {"int", filterInt},
    {"items", filterItems},
    {"join", filterJoin},
    {"last", filterLast},
    {"length", filterLength},
    {"list", filterList},
    {"lower", filterLower},
    {"map", filterMap},
    {"max", filterMax},
    {"min", filterMin},
    {"reject", filterReject},
    {"rejectattr", filterRejectattr},
    {"replace", filterReplace},
    {"reverse", filterReverse},
    {"round", filterRound},
    {"select", filterSelect},
    {"selectattr", filterSelectattr},
    {"sort", filterSort},
    {"string", filterString},
    {"sum", filterSum},
    {"title", filterTitle},
    {"tojson", filterTojson},
    {"trim", filterTrim},
    {"unique", filterUnique},
    {"upper", filterUpper},
    {"wordcount", filterWordcount},
};

}  // namespace

Value applyFilter(Interpreter& interp, const std::string& name, const Value& input,
                  CallArgs& args) {
    for (const auto& entry : kFilters) {
        if (name == entry.name) return entry.function(interp, input, args);
    }
    failUnsupported("the filter |" + name);
}

}  // namespace ladder::chat
