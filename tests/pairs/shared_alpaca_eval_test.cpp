// The acceptance check on the real AlpacaEval outputs in ../shared (skipped without it):
// four model_outputs files and two judge files imported, pairs built with the ladder
// gpt4 > gpt-3.5-turbo-0301 > text_davinci_003 > text_davinci_001. Expected figures come from
// tests/pairs/reference/alpaca_eval_pairs.py, which recomputes them without Ladder.
#include <gtest/gtest.h>

#include "core/data/dataset_import.h"
#include "core/pairs/judge_agreement.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_builder.h"
#include "tests/data/data_fixtures.h"

namespace ladder::pairs {
namespace {

struct ExpectedTier {
    const char* tier;
    std::int64_t pairs, train, heldout, missing, empty, identical, duplicate;
};

// python3 tests/pairs/reference/alpaca_eval_pairs.py ../shared/data/alpaca_eval
constexpr ExpectedTier kExpected[] = {
    {"gpt4>text_davinci_001", 794, 755, 39, 2, 0, 9, 0},
    {"gpt4>text_davinci_003", 749, 710, 39, 0, 2, 10, 44},
    {"gpt-3.5-turbo-0301>text_davinci_001", 796, 755, 41, 2, 0, 2, 5},
    {"gpt4>gpt-3.5-turbo-0301", 798, 757, 41, 0, 0, 6, 1},
    {"gpt-3.5-turbo-0301>text_davinci_003", 746, 707, 39, 0, 2, 3, 54},
    {"text_davinci_003>text_davinci_001", 749, 710, 39, 2, 0, 53, 1},
};

std::int64_t dropped(const TierReport& t, const char* reason) {
    const auto it = t.dropped.find(reason);
    return it == t.dropped.end() ? 0 : it->second;
}

TEST(SharedAlpacaEval, PairsPerTierDropReasonsMatchesAndJudgeAgreement) {
    LADDER_REQUIRE_SHARED("data/alpaca_eval/text_davinci_001.model_outputs.json");
    const auto root = test::sharedDir() / "data" / "alpaca_eval";
    test::WorkspaceFixture f;
    const std::vector<std::string> ladder = {"gpt4", "gpt-3.5-turbo-0301", "text_davinci_003",
                                             "text_davinci_001"};
    for (const auto& source : ladder) {
        const auto r = data::importFile(f.db(), root / (source + ".model_outputs.json"));
        EXPECT_EQ(r.format, "alpaca-eval");
        if (source == "text_davinci_001") {
            // Another row order and two prompts fewer: all 803 answers still find their prompt.
            EXPECT_EQ(r.rows, 803);
            EXPECT_EQ(r.matchedPrompts, 803);
            EXPECT_EQ(r.newPrompts, 0);
        }
    }
    for (const char* judged : {"gpt-3.5-turbo-0301", "text_davinci_001"}) {
        const auto r =
            data::importFile(f.db(), root / (std::string(judged) + ".annotations_gpt4_judge.json"));
        EXPECT_EQ(r.format, "alpaca-eval-annotations");
        EXPECT_EQ(r.verdicts, 805);
        EXPECT_EQ(r.newPrompts, 0);
    }
    EXPECT_EQ(f.count("SELECT count(*) FROM prompts"), 805);
    EXPECT_EQ(f.count("SELECT count(*) FROM responses r JOIN sources s ON s.id = r.source_id "
                      "JOIN datasets d ON d.id = r.dataset_id WHERE s.name = 'text_davinci_001' "
                      "AND d.kind = 'responses' AND EXISTS (SELECT 1 FROM responses g JOIN sources "
                      "gs ON gs.id = g.source_id WHERE gs.name = 'gpt4' AND g.prompt_id = "
                      "r.prompt_id)"),
              803);

    std::vector<std::string> tokens(ladder.begin(), ladder.end());
    saveLadder(f.db(), parseLadder("alpaca", tokens));
    const auto report = PairBuilder(f.db(), "alpaca").build();
    std::printf("%s", renderPreflightReport(report).c_str());
    ASSERT_EQ(report.tiers.size(), std::size(kExpected));
    std::int64_t total = 0;
    for (std::size_t i = 0; i < report.tiers.size(); ++i) {
        const TierReport& t = report.tiers[i];
        const ExpectedTier& e = kExpected[i];
        SCOPED_TRACE(e.tier);
        EXPECT_EQ(t.tier, e.tier);
        EXPECT_EQ(t.pairs, e.pairs);
        EXPECT_EQ(t.train, e.train);
        EXPECT_EQ(t.heldout, e.heldout);
        EXPECT_EQ(dropped(t, kDropMissingAnswer), e.missing);
        EXPECT_EQ(dropped(t, kDropEmpty), e.empty);
        EXPECT_EQ(dropped(t, kDropIdentical), e.identical);
        EXPECT_EQ(dropped(t, kDropDuplicate), e.duplicate);
        total += e.pairs;
    }
    EXPECT_EQ(report.pairs, total);
    EXPECT_EQ(f.count("SELECT count(*) FROM pairs WHERE ladder_id IS NOT NULL"), total);

    const auto agreement = judgeAgreement(f.db(), "alpaca");
    std::printf("%s", renderJudgeAgreement(agreement).c_str());
    ASSERT_EQ(agreement.tiers.size(), 2u);
    const TierAgreement& chatgpt = agreement.tiers[0];
    EXPECT_EQ(chatgpt.tier, "gpt-3.5-turbo-0301>text_davinci_003");
    EXPECT_EQ(chatgpt.verdicts, 805);
    EXPECT_EQ(chatgpt.agree, 716);  // the judge prefers ChatGPT in 716 of 805
    EXPECT_EQ(chatgpt.disagree, 83);
    EXPECT_EQ(chatgpt.ties, 5);
    EXPECT_EQ(chatgpt.undecided, 1);
    const TierAgreement& davinci = agreement.tiers[1];
    EXPECT_EQ(davinci.tier, "text_davinci_003>text_davinci_001");
    EXPECT_EQ(davinci.verdicts, 805);
    EXPECT_EQ(davinci.disagree, 112);  // ... and text_davinci_001 in 112 of 805
    EXPECT_EQ(davinci.agree, 672);
    EXPECT_EQ(davinci.ties, 20);  // AlpacaEval's old 0 verdicts: draws, as it counts them
    EXPECT_EQ(davinci.undecided, 1);
    EXPECT_EQ(agreement.disagreements.size(), 83u + 112u);
}

}  // namespace
}  // namespace ladder::pairs
