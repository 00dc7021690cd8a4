// template_test_support (see template_test_support.h).
#include "tests/chat/template_test_support.h"

#include <gtest/gtest.h>

#include "core/chat/json_values.h"

namespace ladder::chat::test {

std::chrono::system_clock::time_point fixedTime() {
    return std::chrono::system_clock::from_time_t(1721995200);
}

std::string render(const std::string& source, const std::string& variablesJson,
                   const TemplateOptions& options) {
    Variables variables;
    const OrderedJson json = OrderedJson::parse(variablesJson);
    for (const auto& [name, value] : json.items()) {
        variables.emplace_back(name, fromJson(value));
    }
    return Template::compile(source, "test.jinja", options).render(variables, fixedTime);
}

TemplateError renderError(const std::string& source, const std::string& variablesJson,
                          const TemplateOptions& options) {
    try {
        const std::string text = render(source, variablesJson, options);
        ADD_FAILURE() << "rendered without an error: \"" << text << "\"";
    } catch (const TemplateError& e) {
        return e;
    }
    return TemplateError(TemplateErrorKind::Runtime, "", 0, "no error");
}

}  // namespace ladder::chat::test
