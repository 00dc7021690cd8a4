// Helpers for the model tests.
#include "tests/model/model_test_util.h"

#include <algorithm>
#include <cmath>

#include "core/model/safetensors.h"
#include "tests/support/test_support.h"

namespace ladder::model::test {
namespace {

std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

}  // namespace

torch::Tensor hashTensor(std::int64_t index, const std::vector<std::int64_t>& shape, double scale,
                         double offset) {
    std::int64_t n = 1;
    for (const auto d : shape) n *= d;
    std::vector<float> values(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        const auto bits =
            mix(static_cast<std::uint64_t>(index) * 1000003ULL + static_cast<std::uint64_t>(i)) >>
            40;
        const double u = static_cast<double>(bits) / static_cast<double>(1 << 23) - 1.0;
        values[static_cast<std::size_t>(i)] = static_cast<float>(offset + scale * u);
    }
    return torch::tensor(values).reshape(shape);
}

void writeReferenceCheckpoint(const std::filesystem::path& folder, const std::string& configJson,
                              const std::vector<ReferenceTensor>& tensors) {
    ladder::test::writeFile(folder / "config.json", configJson);
    std::vector<ReferenceTensor> sorted = tensors;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return std::string(a.name) < std::string(b.name);
    });
    std::vector<std::pair<std::string, torch::Tensor>> named;
    for (std::size_t k = 0; k < sorted.size(); ++k) {
        named.emplace_back(sorted[k].name, hashTensor(static_cast<std::int64_t>(k), sorted[k].shape,
                                                      sorted[k].scale, sorted[k].offset));
    }
    writeSafetensors(folder / "model.safetensors", named);
}

ModelConfig smallLlamaConfig() {
    ModelConfig c;
    c.family = ModelFamily::Llama;
    c.modelType = "qwen2";
    c.vocabSize = 37;
    c.hiddenSize = 32;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.intermediateSize = 40;
    c.maxPositionEmbeddings = 64;
    c.ropeTheta = 1000.0;
    c.normEps = 1e-5;
    c.attentionBias = true;
    c.bosTokenId = 1;
    c.eosTokenIds = {2};
    c.padTokenId = 0;
    return c;
}

ModelConfig configOf(TestModel model) {
    switch (model) {
        case TestModel::Llama: return smallLlamaConfig();
        case TestModel::Gpt2: return smallGpt2Config();
        case TestModel::MistralWindow:
        case TestModel::Phi3: break;
        case TestModel::Gemma2: {
            ModelConfig c = smallLlamaConfig();
            c.modelType = "gemma2";
            c.gemma = true;
            c.attentionBias = false;
            c.tieWordEmbeddings = true;
            c.slidingWindow = 3;
            c.slidingLayers = {true, false};
            c.queryPreAttnScalar = 4.0;
            c.attnLogitSoftcap = 5.0;
            c.finalLogitSoftcap = 3.0;
            return c;
        }
    }
    ModelConfig c = smallLlamaConfig();
    c.modelType = model == TestModel::Phi3 ? "phi3" : "mistral";
    c.fusedProjections = model == TestModel::Phi3;
    c.attentionBias = false;
    c.slidingWindow = model == TestModel::Phi3 ? 4 : 3;
    return c;
}

const char* toString(TestModel model) {
    switch (model) {
        case TestModel::Llama: return "Llama";
        case TestModel::Gpt2: return "Gpt2";
        case TestModel::MistralWindow: return "MistralWindow";
        case TestModel::Phi3: return "Phi3";
        case TestModel::Gemma2: return "Gemma2";
    }
    return "?";
}

ModelConfig smallGpt2Config() {
    ModelConfig c;
    c.family = ModelFamily::Gpt2;
    c.modelType = "gpt2";
    c.vocabSize = 37;
    c.hiddenSize = 32;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 4;
    c.intermediateSize = 64;
    c.maxPositionEmbeddings = 64;
    c.normEps = 1e-5;
    c.tieWordEmbeddings = true;
    c.attentionBias = c.attentionOutputBias = true;
    c.bosTokenId = 1;
    c.eosTokenIds = {2};
    return c;
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

}  // namespace ladder::model::test
