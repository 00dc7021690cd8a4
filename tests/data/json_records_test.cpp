// Streaming record reader: arrays and JSON Lines, rows and lines, strings that look like structure.
#include <gtest/gtest.h>

#include <vector>

#include "core/common/error.h"
#include "core/data/json_records.h"
#include "tests/support/test_support.h"

namespace ladder::data {
namespace {

using test::TempDir;
using test::writeFile;

class CollectingSink : public ImportSink {
public:
    void addResponse(ResponseRecord&&) override {}
    void addPair(PairRecord&&) override {}
    void addVerdict(VerdictRecord&&) override {}
    void badRow(const BadRow& bad) override { bad_.push_back(bad); }
    std::vector<BadRow> bad_;
};

struct Seen {
    nlohmann::json value;
    RowLocation at;
};

std::vector<Seen> readAll(const std::filesystem::path& file, CollectingSink& sink) {
    std::vector<Seen> out;
    forEachJsonRecord(file, sink, [&](const nlohmann::json& v, const RowLocation& at) {
        out.push_back({v, at});
    });
    return out;
}

TEST(JsonRecords, ReadsArrayElementsWithRowAndStartLine) {
    TempDir dir;
    writeFile(dir / "a.json",
              "[\n  {\"a\": 1},\n  {\"a\": 2,\n   \"b\": \"x\"},\n  {\"a\": 3}\n]\n");
    CollectingSink sink;
    const auto rows = readAll(dir / "a.json", sink);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1].value["b"], "x");
    EXPECT_EQ(rows[0].at.row, 0);
    EXPECT_EQ(rows[0].at.line, 2);
    EXPECT_EQ(rows[2].at.row, 2);
    EXPECT_EQ(rows[2].at.line, 5);
    EXPECT_TRUE(sink.bad_.empty());
}

TEST(JsonRecords, ReadsJsonLinesSkippingBlankLinesAndCarriageReturns) {
    TempDir dir;
    writeFile(dir / "a.jsonl", "{\"a\": 1}\r\n\n{\"a\": 2}\r\n   \n{\"a\": 3}");
    CollectingSink sink;
    const auto rows = readAll(dir / "a.jsonl", sink);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[2].value["a"], 3);
    EXPECT_EQ(rows[1].at.row, 1);
    EXPECT_EQ(rows[1].at.line, 3);
    EXPECT_EQ(rows[2].at.line, 5);
}

TEST(JsonRecords, BracketsCommasAndEscapedQuotesInsideStringsDoNotEndARecord) {
    TempDir dir;
    writeFile(dir / "a.json",
              R"([{"t": "a ] b, c } d [", "u": "say \"hi\", \\"}, {"t": "\\\"]"}])");
    CollectingSink sink;
    const auto rows = readAll(dir / "a.json", sink);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].value["t"], "a ] b, c } d [");
    EXPECT_EQ(rows[0].value["u"], "say \"hi\", \\");
    EXPECT_EQ(rows[1].value["t"], "\\\"]");
}

TEST(JsonRecords, StreamsRecordsAcrossReadChunkBoundaries) {
    // Records of ~100 KB make a 3 MB array, so records straddle the 1 MiB read chunks.
    TempDir dir;
    std::string content = "[";
    const std::string filler(100'000, 'x');
    for (int i = 0; i < 30; ++i) {
        if (i > 0) content += ",\n";
        content += "{\"i\": " + std::to_string(i) + ", \"s\": \"" + filler + "]\\\"\"}";
    }
    content += "]";
    writeFile(dir / "big.json", content);
    CollectingSink sink;
    const auto rows = readAll(dir / "big.json", sink);
    ASSERT_EQ(rows.size(), 30u);
    for (int i = 0; i < 30; ++i) {
        EXPECT_EQ(rows[i].value["i"], i);
        EXPECT_EQ(rows[i].at.line, i + 1);
    }
}

TEST(JsonRecords, InvalidRecordIsABadRowAndReadingGoesOn) {
    TempDir dir;
    writeFile(dir / "a.jsonl", "{\"a\": 1}\n{\"a\": \n{\"a\": 3}\n");
    CollectingSink sink;
    const auto rows = readAll(dir / "a.jsonl", sink);
    ASSERT_EQ(rows.size(), 2u);
    ASSERT_EQ(sink.bad_.size(), 1u);
    EXPECT_EQ(sink.bad_[0].at.line, 2);
    EXPECT_NE(sink.bad_[0].message.find("not valid JSON"), std::string::npos);
}

TEST(JsonRecords, ArrayCutShortThrowsNamingTheFile) {
    TempDir dir;
    writeFile(dir / "cut.json", "[{\"a\": 1}, {\"a\": ");
    CollectingSink sink;
    try {
        (void)readAll(dir / "cut.json", sink);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("cut.json"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("not closed"), std::string::npos);
    }
}

TEST(JsonRecords, FileThatIsNeitherArrayNorJsonLinesThrows) {
    TempDir dir;
    writeFile(dir / "a.csv", "instruction,output\nx,y\n");
    writeFile(dir / "empty.json", "  \n");
    CollectingSink sink;
    EXPECT_THROW((void)readAll(dir / "a.csv", sink), Error);
    EXPECT_THROW((void)readAll(dir / "empty.json", sink), Error);
    EXPECT_THROW((void)readAll(dir / "missing.json", sink), Error);
}

TEST(JsonRecords, FirstRecordFromTheFirstBytesOfAFile) {
    EXPECT_EQ((*firstJsonRecord("\xEF\xBB\xBF  [ {\"a\": [1, 2]}, {\"b\"")).dump(),
              R"({"a":[1,2]})");
    EXPECT_EQ((*firstJsonRecord("{\"x\": \"y\"}\n{\"broken")).dump(), R"({"x":"y"})");
    EXPECT_FALSE(firstJsonRecord("[{\"a\": \"still going").has_value());
    EXPECT_FALSE(firstJsonRecord("hello").has_value());
}

}  // namespace
}  // namespace ladder::data
