// The error a chat template ends in: where (template name and line), what kind, and what to do.
// Value operations that do not know the line throw EvalFailure; the interpreter adds the line.
#pragma once

#include <string>

#include "core/common/error.h"

namespace ladder::chat {

enum class TemplateErrorKind {
    Syntax,       // the template is not valid Jinja (jinja2 refuses it too)
    Unsupported,  // valid Jinja that Ladder's interpreter does not render
    Raised,       // the template's own raise_exception("...")
    Runtime,      // what jinja2 raises while rendering (undefined attribute, type error, ...)
    Security,     // what transformers' sandbox forbids (modifying a list, private attributes)
    Limit,        // output size, nesting depth or step limit reached: a hostile or broken template
};

[[nodiscard]] const char* kindName(TemplateErrorKind kind);

class TemplateError : public Error {
public:
    TemplateError(TemplateErrorKind kind, std::string templateName, int line, std::string detail);

    [[nodiscard]] TemplateErrorKind kind() const { return m_kind; }
    [[nodiscard]] const std::string& templateName() const { return m_templateName; }
    [[nodiscard]] int line() const { return m_line; }
    // The message without the template name and line (for Raised: the template's own text).
    [[nodiscard]] const std::string& detail() const { return m_detail; }

private:
    TemplateErrorKind m_kind;
    std::string m_templateName;
    int m_line;
    std::string m_detail;
};

// Thrown below the interpreter (values, filters, methods), caught by it and turned into a
// TemplateError that names the template and the line being evaluated.
struct EvalFailure {
    TemplateErrorKind kind;
    std::string message;
};

[[noreturn]] void fail(TemplateErrorKind kind, std::string message);
[[noreturn]] inline void failRuntime(std::string message) {
    fail(TemplateErrorKind::Runtime, std::move(message));
}
[[noreturn]] inline void failUnsupported(std::string message) {
    fail(TemplateErrorKind::Unsupported, std::move(message));
}

}  // namespace ladder::chat
