// Runs a parsed template: jinja2's evaluation rules (scopes, loops, macros, undefined values)
// with transformers' sandbox, under limits on steps, depth and output size so that a template
// from a downloaded model folder cannot hang or crash Ladder. One Interpreter per render.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/chat/ast.h"
#include "core/chat/nesting_guard.h"
#include "core/chat/value.h"

namespace ladder::chat {

struct RenderLimits {
    std::size_t maxOutputBytes = 16u << 20;  // the output, and any one string the template builds
    int maxDepth = 400;                      // nested evaluation: expressions, blocks, macro calls
    std::uint64_t maxSteps = 5'000'000;      // evaluation steps (a second or two at most)
};

// The time strftime_now() reads; transformers uses the local clock (tests fix it).
using Clock = std::function<std::chrono::system_clock::time_point()>;

using Variables = std::vector<std::pair<std::string, Value>>;

// Variables visible in one part of the template: the render's own, a loop iteration's, a macro
// call's. Lookups walk outwards to the globals.
struct Scope {
    std::shared_ptr<Scope> parent;
    std::unordered_map<std::string, Value> values;

    [[nodiscard]] const Value* find(const std::string& name) const;
};

class Interpreter {
public:
    Interpreter(std::string templateName, const RenderLimits& limits, Clock clock);

    // Renders body with the variables; throws TemplateError naming the template and line.
    [[nodiscard]] std::string render(const Body& body, const Variables& variables);

    // For built-in filters, tests, methods and globals.
    Value call(const Value& callee, CallArgs args);
    [[nodiscard]] Value getAttribute(const Value& object, const std::string& name);
    [[nodiscard]] Value getItem(const Value& object, const Value& key);
    Value filter(const std::string& name, const Value& input, CallArgs args);
    bool test(const std::string& name, const Value& input, CallArgs args);
    [[nodiscard]] std::size_t maxBytes() const { return m_limits.maxOutputBytes; }
    // Throws EvalFailure (Limit) when a string of `bytes` would pass the size limit.
    void checkSize(std::size_t bytes) const;
    void step(std::uint64_t cost = 1);
    [[nodiscard]] std::chrono::system_clock::time_point now() const;

private:
    enum class Flow { Normal, Break, Continue };
    class Capture;

    // Counts nested evaluation (expressions, statements, macro calls): the C++ stack it uses.
    [[nodiscard]] NestingGuard nesting();

    Flow execBody(const Body& body, const std::shared_ptr<Scope>& scope);
    Flow exec(const Stmt& stmt, const std::shared_ptr<Scope>& scope);
    void execFor(const Stmt& stmt, const std::shared_ptr<Scope>& scope);
    void execCallBlock(const Stmt& stmt, const std::shared_ptr<Scope>& scope);
    std::string captureBody(const Body& body, const std::shared_ptr<Scope>& scope);
    void write(std::string_view text);

    Value eval(const Expr& expr, const std::shared_ptr<Scope>& scope);
    Value evalCall(const Expr& expr, const std::shared_ptr<Scope>& scope, const Value* caller);
    CallArgs evalArguments(const Expr& expr, std::size_t firstOperand,
                           const std::shared_ptr<Scope>& scope);
    Value evalCompare(const Expr& expr, const std::shared_ptr<Scope>& scope);
    Value applyFilterChain(const Expr& filter, const Value& input,
                           const std::shared_ptr<Scope>& scope);

    void assign(const Target& target, const Value& value, Scope& scope);
    Value makeMacro(const Stmt& macro, const std::shared_ptr<Scope>& scope);
    Value callMacro(const Stmt& macro, const std::weak_ptr<Scope>& definedIn, CallArgs& args);

    std::string m_name;
    RenderLimits m_limits;
    Clock m_clock;
    std::shared_ptr<Scope> m_globals;
    std::string* m_out = nullptr;
    int m_depth = 0;
    std::uint64_t m_steps = 0;
    int m_line = 0;  // the line being evaluated, for error messages
};

}  // namespace ladder::chat
