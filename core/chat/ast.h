// The syntax tree of a parsed template: statements (text, output, if, for, set, macro, ...) and
// expressions. Built by the parser, read by the interpreter; a Template owns it.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/chat/value.h"

namespace ladder::chat {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
    Literal,      // literal
    Name,         // name
    List,         // operands: items
    Tuple,        // operands: items
    Dict,         // operands: key, value, key, value, ...
    Attribute,    // operands[0].name
    Subscript,    // operands[0][operands[1]]
    Slice,        // operands: start, stop, step (each may be null)
    Call,         // operands[0](operands[1..], keywords, *starArgs, **starKwargs)
    Filter,       // operands[0] | name(operands[1..], keywords); operands[0] null in a filter block
    Test,         // operands[0] is name(operands[1..], keywords)
    Not,          // not operands[0]
    Negate,       // -operands[0]
    Positive,     // +operands[0]
    Binary,       // operands[0] <name> operands[1], name one of + - * / // % **
    Compare,      // operands[0] ops[0] operands[1] ops[1] operands[2] ...
    And,          // operands[0] and operands[1]
    Or,           // operands[0] or operands[1]
    Concat,       // operands joined with ~
    Conditional,  // operands[0] if operands[1] else operands[2] (else may be null)
};

struct Keyword {
    std::string name;
    ExprPtr value;
};

struct Expr {
    ExprKind kind = ExprKind::Literal;
    int line = 0;
    int depth = 1;  // height of this subtree: the interpreter's recursion over it
    std::string name;
    Value literal;
    std::vector<ExprPtr> operands;
    std::vector<std::string> ops;  // Compare: "==", "!=", "<", "<=", ">", ">=", "in", "not in"
    std::vector<Keyword> keywords;
    ExprPtr starArgs;
    ExprPtr starKwargs;
};

// Where a for loop, set or with puts a value: a name, a tuple of targets, or ns.attribute.
struct Target {
    enum class Kind { Name, Tuple, Attribute };
    Kind kind = Kind::Name;
    std::string name;
    std::string attribute;
    std::vector<Target> items;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

enum class StmtKind {
    Text,         // text
    Output,       // {{ expr }} or {% print %}: operands printed in turn
    If,           // branches (condition, body), elseBody
    For,          // for target in expr [if condition]: body, else elseBody
    Set,          // set target = expr
    SetBlock,     // set target [| filters]: body (filters: expr, a Filter chain, may be null)
    Macro,        // macro name(params): body
    CallBlock,    // call[(params)] expr: body, passed as caller()
    FilterBlock,  // filter expr: body
    With,         // with assignments: body
    Break,
    Continue,
    Scope,  // a body with its own scope ({% generation %} from transformers)
};

struct MacroParam {
    std::string name;
    ExprPtr defaultValue;  // may be null
};

struct IfBranch {
    ExprPtr condition;
    Body body;
};

struct Stmt {
    StmtKind kind = StmtKind::Text;
    int line = 0;
    std::string text;
    std::vector<ExprPtr> outputs;
    ExprPtr expr;
    ExprPtr condition;
    Target target;
    std::vector<IfBranch> branches;
    Body body;
    Body elseBody;
    // Macro and CallBlock
    std::string name;
    std::vector<MacroParam> params;
    bool catchVarargs = false;  // the body reads `varargs`: extra positional arguments allowed
    bool catchKwargs = false;   // the body reads `kwargs`: extra keyword arguments allowed
    bool readsCaller = false;   // the body reads `caller`
    // With
    std::vector<std::pair<Target, ExprPtr>> assignments;
};

}  // namespace ladder::chat
