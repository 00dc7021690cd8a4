// Unit tests of the limits that keep a hostile or broken template (it comes from a downloaded
// model folder) from hanging or crashing Ladder: depth, steps, output and value sizes.
#include <chrono>

#include <gtest/gtest.h>

#include "tests/chat/template_test_support.h"

namespace ladder::chat::test {
namespace {

TEST(Limits, EndlessMacroRecursionStopsWithALimitError) {
    const TemplateError e = renderError("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}");
    EXPECT_EQ(e.kind(), TemplateErrorKind::Limit);
    EXPECT_NE(std::string(e.what()).find("nested more than"), std::string::npos);
}

TEST(Limits, DeeplyNestedExpressionsAreRefusedWhenParsed) {
    const std::string parentheses =
        "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
    EXPECT_EQ(renderError(parentheses).kind(), TemplateErrorKind::Limit);
    std::string chain = "{{ 1";
    for (int i = 0; i < 5000; ++i) chain += " + 1";
    EXPECT_EQ(renderError(chain + " }}").kind(), TemplateErrorKind::Limit);
    std::string blocks;
    for (int i = 0; i < 5000; ++i) blocks += "{% if true %}";
    EXPECT_EQ(renderError(blocks).kind(), TemplateErrorKind::Limit);
}

TEST(Limits, EndlessLoopsStopAfterTheStepLimitQuickly) {
    const auto start = std::chrono::steady_clock::now();
    const TemplateError e = renderError(
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}");
    EXPECT_EQ(e.kind(), TemplateErrorKind::Limit);
    EXPECT_NE(std::string(e.what()).find("steps"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST(Limits, OutputAndStringsCannotGrowPastTheSizeLimit) {
    TemplateOptions options;
    options.render.maxOutputBytes = 1000;
    EXPECT_EQ(renderError("{% for i in range(2000) %}x{% endfor %}", "{}", options).kind(),
              TemplateErrorKind::Limit);
    EXPECT_EQ(renderError("{% set s = 'x' * 5000 %}", "{}", options).kind(),
              TemplateErrorKind::Limit);
    EXPECT_EQ(renderError("{{ 'x' * 100000000000 }}").kind(), TemplateErrorKind::Limit);
    EXPECT_EQ(renderError("{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
                          "{% set ns.s = ns.s ~ ns.s %}{% endfor %}")
                  .kind(),
              TemplateErrorKind::Limit);
    EXPECT_EQ(render("{{ 'x' * 10 }}", "{}", options), "xxxxxxxxxx");
}

TEST(Limits, ValuesNestedWithoutEndAreRefused) {
    const TemplateError e = renderError(
        "{% set ns = namespace(v=[]) %}{% for i in range(100000) %}{% set ns.v = [ns.v] %}{% "
        "endfor %}"
        "{{ ns.v }}");
    EXPECT_EQ(e.kind(), TemplateErrorKind::Limit);
}

}  // namespace
}  // namespace ladder::chat::test
