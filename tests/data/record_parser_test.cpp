// The record parser against nlohmann's parser: the same values for valid JSON, a refusal (with a
// column) for invalid JSON, on inputs chosen for their edge cases.
#include <gtest/gtest.h>

#include "core/data/record_parser.h"

namespace ladder::data {
namespace {

using nlohmann::json;

TEST(RecordParser, GivesTheSameValuesAsNlohmann) {
    const std::string valid[] = {
        R"({"a": 1, "b": [true, false, null], "c": {"d": "e"}})",
        R"(  {"neg": -12, "big": 18446744073709551615, "float": 1.5e3, "tiny": 1e-400}  )",
        R"({"zero": 0, "minus_zero": -0, "frac": 0.25, "exp": 2E+2, "huge_int": 123456789012345678901})",
        R"({"esc": "quote \" slash \\ \/ \b\f\n\r\t", "u": "\u00e9\u4e2d\ud83d\ude00"})",
        "{\"utf8\": \"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"}",
        R"([1, [2, [3, [4]]], {}, [], ""])",
        R"({"dup": 1, "dup": 2})",
        R"("just a string")",
        "{\"long\": \"" + std::string(5000, 'x') + "\"}",
    };
    for (const std::string& text : valid) {
        json mine;
        std::string error;
        ASSERT_TRUE(parseJsonRecord(text, mine, &error)) << text << ": " << error;
        EXPECT_EQ(mine, json::parse(text)) << text;
        EXPECT_EQ(mine.dump(), json::parse(text).dump()) << text;
    }
}

TEST(RecordParser, RefusesWhatNlohmannRefusesAndSaysWhere) {
    const char* invalid[] = {
        R"({"a": 1,})",            // trailing comma
        R"({"a" 1})",              // no colon
        R"({a: 1})",               // unquoted key
        R"({"a": 01})",            // leading zero
        R"({"a": 1.})",            // no digits after the point
        R"({"a": .5})",            // no digit before the point
        R"({"a": "\x"})",          // unknown escape
        R"({"a": "\ud800"})",      // lone surrogate
        R"({"a": "\u12"})",        // short escape
        R"({"a": tru})",           // broken literal
        R"({"a": 1e999})",         // overflow
        R"({"a": 1} x)",           // text after the value
        "{\"a\": \"tab\there\"}",  // raw control character
        "{\"a\": \"bad \xff\"}",   // not UTF-8
        "{\"a\": \"overlong \xc0\xaf\"}",
        "{\"a\": \"surrogate \xed\xa0\x80\"}",
        R"({"a": "unclosed)",
        R"([1, 2)",
        "",
    };
    for (const std::string text : invalid) {
        json mine;
        std::string error;
        EXPECT_FALSE(parseJsonRecord(text, mine, &error)) << text;
        EXPECT_NE(error.find("column "), std::string::npos) << text;
        EXPECT_THROW(json::parse(text).dump(), json::exception) << text;
    }
}

TEST(RecordParser, LimitsNestingDepth) {
    const std::string deep =
        std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
    json out;
    std::string error;
    EXPECT_FALSE(parseJsonRecord(deep, out, &error));
    EXPECT_NE(error.find("nested too deeply"), std::string::npos);
    const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
    EXPECT_TRUE(parseJsonRecord(ok, out, &error)) << error;
}

}  // namespace
}  // namespace ladder::data
