// What the chat-template oracle tests share: finding the oracle Python, running the reference
// script on a batch of cases, and comparing Ladder's render of each case with the reference.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/chat/chat_template.h"
#include "tests/chat/conversations.h"

namespace ladder::chat::test {

// The interpreter of the oracle environment: $LADDER_ORACLE_PYTHON, else what the checkout's
// scripts/oracle-python prints when it has one. Empty, with why in `reason`, when there is none.
[[nodiscard]] std::string oraclePython(std::string& reason);

struct ReferenceResult {
    std::string id;
    bool failed = false;
    std::string text;       // the render, when it did not fail
    std::string errorType;  // Python's exception class, when it failed ("TemplateError", ...)
    std::string error;      // its message
    std::vector<int> ids;   // token ids, when the case asked for them
};

struct Reference {
    std::string oracle;  // "transformers 5.24.0, jinja2 3.1.6"
    std::vector<ReferenceResult> results;
};

// Runs render_reference.py on the cases (in `workDir`); fails the test with Python's output when
// the script fails. $LADDER_ORACLE_KEEP names a folder to keep the cases and renders in.
[[nodiscard]] Reference renderReference(const std::string& python,
                                        const std::vector<OracleCase>& cases,
                                        const std::filesystem::path& workDir);

// "" when Ladder's text equals the reference, else where they first differ, shown with context.
[[nodiscard]] std::string describeDifference(const std::string& ladder,
                                             const std::string& reference);

}  // namespace ladder::chat::test

// Skips the test, printing why, when there is no oracle Python.
#define LADDER_REQUIRE_ORACLE_PYTHON(variable)                                \
    std::string variable;                                                     \
    do {                                                                      \
        std::string whyNot;                                                   \
        variable = ::ladder::chat::test::oraclePython(whyNot);                \
        if (variable.empty()) GTEST_SKIP() << "no oracle Python: " << whyNot; \
    } while (0)
