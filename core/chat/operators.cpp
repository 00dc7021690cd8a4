// Python operators on values (see operators.h). Integers are 64-bit: a result beyond that stops
// the render (Unsupported) where Python would switch to big integers.
#include "core/chat/operators.h"

#include <cmath>
#include <cstdio>

#include "core/chat/python_text.h"

namespace ladder::chat {
namespace {

[[noreturn]] void failOperands(const std::string& op, const Value& a, const Value& b) {
    failRuntime("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '" +
                typeName(b) + "'");
}

[[noreturn]] void failBigInteger() {
    failUnsupported("an integer beyond 64 bits (Python would switch to a big integer)");
}

void checkUndefined(const Value& a, const Value& b) {
    if (a.isUndefined()) failUndefined(a);
    if (b.isUndefined()) failUndefined(b);
}

void checkBytes(std::size_t bytes, std::size_t maxBytes) {
    if (bytes > maxBytes) {
        fail(TemplateErrorKind::Limit, "a string grew past " + std::to_string(maxBytes) + " bytes");
    }
}

std::int64_t checkedAdd(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) failBigInteger();
    return r;
}

std::int64_t checkedSub(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_sub_overflow(a, b, &r)) failBigInteger();
    return r;
}

std::int64_t checkedMul(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) failBigInteger();
    return r;
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    if (b == 0) failRuntime("integer division or modulo by zero");
    if (a == INT64_MIN && b == -1) failBigInteger();
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

std::int64_t floorMod(std::int64_t a, std::int64_t b) {
    if (b == 0) failRuntime("integer modulo by zero");
    if (b == -1) return 0;
    std::int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

// CPython's float_divmod: the quotient floored, the remainder with the divisor's sign.
std::pair<double, double> floatDivMod(double a, double b, const char* what) {
    if (b == 0.0) failRuntime(std::string("float ") + what + " by zero");
    double mod = std::fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0.0) {
        if ((b < 0) != (mod < 0)) {
            mod += b;
            div -= 1.0;
        }
    } else {
        mod = std::copysign(0.0, b);
    }
    double floorDivision = 0.0;
    if (div != 0.0) {
        floorDivision = std::floor(div);
        if (div - floorDivision > 0.5) floorDivision += 1.0;
    } else {
        floorDivision = std::copysign(0.0, a / b);
    }
    return {floorDivision, mod};
}

Value intPower(std::int64_t base, std::int64_t exponent) {
    if (exponent < 0) {
        if (base == 0) failRuntime("0.0 cannot be raised to a negative power");
        return Value(std::pow(static_cast<double>(base), static_cast<double>(exponent)));
    }
    std::int64_t result = 1;
    std::int64_t factor = base;
    while (exponent > 0) {
        if (exponent & 1) result = checkedMul(result, factor);
        exponent >>= 1;
        if (exponent > 0) factor = checkedMul(factor, factor);
    }
    return Value(result);
}

Value floatPower(double base, double exponent) {
    if (base == 0.0 && exponent < 0) failRuntime("0.0 cannot be raised to a negative power");
    if (base < 0 && std::floor(exponent) != exponent) {
        failUnsupported("a negative number raised to a fractional power (a complex number)");
    }
    return Value(std::pow(base, exponent));
}

Value arithmetic(const std::string& op, const Value& a, const Value& b) {
    const bool ints = a.isIntegral() && b.isIntegral();
    if (op == "+") {
        return ints ? Value(checkedAdd(a.intValue(), b.intValue()))
                    : Value(a.floatValue() + b.floatValue());
    }
    if (op == "-") {
        return ints ? Value(checkedSub(a.intValue(), b.intValue()))
                    : Value(a.floatValue() - b.floatValue());
    }
    if (op == "*") {
        return ints ? Value(checkedMul(a.intValue(), b.intValue()))
                    : Value(a.floatValue() * b.floatValue());
    }
    if (op == "/") {
        if (b.floatValue() == 0.0)
            failRuntime(ints ? "division by zero" : "float division by zero");
        return Value(a.floatValue() / b.floatValue());
    }
    if (op == "//") {
        if (ints) return Value(floorDiv(a.intValue(), b.intValue()));
        return Value(floatDivMod(a.floatValue(), b.floatValue(), "floor division").first);
    }
    if (op == "%") {
        if (ints) return Value(floorMod(a.intValue(), b.intValue()));
        return Value(floatDivMod(a.floatValue(), b.floatValue(), "modulo").second);
    }
    if (ints) return intPower(a.intValue(), b.intValue());
    return floatPower(a.floatValue(), b.floatValue());
}

Value repeat(const Value& sequence, std::int64_t times, std::size_t maxBytes) {
    if (times < 0) times = 0;
    if (sequence.isString()) {
        const std::string& text = sequence.str();
        if (!text.empty() && static_cast<std::uint64_t>(times) > maxBytes / text.size()) {
            checkBytes(maxBytes + 1, maxBytes);
        }
        std::string out;
        out.reserve(text.size() * static_cast<std::size_t>(times));
        for (std::int64_t i = 0; i < times; ++i) out += text;
        return Value(std::move(out));
    }
    const auto& items = sequence.items();
    if (!items.empty() && static_cast<std::uint64_t>(times) > maxBytes / items.size()) {
        fail(TemplateErrorKind::Limit, "a list grew past " + std::to_string(maxBytes) + " items");
    }
    std::vector<Value> out;
    out.reserve(items.size() * static_cast<std::size_t>(times));
    for (std::int64_t i = 0; i < times; ++i) out.insert(out.end(), items.begin(), items.end());
    return Value::list(std::move(out), sequence.sequenceKind());
}

bool isConcatenable(const Value& v) {
    return v.isSequence() && v.sequenceKind() != SequenceKind::Iterator && !v.sequence().viewName;
}

// Python's slice.indices(): clamps start and stop for a sequence of `length`.
void sliceBounds(std::int64_t length, std::int64_t step, const Value& startValue,
                 const Value& stopValue, std::int64_t& start, std::int64_t& stop) {
    const std::int64_t lower = step < 0 ? -1 : 0;
    const std::int64_t upper = step < 0 ? length - 1 : length;
    auto clamp = [&](const Value& v, std::int64_t fallback) {
        if (v.isNone()) return fallback;
        std::int64_t i = v.intValue();
        if (i < 0) {
            i += length;
            if (i < lower) i = lower;
        } else if (i > upper) {
            i = upper;
        }
        return i;
    };
    start = clamp(startValue, step < 0 ? upper : lower);
    stop = clamp(stopValue, step < 0 ? lower : upper);
}

bool isSliceIndex(const Value& v) {
    return v.isNone() || v.isIntegral();
}

std::string formatNumber(char conversion, const std::string& flags, const Value& arg) {
    if (!arg.isNumber()) {
        failRuntime(std::string("%") + conversion + " format: a real number is required, not " +
                    typeName(arg));
    }
    char buf[512];
    const std::string spec = "%" + flags;
    if (conversion == 'd' || conversion == 'i') {
        const double f = arg.floatValue();
        const long long i =
            arg.isIntegral() ? arg.intValue() : static_cast<long long>(std::trunc(f));
        std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), i);
    } else {
        std::snprintf(buf, sizeof buf, (spec + conversion).c_str(), arg.floatValue());
    }
    return buf;
}

}  // namespace

Value binaryOp(const std::string& op, const Value& a, const Value& b, std::size_t maxBytes) {
    checkUndefined(a, b);
    if (a.isNumber() && b.isNumber()) return arithmetic(op, a, b);
    if (op == "+") {
        if (a.isString() && b.isString()) {
            checkBytes(a.str().size() + b.str().size(), maxBytes);
            return Value(a.str() + b.str());
        }
        if (isConcatenable(a) && isConcatenable(b) && a.sequenceKind() == b.sequenceKind()) {
            checkBytes(a.items().size() + b.items().size(), maxBytes);
            std::vector<Value> items = a.items();
            items.insert(items.end(), b.items().begin(), b.items().end());
            return Value::list(std::move(items), a.sequenceKind());
        }
        if (a.isString() || isConcatenable(a)) {
            failRuntime("can only concatenate " + typeName(a) + " (not \"" + typeName(b) +
                        "\") to " + typeName(a));
        }
        failOperands(op, a, b);
    }
    if (op == "*") {
        if ((a.isString() || isConcatenable(a)) && b.isIntegral())
            return repeat(a, b.intValue(), maxBytes);
        if (a.isIntegral() && (b.isString() || isConcatenable(b)))
            return repeat(b, a.intValue(), maxBytes);
        if (a.isString() || isConcatenable(a) || b.isString() || isConcatenable(b)) {
            const Value& other = a.isString() || isConcatenable(a) ? b : a;
            failRuntime("can't multiply sequence by non-int of type '" + typeName(other) + "'");
        }
        failOperands(op, a, b);
    }
    if (op == "%" && a.isString()) return Value(percentFormat(a.str(), b, maxBytes));
    failOperands(op == "**" ? "** or pow()" : op, a, b);
}

Value unaryOp(char op, const Value& operand) {
    if (operand.isUndefined()) failUndefined(operand);
    if (operand.isNumber()) {
        if (op == '+') return operand.isFloat() ? operand : Value(operand.intValue());
        if (operand.isFloat()) return Value(-operand.floatValue());
        if (operand.intValue() == INT64_MIN) failBigInteger();
        return Value(-operand.intValue());
    }
    failRuntime(std::string("bad operand type for unary ") + op + ": '" + typeName(operand) + "'");
}

bool compareOp(const std::string& op, const Value& a, const Value& b) {
    if (op == "==") return equals(a, b);
    if (op == "!=") return !equals(a, b);
    if (op == "in") return contains(b, a);
    if (op == "not in") return !contains(b, a);
    const bool comparable = (a.isNumber() && b.isNumber()) || (a.isString() && b.isString()) ||
                            (a.isSequence() && b.isSequence());
    if (!comparable) {
        if (a.isUndefined()) failUndefined(a);
        if (b.isUndefined()) failUndefined(b);
        failRuntime("'" + op + "' not supported between instances of '" + typeName(a) + "' and '" +
                    typeName(b) + "'");
    }
    if (op == "<") return lessThan(a, b);
    if (op == ">") return lessThan(b, a);
    if (a.isNumber() && (std::isnan(a.floatValue()) || std::isnan(b.floatValue()))) return false;
    if (op == "<=") return !lessThan(b, a);
    return !lessThan(a, b);  // >=
}

bool contains(const Value& container, const Value& item) {
    switch (container.kind()) {
        case Value::Kind::Undefined:
            return false;
        case Value::Kind::String:
            if (!item.isString()) {
                failRuntime("'in <string>' requires string as left operand, not " + typeName(item));
            }
            return container.str().find(item.str()) != std::string::npos;
        case Value::Kind::List:
            for (const auto& element : container.items()) {
                if (equals(element, item)) return true;
            }
            return false;
        case Value::Kind::Dict:
            if (item.isSequence() && item.sequenceKind() == SequenceKind::List) {
                failRuntime("unhashable type: 'list'");
            }
            if (item.isDict()) failRuntime("unhashable type: 'dict'");
            return container.dict().find(item) != nullptr;
        default:
            failRuntime("argument of type '" + typeName(container) + "' is not iterable");
    }
}

Value indexOf(const Value& sequence, std::int64_t index) {
    if (sequence.isString()) {
        const std::string& text = sequence.str();
        const auto length = static_cast<std::int64_t>(py::codePointLength(text));
        if (index < 0) index += length;
        if (index < 0 || index >= length) return missingElement(sequence, Value(index));
        const std::size_t begin = py::byteOffset(text, static_cast<std::size_t>(index));
        const std::size_t end = py::byteOffset(text, static_cast<std::size_t>(index) + 1);
        return Value(text.substr(begin, end - begin));
    }
    const auto& items = sequence.items();
    const auto length = static_cast<std::int64_t>(items.size());
    if (index < 0) index += length;
    if (index < 0 || index >= length) return missingElement(sequence, Value(index));
    return items[static_cast<std::size_t>(index)];
}

Value sliceOf(const Value& object, const Value& startValue, const Value& stopValue,
              const Value& stepValue) {
    if (object.isUndefined()) failUndefined(object);
    const bool sliceable = object.isString() || isConcatenable(object);
    if (!sliceable || !isSliceIndex(startValue) || !isSliceIndex(stopValue) ||
        !isSliceIndex(stepValue)) {
        return Value::undefined("cannot slice " + objectTypeRepr(object) + " with these bounds");
    }
    const std::int64_t step = stepValue.isNone() ? 1 : stepValue.intValue();
    if (step == 0) failRuntime("slice step cannot be zero");
    if (object.isString()) {
        const std::u32string cps = py::toCodePoints(object.str());
        std::int64_t start = 0;
        std::int64_t stop = 0;
        sliceBounds(static_cast<std::int64_t>(cps.size()), step, startValue, stopValue, start,
                    stop);
        std::u32string out;
        for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
            out += cps[static_cast<std::size_t>(i)];
        }
        return Value(py::fromCodePoints(out));
    }
    const auto& items = object.items();
    std::int64_t start = 0;
    std::int64_t stop = 0;
    sliceBounds(static_cast<std::int64_t>(items.size()), step, startValue, stopValue, start, stop);
    std::vector<Value> out;
    for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        out.push_back(items[static_cast<std::size_t>(i)]);
    }
    return Value::list(std::move(out), object.sequenceKind());
}

std::string objectTypeRepr(const Value& value) {
    if (value.isNone()) return "None";
    if (value.isObject()) return value.object().typeName + " object";
    return typeName(value) + " object";
}

Value missingAttribute(const Value& object, const std::string& name) {
    return Value::undefined(py::repr(objectTypeRepr(object)) + " has no attribute " +
                            py::repr(name));
}

Value missingElement(const Value& object, const Value& key) {
    if (key.isString()) return missingAttribute(object, key.str());
    std::string shown;
    try {
        shown = reprText(key, 1000);
    } catch (const EvalFailure&) {
        shown = typeName(key);
    }
    return Value::undefined(objectTypeRepr(object) + " has no element " + shown);
}

Value unsafeAttribute(const Value& object, const std::string& name) {
    return Value::undefined("access to attribute " + py::repr(name) + " of " +
                                py::repr(typeName(object)) + " object is unsafe.",
                            TemplateErrorKind::Security);
}

std::string percentFormat(const std::string& format, const Value& args, std::size_t maxBytes) {
    const bool tuple = args.isSequence() && args.sequenceKind() == SequenceKind::Tuple;
    const std::vector<Value> single{args};
    const std::vector<Value>& values = tuple ? args.items() : single;
    std::size_t next = 0;
    bool usedMapping = false;
    std::string out;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') {
            out += format[i];
            continue;
        }
        if (++i >= format.size()) failRuntime("incomplete format");
        const Value* arg = nullptr;
        if (format[i] == '(') {
            const std::size_t close = format.find(')', i);
            if (close == std::string::npos || !args.isDict()) {
                failRuntime("format requires a mapping");
            }
            arg = args.dict().find(std::string_view(format).substr(i + 1, close - i - 1));
            if (!arg) failRuntime("KeyError: " + py::repr(format.substr(i + 1, close - i - 1)));
            usedMapping = true;
            i = close + 1;
        }
        std::string flags;
        while (i < format.size() &&
               std::string_view("-+ #0123456789.").find(format[i]) != std::string_view::npos) {
            flags += format[i++];
        }
        if (i >= format.size()) failRuntime("incomplete format");
        const char conversion = format[i];
        if (conversion == '%') {
            out += '%';
            continue;
        }
        if (!arg) {
            if (next >= values.size()) failRuntime("not enough arguments for format string");
            arg = &values[next++];
        }
        switch (conversion) {
            case 's':
            case 'r': {
                if (!flags.empty()) failUnsupported("the format flags %" + flags + conversion);
                out += conversion == 's' ? toText(*arg, maxBytes) : reprText(*arg, maxBytes);
                break;
            }
            case 'd':
            case 'i':
            case 'f':
            case 'F':
            case 'e':
            case 'E':
            case 'g':
            case 'G':
            case 'x':
            case 'X':
                if (conversion == 'x' || conversion == 'X') {
                    if (!arg->isIntegral()) failRuntime("%x format: an integer is required");
                    char buf[64];
                    std::snprintf(buf, sizeof buf, ("%" + flags + "ll" + conversion).c_str(),
                                  static_cast<long long>(arg->intValue()));
                    out += buf;
                } else {
                    out += formatNumber(conversion, flags, *arg);
                }
                break;
            default:
                failUnsupported(std::string("the format conversion %") + conversion);
        }
        checkBytes(out.size(), maxBytes);
    }
    if (!usedMapping && next < values.size() && !args.isDict()) {
        failRuntime("not all arguments converted during string formatting");
    }
    return out;
}

}  // namespace ladder::chat
