// ladder::json: JSON from outside the program is parsed with bounded nesting and size, errors name
// the source and the line, and excerpts of any value stay short and never recurse.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "tests/support/test_support.h"

namespace ladder::json {
namespace {

using nlohmann::json;
using test::errorOf;

// [[[...]]] nested `depth` deep, built without recursion (nlohmann's initializer lists copy).
json nestedArrays(int depth) {
    json root = json::array();
    json* innermost = &root;
    for (int i = 1; i < depth; ++i) {
        innermost->push_back(json::array());
        innermost = &innermost->back();
    }
    return root;
}

TEST(JsonRead, ParsesWhatNlohmannParses) {
    const std::string text = R"({"a": [1, -2, 3.5, "x\u00e9", true, null, {}], "b": {"c": []},
                                 "a2": 18446744073709551615, "d": 1e-400})";
    EXPECT_EQ(parseText(text, "t.json"), json::parse(text));
}

TEST(JsonRead, RepeatedKeyKeepsTheLastValueAsNlohmannDoes) {
    EXPECT_EQ(parseText(R"({"k": 1, "k": [2]})", "t.json"), json::parse(R"({"k": [2]})"));
}

TEST(JsonRead, NestingUpToTheLimitIsAcceptedAndOneLevelMoreIsRefusedWithItsPosition) {
    const auto nested = [](int depth) {
        return std::string(static_cast<std::size_t>(depth), '[') +
               std::string(static_cast<std::size_t>(depth), ']');
    };
    EXPECT_EQ(parseText(nested(kMaxDepth), "t.json"), nestedArrays(kMaxDepth));
    const std::string what = errorOf([&] { (void)parseText(nested(kMaxDepth + 1), "t.json"); });
    EXPECT_NE(what.find("t.json is nested more than 64 levels deep (line 1, column 65)"),
              std::string::npos)
        << what;
}

TEST(JsonRead, MillionLevelsDeepIsRefusedWithoutRecursing) {
    const std::string text = "{\"a\":\n" + std::string(1'000'000, '[') + std::string(1'000'000, ']') + "}";
    const std::string what = errorOf([&] { (void)parseText(text, "deep.json"); });
    EXPECT_NE(what.find("deep.json is nested more than 64 levels deep (line 2, column 64)"),
              std::string::npos)
        << what;
    EXPECT_TRUE(parseOrDiscarded(text).is_discarded());
}

TEST(JsonRead, NumberNoDoubleHoldsNamesTheSourceAndTheLine) {
    const std::string what = errorOf([] { (void)parseText("{\n\n  \"x\": 1e400}", "c.json"); });
    EXPECT_NE(what.find("c.json is not valid JSON (line 3, column "), std::string::npos) << what;
    EXPECT_NE(what.find("number overflow parsing '1e400'"), std::string::npos) << what;
    EXPECT_EQ(what.find("json.exception"), std::string::npos) << what;
}

TEST(JsonRead, SyntaxErrorsNameTheSourceLineAndColumnWithoutNlohmannsPrefix) {
    const std::string what = errorOf([] { (void)parseText("[1,\n 2,, 3]", "s.json"); });
    EXPECT_NE(what.find("s.json is not valid JSON (line 2, column 4: syntax error"),
              std::string::npos)
        << what;
    EXPECT_TRUE(parseOrDiscarded("[1,").is_discarded());
    EXPECT_TRUE(parseOrDiscarded("").is_discarded());
    EXPECT_TRUE(parseOrDiscarded("{} extra").is_discarded());
}

TEST(JsonRead, ReadFileNamesTheFileAndRefusesFilesOverTheLimitBeforeParsing) {
    test::TempDir dir;
    test::writeFile(dir / "ok.json", R"({"n": 1})");
    EXPECT_EQ(readFile(dir / "ok.json").at("n"), 1);
    test::writeFile(dir / "bad.json", "{\"n\": }");
    std::string what = errorOf([&] { (void)readFile(dir / "bad.json"); });
    EXPECT_NE(what.find((dir / "bad.json").string() + " is not valid JSON (line 1, column 7"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("get it again if it was cut short"), std::string::npos) << what;
    what = errorOf([&] { (void)readFile(dir / "ok.json", kMaxDepth, /*maxBytes=*/4); });
    EXPECT_NE(what.find("ok.json is larger than"), std::string::npos) << what;
    // A device that never ends is read only up to the limit.
    what = errorOf([&] { (void)readFile("/dev/zero", kMaxDepth, /*maxBytes=*/1 << 20); });
    EXPECT_NE(what.find("/dev/zero is larger than 1 MB"), std::string::npos) << what;
    what = errorOf([&] { (void)readFile(dir / "absent.json"); });
    EXPECT_NE(what.find("cannot read " + (dir / "absent.json").string()), std::string::npos)
        << what;
}

TEST(JsonRead, ExcerptShowsSmallValuesWhole) {
    const json value = json::parse(R"({"a": [1, "two", null], "b": {"c": true}})");
    EXPECT_EQ(excerpt(value), value.dump());
    EXPECT_EQ(excerpt(json("caf\u00e9")), "\"caf\u00e9\"");
    EXPECT_EQ(excerpt(json::array()), "[]");
    EXPECT_EQ(excerpt(json::object()), "{}");
}

TEST(JsonRead, ExcerptCutsLongValuesAtACharacterBoundary) {
    const std::string cut = excerpt(json(std::string(300, 'x') + "\u00e9"), 20);
    EXPECT_EQ(cut, "\"" + std::string(19, 'x') + "...");
    const std::string accents = excerpt(json(std::string(40, 'a') + std::string(40, 'b')), 41);
    EXPECT_EQ(accents, "\"" + std::string(40, 'a') + "...");
    const std::string wide = excerpt(json("\u00e9\u00e9\u00e9\u00e9"), 4);  // 2 bytes each
    EXPECT_EQ(wide, "\"\u00e9...");
}

TEST(JsonRead, ExcerptOfAValueNestedAMillionDeepDoesNotRecurse) {
    const json deep = nestedArrays(1'000'000);
    EXPECT_EQ(excerpt(deep, 10), std::string(10, '[') + "...");
}

TEST(JsonRead, ExcerptOfInvalidUtf8ReplacesInsteadOfThrowing) {
    EXPECT_EQ(excerpt(json(std::string("a\xff"))), "\"a\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace ladder::json
