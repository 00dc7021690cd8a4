// parseByteSize: sizes as transformers' max_shard_size writes them.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/common/text.h"

namespace ladder::text {
namespace {

TEST(ByteSize, ReadsDecimalAndBinaryUnitsAndPlainBytes) {
    EXPECT_EQ(parseByteSize("50GB", "f"), 50'000'000'000);
    EXPECT_EQ(parseByteSize("500MB", "f"), 500'000'000);
    EXPECT_EQ(parseByteSize("20KB", "f"), 20'000);
    EXPECT_EQ(parseByteSize("2GiB", "f"), 2LL * 1024 * 1024 * 1024);
    EXPECT_EQ(parseByteSize("1.5MiB", "f"), 1'572'864);
    EXPECT_EQ(parseByteSize("1TB", "f"), 1'000'000'000'000);
    EXPECT_EQ(parseByteSize("4096", "f"), 4096);
    EXPECT_EQ(parseByteSize("100B", "f"), 100);
}

TEST(ByteSize, AnythingElseIsAnErrorNamingTheField) {
    for (const char* bad : {"", "GB", "5 GB", "five", "-1GB", "0", "5XB", "1e30GB", "5GBs"}) {
        try {
            (void)parseByteSize(bad, "checkpoint.max_shard_size");
            ADD_FAILURE() << "accepted `" << bad << "`";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("checkpoint.max_shard_size"), std::string::npos)
                << e.what();
        }
    }
}

}  // namespace
}  // namespace ladder::text
