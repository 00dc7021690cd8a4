// checkFitsModel and loadTokenizer: the parts of the interface that do not depend on the kind.
#include "core/tokenizer/tokenizer.h"

#include "core/common/error.h"
#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/byte_tokenizer.h"
#include "core/tokenizer/vocab_files.h"

namespace ladder::tokenizer {
namespace fs = std::filesystem;

void Tokenizer::checkFitsModel(int modelVocabSize, const std::string& modelName) const {
    if (vocabSize() <= modelVocabSize) return;
    throw Error(source() + " has " + std::to_string(vocabSize()) + " tokens but " + modelName +
                " says vocab_size " + std::to_string(modelVocabSize) +
                ": this tokenizer does not belong to that model; pick the tokenizer.json from the "
                "same folder as the model's config.json");
}

std::unique_ptr<Tokenizer> loadTokenizer(const fs::path& fileOrFolder) {
    if (fileOrFolder == "byte" && !fs::exists(fileOrFolder)) {
        return std::make_unique<ByteTokenizer>();
    }
    if (fileOrFolder.empty()) {
        throw Error("no tokenizer given: name a tokenizer.json, the folder that holds it, or "
                    "\"byte\" for the byte tokenizer");
    }
    fs::path file = fileOrFolder;
    if (fs::is_directory(fileOrFolder)) {
        file = fileOrFolder / "tokenizer.json";
        if (!fs::exists(file) && hasVocabFiles(fileOrFolder)) {
            return std::make_unique<BpeTokenizer>(BpeTokenizer::fromVocabFiles(fileOrFolder));
        }
        if (!fs::exists(file)) {
            throw Error("the folder " + fileOrFolder.string() +
                        " has no tokenizer.json (nor vocab.json + merges.txt): download the "
                        "model's tokenizer.json into that folder");
        }
    }
    return std::make_unique<BpeTokenizer>(BpeTokenizer::fromFile(file));
}

std::unique_ptr<Tokenizer> loadModelTokenizer(const fs::path& folder) {
    if (fs::is_regular_file(folder / kByteTokenizerMarker)) return std::make_unique<ByteTokenizer>();
    if (fs::is_regular_file(folder / "tokenizer.json")) return loadTokenizer(folder / "tokenizer.json");
    if (hasVocabFiles(folder)) return loadTokenizer(folder);
    throw Error(folder.string() + " has no tokenizer.json: copy the tokenizer of the model into it");
}

std::function<std::size_t(std::string_view)> tokenCounter(const fs::path& fileOrFolder) {
    std::shared_ptr<Tokenizer> tokenizer =
        fs::is_directory(fileOrFolder) ? loadModelTokenizer(fileOrFolder) : loadTokenizer(fileOrFolder);
    return [tokenizer](std::string_view text) { return tokenizer->encode(text).size(); };
}

}  // namespace ladder::tokenizer
