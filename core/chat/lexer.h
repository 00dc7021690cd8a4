// Splits a Jinja template into tokens the way jinja2's lexer does with transformers' settings
// (trim_blocks, lstrip_blocks, no trailing newline kept): text, tag delimiters, and the names,
// literals and operators inside tags. Comments are dropped, {% raw %} bodies become text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ladder::chat {

struct LexerOptions {
    bool trimBlocks = true;            // drop the first newline after a block or comment tag
    bool lstripBlocks = true;          // drop spaces and tabs before a block tag on its own line
    bool keepTrailingNewline = false;  // jinja2 drops one newline at the end of the template
};

enum class TokenType {
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
};

struct Token {
    TokenType type = TokenType::End;
    std::string text;  // Text: the text; String: the decoded value; others: as written
    int line = 1;
    std::int64_t intValue = 0;
    double floatValue = 0.0;
};

// Throws TemplateError (Syntax) naming templateName and the line, as jinja2 would refuse it.
[[nodiscard]] std::vector<Token> tokenize(std::string_view source, const LexerOptions& options,
                                          const std::string& templateName);

}  // namespace ladder::chat
