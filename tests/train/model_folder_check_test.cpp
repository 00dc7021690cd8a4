// Checking a model folder before training from it: a complete folder passes with a summary, and
// each missing or mismatched part is named.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/model/checkpoint.h"
#include "core/model/model_config.h"
#include "core/train/model_folder_check.h"
#include "tests/support/test_support.h"

namespace ladder::train {
namespace {

bool anyContains(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& l : lines) {
        if (l.find(part) != std::string::npos) return true;
    }
    return false;
}

// A one-layer byte-vocabulary model saved into folder, with the file checkpoints write for the
// byte tokenizer.
model::ModelConfig saveSmallModel(const std::filesystem::path& folder) {
    auto config = model::ModelConfig::tiny();
    config.hiddenSize = 32;
    config.numLayers = 1;
    config.numHeads = 2;
    config.numKvHeads = 2;
    config.intermediateSize = 64;
    model::savePretrained(*model::buildModel(config, torch::kCPU, torch::kFloat), folder);
    test::writeFile(folder / "ladder_tokenizer.txt", "byte\n");
    return config;
}

TEST(ModelFolderCheck, ACompleteFolderPassesWithASummary) {
    test::TempDir dir;
    saveSmallModel(dir.path());
    const auto check = checkModelFolder(dir.path());
    EXPECT_TRUE(check.ok) << (check.problems.empty() ? "" : check.problems.front());
    EXPECT_NE(check.summary.find("1 layers, d 32, vocab 259"), std::string::npos) << check.summary;
    EXPECT_NE(check.summary.find("1 weight file"), std::string::npos) << check.summary;
    EXPECT_NE(check.summary.find("tokenizer byte (259 tokens)"), std::string::npos) << check.summary;
}

// The launcher checks a folder the moment it is chosen: a config.json that is not the weights'
// is named there, from the headers, instead of when a run builds the model.
TEST(ModelFolderCheck, AConfigThatDisagreesWithTheWeightsNamesTheField) {
    test::TempDir dir;
    auto config = saveSmallModel(dir.path());
    config.intermediateSize = 128;
    model::writeConfigJson(config, dir / "config.json");
    const auto check = checkModelFolder(dir.path());
    EXPECT_FALSE(check.ok);
    EXPECT_TRUE(anyContains(check.problems, "config.json's intermediate_size 128 makes it"))
        << (check.problems.empty() ? "" : check.problems.front());
}

TEST(ModelFolderCheck, AnEmptyFolderNamesConfigWeightsAndTokenizer) {
    test::TempDir dir;
    const auto check = checkModelFolder(dir.path());
    EXPECT_FALSE(check.ok);
    EXPECT_EQ(check.problems.size(), 3u);
    EXPECT_TRUE(anyContains(check.problems, "config.json"));
    EXPECT_TRUE(anyContains(check.problems, "tokenizer.json"));
}

TEST(ModelFolderCheck, ATokenizerLargerThanTheModelsVocabularyIsAProblem) {
    test::TempDir dir;
    auto config = model::ModelConfig::tiny();
    config.vocabSize = 200;  // the byte tokenizer needs 259
    config.bosTokenId = -1;
    config.eosTokenIds.clear();
    config.padTokenId = -1;
    model::writeConfigJson(config, dir / "config.json");
    test::writeFile(dir / "ladder_tokenizer.txt", "byte\n");
    const auto check = checkModelFolder(dir.path());
    EXPECT_FALSE(check.ok);
    EXPECT_TRUE(anyContains(check.problems, "200")) << check.problems.front();
    // The config itself is fine: no problem names its file.
    EXPECT_FALSE(anyContains(check.problems, (dir / "config.json").string()));
}

TEST(ModelFolderCheck, NotAFolderSaysWhatToChoose) {
    test::TempDir dir;
    test::writeFile(dir / "file.txt", "x");
    const auto check = checkModelFolder(dir / "file.txt");
    EXPECT_FALSE(check.ok);
    ASSERT_EQ(check.problems.size(), 1u);
    EXPECT_NE(check.problems[0].find("not a folder"), std::string::npos);
}

}  // namespace
}  // namespace ladder::train
