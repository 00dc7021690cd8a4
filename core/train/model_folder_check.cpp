#include "core/train/model_folder_check.h"

#include <memory>
#include <optional>

#include "core/model/checkpoint.h"
#include "core/model/model_config.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/training_checkpoint.h"

namespace ladder::train {
namespace fs = std::filesystem;

ModelFolderCheck checkModelFolder(const fs::path& folder) {
    ModelFolderCheck out;
    if (!fs::is_directory(folder)) {
        out.problems.push_back(folder.string() + " is not a folder: choose the folder that holds "
                               "config.json");
        return out;
    }
    std::optional<model::ModelConfig> config;
    try {
        config = model::readConfigJson(folder / "config.json");
        config->validate((folder / "config.json").string());
    } catch (const std::exception& e) {
        config.reset();
        out.problems.push_back(e.what());
    }
    std::size_t weights = 0;
    try {
        const auto files = model::weightFiles(folder);
        weights = files.size();
        if (config) model::checkWeightsFitConfig(*config, files, (folder / "config.json").string());
    } catch (const std::exception& e) {
        out.problems.push_back(e.what());
    }
    std::unique_ptr<tokenizer::Tokenizer> tok;
    try {
        tok = tokenizer::loadModelTokenizer(folder);
    } catch (const std::exception& e) {
        out.problems.push_back(e.what());
    }
    if (config && tok) {
        try {
            tok->checkFitsModel(static_cast<int>(config->vocabSize), folder.filename().string());
        } catch (const std::exception& e) {
            out.problems.push_back(e.what());
        }
    }
    if (config) {
        out.summary = std::string(model::toString(config->family)) + " (" + config->modelType + "), " +
                      std::to_string(config->numLayers) + " layers, d " +
                      std::to_string(config->hiddenSize) + ", vocab " +
                      std::to_string(config->vocabSize);
        const std::string attention = model::attentionText(*config);
        if (!attention.empty()) out.summary += ", " + attention;
    }
    if (weights > 0) {
        out.summary += (out.summary.empty() ? "" : "; ") + std::to_string(weights) + " weight file" +
                       (weights == 1 ? "" : "s");
    }
    if (tok) {
        out.summary += (out.summary.empty() ? "" : "; ") + std::string("tokenizer ") + tok->kind() +
                       " (" + std::to_string(tok->vocabSize()) + " tokens)";
    }
    out.ok = out.problems.empty();
    return out;
}

}  // namespace ladder::train
