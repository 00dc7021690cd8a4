// Run presets: every shipped preset is a valid run config, presets are found in the source tree
// from a build folder, and a user's folder cannot shadow a name found earlier.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/train/run_config.h"
#include "core/train/run_presets.h"
#include "tests/support/test_support.h"

namespace ladder::train {
namespace {
namespace fs = std::filesystem;

TEST(RunPresets, TheSourceTreeFolderIsFoundFromTheBuildFolder) {
    const auto folders = presetFolders();
    const fs::path source = (test::sourceDir() / "resources" / "presets").lexically_normal();
    EXPECT_NE(std::find(folders.begin(), folders.end(), source), folders.end());
}

TEST(RunPresets, EveryShippedPresetParsesAndOnlyTheHuggingFaceOnesNeedAFolder) {
    const auto presets = listRunPresets({test::sourceDir() / "resources" / "presets"});
    std::vector<std::string> names;
    for (const auto& p : presets) names.push_back(p.name);
    for (const char* expected : {"demo-sft", "demo-dpo-easy", "demo-dpo-hard", "demo-dpo-curriculum",
                                 "demo-slic", "hf-sft", "hf-dpo"}) {
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    }
    for (const auto& p : presets) {
        const RunConfig c = loadRunConfig(p.path.string());
        const auto problems = validate(c);
        if (c.model.kind == "pretrained") {
            ASSERT_EQ(problems.size(), 1u) << p.name;
            EXPECT_NE(problems[0].find("Hugging Face folder"), std::string::npos) << problems[0];
        } else {
            EXPECT_TRUE(problems.empty()) << p.name << ": " << problems.front();
        }
        if (p.name.rfind("demo-dpo", 0) == 0 || p.name == "demo-slic") {
            // The paper's runs start from the SFT model: the latest finished SFT run.
            EXPECT_EQ(c.model.kind, "run") << p.name;
            EXPECT_EQ(c.model.runId, kLatestSftRun) << p.name;
        }
    }
    const auto easy = loadRunConfig((test::sourceDir() / "resources/presets/demo-dpo-easy.json").string());
    EXPECT_EQ(easy.data.tiers, std::vector<std::string>{"strong>weak"});
    const auto curriculum =
        loadRunConfig((test::sourceDir() / "resources/presets/demo-dpo-curriculum.json").string());
    EXPECT_EQ(curriculum.data.curriculum, "easy-then-hard");
}

TEST(RunPresets, FirstFolderWinsAndTitlesComeFromTheConfigName) {
    test::TempDir dir;
    test::writeFile(dir / "a" / "mine.json", R"({"name": "My DPO", "method": "dpo"})");
    test::writeFile(dir / "b" / "mine.json", R"({"name": "shadowed", "method": "sft"})");
    test::writeFile(dir / "b" / "broken.json", "{ not json");
    test::writeFile(dir / "b" / "notes.txt", "not a preset");
    const auto presets = listRunPresets({dir / "a", dir / "b", dir / "missing"});
    ASSERT_EQ(presets.size(), 2u);
    EXPECT_EQ(presets[0].name, "broken");
    EXPECT_EQ(presets[0].title, "broken");
    EXPECT_EQ(presets[1].name, "mine");
    EXPECT_EQ(presets[1].title, "My DPO");
    EXPECT_EQ(presets[1].path, dir / "a" / "mine.json");
}

}  // namespace
}  // namespace ladder::train
