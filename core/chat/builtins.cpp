// Argument binding for built-ins, and the globals a chat template sees: jinja2's range (with the
// sandbox's size cap), and transformers' namespace, dict, raise_exception and strftime_now.
#include "core/chat/builtins.h"

#include <algorithm>
#include <chrono>

#include "core/chat/interpreter.h"
#include "core/chat/python_text.h"

namespace ladder::chat {
namespace {

constexpr std::int64_t kMaxRange = 100000;  // jinja2's sandbox refuses longer ranges

Value range(Interpreter& /*interp*/, CallArgs& args) {
    if (!args.keywords.empty()) failRuntime("range() takes no keyword arguments");
    const auto& p = args.positional;
    if (p.empty() || p.size() > 3) {
        failRuntime("range expected at most 3 arguments, got " + std::to_string(p.size()));
    }
    for (const auto& v : p) {
        if (v.isUndefined()) failUndefined(v);
        if (!v.isIntegral()) {
            failRuntime(quotedTypeName(v) + " object cannot be interpreted as an integer");
        }
    }
    const std::int64_t start = p.size() == 1 ? 0 : p[0].intValue();
    const std::int64_t stop = p.size() == 1 ? p[0].intValue() : p[1].intValue();
    const std::int64_t step = p.size() == 3 ? p[2].intValue() : 1;
    if (step == 0) failRuntime("range() arg 3 must not be zero");
    std::int64_t count = 0;
    if (step > 0 && stop > start) count = (stop - start - 1) / step + 1;
    if (step < 0 && stop < start) count = (start - stop - 1) / (-step) + 1;
    if (count > kMaxRange) {
        failRuntime("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
    }
    std::vector<Value> items;
    items.reserve(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i) items.emplace_back(start + i * step);
    return Value::list(std::move(items));
}

// dict(*args, **kwargs) as Python builds it: from a mapping or from key/value pairs, then
// the keyword arguments.
DictBuilder dictFrom(const CallArgs& args, const char* function) {
    if (args.positional.size() > 1) {
        failRuntime(std::string(function) + " expected at most 1 argument, got " +
                    std::to_string(args.positional.size()));
    }
    DictBuilder dict;
    if (!args.positional.empty()) {
        const Value& source = args.positional.front();
        if (source.isDict()) {
            for (const auto& [key, value] : source.dict().entries) dict.set(key, value);
        } else {
            std::size_t index = 0;
            for (const auto& pair : iterate(source)) {
                const std::vector<Value> parts = iterate(pair);
                if (parts.size() != 2) {
                    failRuntime("dictionary update sequence element #" + std::to_string(index) +
                                " has length " + std::to_string(parts.size()) + "; 2 is required");
                }
                dict.set(parts[0], parts[1]);
                ++index;
            }
        }
    }
    for (const auto& [name, value] : args.keywords) dict.set(Value(name), value);
    return dict;
}

}  // namespace

Value pathKey(const std::string& part) {
    const bool numeric =
        !part.empty() && part.size() < 19 &&
        std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    return numeric ? Value(static_cast<std::int64_t>(std::stoll(part))) : Value(part);
}

void checkNamespaceAttribute(const std::string& name) {
    if (!name.empty() && name.front() == '_') {
        fail(TemplateErrorKind::Security,
             "Chat templates cannot store underscore-prefixed attributes on a namespace, but got " +
                 py::repr(name) + ". Please rename the attribute.");
    }
}

namespace {

Value makeNamespace(Interpreter& /*interp*/, CallArgs& args) {
    auto data = std::make_shared<ObjectData>();
    data->typeName = "Namespace";
    data->isNamespace = true;
    const Value attributes = dictFrom(args, "Namespace").build();
    for (const auto& [key, value] : attributes.dict().entries) {
        if (!key.isString()) failRuntime("keywords must be strings");
        checkNamespaceAttribute(key.str());
        data->set(key.str(), value);
    }
    return Value::object(std::move(data));
}

Value raiseException(Interpreter& /*interp*/, CallArgs& args) {
    const Arguments bound("raise_exception", args, {"message"});
    fail(TemplateErrorKind::Raised, toText(bound.required(0)));
}

Value strftimeNow(Interpreter& interp, CallArgs& args) {
    const Arguments bound("strftime_now", args, {"format"});
    const Value& format = bound.required(0);
    if (!format.isString()) {
        failRuntime("strftime() argument 1 must be str, not " + typeName(format));
    }
    const auto now = interp.now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
        1000000;
    std::tm local{};
    localtime_r(&seconds, &local);
    return Value(pythonStrftime(format.str(), local,
                                static_cast<int>(micros < 0 ? micros + 1000000 : micros)));
}

Value unsupportedGlobal(const std::string& name) {
    return Value::callable(name, [name](Interpreter&, CallArgs&) -> Value {
        failUnsupported("the global function " + name + "()");
    });
}

}  // namespace

Arguments::Arguments(const std::string& function, const CallArgs& args,
                     std::initializer_list<const char*> parameters)
    : m_function(function), m_names(parameters), m_bound(parameters.size(), nullptr) {
    if (args.positional.size() > m_names.size()) {
        failRuntime(m_function + "() takes at most " + std::to_string(m_names.size()) +
                    " argument(s) (" + std::to_string(args.positional.size()) + " given)");
    }
    for (std::size_t i = 0; i < args.positional.size(); ++i) m_bound[i] = &args.positional[i];
    for (const auto& [name, value] : args.keywords) {
        std::size_t index = 0;
        while (index < m_names.size() && name != m_names[index]) ++index;
        if (index == m_names.size()) {
            failRuntime(m_function + "() got an unexpected keyword argument " + py::repr(name));
        }
        if (m_bound[index]) {
            failRuntime(m_function + "() got multiple values for argument " + py::repr(name));
        }
        m_bound[index] = &value;
    }
}

std::int64_t Arguments::intOr(std::size_t index, std::int64_t fallback) const {
    const Value* v = m_bound[index];
    if (!v || v->isNone()) return fallback;
    if (v->isUndefined()) failUndefined(*v);
    if (!v->isIntegral()) {
        failRuntime(m_function + "(): '" + typeName(*v) +
                    "' object cannot be interpreted as an integer");
    }
    return v->intValue();
}

const Value& Arguments::required(std::size_t index) const {
    if (!m_bound[index]) {
        failRuntime(m_function + "() missing required argument " + py::repr(m_names[index]));
    }
    return *m_bound[index];
}

std::vector<std::pair<std::string, Value>> globalFunctions() {
    std::vector<std::pair<std::string, Value>> globals;
    globals.emplace_back("range", Value::callable("range", range, "<class 'range'>"));
    globals.emplace_back("namespace", Value::callable("namespace", makeNamespace));
    globals.emplace_back("dict", Value::callable("dict", [](Interpreter&, CallArgs& args) {
                             return dictFrom(args, "dict").build();
                         }));
    globals.emplace_back("raise_exception", Value::callable("raise_exception", raiseException));
    globals.emplace_back("strftime_now", Value::callable("strftime_now", strftimeNow));
    for (const char* name : {"lipsum", "cycler", "joiner"}) {
        globals.emplace_back(name, unsupportedGlobal(name));
    }
    return globals;
}

}  // namespace ladder::chat
