// Per-pair dynamics: margins at each evaluation say which pairs a run learned (and when), never
// learned, forgot, or had right from the start; counted per tier and source; listed by ladder-cli.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/demo/demo_workspace.h"
#include "core/pairs/pair_dynamics.h"
#include "core/pairs/pair_query.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::pairs {
namespace {

using Margins = std::vector<std::pair<std::int64_t, double>>;

TEST(PairDynamics, MarginsAtEachEvaluationSayWhenAPairWasLearned) {
    std::int64_t at = -1;
    EXPECT_EQ(classify({{10, -0.2}, {20, -0.1}, {30, -0.3}}), PairLearning::NeverLearned);
    EXPECT_EQ(classify({{10, -0.2}, {20, 0.1}, {30, 0.3}}, &at), PairLearning::LearnedAt);
    EXPECT_EQ(at, 20);
    // Right, wrong again, then right for good: learned where it stayed right.
    EXPECT_EQ(classify({{10, -0.2}, {20, 0.1}, {30, -0.1}, {40, 0.2}, {50, 0.4}}, &at), PairLearning::LearnedAt);
    EXPECT_EQ(at, 40);
    EXPECT_EQ(classify({{10, 0.2}, {20, 0.3}, {30, -0.05}}), PairLearning::Forgotten);
    EXPECT_EQ(classify({{10, 0.2}, {20, 0.3}}), PairLearning::RightFromTheStart);
    EXPECT_EQ(classify({{10, 0.0}, {20, 0.0}}), PairLearning::NeverLearned);  // a tie is not right
}

class PairDynamicsStore : public ::testing::Test {
protected:
    void SetUp() override {
        m_path = m_dir / "demo.ladder";
        demo::initWorkspace(m_path, {.prompts = 60, .seed = 2});
        auto ws = store::Workspace::open(m_path);
        store::NewRun row;
        row.name = "r";
        row.method = "dpo";
        row.configJson = "{}";
        m_run = store::RunStore(ws.db()).create(row);
        auto s = ws.db().prepare("SELECT id, tier, split FROM pairs ORDER BY id LIMIT 400");
        while (s.step()) {
            (s.text(2) == "heldout" ? m_heldout : m_train).push_back({s.int64(0), s.text(1)});
        }
    }
    test::TempDir m_dir;
    std::filesystem::path m_path;
    std::int64_t m_run = 0;
    std::vector<std::pair<std::int64_t, std::string>> m_train, m_heldout;
};

TEST_F(PairDynamicsStore, StoredMarginsAreReadBackPerPairAndCountedPerTier) {
    ASSERT_GE(m_train.size(), 4u);
    ASSERT_GE(m_heldout.size(), 1u);
    auto ws = store::Workspace::open(m_path);
    // Training pair 0 learned at step 20, 1 never, 2 forgotten, 3 right from the start; the
    // held-out pair learned at 30. Step 20 is written twice: the second replaces the first.
    const auto a = m_train[0].first, b = m_train[1].first, c = m_train[2].first, d = m_train[3].first;
    const auto h = m_heldout[0].first;
    savePairMarginStep(ws.db(), m_run, 10, {{a, -1}, {b, -1}, {c, 1}, {d, 1}, {h, -1}});
    savePairMarginStep(ws.db(), m_run, 20, {{a, -5}, {b, 5}, {c, 5}, {d, 5}, {h, -5}});
    savePairMarginStep(ws.db(), m_run, 20, {{a, 1}, {b, -1}, {c, 1}, {d, 1}, {h, -1}});
    savePairMarginStep(ws.db(), m_run, 30, {{a, 1}, {b, -1}, {c, -1}, {d, 1}, {h, 1}, {999999, 1}});
    const auto all = pairDynamics(ws.db(), m_run);
    ASSERT_EQ(all.size(), 5u);  // the unknown pair 999999 left out
    for (const auto& p : all) {
        ASSERT_EQ(p.margins.size(), 3u);
        if (p.pairId == a) {
            EXPECT_EQ(p.learning, PairLearning::LearnedAt);
            EXPECT_EQ(p.learnedAt, 20);
        }
        if (p.pairId == b) EXPECT_EQ(p.learning, PairLearning::NeverLearned);
        if (p.pairId == c) EXPECT_EQ(p.learning, PairLearning::Forgotten);
        if (p.pairId == d) EXPECT_EQ(p.learning, PairLearning::RightFromTheStart);
        if (p.pairId == h) {
            EXPECT_TRUE(p.heldOut);
            EXPECT_EQ(p.learnedAt, 30);
        }
    }
    std::int64_t counted = 0, learned = 0, never = 0, forgotten = 0, right = 0;
    for (const auto& g : learnability(all, /*bySource=*/false, /*heldOut=*/false)) {
        counted += g.pairs;
        learned += g.learned;
        never += g.neverLearned;
        forgotten += g.forgotten;
        right += g.rightFromTheStart;
    }
    EXPECT_EQ(counted, 4);
    EXPECT_EQ(learned + never + forgotten + right, 4);
    EXPECT_EQ(learned, 1);
    EXPECT_EQ(forgotten, 1);
    const auto bySource = learnability(all, /*bySource=*/true, /*heldOut=*/true);
    ASSERT_EQ(bySource.size(), 1u);
    EXPECT_EQ(bySource[0].learned, 1);

    // ladder-cli pairs dynamics says the same.
    const auto cli = test::runLadderCli(m_dir.path(), "pairs dynamics -w demo.ladder --run " +
                                                          std::to_string(m_run) + " --list forgotten");
    ASSERT_EQ(cli.exitCode, 0) << cli.output;
    EXPECT_NE(cli.output.find("training (a fixed sample) pairs by tier"), std::string::npos) << cli.output;
    EXPECT_NE(cli.output.find("pair " + std::to_string(c) + " (" + m_train[2].second + "): 10:+1.000 20:+1.000 30:-1.000"),
              std::string::npos) << cli.output;
}

// The browser's Learning filter (issue 16): findPairIds keeps the pairs whose margins in the run
// classify so, by pair id, with the other filters still applying.
TEST_F(PairDynamicsStore, LearningFilterListsThePairsWhoseMarginsClassifySo) {
    ASSERT_GE(m_train.size(), 6u);
    auto ws = store::Workspace::open(m_path);
    // a and the held-out h learned (at 20 and 30), b and b2 never, c forgotten, d right from the
    // start; e measured once only, so in no state.
    const auto a = m_train[0].first, b = m_train[1].first, b2 = m_train[2].first;
    const auto c = m_train[3].first, d = m_train[4].first, e = m_train[5].first;
    const auto h = m_heldout[0].first;
    savePairMarginStep(ws.db(), m_run, 10,
                       {{a, -1}, {b, -1}, {b2, 0}, {c, 1}, {d, 1}, {e, -1}, {h, -1}});
    savePairMarginStep(ws.db(), m_run, 20, {{a, 1}, {b, -2}, {b2, 0}, {c, 1}, {d, 2}, {h, -1}});
    savePairMarginStep(ws.db(), m_run, 30, {{a, 1}, {b, -1}, {b2, -3}, {c, -1}, {d, 1}, {h, 1}});
    auto listed = [&](PairLearning learning, const std::string& split = "") {
        PairFilter f;
        f.learning = learning;
        f.learningRunId = m_run;
        f.split = split;
        return findPairIds(ws.db(), f);
    };
    auto sorted = [](std::vector<std::int64_t> ids) {
        std::sort(ids.begin(), ids.end());
        return ids;
    };
    EXPECT_EQ(listed(PairLearning::LearnedAt), sorted({a, h}));
    EXPECT_EQ(listed(PairLearning::NeverLearned), sorted({b, b2}));
    EXPECT_EQ(listed(PairLearning::Forgotten), std::vector<std::int64_t>{c});
    EXPECT_EQ(listed(PairLearning::RightFromTheStart), std::vector<std::int64_t>{d});
    EXPECT_EQ(listed(PairLearning::LearnedAt, "heldout"), std::vector<std::int64_t>{h});
    EXPECT_EQ(listed(PairLearning::LearnedAt, "train"), std::vector<std::int64_t>{a});

    // Another run judges by its own margins: none stored, no pair in any state.
    store::NewRun other;
    other.name = "other";
    other.method = "dpo";
    other.configJson = "{}";
    const auto otherRun = store::RunStore(ws.db()).create(other);
    PairFilter f;
    f.learning = PairLearning::NeverLearned;
    f.learningRunId = otherRun;
    EXPECT_TRUE(findPairIds(ws.db(), f).empty());
    f.learningRunId = otherRun + 100;
    EXPECT_NE(test::errorOf([&] { (void)findPairIds(ws.db(), f); })
                  .find("no run " + std::to_string(otherRun + 100) +
                        " in this workspace to filter pairs by what it learned"),
              std::string::npos);
}

TEST_F(PairDynamicsStore, ANonFiniteMarginStoresNothing) {
    auto ws = store::Workspace::open(m_path);
    const auto message = test::errorOf([&] {
        savePairMarginStep(ws.db(), m_run, 10, {{m_train[0].first, 1.0}, {m_train[1].first, std::nan("")}});
    });
    EXPECT_NE(message.find("the margin of pair " + std::to_string(m_train[1].first) + " is not a finite number"),
              std::string::npos) << message;
    EXPECT_TRUE(pairDynamics(ws.db(), m_run).empty());
}

}  // namespace
}  // namespace ladder::pairs
