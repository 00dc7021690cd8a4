// The demo on real models: three tiny models trained here to different strengths answer every
// prompt, and their answers make the ladder "local" with pairs and curricula, beside the simulated
// ladder; an existing workspace is not overwritten unless asked.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/pairs/ladder.h"
#include "core/store/workspace.h"
#include "core/train/local_demo.h"
#include "tests/support/test_support.h"

namespace ladder::train {
namespace {

TEST(LocalDemo, ThreeTrainedModelsAnswerEveryPromptAndMakeALadder) {
    test::TempDir dir;
    LocalDemoOptions options;
    options.world.prompts = 60;
    options.world.seed = 9;
    options.world.heldoutFraction = 0.2;
    options.models = {{"big", 60, {}}, {"mid", 12, {}}, {"little", 2, {"medium>weak"}}};
    options.maxNewTokens = 12;
    std::vector<std::string> lines;
    const auto summary =
        buildLocalDemo(dir / "l.ladder", options, [&](const std::string& l) { lines.push_back(l); });
    ASSERT_EQ(summary.models.size(), 3u);
    for (const auto& m : summary.models) {
        EXPECT_GT(m.runId, 0) << m.name;
        EXPECT_EQ(m.answers, 60) << m.name;
    }
    EXPECT_FALSE(lines.empty());
    auto ws = store::Workspace::open(dir / "l.ladder");
    for (const char* source : {"big", "mid", "little"}) {
        EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM responses r JOIN sources s ON "
                                     "s.id = r.source_id WHERE s.name = '" + std::string(source) + "'"),
                  60)
            << source;
    }
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM runs WHERE status = 'finished'"), 3);
    const auto ladder = pairs::loadLadder(ws.db(), kLocalLadder);
    EXPECT_EQ(ladder.describe(), "big > mid > little");
    EXPECT_EQ(summary.pairs.tiers.size(), 3u);
    EXPECT_GT(summary.pairs.pairs, 0);
    EXPECT_EQ(ws.db().queryInt64("SELECT count(*) FROM pairs WHERE ladder_id = " +
                                 std::to_string(ladder.id)),
              summary.pairs.pairs);
    EXPECT_FALSE(summary.curricula.empty());
    EXPECT_NE(renderLocalDemoSummary(summary).find("ladder local: big > mid > little"),
              std::string::npos);
    // The simulated ladder is still there, and the file is not made again over it.
    EXPECT_NO_THROW((void)pairs::loadLadder(ws.db(), "demo"));
    EXPECT_THROW((void)buildLocalDemo(dir / "l.ladder", options), Error);
}

}  // namespace
}  // namespace ladder::train
