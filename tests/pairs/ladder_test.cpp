// Ladders: parsing with ties, validation, storage, and the tiers they make.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/pairs/ladder.h"
#include "tests/pairs/pairs_fixtures.h"

namespace ladder::pairs {
namespace {

TEST(Ladder, TokensAreRanksAndEqualsJoinsTiedSources) {
    const Ladder l = parseLadder("main", std::vector<std::string>{"a", "b=c", "d"});
    ASSERT_EQ(l.rungs.size(), 4u);
    EXPECT_EQ(*l.rankOf("a"), 1);
    EXPECT_EQ(*l.rankOf("b"), 2);
    EXPECT_EQ(*l.rankOf("c"), 2);
    EXPECT_EQ(*l.rankOf("d"), 3);
    EXPECT_EQ(l.describe(), "a > b = c > d");
    EXPECT_EQ(l.maxGap(), 2);
    EXPECT_EQ(parseLadder("x", " a > b = c > d ").describe(), "a > b = c > d");
}

TEST(Ladder, RepeatedSourcesSingleRanksAndEmptyNamesAreRefused) {
    EXPECT_THROW(parseLadder("x", "a > b > a"), Error);
    EXPECT_THROW(parseLadder("x", "a = b"), Error);
    EXPECT_THROW(parseLadder("x", "a > = b"), Error);
    EXPECT_THROW(parseLadder("", "a > b"), Error);
}

TEST(Ladder, TiedSourcesMakeNoTierAndTiersComeEasiestFirst) {
    const auto tiers = tiersOf(parseLadder("x", "a > b = c > d"));
    std::vector<std::string> names;
    for (const auto& t : tiers) names.push_back(t.name);
    // b = c is a tie: no b>c or c>b tier.
    EXPECT_EQ(names, (std::vector<std::string>{"a>d", "a>b", "a>c", "b>d", "c>d"}));
    EXPECT_EQ(tiers[0].rankGap, 2);
    EXPECT_DOUBLE_EQ(tiers[0].difficulty, 0.0);
    EXPECT_DOUBLE_EQ(tiers[1].difficulty, 1.0);
}

TEST(Ladder, DifficultyIsLinearInTheRankGap) {
    EXPECT_DOUBLE_EQ(difficultyOf(3, 3), 0.0);
    EXPECT_DOUBLE_EQ(difficultyOf(2, 3), 0.5);
    EXPECT_DOUBLE_EQ(difficultyOf(1, 3), 1.0);
    EXPECT_DOUBLE_EQ(difficultyOf(1, 1), 0.0);  // one gap only: nothing is harder
}

TEST(Ladder, StoredLaddersNeedImportedSourcesAndKeepTheirIdWhenReplaced) {
    test::WorkspaceFixture f;
    test::importAnswers(f, "big", {{"q", "a"}});
    test::importAnswers(f, "small", {{"q", "b"}});
    try {
        saveLadder(f.db(), parseLadder("main", "big > tiny"));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no answers from tiny"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("big, small"), std::string::npos) << e.what();
    }
    const auto id = saveLadder(f.db(), parseLadder("main", "big > small"));
    const auto again = saveLadder(f.db(), parseLadder("main", "small > big"));
    EXPECT_EQ(id, again);
    const Ladder loaded = loadLadder(f.db(), "main");
    EXPECT_EQ(loaded.describe(), "small > big");
    EXPECT_EQ(listLadders(f.db()).size(), 1u);
    EXPECT_THROW((void)loadLadder(f.db(), "other"), Error);
    deleteLadder(f.db(), "main");
    EXPECT_TRUE(listLadders(f.db()).empty());
}

}  // namespace
}  // namespace ladder::pairs
