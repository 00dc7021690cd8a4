// jinja2's built-in tests (`x is defined`, `x is string`, ...), with Python's answers for
// jinja2's Undefined too (it is iterable, a sequence and callable, as jinja2 reports).
#include "core/chat/builtins.h"
#include "core/chat/interpreter.h"
#include "core/chat/operators.h"
#include "core/chat/parser.h"
#include "core/chat/python_text.h"

namespace ladder::chat {
namespace {

const Value& operand(const CallArgs& args, const std::string& test) {
    if (args.positional.empty()) failRuntime("the test '" + test + "' needs an argument");
    return args.positional.front();
}

bool isSameObject(const Value& a, const Value& b) {
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case Value::Kind::Undefined:
            return a.samePayload(b);
        case Value::Kind::None:
            return true;
        case Value::Kind::Bool:
            return a.boolValue() == b.boolValue();
        // CPython shares the small integers only.
        case Value::Kind::Int:
            return a.intValue() == b.intValue() && a.intValue() >= -5 && a.intValue() <= 256;
        default:
            return a.samePayload(b);
    }
}

bool isLoop(const Value& v) {
    return v.isObject() && !v.object().isNamespace;
}

}  // namespace

bool applyTest(Interpreter& interp, const std::string& name, const Value& v, CallArgs& args) {
    if (name == "defined") return !v.isUndefined();
    if (name == "undefined") return v.isUndefined();
    if (name == "none") return v.isNone();
    if (name == "boolean") return v.isBool();
    if (name == "true") return v.isBool() && v.boolValue();
    if (name == "false") return v.isBool() && !v.boolValue();
    if (name == "integer") return v.isInt();
    if (name == "float") return v.isFloat();
    if (name == "number") return v.isNumber();
    if (name == "string") return v.isString();
    if (name == "mapping") return v.isDict();
    if (name == "callable") return v.isCallable() || v.isUndefined() || isLoop(v);
    if (name == "iterable") {
        return v.isUndefined() || v.isString() || v.isSequence() || v.isDict() || isLoop(v);
    }
    if (name == "sequence") {
        return v.isUndefined() || v.isString() || v.isDict() ||
               (v.isSequence() && v.sequenceKind() != SequenceKind::Iterator &&
                !v.sequence().viewName);
    }
    if (name == "escaped") return false;  // nothing is markup: transformers does not autoescape
    if (name == "lower") return py::isLower(toText(v, interp.maxBytes()));
    if (name == "upper") return py::isUpper(toText(v, interp.maxBytes()));
    if (name == "even" || name == "odd") {
        const Value rest = binaryOp("%", v, Value(std::int64_t{2}), interp.maxBytes());
        return equals(rest, Value(std::int64_t{name == "odd" ? 1 : 0}));
    }
    if (name == "divisibleby") {
        const Value rest = binaryOp("%", v, operand(args, name), interp.maxBytes());
        return equals(rest, Value(std::int64_t{0}));
    }
    if (name == "sameas") return isSameObject(v, operand(args, name));
    if (name == "in") return contains(operand(args, name), v);
    if (name == "filter") return v.isString() && isJinjaFilterName(v.str());
    if (name == "test") return v.isString() && isJinjaTestName(v.str());
    static const std::pair<const char*, const char*> kComparisons[] = {
        {"eq", "=="}, {"equalto", "=="},    {"==", "=="}, {"ne", "!="}, {"!=", "!="},
        {"lt", "<"},  {"lessthan", "<"},    {"<", "<"},   {"le", "<="}, {"<=", "<="},
        {"gt", ">"},  {"greaterthan", ">"}, {">", ">"},   {"ge", ">="}, {">=", ">="},
    };
    for (const auto& [test, op] : kComparisons) {
        if (name == test) return compareOp(op, v, operand(args, name));
    }
    failUnsupported("the test 'is " + name + "'");
}

}  // namespace ladder::chat
