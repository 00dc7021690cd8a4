// Parses a template's tokens into statements, with jinja2's grammar and operator precedence.
// Refuses what jinja2 refuses (Syntax) and valid Jinja that Ladder does not render (Unsupported:
// include, extends, block, import, recursive loops), naming the line.
#pragma once

#include <string>
#include <vector>

#include "core/chat/ast.h"
#include "core/chat/lexer.h"

namespace ladder::chat {

struct ParseLimits {
    int maxStatementNesting = 100;  // blocks inside blocks
    int maxExpressionDepth = 200;   // height of one expression's tree
    int maxParserRecursion = 600;   // the parser's own recursion: about 3 levels per parenthesis
};

// Throws TemplateError (Syntax, Unsupported or Limit).
[[nodiscard]] Body parseTemplate(const std::vector<Token>& tokens, const std::string& templateName,
                                 const ParseLimits& limits = {});

// jinja2's built-in filter and test names (and transformers' additions): a name outside these
// is a syntax error when the template is compiled, as in jinja2.
[[nodiscard]] bool isJinjaFilterName(const std::string& name);
[[nodiscard]] bool isJinjaTestName(const std::string& name);

}  // namespace ladder::chat
