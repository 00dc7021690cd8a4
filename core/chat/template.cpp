// Template::compile (lex, parse) and Template::render (a fresh Interpreter per render, so that
// renders share nothing and may run on several threads at once).
#include "core/chat/template.h"

#include "core/chat/template_error.h"
#include "core/common/text.h"

namespace ladder::chat {

Template Template::compile(std::string_view source, std::string name, TemplateOptions options) {
    if (!text::isValidUtf8(source)) {
        throw TemplateError(TemplateErrorKind::Syntax, name, 0,
                            "the template is not valid UTF-8 text");
    }
    const std::vector<Token> tokens = tokenize(source, options.lexer, name);
    Template compiled;
    compiled.m_body = std::make_shared<const Body>(parseTemplate(tokens, name, options.parse));
    compiled.m_name = std::move(name);
    compiled.m_options = options;
    return compiled;
}

std::string Template::render(const Variables& variables, const Clock& clock) const {
    Interpreter interpreter(m_name, m_options.render, clock);
    return interpreter.render(*m_body, variables);
}

}  // namespace ladder::chat
