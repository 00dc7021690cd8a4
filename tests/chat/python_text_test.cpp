// Unit tests of Python's string semantics on UTF-8 (what templates see through jinja2).
#include <gtest/gtest.h>

#include "core/chat/python_text.h"

namespace ladder::chat::py {
namespace {

TEST(PythonText, FloatReprIsPythonsShortestRoundTrip) {
    EXPECT_EQ(floatRepr(1.0), "1.0");
    EXPECT_EQ(floatRepr(0.1), "0.1");
    EXPECT_EQ(floatRepr(1e16), "1e+16");
    EXPECT_EQ(floatRepr(1e15), "1000000000000000.0");
    EXPECT_EQ(floatRepr(1.5e-5), "1.5e-05");
    EXPECT_EQ(floatRepr(0.0001), "0.0001");
    EXPECT_EQ(floatRepr(-2.5), "-2.5");
    EXPECT_EQ(floatRepr(5e-324), "5e-324");
    EXPECT_EQ(floatRepr(1.7976931348623157e308), "1.7976931348623157e+308");
    EXPECT_EQ(floatRepr(123456.789), "123456.789");
}

TEST(PythonText, ReprQuotesAndEscapesAsPython) {
    EXPECT_EQ(repr("abc"), "'abc'");
    EXPECT_EQ(repr("it's"), "\"it's\"");
    EXPECT_EQ(repr("'\""), "'\\'\"'");
    EXPECT_EQ(repr("a\\b\n\t\r\x7f"), "'a\\\\b\\n\\t\\r\\x7f'");
    EXPECT_EQ(repr("é\u00a0\u2028😀"), "'é\\xa0\\u2028😀'");
}

TEST(PythonText, WhitespaceIsPythonsUnicodeWhitespace) {
    EXPECT_EQ(strip("\u00a0\u3000 x \u2029\x1c", Side::Both), "x");
    EXPECT_EQ(strip(" x\u200b ", Side::Both), "x\u200b");  // zero width space is not whitespace
    EXPECT_EQ(strip("  x  ", Side::Left), "x  ");
    EXPECT_EQ(strip("xyxay", "xy", Side::Right), "xyxa");
    const std::vector<std::string> words{"a", "b", "c"};
    EXPECT_EQ(splitWhitespace(" a\u00a0b\n c ", -1, false), words);
    EXPECT_EQ(splitWhitespace(" a b c ", 1, false), (std::vector<std::string>{"a", "b c"}));
    EXPECT_EQ(splitWhitespace(" a b c ", 1, true), (std::vector<std::string>{"a b", "c"}));
}

TEST(PythonText, SplitReplaceAndFindWorkOnCodePoints) {
    EXPECT_EQ(split("a--b--", "--", -1, false), (std::vector<std::string>{"a", "b", ""}));
    EXPECT_EQ(split("a-b-c", "-", 1, true), (std::vector<std::string>{"a-b", "c"}));
    EXPECT_EQ(replace("aaa", "a", "b", 2), "bba");
    EXPECT_EQ(replace("ab", "", "-", -1), "-a-b-");
    EXPECT_EQ(find("héllo", "l", false), 2);
    EXPECT_EQ(find("héllo", "l", true), 3);
    EXPECT_EQ(count("aaaa", "aa"), 2);
    EXPECT_EQ(splitLines("a\r\nb\u2028c\n", false), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(splitLines("a\nb", true), (std::vector<std::string>{"a\n", "b"}));
    EXPECT_EQ(codePointLength("日本😀"), 3u);
}

TEST(PythonText, CaseMappingUsesPythonsFullMappingsForCommonCharacters) {
    EXPECT_EQ(upper("straße ﬁx"), "STRASSE FIX");
    EXPECT_EQ(lower("ΟΔΟΣ ΣΑ"), "οδος σα");
    EXPECT_EQ(capitalize("élan VITAL"), "Élan vital");
    EXPECT_EQ(title("hello wORLD it's"), "Hello World It'S");
    EXPECT_TRUE(isLower("abc1"));
    EXPECT_FALSE(isLower("123"));
    EXPECT_TRUE(isDigit("١٢٣"));
}

}  // namespace
}  // namespace ladder::chat::py
