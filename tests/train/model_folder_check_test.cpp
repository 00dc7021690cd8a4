// Checking a model folder before training from it: a complete folder passes with a summary, and
// each missing or mismatched part is named.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/model/checkpoint.h"
#include "core/model/model_config.h"
#include "core/model/safetensors.h"
#include "core/train/model_folder_check.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/training_checkpoint.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_run.h"

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
    const auto config = test::smallModelConfig();
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
// Qwen2.5 ships vocab.json + merges.txt without tokenizer.json: such a folder passes the check,
// and a checkpoint of a run on it carries those files and reads them back.
TEST(ModelFolderCheck, AVocabAndMergesFolderPassesAndItsCheckpointKeepsThem) {
    test::TempDir dir;
    const auto folder = dir / "model";
    saveSmallModel(folder);
    std::filesystem::remove(folder / "ladder_tokenizer.txt");
    test::writeByteVocab(folder);
    const auto check = checkModelFolder(folder);
    EXPECT_TRUE(check.ok) << (check.problems.empty() ? "" : check.problems.front());
    EXPECT_NE(check.summary.find("tokenizer bpe-bytelevel (257 tokens)"), std::string::npos)
        << check.summary;

    const auto tok = tokenizer::loadModelTokenizer(folder);
    const auto model = model::loadPretrained(folder, torch::kCPU, torch::kFloat);
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.1));
    saveTrainingCheckpoint(dir / "checkpoint", *model, optimizer, *tok, TrainerState{});
    EXPECT_TRUE(std::filesystem::is_regular_file(dir / "checkpoint" / "merges.txt"));
    const auto again = tokenizer::loadModelTokenizer(dir / "checkpoint");
    EXPECT_EQ(again->encode("hi<|endoftext|>"), (std::vector<std::int32_t>{'h', 'i', 256}));
}

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

// A quantized checkpoint keeps integer tensors where config.json's model has floating-point
// weights: the folder check and the loading for a run both name the tensor and file and say what
// to do, instead of casting integers into weights.
TEST(ModelFolderCheck, AWeightStoredAsIntegersNamesTensorFileAndWhatToDo) {
    test::TempDir dir;
    saveSmallModel(dir.path());
    const auto file = dir / "model.safetensors";
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    {
        const model::SafetensorsFile weights(file);
        for (const auto& name : weights.names()) {
            auto t = weights.tensor(name);
            if (name == "model.layers.0.mlp.up_proj.weight") t = t.mul(100).to(torch::kInt);
            tensors.emplace_back(name, t);
        }
    }
    model::writeSafetensors(file, tensors);
    const std::string expected =
        "model.layers.0.mlp.up_proj.weight is I32 in model.safetensors, not floating point: "
        "Ladder reads F32, F16, BF16 and F64 weights; a quantized checkpoint (GPTQ, AWQ, "
        "bitsandbytes) must be saved unquantized (float16 or bfloat16) first";
    const auto check = checkModelFolder(dir.path());
    EXPECT_FALSE(check.ok);
    EXPECT_TRUE(anyContains(check.problems, expected))
        << (check.problems.empty() ? "" : check.problems.front());
    const std::string loading =
        test::errorOf([&] { (void)model::loadPretrained(dir.path(), torch::kCPU, torch::kFloat); });
    EXPECT_NE(loading.find(expected), std::string::npos) << loading;
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
    EXPECT_TRUE(anyContains(check.problems, "has 259 tokens but " + dir.path().filename().string() +
                                                " says vocab_size 200: this tokenizer does not "
                                                "belong to that model"))
        << check.problems.front();
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
