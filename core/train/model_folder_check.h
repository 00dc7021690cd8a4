// A quick look at a Hugging Face model folder before training from it: config.json readable and
// supported, weights present, a tokenizer present and fitting the model's vocabulary. Reads no
// weights, so the launcher can run it the moment a folder is chosen. No LibTorch in this header.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ladder::train {

struct ModelFolderCheck {
    bool ok = false;
    std::string summary;                // "llama, 24 layers, d 896, vocab 151,936; 1 weight file"
    std::vector<std::string> problems;  // one line each, saying what to do
};

[[nodiscard]] ModelFolderCheck checkModelFolder(const std::filesystem::path& folder);

}  // namespace ladder::train
