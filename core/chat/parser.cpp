// The parser (see parser.h): recursive descent following jinja2's grammar. Precedence, loosest
// first: x if c else y; or; and; not; comparisons and in; + -; ~; * / // %; **; unary - +;
// then postfix (.attr, [index], call) and filters (|f) and tests (is t) on the operand.
#include "core/chat/parser.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>

#include "core/chat/nesting_guard.h"
#include "core/chat/template_error.h"

namespace ladder::chat {
namespace {

constexpr std::array kFilterNames = {
    "abs",    "attr",       "batch",       "capitalize", "center",   "count",
    "d",      "default",    "dictsort",    "e",          "escape",   "filesizeformat",
    "first",  "float",      "forceescape", "format",     "groupby",  "indent",
    "int",    "items",      "join",        "last",       "length",   "list",
    "lower",  "map",        "max",         "min",        "pprint",   "random",
    "reject", "rejectattr", "replace",     "reverse",    "round",    "safe",
    "select", "selectattr", "slice",       "sort",       "string",   "striptags",
    "sum",    "title",      "tojson",      "trim",       "truncate", "unique",
    "upper",  "urlencode",  "urlize",      "wordcount",  "wordwrap", "xmlattr",
};

constexpr std::array kTestNames = {
    "boolean", "callable", "defined",  "divisibleby", "eq",       "equalto",     "escaped",
    "even",    "false",    "filter",   "float",       "ge",       "greaterthan", "gt",
    "in",      "integer",  "iterable", "le",          "lessthan", "lower",       "lt",
    "mapping", "ne",       "none",     "number",      "odd",      "sameas",      "sequence",
    "string",  "test",     "true",     "undefined",   "upper",    "==",          "!=",
    "<",       "<=",       ">",        ">=",
};

class Parser {
public:
    Parser(const std::vector<Token>& tokens, const std::string& name, const ParseLimits& limits)
        : m_tokens(tokens), m_name(name), m_limits(limits) {}

    Body parseAll() {
        Body body = parseBody({});
        if (current().type != TokenType::End) fail(current(), "unexpected text after the template");
        return body;
    }

private:
    // ---- tokens ----
    const Token& current() const { return m_tokens[m_pos]; }
    const Token& peek(std::size_t ahead = 1) const {
        return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)];
    }
    const Token& advance() {
        const Token& token = m_tokens[m_pos];
        if (m_pos + 1 < m_tokens.size()) ++m_pos;
        return token;
    }
    bool isOp(const char* op) const {
        return current().type == TokenType::Operator && current().text == op;
    }
    bool isName(const char* name) const {
        return current().type == TokenType::Name && current().text == name;
    }
    bool skipOp(const char* op) {
        if (!isOp(op)) return false;
        advance();
        return true;
    }
    bool skipName(const char* name) {
        if (!isName(name)) return false;
        advance();
        return true;
    }

    static std::string describe(const Token& token) {
        switch (token.type) {
            case TokenType::Text:
                return "template text";
            case TokenType::VariableBegin:
                return "begin of print statement";
            case TokenType::VariableEnd:
                return "end of print statement";
            case TokenType::BlockBegin:
                return "begin of statement block";
            case TokenType::BlockEnd:
                return "end of statement block";
            case TokenType::String:
                return "string";
            case TokenType::Integer:
                return "integer";
            case TokenType::Float:
                return "float";
            case TokenType::End:
                return "end of template";
            default:
                return "'" + token.text + "'";
        }
    }

    [[noreturn]] void fail(const Token& token, const std::string& message) const {
        throw TemplateError(TemplateErrorKind::Syntax, m_name, token.line, message);
    }
    [[noreturn]] void unsupported(const Token& token, const std::string& construct) const {
        throw TemplateError(TemplateErrorKind::Unsupported, m_name, token.line, construct);
    }
    void expectOp(const char* op) {
        if (!skipOp(op)) {
            fail(current(), std::string("expected '") + op + "', got " + describe(current()));
        }
    }
    void expectName(const char* name) {
        if (!skipName(name)) {
            fail(current(), std::string("expected '") + name + "', got " + describe(current()));
        }
    }
    std::string expectIdentifier() {
        if (current().type != TokenType::Name) {
            fail(current(), "expected a name, got " + describe(current()));
        }
        return advance().text;
    }
    void expectBlockEnd() {
        if (current().type != TokenType::BlockEnd) {
            fail(current(), "expected the end of the statement block, got " + describe(current()));
        }
        advance();
    }

    // ---- statements ----
    // Statements up to (not including) a {% tag %} whose name is in `ends`.
    Body parseBody(std::initializer_list<const char*> ends) {
        Body body;
        while (true) {
            const Token& token = current();
            switch (token.type) {
                case TokenType::End:
                    if (ends.size() > 0) {
                        fail(token, "unexpected end of template: expected " + joinTags(ends));
                    }
                    return body;
                case TokenType::Text: {
                    auto stmt = makeStmt(StmtKind::Text, token);
                    stmt->text = token.text;
                    body.push_back(std::move(stmt));
                    advance();
                    break;
                }
                case TokenType::VariableBegin: {
                    auto stmt = makeStmt(StmtKind::Output, token);
                    advance();
                    stmt->outputs.push_back(parseTuple(true, {}, false));
                    if (current().type != TokenType::VariableEnd) {
                        fail(current(), "unexpected " + describe(current()) +
                                            ": expected the end of the print statement '}}'");
                    }
                    advance();
                    body.push_back(std::move(stmt));
                    break;
                }
                case TokenType::BlockBegin: {
                    const Token& tag = peek();
                    if (tag.type == TokenType::Name &&
                        std::any_of(ends.begin(), ends.end(),
                                    [&](const char* end) { return tag.text == end; })) {
                        return body;
                    }
                    advance();
                    body.push_back(parseStatement(ends));
                    break;
                }
                default:
                    fail(token, "unexpected " + describe(token));
            }
        }
    }

    static std::string joinTags(std::initializer_list<const char*> tags) {
        std::string out;
        for (const char* tag : tags) {
            if (!out.empty()) out += " or ";
            out += std::string("'") + tag + "'";
        }
        return out;
    }

    // After a body: consumes `{% name` (the caller checks the rest of the tag).
    std::string takeEndTag() {
        advance();  // {%
        return advance().text;
    }

    Body parseBlockUntil(const char* end) {
        Body body = parseBody({end});
        takeEndTag();
        expectBlockEnd();
        return body;
    }

    StmtPtr makeStmt(StmtKind kind, const Token& at) {
        auto stmt = std::make_unique<Stmt>();
        stmt->kind = kind;
        stmt->line = at.line;
        return stmt;
    }

    StmtPtr parseStatement(std::initializer_list<const char*> enclosingEnds) {
        const Token& tag = current();
        if (tag.type != TokenType::Name) fail(tag, "tag name expected");
        const NestingGuard guard(m_nesting, m_limits.maxStatementNesting, [&] {
            throw TemplateError(TemplateErrorKind::Limit, m_name, tag.line,
                                "blocks nested more than " +
                                    std::to_string(m_limits.maxStatementNesting) + " deep");
        });
        const std::string& name = tag.text;
        if (name == "if") return parseIf();
        if (name == "for") return parseFor();
        if (name == "set") return parseSet();
        if (name == "macro") return parseMacro();
        if (name == "call") return parseCallBlock();
        if (name == "filter") return parseFilterBlock();
        if (name == "with") return parseWith();
        if (name == "print") return parsePrint();
        if (name == "break" || name == "continue") return parseLoopControl();
        if (name == "generation") return parseGeneration();
        if (name == "block" || name == "extends" || name == "include" || name == "import" ||
            name == "from" || name == "autoescape") {
            unsupported(tag, "the {% " + name + " %} statement");
        }
        std::string message = "Encountered unknown tag '" + name + "'.";
        if (enclosingEnds.size() > 0) {
            message +=
                " Jinja was looking for the following tags: " + joinTags(enclosingEnds) + ".";
        }
        fail(tag, message);
    }

    // After a body that ended at `{% tag`: an else body up to `end` when tag is "else".
    void parseElse(const std::string& tag, const char* end, Stmt& stmt) {
        expectBlockEnd();
        if (tag == "else") stmt.elseBody = parseBlockUntil(end);
    }

    StmtPtr parseIf() {
        auto stmt = makeStmt(StmtKind::If, advance());
        while (true) {
            IfBranch branch;
            branch.condition = parseTuple(false, {}, false);
            expectBlockEnd();
            branch.body = parseBody({"elif", "else", "endif"});
            stmt->branches.push_back(std::move(branch));
            const std::string end = takeEndTag();
            if (end == "elif") continue;
            parseElse(end, "endif", *stmt);
            return stmt;
        }
    }

    StmtPtr parseFor() {
        auto stmt = makeStmt(StmtKind::For, advance());
        stmt->target = parseAssignTarget(false, {"in"});
        expectName("in");
        stmt->expr = parseTuple(false, {"recursive"}, false);
        if (skipName("if")) stmt->condition = parseExpression(true);
        if (isName("recursive")) unsupported(current(), "a recursive for loop");
        expectBlockEnd();
        ++m_loopDepth;
        stmt->body = parseBody({"endfor", "else"});
        --m_loopDepth;
        parseElse(takeEndTag(), "endfor", *stmt);
        return stmt;
    }

    StmtPtr parseSet() {
        const Token& at = advance();
        Target target = parseAssignTarget(true, {});
        if (skipOp("=")) {
            auto stmt = makeStmt(StmtKind::Set, at);
            stmt->target = std::move(target);
            stmt->expr = parseTuple(true, {}, false);
            expectBlockEnd();
            return stmt;
        }
        auto stmt = makeStmt(StmtKind::SetBlock, at);
        stmt->target = std::move(target);
        if (isOp("|")) stmt->expr = parseFilterChain(nullptr, false);
        expectBlockEnd();
        const int loops = std::exchange(m_loopDepth, 0);
        stmt->body = parseBlockUntil("endset");
        m_loopDepth = loops;
        return stmt;
    }

    void parseSignature(Stmt& stmt) {
        expectOp("(");
        while (!isOp(")")) {
            if (!stmt.params.empty()) expectOp(",");
            if (isOp(")")) break;
            MacroParam param;
            param.name = expectIdentifier();
            if (skipOp("=")) {
                param.defaultValue = parseExpression(true);
            } else if (!stmt.params.empty() && stmt.params.back().defaultValue) {
                fail(current(), "non-default argument follows default argument");
            }
            stmt.params.push_back(std::move(param));
        }
        expectOp(")");
    }

    StmtPtr parseMacro() {
        auto stmt = makeStmt(StmtKind::Macro, advance());
        stmt->name = expectIdentifier();
        parseSignature(*stmt);
        expectBlockEnd();
        const int loops = std::exchange(m_loopDepth, 0);
        stmt->body = parseBlockUntil("endmacro");
        m_loopDepth = loops;
        noteSpecialNames(*stmt);
        return stmt;
    }

    StmtPtr parseCallBlock() {
        auto stmt = makeStmt(StmtKind::CallBlock, advance());
        stmt->name = "caller";
        if (isOp("(")) parseSignature(*stmt);
        stmt->expr = parseExpression(true);
        if (stmt->expr->kind != ExprKind::Call) fail(current(), "expected call");
        expectBlockEnd();
        const int loops = std::exchange(m_loopDepth, 0);
        stmt->body = parseBlockUntil("endcall");
        m_loopDepth = loops;
        noteSpecialNames(*stmt);
        return stmt;
    }

    StmtPtr parseFilterBlock() {
        auto stmt = makeStmt(StmtKind::FilterBlock, advance());
        stmt->expr = parseFilterChain(nullptr, true);
        expectBlockEnd();
        const int loops = std::exchange(m_loopDepth, 0);
        stmt->body = parseBlockUntil("endfilter");
        m_loopDepth = loops;
        return stmt;
    }

    StmtPtr parseWith() {
        auto stmt = makeStmt(StmtKind::With, advance());
        while (current().type != TokenType::BlockEnd) {
            if (!stmt->assignments.empty()) expectOp(",");
            Target target = parseAssignTarget(false, {});
            expectOp("=");
            stmt->assignments.emplace_back(std::move(target), parseExpression(true));
        }
        expectBlockEnd();
        stmt->body = parseBlockUntil("endwith");
        return stmt;
    }

    StmtPtr parsePrint() {
        auto stmt = makeStmt(StmtKind::Output, advance());
        while (current().type != TokenType::BlockEnd) {
            if (!stmt->outputs.empty()) expectOp(",");
            stmt->outputs.push_back(parseExpression(true));
        }
        expectBlockEnd();
        return stmt;
    }

    StmtPtr parseLoopControl() {
        const Token& at = advance();
        if (m_loopDepth == 0) fail(at, "'" + at.text + "' outside of a for loop");
        auto stmt = makeStmt(at.text == "break" ? StmtKind::Break : StmtKind::Continue, at);
        expectBlockEnd();
        return stmt;
    }

    StmtPtr parseGeneration() {
        auto stmt = makeStmt(StmtKind::Scope, advance());
        expectBlockEnd();
        const int loops = std::exchange(m_loopDepth, 0);
        stmt->body = parseBlockUntil("endgeneration");
        m_loopDepth = loops;
        return stmt;
    }

    // jinja2 lets a macro take extra arguments only when its body reads varargs / kwargs.
    static void noteSpecialNames(Stmt& stmt) {
        struct Finder {
            Stmt& macro;
            void expr(const Expr* e) {
                if (!e) return;
                if (e->kind == ExprKind::Name) {
                    if (e->name == "varargs") macro.catchVarargs = true;
                    if (e->name == "kwargs") macro.catchKwargs = true;
                    if (e->name == "caller") macro.readsCaller = true;
                }
                for (const auto& child : e->operands) expr(child.get());
                for (const auto& keyword : e->keywords) expr(keyword.value.get());
                expr(e->starArgs.get());
                expr(e->starKwargs.get());
            }
            void body(const Body& statements) {
                for (const auto& s : statements) stmt(*s);
            }
            void stmt(const Stmt& s) {
                for (const auto& output : s.outputs) expr(output.get());
                expr(s.expr.get());
                expr(s.condition.get());
                for (const auto& branch : s.branches) {
                    expr(branch.condition.get());
                    body(branch.body);
                }
                for (const auto& param : s.params) expr(param.defaultValue.get());
                for (const auto& assignment : s.assignments) expr(assignment.second.get());
                body(s.body);
                body(s.elseBody);
            }
        };
        Finder finder{stmt};
        finder.body(stmt.body);
    }

    // name | name, name, ... | (set only) name.attribute
    Target parseAssignTarget(bool allowAttribute, std::initializer_list<const char*> extraEnds) {
        const NestingGuard guard = recursion();
        std::vector<Target> items;
        bool tuple = false;
        while (true) {
            if (!items.empty()) {
                if (!skipOp(",")) break;
                tuple = true;
                if (isTupleEnd(extraEnds) || isOp("=")) break;
            }
            Target target;
            if (skipOp("(")) {
                target = parseAssignTarget(false, {});
                expectOp(")");
            } else {
                target.name = expectIdentifier();
                if (allowAttribute && items.empty() && isOp(".")) {
                    advance();
                    target.kind = Target::Kind::Attribute;
                    target.attribute = expectIdentifier();
                    return target;
                }
            }
            items.push_back(std::move(target));
        }
        if (!tuple) return std::move(items.front());
        Target target;
        target.kind = Target::Kind::Tuple;
        target.items = std::move(items);
        return target;
    }

    // ---- expressions ----
    ExprPtr node(ExprKind kind, int line) {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->line = line;
        return e;
    }

    // Sets the node's height from its children and refuses trees deeper than the limit: the
    // interpreter recurses over them (a + b + c + ... grows one level per operator).
    ExprPtr finish(ExprPtr e) {
        int height = 0;
        auto account = [&](const Expr* child) {
            if (child) height = std::max(height, child->depth);
        };
        for (const auto& child : e->operands) account(child.get());
        for (const auto& keyword : e->keywords) account(keyword.value.get());
        account(e->starArgs.get());
        account(e->starKwargs.get());
        e->depth = height + 1;
        if (e->depth > m_limits.maxExpressionDepth) {
            throw TemplateError(TemplateErrorKind::Limit, m_name, e->line,
                                "an expression nested more than " +
                                    std::to_string(m_limits.maxExpressionDepth) + " levels deep");
        }
        return e;
    }

    ExprPtr binary(ExprKind kind, const std::string& name, ExprPtr left, ExprPtr right) {
        auto e = node(kind, left->line);
        e->name = name;
        e->operands.push_back(std::move(left));
        e->operands.push_back(std::move(right));
        return finish(std::move(e));
    }

    bool isTupleEnd(std::initializer_list<const char*> extraEnds) const {
        const TokenType type = current().type;
        if (type == TokenType::VariableEnd || type == TokenType::BlockEnd) return true;
        if (type == TokenType::Operator && current().text == ")") return true;
        return std::any_of(extraEnds.begin(), extraEnds.end(),
                           [&](const char* end) { return isName(end); });
    }

    // Comma-separated expressions: one expression, or a tuple when a comma appears.
    ExprPtr parseTuple(bool withCondition, std::initializer_list<const char*> extraEnds,
                       bool explicitParentheses) {
        const int line = current().line;
        std::vector<ExprPtr> items;
        bool tuple = false;
        while (true) {
            if (!items.empty()) expectOp(",");
            if (isTupleEnd(extraEnds)) break;
            items.push_back(parseExpression(withCondition));
            if (isOp(",")) {
                tuple = true;
            } else {
                break;
            }
        }
        if (!tuple) {
            if (!items.empty()) return std::move(items.front());
            if (!explicitParentheses) {
                fail(current(), "Expected an expression, got " + describe(current()));
            }
        }
        auto e = node(ExprKind::Tuple, line);
        e->operands = std::move(items);
        return finish(std::move(e));
    }

    ExprPtr parseExpression(bool withCondition) {
        return withCondition ? parseConditional() : parseOr();
    }

    ExprPtr parseConditional() {
        const NestingGuard guard = recursion();
        ExprPtr expr = parseOr();
        while (skipName("if")) {
            ExprPtr condition = parseOr();
            ExprPtr otherwise;
            if (skipName("else")) otherwise = parseConditional();
            auto e = node(ExprKind::Conditional, expr->line);
            e->operands.push_back(std::move(expr));
            e->operands.push_back(std::move(condition));
            e->operands.push_back(std::move(otherwise));
            expr = finish(std::move(e));
        }
        return expr;
    }

    ExprPtr parseOr() {
        ExprPtr left = parseAnd();
        while (skipName("or")) left = binary(ExprKind::Or, "or", std::move(left), parseAnd());
        return left;
    }

    ExprPtr parseAnd() {
        ExprPtr left = parseNot();
        while (skipName("and")) left = binary(ExprKind::And, "and", std::move(left), parseNot());
        return left;
    }

    ExprPtr parseNot() {
        const NestingGuard guard = recursion();
        if (isName("not")) {
            const int line = advance().line;
            auto e = node(ExprKind::Not, line);
            e->operands.push_back(parseNot());
            return finish(std::move(e));
        }
        return parseCompare();
    }

    ExprPtr parseCompare() {
        ExprPtr first = parseMath1();
        std::unique_ptr<Expr> compare;
        while (true) {
            std::string op;
            if (current().type == TokenType::Operator &&
                (current().text == "==" || current().text == "!=" || current().text == "<" ||
                 current().text == "<=" || current().text == ">" || current().text == ">=")) {
                op = advance().text;
            } else if (skipName("in")) {
                op = "in";
            } else if (isName("not") && peek().type == TokenType::Name && peek().text == "in") {
                advance();
                advance();
                op = "not in";
            } else {
                break;
            }
            if (!compare) {
                compare = node(ExprKind::Compare, first->line);
                compare->operands.push_back(std::move(first));
            }
            compare->ops.push_back(op);
            compare->operands.push_back(parseMath1());
        }
        if (!compare) return first;
        return finish(std::move(compare));
    }

    ExprPtr parseMath1() {
        ExprPtr left = parseConcat();
        while (isOp("+") || isOp("-")) {
            const std::string op = advance().text;
            left = binary(ExprKind::Binary, op, std::move(left), parseConcat());
        }
        return left;
    }

    ExprPtr parseConcat() {
        ExprPtr first = parseMath2();
        if (!isOp("~")) return first;
        auto e = node(ExprKind::Concat, first->line);
        e->operands.push_back(std::move(first));
        while (skipOp("~")) e->operands.push_back(parseMath2());
        return finish(std::move(e));
    }

    ExprPtr parseMath2() {
        ExprPtr left = parsePow();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            const std::string op = advance().text;
            left = binary(ExprKind::Binary, op, std::move(left), parsePow());
        }
        return left;
    }

    ExprPtr parsePow() {
        ExprPtr left = parseUnary(true);
        while (skipOp("**"))
            left = binary(ExprKind::Binary, "**", std::move(left), parseUnary(true));
        return left;
    }

    // The parser's own recursion (parentheses, not not ..., a if b else c if ...): refused when
    // deep, before it exhausts the stack.
    NestingGuard recursion() {
        return NestingGuard(m_expressionNesting, m_limits.maxParserRecursion, [&] {
            throw TemplateError(TemplateErrorKind::Limit, m_name, current().line,
                                "an expression nested too deep (more than " +
                                    std::to_string(m_limits.maxParserRecursion) +
                                    " levels of the parser)");
        });
    }

    ExprPtr parseUnary(bool withFilter) {
        const NestingGuard guard = recursion();
        ExprPtr operand;
        if (isOp("-") || isOp("+")) {
            const Token& sign = advance();
            auto e = node(sign.text == "-" ? ExprKind::Negate : ExprKind::Positive, sign.line);
            e->operands.push_back(parseUnary(false));
            operand = finish(std::move(e));
        } else {
            operand = parsePrimary();
        }
        operand = parsePostfix(std::move(operand));
        if (withFilter) operand = parseFilterExpr(std::move(operand));
        return operand;
    }

    ExprPtr parsePrimary() {
        const Token& token = current();
        switch (token.type) {
            case TokenType::Name: {
                advance();
                auto e = node(ExprKind::Literal, token.line);
                if (token.text == "true" || token.text == "True") {
                    e->literal = Value(true);
                } else if (token.text == "false" || token.text == "False") {
                    e->literal = Value(false);
                } else if (token.text == "none" || token.text == "None") {
                    e->literal = Value::none();
                } else {
                    e->kind = ExprKind::Name;
                    e->name = token.text;
                }
                return finish(std::move(e));
            }
            case TokenType::String: {
                std::string text;
                while (current().type == TokenType::String) text += advance().text;
                auto e = node(ExprKind::Literal, token.line);
                e->literal = Value(std::move(text));
                return finish(std::move(e));
            }
            case TokenType::Integer:
            case TokenType::Float: {
                advance();
                auto e = node(ExprKind::Literal, token.line);
                e->literal = token.type == TokenType::Integer ? Value(token.intValue)
                                                              : Value(token.floatValue);
                return finish(std::move(e));
            }
            case TokenType::Operator:
                if (token.text == "(") {
                    advance();
                    ExprPtr inner = parseTuple(true, {}, true);
                    expectOp(")");
                    return inner;
                }
                if (token.text == "[") return parseListLiteral();
                if (token.text == "{") return parseDictLiteral();
                break;
            default:
                break;
        }
        fail(token, "unexpected " + describe(token));
    }

    ExprPtr parseListLiteral() {
        auto e = node(ExprKind::List, advance().line);
        while (!isOp("]")) {
            if (!e->operands.empty()) expectOp(",");
            if (isOp("]")) break;
            e->operands.push_back(parseExpression(true));
        }
        expectOp("]");
        return finish(std::move(e));
    }

    ExprPtr parseDictLiteral() {
        auto e = node(ExprKind::Dict, advance().line);
        while (!isOp("}")) {
            if (!e->operands.empty()) expectOp(",");
            if (isOp("}")) break;
            e->operands.push_back(parseExpression(true));
            expectOp(":");
            e->operands.push_back(parseExpression(true));
        }
        expectOp("}");
        return finish(std::move(e));
    }

    ExprPtr parsePostfix(ExprPtr operand) {
        while (true) {
            if (isOp(".") || isOp("[")) {
                operand = parseSubscript(std::move(operand));
            } else if (isOp("(")) {
                operand = parseCall(std::move(operand));
            } else {
                return operand;
            }
        }
    }

    ExprPtr parseFilterExpr(ExprPtr operand) {
        while (true) {
            if (isOp("|")) {
                operand = parseFilterChain(std::move(operand), false);
            } else if (isName("is")) {
                operand = parseTest(std::move(operand));
            } else if (isOp("(")) {
                operand = parseCall(std::move(operand));
            } else {
                return operand;
            }
        }
    }

    ExprPtr parseSubscript(ExprPtr operand) {
        const Token& token = advance();
        if (token.text == ".") {
            const Token& attribute = current();
            if (attribute.type == TokenType::Name) {
                advance();
                auto e = node(ExprKind::Attribute, token.line);
                e->name = attribute.text;
                e->operands.push_back(std::move(operand));
                return finish(std::move(e));
            }
            if (attribute.type == TokenType::Integer) {
                advance();
                auto index = node(ExprKind::Literal, attribute.line);
                index->literal = Value(attribute.intValue);
                auto e = node(ExprKind::Subscript, token.line);
                e->operands.push_back(std::move(operand));
                e->operands.push_back(finish(std::move(index)));
                return finish(std::move(e));
            }
            fail(attribute, "expected name or number");
        }
        std::vector<ExprPtr> args;
        while (!isOp("]")) {
            if (!args.empty()) {
                expectOp(",");
                if (isOp("]")) break;
            }
            args.push_back(parseSubscribed());
        }
        expectOp("]");
        auto e = node(ExprKind::Subscript, token.line);
        e->operands.push_back(std::move(operand));
        if (args.size() == 1) {
            e->operands.push_back(std::move(args.front()));
        } else {
            auto tuple = node(ExprKind::Tuple, token.line);
            tuple->operands = std::move(args);
            e->operands.push_back(finish(std::move(tuple)));
        }
        return finish(std::move(e));
    }

    // An index or a slice start:stop:step (any part may be left out).
    ExprPtr parseSubscribed() {
        const int line = current().line;
        std::vector<ExprPtr> parts;
        if (!isOp(":")) {
            ExprPtr first = parseExpression(true);
            if (!isOp(":")) return first;
            parts.push_back(std::move(first));
        } else {
            parts.push_back(nullptr);
        }
        advance();  // ':'
        if (!isOp("]") && !isOp(",") && !isOp(":")) {
            parts.push_back(parseExpression(true));
        } else {
            parts.push_back(nullptr);
        }
        if (skipOp(":")) {
            if (!isOp("]") && !isOp(",")) {
                parts.push_back(parseExpression(true));
            } else {
                parts.push_back(nullptr);
            }
        } else {
            parts.push_back(nullptr);
        }
        auto e = node(ExprKind::Slice, line);
        e->operands = std::move(parts);
        return finish(std::move(e));
    }

    // Arguments of a call, filter or test: positional, name=value, *args, **kwargs.
    void parseArguments(Expr& e) {
        expectOp("(");
        bool first = true;
        while (!isOp(")")) {
            if (!first) {
                expectOp(",");
                if (isOp(")")) break;
            }
            first = false;
            if (skipOp("*")) {
                e.starArgs = parseExpression(true);
            } else if (skipOp("**")) {
                e.starKwargs = parseExpression(true);
            } else if (current().type == TokenType::Name && peek().type == TokenType::Operator &&
                       peek().text == "=") {
                if (e.starKwargs) fail(current(), "invalid syntax for function call expression");
                Keyword keyword;
                keyword.name = advance().text;
                advance();
                keyword.value = parseExpression(true);
                e.keywords.push_back(std::move(keyword));
            } else {
                if (!e.keywords.empty() || e.starArgs || e.starKwargs) {
                    fail(current(), "invalid syntax for function call expression");
                }
                e.operands.push_back(parseExpression(true));
            }
        }
        expectOp(")");
    }

    ExprPtr parseCall(ExprPtr callee) {
        auto e = node(ExprKind::Call, current().line);
        e->operands.push_back(std::move(callee));
        parseArguments(*e);
        return finish(std::move(e));
    }

    std::string parseDottedName() {
        std::string name = expectIdentifier();
        while (isOp(".")) {
            advance();
            name += '.';
            name += expectIdentifier();
        }
        return name;
    }

    // | name(args) | name ...; operand null in a filter block or set block (the body's text).
    ExprPtr parseFilterChain(ExprPtr operand, bool startInline) {
        while (isOp("|") || startInline) {
            if (!startInline) advance();
            startInline = false;
            const Token& at = current();
            auto e = node(ExprKind::Filter, at.line);
            e->name = parseDottedName();
            if (!isJinjaFilterName(e->name)) fail(at, "No filter named '" + e->name + "'.");
            e->operands.push_back(std::move(operand));
            if (isOp("(")) parseArguments(*e);
            operand = finish(std::move(e));
        }
        return operand;
    }

    ExprPtr parseTest(ExprPtr operand) {
        const int line = advance().line;  // 'is'
        const bool negated = skipName("not");
        const Token& at = current();
        auto e = node(ExprKind::Test, line);
        e->name = parseDottedName();
        if (!isJinjaTestName(e->name)) fail(at, "No test named '" + e->name + "'.");
        e->operands.push_back(std::move(operand));
        if (isOp("(")) {
            parseArguments(*e);
        } else if ((current().type == TokenType::Name || current().type == TokenType::String ||
                    current().type == TokenType::Integer || current().type == TokenType::Float ||
                    isOp("(") || isOp("[") || isOp("{")) &&
                   !isName("else") && !isName("or") && !isName("and")) {
            if (isName("is")) fail(current(), "You cannot chain multiple tests with is");
            e->operands.push_back(parsePostfix(parsePrimary()));
        }
        ExprPtr test = finish(std::move(e));
        if (!negated) return test;
        auto n = node(ExprKind::Not, line);
        n->operands.push_back(std::move(test));
        return finish(std::move(n));
    }

    const std::vector<Token>& m_tokens;
    const std::string& m_name;
    const ParseLimits& m_limits;
    std::size_t m_pos = 0;
    int m_nesting = 0;
    int m_expressionNesting = 0;
    int m_loopDepth = 0;
};

}  // namespace

Body parseTemplate(const std::vector<Token>& tokens, const std::string& templateName,
                   const ParseLimits& limits) {
    return Parser(tokens, templateName, limits).parseAll();
}

bool isJinjaFilterName(const std::string& name) {
    return std::find(kFilterNames.begin(), kFilterNames.end(), name) != kFilterNames.end();
}

bool isJinjaTestName(const std::string& name) {
    return std::find(kTestNames.begin(), kTestNames.end(), name) != kTestNames.end();
}

}  // namespace ladder::chat
