// Whether weight files fit a model, judged from the files' headers alone: every weight present
// once, with the model's shape and a floating dtype, and nothing the model has no place for. No
// LibTorch, so a config.json is checked against the weights before anything is allocated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/model/model_config.h"
#include "core/model/safetensors_header.h"

namespace ladder::model {

struct FoundWeight {
    std::size_t fileIndex = 0;  // which of the files holds it
    std::string fileName;       // that file's name, for messages
    std::string nameInFile;     // GPT-2 files may leave out "transformer."
    std::string dtype;
    std::vector<std::int64_t> shape;
};
// The tensors of the files, by the name the model gives them.
using FoundWeights = std::map<std::string, FoundWeight>;

// Adds one tensor of file number fileIndex. Throws ladder::Error when another file has it too.
void addFoundWeight(FoundWeights& found, const ModelConfig& config,
                    const SafetensorsTensorInfo& tensor, const std::filesystem::path& file,
                    std::size_t fileIndex);

// Throws ladder::Error listing the weights of `expected` that are missing, of another shape or
// not floating point, and (unless ignoreUnexpected) tensors the model has no place for. where:
// the files, for messages. configSource: the config.json `expected` was made from by
// weightShapes(), so that a wrong shape names the config field that makes it; empty when the
// shapes come from a model that was built already.
void checkWeightsFit(const std::vector<WeightShape>& expected, const FoundWeights& found,
                     const ModelConfig& config, const std::string& where,
                     const std::string& configSource, bool ignoreUnexpected);

}  // namespace ladder::model
