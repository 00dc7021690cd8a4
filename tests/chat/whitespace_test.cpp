// Unit tests of whitespace handling: transformers renders with trim_blocks and lstrip_blocks,
// jinja2 drops one trailing newline, and "-" / "+" inside tags override both.
#include <gtest/gtest.h>

#include "tests/chat/template_test_support.h"

namespace ladder::chat::test {
namespace {

TEST(Whitespace, BlockTagsOnTheirOwnLinesLeaveNoTrace) {
    EXPECT_EQ(render("  {% if true %}\n  x\n  {% endif %}\n  y\n"), "  x\n  y");
    EXPECT_EQ(render("{% for i in [1, 2] %}\n    {{ i }}\n{% endfor %}\n"), "    1\n    2\n");
}

TEST(Whitespace, LstripBlocksSparesTextBeforeATagOnTheSameLineAndPrintTags) {
    EXPECT_EQ(render("a  {% if true %}b{% endif %}"), "a  b");
    EXPECT_EQ(render("  {{ 'x' }}\n"), "  x");
    EXPECT_EQ(
        render(
            "\t {% if true %}a{% endif %}\n\t{%- if true %}b{% endif %}\n  {{ 'c' }}\n  {#- x #}d"),
        "ab  cd");
}

TEST(Whitespace, MinusStripsAllWhitespaceOnItsSide) {
    EXPECT_EQ(render("a\n\n{%- if true -%}\n\n b \n\n{%- endif -%}\n\nc"), "abc");
    EXPECT_EQ(render("a  {{- 'b' -}}  \n c"), "abc");
    EXPECT_EQ(render("a \u00a0{{- 'b' }}"), "ab");  // Python's \s includes the no-break space
}

TEST(Whitespace, PlusKeepsWhatTrimAndLstripWouldRemove) {
    EXPECT_EQ(render("  {%+ if true %}z{% endif +%}\nw"), "  z\nw");
}

TEST(Whitespace, CommentsAreTrimmedLikeBlocks) {
    EXPECT_EQ(render("a\n  {# comment #}\nb"), "a\nb");
    EXPECT_EQ(render("y  {# c #}\nz"), "y  z");
}

TEST(Whitespace, OnlyOneTrailingNewlineIsDroppedAndLineEndingsBecomeNewlines) {
    EXPECT_EQ(render("{{ 'x' }}\n{{ 'y' }}\n"), "x\ny");
    EXPECT_EQ(render("x\n\n"), "x\n");
    EXPECT_EQ(render("x\r\ny{% if true %}\r\nz{% endif %}\r\n"), "x\nyz");
}

TEST(Whitespace, RawBlocksObeyWhitespaceControl) {
    EXPECT_EQ(render("{% raw %}{{ a }}{% endraw %}\n{%- raw -%}  {{ b }}  {%- endraw -%}  z"),
              "{{ a }}{{ b }}z");
    EXPECT_EQ(render("{% raw %}\nkeep\n{% endraw %}\nnext"), "\nkeep\nnext");
}

TEST(Whitespace, WithoutLstripBlocksTheIndentOfBlockLinesStays) {
    TemplateOptions options;
    options.lexer.lstripBlocks = false;
    EXPECT_EQ(render("  {% if true %}\n  x\n  {% endif %}\n", "{}", options), "    x\n  ");
    options.lexer.trimBlocks = false;
    EXPECT_EQ(render("{% if true %}\nx\n{% endif %}\n", "{}", options), "\nx\n");
}

}  // namespace
}  // namespace ladder::chat::test
