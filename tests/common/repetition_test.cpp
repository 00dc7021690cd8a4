// text::repeatedNgramShare, the measure of the "answers repeating themselves" alert: rep-3 over
// words, counted by hand on small texts.
#include <gtest/gtest.h>

#include "core/common/text.h"

namespace ladder::text {
namespace {

TEST(RepeatedNgramShare, CountsTheWordTrigramsSeenBeforeInTheText) {
    // "a b c a b c a b c": 7 trigrams (abc bca cab abc bca cab abc), 3 distinct: 1 - 3/7.
    EXPECT_NEAR(repeatedNgramShare("a b c a b c a b c"), 1.0 - 3.0 / 7.0, 1e-12);
    EXPECT_EQ(repeatedNgramShare("the cat sat on the mat"), 0.0);
    // Case and runs of whitespace do not make n-grams differ.
    EXPECT_NEAR(repeatedNgramShare("I see it.\n\ni  SEE it."), 1.0 - 3.0 / 4.0, 1e-12);
    EXPECT_EQ(repeatedNgramShare("too short"), 0.0);
    EXPECT_EQ(repeatedNgramShare(""), 0.0);
    // A loop tends to 1.
    std::string loop;
    for (int i = 0; i < 200; ++i) loop += "I am sorry. ";
    EXPECT_GT(repeatedNgramShare(loop), 0.98);
    // Bigrams when asked.
    EXPECT_NEAR(repeatedNgramShare("a b a b", 2), 1.0 - 2.0 / 3.0, 1e-12);
}

}  // namespace
}  // namespace ladder::text
