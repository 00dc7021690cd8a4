// The interpreter (see interpreter.h). Scoping follows jinja2: a for loop's iterations and a
// macro call each get a scope of their own (a set inside them is gone afterwards), an if does
// not; namespace() objects are how templates carry values out of a loop.
#include "core/chat/interpreter.h"

#include <optional>

#include "core/chat/builtins.h"
#include "core/chat/nesting_guard.h"
#include "core/chat/operators.h"
#include "core/chat/python_text.h"

namespace ladder::chat {
namespace {

std::shared_ptr<Scope> childOf(const std::shared_ptr<Scope>& parent) {
    auto scope = std::make_shared<Scope>();
    scope->parent = parent;
    return scope;
}

bool isUnhashable(const Value& v) {
    return v.isDict() || (v.isSequence() && v.sequenceKind() == SequenceKind::List);
}

Value makeLoopObject(const std::shared_ptr<const std::vector<Value>>& items, std::size_t index,
                     const std::shared_ptr<std::optional<std::vector<Value>>>& lastChanged) {
    auto loop = std::make_shared<ObjectData>();
    loop->typeName = "LoopContext";
    loop->loop = LoopState{items, index, lastChanged};
    return Value::object(std::move(loop));
}

}  // namespace

const Value* Scope::find(const std::string& name) const {
    for (const Scope* scope = this; scope != nullptr; scope = scope->parent.get()) {
        const auto it = scope->values.find(name);
        if (it != scope->values.end()) return &it->second;
    }
    return nullptr;
}

// Sends output into a string of its own while it lives (macro bodies, {% set %} blocks).
class Interpreter::Capture {
public:
    explicit Capture(Interpreter& interp) : m_interp(interp), m_saved(interp.m_out) {
        interp.m_out = &m_text;
    }
    ~Capture() { m_interp.m_out = m_saved; }
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;
    std::string take() { return std::move(m_text); }

private:
    Interpreter& m_interp;
    std::string* m_saved;
    std::string m_text;
};

NestingGuard Interpreter::nesting() {
    return NestingGuard(m_depth, m_limits.maxDepth, [&] {
        fail(TemplateErrorKind::Limit, "evaluation nested more than " +
                                           std::to_string(m_limits.maxDepth) +
                                           " levels deep (a macro calling itself without end?)");
    });
}

Interpreter::Interpreter(std::string templateName, const RenderLimits& limits, Clock clock)
    : m_name(std::move(templateName)), m_limits(limits), m_clock(std::move(clock)) {
    m_globals = std::make_shared<Scope>();
    for (auto& [name, value] : globalFunctions()) m_globals->values[name] = std::move(value);
}

std::string Interpreter::render(const Body& body, const Variables& variables) {
    auto context = childOf(m_globals);
    for (const auto& [name, value] : variables) context->values[name] = value;
    auto root = childOf(context);
    std::string out;
    m_out = &out;
    try {
        execBody(body, root);
    } catch (const EvalFailure& failure) {
        m_out = nullptr;
        throw TemplateError(failure.kind, m_name, m_line, failure.message);
    }
    m_out = nullptr;
    return out;
}

// ---- services for built-ins ----

Value Interpreter::call(const Value& callee, CallArgs args) {
    if (callee.isCallable()) return callee.callable().function(*this, args);
    if (callee.isUndefined()) failUndefined(callee);
    if (callee.isObject() && !callee.object().isNamespace)
        failUnsupported("a recursive loop call loop(...)");
    failRuntime(quotedTypeName(callee) + " object is not callable");
}

Value Interpreter::getAttribute(const Value& object, const std::string& name) {
    if (object.isUndefined()) failUndefined(object);
    // Python's own attributes (__class__, __dict__, ...) are what sandbox escapes go through.
    if (name.rfind("__", 0) == 0) return unsafeAttribute(object, name);
    bool found = false;
    Value method = methodOf(object, name, found);
    if (found) return method;
    if (object.isDict()) {
        if (const Value* item = object.dict().find(std::string_view(name))) return *item;
    } else if (object.isObject()) {
        if (auto attribute = object.object().get(name)) return *attribute;
    }
    return missingAttribute(object, name);
}

Value Interpreter::getItem(const Value& object, const Value& key) {
    if (object.isUndefined()) failUndefined(object);
    if (object.isDict()) {
        if (!isUnhashable(key)) {
            if (const Value* item = object.dict().find(key)) return *item;
        }
    } else if ((object.isString() ||
                (object.isSequence() && object.sequenceKind() != SequenceKind::Iterator &&
                 !object.sequence().viewName)) &&
               key.isIntegral()) {
        return indexOf(object, key.intValue());
    }
    // jinja2 falls back to the attribute of that name (methods, namespace attributes).
    if (key.isString()) {
        if (key.str().rfind("__", 0) == 0) return unsafeAttribute(object, key.str());
        bool found = false;
        Value method = methodOf(object, key.str(), found);
        if (found) return method;
        if (object.isObject()) {
            if (auto attribute = object.object().get(key.str())) return *attribute;
        }
    }
    return missingElement(object, key);
}

Value Interpreter::filter(const std::string& name, const Value& input, CallArgs args) {
    return applyFilter(*this, name, input, args);
}

bool Interpreter::test(const std::string& name, const Value& input, CallArgs args) {
    return applyTest(*this, name, input, args);
}

void Interpreter::checkSize(std::size_t bytes) const {
    if (bytes > m_limits.maxOutputBytes) {
        fail(TemplateErrorKind::Limit,
             "a string grew past " + std::to_string(m_limits.maxOutputBytes) + " bytes");
    }
}

void Interpreter::step(std::uint64_t cost) {
    m_steps += cost;
    if (m_steps > m_limits.maxSteps) {
        fail(TemplateErrorKind::Limit,
             "the template ran more than " + std::to_string(m_limits.maxSteps) + " steps");
    }
}

std::chrono::system_clock::time_point Interpreter::now() const {
    return m_clock ? m_clock() : std::chrono::system_clock::now();
}

// ---- statements ----

void Interpreter::write(std::string_view text) {
    if (m_out->size() + text.size() > m_limits.maxOutputBytes) {
        fail(TemplateErrorKind::Limit,
             "the output grew past " + std::to_string(m_limits.maxOutputBytes) + " bytes");
    }
    m_out->append(text);
}

Interpreter::Flow Interpreter::execBody(const Body& body, const std::shared_ptr<Scope>& scope) {
    for (const auto& stmt : body) {
        const Flow flow = exec(*stmt, scope);
        if (flow != Flow::Normal) return flow;
    }
    return Flow::Normal;
}

std::string Interpreter::captureBody(const Body& body, const std::shared_ptr<Scope>& scope) {
    Capture capture(*this);
    execBody(body, scope);
    return capture.take();
}

Interpreter::Flow Interpreter::exec(const Stmt& stmt, const std::shared_ptr<Scope>& scope) {
    const NestingGuard guard = nesting();
    step();
    m_line = stmt.line;
    switch (stmt.kind) {
        case StmtKind::Text:
            write(stmt.text);
            break;
        case StmtKind::Output:
            for (const auto& output : stmt.outputs) {
                const Value value = eval(*output, scope);
                write(toText(value, m_limits.maxOutputBytes));
            }
            break;
        case StmtKind::If:
            for (const auto& branch : stmt.branches) {
                if (truthy(eval(*branch.condition, scope))) return execBody(branch.body, scope);
            }
            return execBody(stmt.elseBody, scope);
        case StmtKind::For:
            execFor(stmt, scope);
            break;
        case StmtKind::Set:
            assign(stmt.target, eval(*stmt.expr, scope), *scope);
            break;
        case StmtKind::SetBlock: {
            Value text(captureBody(stmt.body, scope));
            if (stmt.expr) text = applyFilterChain(*stmt.expr, text, scope);
            assign(stmt.target, text, *scope);
            break;
        }
        case StmtKind::Macro:
            scope->values[stmt.name] = makeMacro(stmt, scope);
            break;
        case StmtKind::CallBlock:
            execCallBlock(stmt, scope);
            break;
        case StmtKind::FilterBlock: {
            const Value text(captureBody(stmt.body, scope));
            write(toText(applyFilterChain(*stmt.expr, text, scope), m_limits.maxOutputBytes));
            break;
        }
        case StmtKind::With: {
            auto inner = childOf(scope);
            // Values come from the enclosing scope: b=a does not see the a set here.
            std::vector<Value> values;
            for (const auto& [target, expr] : stmt.assignments)
                values.push_back(eval(*expr, scope));
            for (std::size_t i = 0; i < values.size(); ++i) {
                assign(stmt.assignments[i].first, values[i], *inner);
            }
            return execBody(stmt.body, inner);
        }
        case StmtKind::Break:
            return Flow::Break;
        case StmtKind::Continue:
            return Flow::Continue;
        case StmtKind::Scope:
            execBody(stmt.body, childOf(scope));
            break;
    }
    return Flow::Normal;
}

void Interpreter::execFor(const Stmt& stmt, const std::shared_ptr<Scope>& scope) {
    const Value iterable = eval(*stmt.expr, scope);
    std::vector<Value> items = iterate(iterable);
    if (stmt.condition) {
        std::vector<Value> kept;
        for (const auto& item : items) {
            auto filterScope = childOf(scope);
            assign(stmt.target, item, *filterScope);
            if (truthy(eval(*stmt.condition, filterScope))) kept.push_back(item);
        }
        items = std::move(kept);
    }
    if (items.empty()) {
        execBody(stmt.elseBody, childOf(scope));
        return;
    }
    auto lastChanged = std::make_shared<std::optional<std::vector<Value>>>();
    const auto shared = std::make_shared<const std::vector<Value>>(std::move(items));
    // One scope for all iterations, emptied when the body set something: the same as a fresh
    // one per iteration (a set inside one is gone in the next) without allocations per iteration.
    auto iteration = childOf(scope);
    std::size_t loopNames = 0;  // the target's names and "loop"
    for (std::size_t i = 0; i < shared->size(); ++i) {
        step();
        if (iteration->values.size() != loopNames) iteration->values.clear();
        assign(stmt.target, (*shared)[i], *iteration);
        iteration->values["loop"] = makeLoopObject(shared, i, lastChanged);
        loopNames = iteration->values.size();
        if (execBody(stmt.body, iteration) == Flow::Break) break;
    }
}

void Interpreter::execCallBlock(const Stmt& stmt, const std::shared_ptr<Scope>& scope) {
    const Value caller = makeMacro(stmt, scope);
    const Value result = evalCall(*stmt.expr, scope, &caller);
    write(toText(result, m_limits.maxOutputBytes));
}

void Interpreter::assign(const Target& target, const Value& value, Scope& scope) {
    switch (target.kind) {
        case Target::Kind::Name:
            scope.values[target.name] = value;
            return;
        case Target::Kind::Tuple: {
            if (!value.isString() && !value.isSequence() && !value.isDict() &&
                !value.isUndefined()) {
                failRuntime("cannot unpack non-iterable " + typeName(value) + " object");
            }
            const std::vector<Value> parts = iterate(value);
            const std::size_t expected = target.items.size();
            if (parts.size() > expected) {
                failRuntime("too many values to unpack (expected " + std::to_string(expected) +
                            ")");
            }
            if (parts.size() < expected) {
                failRuntime("not enough values to unpack (expected " + std::to_string(expected) +
                            ", got " + std::to_string(parts.size()) + ")");
            }
            for (std::size_t i = 0; i < expected; ++i) assign(target.items[i], parts[i], scope);
            return;
        }
        case Target::Kind::Attribute: {
            const Value* object = scope.find(target.name);
            if (!object || !object->isObject() || !object->object().isNamespace) {
                failRuntime("Cannot assign attribute on non-namespace object");
            }
            checkNamespaceAttribute(target.attribute);
            object->object().set(target.attribute, value);
            return;
        }
    }
}

Value Interpreter::makeMacro(const Stmt& macro, const std::shared_ptr<Scope>& scope) {
    // A weak reference: the scope holds the macro, so a strong one would never be freed.
    std::weak_ptr<Scope> definedIn = scope;
    const Stmt* definition = &macro;
    return Value::callable(
        macro.name,
        [definition, definedIn](Interpreter& interp, CallArgs& args) {
            return interp.callMacro(*definition, definedIn, args);
        },
        "<Macro '" + macro.name + "'>");
}

Value Interpreter::callMacro(const Stmt& macro, const std::weak_ptr<Scope>& definedIn,
                             CallArgs& args) {
    const NestingGuard guard = nesting();
    step();
    const int callerLine = m_line;
    std::shared_ptr<Scope> parent = definedIn.lock();
    if (!parent) parent = m_globals;
    auto scope = childOf(parent);
    const auto& params = macro.params;
    const std::string who = "macro '" + macro.name + "'";
    if (args.positional.size() > params.size() && !macro.catchVarargs) {
        failRuntime(who + " takes not more than " + std::to_string(params.size()) + " argument(s)");
    }
    std::vector<bool> bound(params.size(), false);
    for (std::size_t i = 0; i < args.positional.size() && i < params.size(); ++i) {
        scope->values[params[i].name] = args.positional[i];
        bound[i] = true;
    }
    std::vector<Value> varargs;
    for (std::size_t i = params.size(); i < args.positional.size(); ++i)
        varargs.push_back(args.positional[i]);
    DictBuilder kwargs;
    Value caller = Value::undefined("No caller defined");
    for (const auto& [name, value] : args.keywords) {
        std::size_t index = 0;
        while (index < params.size() && params[index].name != name) ++index;
        if (index < params.size()) {
            if (bound[index])
                failRuntime(who + " got multiple values for argument " + py::repr(name));
            scope->values[name] = value;
            bound[index] = true;
        } else if (name == "caller" && macro.readsCaller) {
            caller = value;
        } else if (macro.catchKwargs) {
            kwargs.set(Value(name), value);
        } else {
            failRuntime(who + " takes no keyword argument " + py::repr(name));
        }
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (bound[i]) continue;
        scope->values[params[i].name] =
            params[i].defaultValue
                ? eval(*params[i].defaultValue, scope)
                : Value::undefined("parameter " + py::repr(params[i].name) + " was not provided");
    }
    if (macro.catchVarargs)
        scope->values["varargs"] = Value::list(std::move(varargs), SequenceKind::Tuple);
    if (macro.catchKwargs) scope->values["kwargs"] = std::move(kwargs).build();
    if (macro.readsCaller) scope->values["caller"] = caller;
    Value result(captureBody(macro.body, scope));
    m_line = callerLine;
    return result;
}

// ---- expressions ----

CallArgs Interpreter::evalArguments(const Expr& expr, std::size_t firstOperand,
                                    const std::shared_ptr<Scope>& scope) {
    CallArgs args;
    for (std::size_t i = firstOperand; i < expr.operands.size(); ++i) {
        args.positional.push_back(eval(*expr.operands[i], scope));
    }
    if (expr.starArgs) {
        for (auto& item : iterate(eval(*expr.starArgs, scope)))
            args.positional.push_back(std::move(item));
    }
    for (const auto& keyword : expr.keywords) {
        args.keywords.emplace_back(keyword.name, eval(*keyword.value, scope));
    }
    if (expr.starKwargs) {
        const Value extra = eval(*expr.starKwargs, scope);
        if (!extra.isDict())
            failRuntime("argument after ** must be a mapping, not " + typeName(extra));
        for (const auto& [key, value] : extra.dict().entries) {
            if (!key.isString()) failRuntime("keywords must be strings");
            args.keywords.emplace_back(key.str(), value);
        }
    }
    return args;
}

Value Interpreter::evalCall(const Expr& expr, const std::shared_ptr<Scope>& scope,
                            const Value* caller) {
    const Value callee = eval(*expr.operands[0], scope);
    CallArgs args = evalArguments(expr, 1, scope);
    if (caller) args.keywords.emplace_back("caller", *caller);
    m_line = expr.line;
    return call(callee, std::move(args));
}

Value Interpreter::evalCompare(const Expr& expr, const std::shared_ptr<Scope>& scope) {
    Value left = eval(*expr.operands[0], scope);
    for (std::size_t i = 0; i < expr.ops.size(); ++i) {
        Value right = eval(*expr.operands[i + 1], scope);
        if (!compareOp(expr.ops[i], left, right)) return Value(false);
        left = std::move(right);
    }
    return Value(true);
}

Value Interpreter::applyFilterChain(const Expr& filter, const Value& input,
                                    const std::shared_ptr<Scope>& scope) {
    const Expr* operand = filter.operands[0].get();
    Value subject = !operand                            ? input
                    : operand->kind == ExprKind::Filter ? applyFilterChain(*operand, input, scope)
                                                        : eval(*operand, scope);
    CallArgs args = evalArguments(filter, 1, scope);
    m_line = filter.line;
    return applyFilter(*this, filter.name, subject, args);
}

Value Interpreter::eval(const Expr& expr, const std::shared_ptr<Scope>& scope) {
    const NestingGuard guard = nesting();
    step();
    m_line = expr.line;
    switch (expr.kind) {
        case ExprKind::Literal:
            return expr.literal;
        case ExprKind::Name: {
            if (const Value* value = scope->find(expr.name)) return *value;
            return Value::undefined(py::repr(expr.name) + " is undefined");
        }
        case ExprKind::List:
        case ExprKind::Tuple: {
            std::vector<Value> items;
            items.reserve(expr.operands.size());
            for (const auto& item : expr.operands) items.push_back(eval(*item, scope));
            return Value::list(std::move(items), expr.kind == ExprKind::List ? SequenceKind::List
                                                                             : SequenceKind::Tuple);
        }
        case ExprKind::Dict: {
            DictBuilder dict;
            for (std::size_t i = 0; i + 1 < expr.operands.size(); i += 2) {
                Value key = eval(*expr.operands[i], scope);
                if (isUnhashable(key)) failRuntime("unhashable type: '" + typeName(key) + "'");
                dict.set(std::move(key), eval(*expr.operands[i + 1], scope));
            }
            return std::move(dict).build();
        }
        case ExprKind::Attribute:
            return getAttribute(eval(*expr.operands[0], scope), expr.name);
        case ExprKind::Subscript: {
            const Value object = eval(*expr.operands[0], scope);
            const Expr& index = *expr.operands[1];
            if (index.kind != ExprKind::Slice) return getItem(object, eval(index, scope));
            auto part = [&](std::size_t i) {
                return index.operands[i] ? eval(*index.operands[i], scope) : Value::none();
            };
            const Value start = part(0);
            const Value stop = part(1);
            const Value stride = part(2);
            return sliceOf(object, start, stop, stride);
        }
        case ExprKind::Slice:
            failUnsupported("a slice inside a tuple subscript");
        case ExprKind::Call:
            return evalCall(expr, scope, nullptr);
        case ExprKind::Filter:
            return applyFilterChain(expr, Value(), scope);
        case ExprKind::Test: {
            const Value subject = eval(*expr.operands[0], scope);
            CallArgs args = evalArguments(expr, 1, scope);
            m_line = expr.line;
            return Value(applyTest(*this, expr.name, subject, args));
        }
        case ExprKind::Not:
            return Value(!truthy(eval(*expr.operands[0], scope)));
        case ExprKind::Negate:
            return unaryOp('-', eval(*expr.operands[0], scope));
        case ExprKind::Positive:
            return unaryOp('+', eval(*expr.operands[0], scope));
        case ExprKind::Binary: {
            const Value left = eval(*expr.operands[0], scope);
            const Value right = eval(*expr.operands[1], scope);
            m_line = expr.line;
            return binaryOp(expr.name, left, right, m_limits.maxOutputBytes);
        }
        case ExprKind::Compare:
            return evalCompare(expr, scope);
        case ExprKind::And: {
            Value left = eval(*expr.operands[0], scope);
            if (!truthy(left)) return left;
            return eval(*expr.operands[1], scope);
        }
        case ExprKind::Or: {
            Value left = eval(*expr.operands[0], scope);
            if (truthy(left)) return left;
            return eval(*expr.operands[1], scope);
        }
        case ExprKind::Concat: {
            std::string out;
            for (const auto& part : expr.operands) {
                out += toText(eval(*part, scope), m_limits.maxOutputBytes);
                checkSize(out.size());
            }
            return Value(std::move(out));
        }
        case ExprKind::Conditional: {
            if (truthy(eval(*expr.operands[1], scope))) return eval(*expr.operands[0], scope);
            if (expr.operands[2]) return eval(*expr.operands[2], scope);
            return Value::undefined("the inline if-expression on line " +
                                    std::to_string(expr.line) +
                                    " evaluated to false and no else section was defined.");
        }
    }
    return {};
}

}  // namespace ladder::chat
