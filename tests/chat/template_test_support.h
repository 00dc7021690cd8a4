// Helpers for the interpreter's unit tests: render a template text with JSON variables at a
// fixed time, or get the error it ends in.
#pragma once

#include <chrono>
#include <string>

#include "core/chat/template.h"

namespace ladder::chat::test {

// 26 Jul 2024 12:00:00 UTC: what strftime_now() reads in these tests.
[[nodiscard]] std::chrono::system_clock::time_point fixedTime();

// Renders `source` (named "test.jinja") with the variables of a JSON object.
[[nodiscard]] std::string render(const std::string& source, const std::string& variablesJson = "{}",
                                 const TemplateOptions& options = {});

// The TemplateError that compiling or rendering `source` ends in; fails the test when it renders.
[[nodiscard]] TemplateError renderError(const std::string& source,
                                        const std::string& variablesJson = "{}",
                                        const TemplateOptions& options = {});

}  // namespace ladder::chat::test
