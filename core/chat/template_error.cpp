// TemplateError's message: "<template>, line N: <detail>", with advice that depends on the kind.
#include "core/chat/template_error.h"

namespace ladder::chat {
namespace {

std::string advice(TemplateErrorKind kind) {
    switch (kind) {
        case TemplateErrorKind::Syntax:
            return " (jinja2 refuses this template too: fix its text)";
        case TemplateErrorKind::Unsupported:
            return " is not supported by Ladder's chat-template interpreter (it renders the Jinja "
                   "subset chat templates use): render with transformers, or simplify the template";
        case TemplateErrorKind::Security:
            return " (transformers' sandbox forbids this too: the template is broken or hostile)";
        case TemplateErrorKind::Limit:
            return " (a broken or hostile template? Ladder stops here instead of hanging)";
        default:
            return "";
    }
}

// "<template>, line N: <detail><advice>"; built by appending (GCC 12 warns falsely on chains of +).
std::string composeMessage(TemplateErrorKind kind, const std::string& name, int line,
                           const std::string& detail) {
    std::string message = name.empty() ? std::string("chat template") : name;
    if (line > 0) {
        message += ", line ";
        message += std::to_string(line);
    }
    message += ": ";
    if (kind == TemplateErrorKind::Syntax) message += "syntax error: ";
    if (kind == TemplateErrorKind::Raised) message += "the template refused this conversation: ";
    message += detail;
    message += advice(kind);
    return message;
}

}  // namespace

const char* kindName(TemplateErrorKind kind) {
    switch (kind) {
        case TemplateErrorKind::Syntax:
            return "syntax";
        case TemplateErrorKind::Unsupported:
            return "unsupported";
        case TemplateErrorKind::Raised:
            return "raised";
        case TemplateErrorKind::Runtime:
            return "runtime";
        case TemplateErrorKind::Security:
            return "security";
        case TemplateErrorKind::Limit:
            return "limit";
    }
    return "unknown";
}

TemplateError::TemplateError(TemplateErrorKind kind, std::string templateName, int line,
                             std::string detail)
    : Error(composeMessage(kind, templateName, line, detail)),
      m_kind(kind),
      m_templateName(std::move(templateName)),
      m_line(line),
      m_detail(std::move(detail)) {}

void fail(TemplateErrorKind kind, std::string message) {
    throw EvalFailure{kind, std::move(message)};
}

}  // namespace ladder::chat
