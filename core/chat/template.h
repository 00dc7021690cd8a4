// A compiled Jinja template and how to render it: the entry point of ladder::chat for text that
// is already in hand. ChatTemplate (chat_template.h) loads a model's template the way
// transformers does and renders conversations with it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/chat/ast.h"
#include "core/chat/interpreter.h"
#include "core/chat/lexer.h"
#include "core/chat/parser.h"

namespace ladder::chat {

struct TemplateOptions {
    LexerOptions lexer;  // transformers' settings by default (trim_blocks, lstrip_blocks)
    ParseLimits parse;
    RenderLimits render;
};

class Template {
public:
    // name: what messages call it ("Qwen3-0.6B/chat_template.jinja"). Throws TemplateError when
    // the text is not valid Jinja, uses what Ladder does not render, or is not UTF-8.
    [[nodiscard]] static Template compile(std::string_view source, std::string name,
                                          TemplateOptions options = {});

    [[nodiscard]] const std::string& name() const { return m_name; }
    // Throws TemplateError (the template's raise_exception included). clock: strftime_now's time,
    // the system clock when empty.
    [[nodiscard]] std::string render(const Variables& variables, const Clock& clock = {}) const;

private:
    Template() = default;

    std::string m_name;
    TemplateOptions m_options;
    std::shared_ptr<const Body> m_body;
};

}  // namespace ladder::chat
